import { GATEWAY_API_GROUP, routeRuleBackends } from './gateway-api';
import { listOf, manifestName } from './manifests';
import type { FrontDetector, FrontReach, Manifest, NotCounted } from '../doctor/fronts';

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
 * pod of every backend of the routes it targets, on every path of those
 * routes, when it has a `ttl`: Envoy Gateway passes the `ttl` to Envoy's
 * hash policy only when it is set (internal/xds/translator, buildConsistentHashPolicy),
 * and Envoy generates the cookie only with a `ttl`, so without one a browser
 * never gets the cookie and its requests go to any pod. A `Header` hash
 * pins only the clients that send that header, which a browser does not on
 * its own. Neither is counted; the finding says why.
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/load-balancing/#cookie
 * @see https://www.envoyproxy.io/docs/envoy/latest/api-v3/config/route/v3/route_components.proto#config-route-v3-routeaction-hashpolicy-cookie
 */
export const ENVOY_GATEWAY_DETECTOR: FrontDetector = {
  front: 'envoy-gateway',
  kinds: ['BackendTrafficPolicy'],
  detect(policy, context) {
    const hash = policy.spec?.loadBalancer?.consistentHash;
    const type = hash?.type;
    if (!String(policy.apiVersion ?? '').startsWith('gateway.envoyproxy.io/') || (type !== 'Cookie' && type !== 'Header')) {
      return [];
    }
    const via = `BackendTrafficPolicy ${manifestName(policy)}`;
    let affinity: string;
    let notCounted: NotCounted | undefined;
    if (type === 'Cookie') {
      affinity = `Envoy Gateway cookie hash on ${via}`;
      const cookie = hash.cookie ?? {};
      if (cookie.ttl === undefined || cookie.ttl === null) {
        const name = typeof cookie.name === 'string' ? ` ${cookie.name}` : '';
        notCounted = {
          why: `${via} sets consistentHash.cookie without a ttl, so Envoy never sets the cookie${name} and only hashes one the browser already sends: requests without it go to any pod`,
          fix: `set consistentHash.cookie.ttl on ${via} ("${ENVOY_SESSION_COOKIE_TTL}" for a session cookie), so that Envoy sets the cookie`,
        };
      }
    } else {
      affinity = `Envoy Gateway header hash on ${via}`;
      const name = typeof hash.header?.name === 'string' ? ` ${hash.header.name}` : '';
      notCounted = {
        why: `${via} hashes on the request header${name}, which a browser does not send on its own: a browser's requests go to any pod`,
        fix: `hash on a cookie instead: consistentHash type Cookie with a cookie.ttl on ${via}`,
      };
    }
    const refs = [...listOf(policy.spec.targetRefs), ...(typeof policy.spec.targetRef === 'object' && policy.spec.targetRef !== null ? [policy.spec.targetRef] : [])];
    const out: FrontReach[] = [];
    for (const ref of refs) {
      if ((ref?.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP || typeof ref?.kind !== 'string' || typeof ref.name !== 'string') {
        continue;
      }
      // A policy on a Gateway applies to every route attached to it (Envoy Gateway's policy attachment),
      // in whatever namespace the route is; one on a route, to that route.
      const routes = ref.kind === 'Gateway'
        ? context.routesOfGateway?.(context.namespace, ref.name) ?? []
        : [context.find(ref.kind, context.namespace, ref.name)].filter((r): r is Manifest => r !== undefined);
      for (const route of routes) {
        const routeNamespace = ref.kind === 'Gateway' ? String(route.metadata?.namespace ?? context.namespace) : context.namespace;
        for (const rule of listOf(route.spec?.rules)) {
          for (const backend of routeRuleBackends(rule, routeNamespace)) {
            out.push({ ...backend, affinity, bypassesVirtualIp: true, via, route, ...(notCounted !== undefined ? { notCounted } : {}) });
          }
        }
      }
    }
    return out;
  },
};
