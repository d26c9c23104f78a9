/**
 * What Envoy Gateway's BackendTrafficPolicy (gateway.envoyproxy.io/v1alpha1,
 * Envoy Gateway v1.9.0) accepts for cookie-based consistent hashing, and how
 * Envoy writes that cookie. Pure: no imports.
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/load-balancing/#cookie
 * @see https://github.com/envoyproxy/gateway/blob/v1.9.0/charts/gateway-helm/charts/crds/crds/generated/gateway.envoyproxy.io_backendtrafficpolicies.yaml
 */

/** The Envoy Gateway release whose CRD the output is checked against. */
export const ENVOY_GATEWAY_RELEASE = 'v1.9.0';

/**
 * The kinds a BackendTrafficPolicy may target (its CEL rules), all in the
 * group `gateway.networking.k8s.io`. A Service is not one of them: the policy
 * attaches to the route (or Gateway) in front of it.
 */
export const ENVOY_POLICY_TARGET_KINDS = ['Gateway', 'ListenerSet', 'HTTPRoute', 'GRPCRoute', 'UDPRoute', 'TCPRoute', 'TLSRoute'] as const;

/** The group every BackendTrafficPolicy target must be in. */
export const ENVOY_POLICY_TARGET_GROUP = 'gateway.networking.k8s.io';

/**
 * The `ttl` that makes Envoy generate a session cookie. Without a `ttl`,
 * Envoy generates no cookie at all and only hashes one the client already
 * sends, so a renderer always writes one.
 *
 * @see https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto#config-route-v3-routeaction-hashpolicy-cookie
 */
export const ENVOY_SESSION_COOKIE_TTL = '0s';

/**
 * Envoy always marks the cookie it generates for hashing `HttpOnly`, and
 * writes `Path` only when asked: Envoy Gateway has no `path` field, so a
 * renderer passes `Path`, `Domain`, `SameSite` and `Secure` as the cookie's
 * `attributes` (an attribute with an empty value is written bare, e.g. `Secure`).
 */
export const ENVOY_COOKIE_ALWAYS_HTTP_ONLY = true;

/** Names of the cookie attributes a renderer writes in `cookie.attributes`. */
export const ENVOY_COOKIE_ATTRIBUTES = {
  path: 'Path',
  domain: 'Domain',
  sameSite: 'SameSite',
  secure: 'Secure',
} as const;
