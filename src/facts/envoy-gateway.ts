import { GATEWAY_API_GROUP, routeRuleBackends } from './gateway-api';
import { listOf, manifestName } from './manifests';
import type { FrontDetector, FrontReach } from '../doctor/fronts';

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

/**
 * Envoy Gateway's BackendTrafficPolicy with a cookie hash pins a client to a
 * pod of every backend of the routes it targets.
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/load-balancing/#cookie
 */
export const ENVOY_GATEWAY_DETECTOR: FrontDetector = {
  front: 'envoy-gateway',
  kinds: ['BackendTrafficPolicy'],
  detect(policy, context) {
    if (!String(policy.apiVersion ?? '').startsWith('gateway.envoyproxy.io/') || policy.spec?.loadBalancer?.consistentHash?.type !== 'Cookie') {
      return [];
    }
    const via = `BackendTrafficPolicy ${manifestName(policy)}`;
    const refs = [...listOf(policy.spec.targetRefs), ...(typeof policy.spec.targetRef === 'object' && policy.spec.targetRef !== null ? [policy.spec.targetRef] : [])];
    const out: FrontReach[] = [];
    for (const ref of refs) {
      if ((ref?.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP || typeof ref?.kind !== 'string' || typeof ref.name !== 'string') {
        continue;
      }
      const route = context.find(ref.kind, context.namespace, ref.name);
      for (const rule of listOf(route?.spec?.rules)) {
        for (const backend of routeRuleBackends(rule, context.namespace)) {
          out.push({ ...backend, affinity: `Envoy Gateway cookie hash on ${via}`, bypassesVirtualIp: true, via });
        }
      }
    }
    return out;
  },
};
