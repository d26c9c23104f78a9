import { groupOf, listOf, manifestName } from './manifests';
import type { FrontDetector, FrontReach } from '../doctor/fronts';

/**
 * What Contour's `HTTPProxy` (projectcontour.io/v1, Contour v1.33.6) accepts
 * for cookie session affinity, the cookie Contour writes, and the doctor's
 * detector. Pure: no cdk8s, no constructs.
 *
 * @see https://projectcontour.io/docs/1.33/config/request-routing/#session-affinity
 * @see https://projectcontour.io/docs/1.33/config/cookie-rewriting/
 * @see https://github.com/projectcontour/contour/blob/v1.33.6/examples/contour/01-crds.yaml
 */

/** The Contour release whose CRD the output is checked against. */
export const CONTOUR_RELEASE = 'v1.33.6';

/** `routes[].loadBalancerPolicy.strategy` for cookie affinity (a free string in the CRD). */
export const CONTOUR_COOKIE_STRATEGY = 'Cookie';

/**
 * The name of the cookie Contour asks Envoy to generate: fixed, with no TTL
 * (a session cookie) and `Path=/`. Nothing in HTTPProxy renames it or gives
 * it a lifetime; Envoy marks it `HttpOnly`.
 *
 * @see https://github.com/projectcontour/contour/blob/v1.33.6/internal/envoy/v3/route.go
 */
export const CONTOUR_SESSION_COOKIE_NAME = 'X-Contour-Session-Affinity';

/** The Path Contour's cookie gets unless a cookie rewrite policy changes it. */
export const CONTOUR_SESSION_COOKIE_PATH = '/';

/**
 * The cookie attributes a `cookieRewritePolicies[]` entry can set on a
 * `Set-Cookie` the route sends, by name: Path, Domain, Secure and SameSite
 * (Strict, Lax, None). Name, Max-Age and HttpOnly are out of its reach.
 */
export const CONTOUR_REWRITABLE_COOKIE_FIELDS = ['path', 'domain', 'secure', 'sameSite'] as const;

/**
 * The load-balancer strategies `spec.tcpproxy.loadBalancerPolicy` refuses;
 * cookie affinity exists for HTTP routes only.
 */
export const CONTOUR_HTTP_ONLY_STRATEGIES = ['Cookie', 'RequestHash'] as const;

/** The API group of HTTPProxy. */
export const CONTOUR_GROUP = 'projectcontour.io';

/**
 * Contour's HTTPProxy: each route sends to Services in the proxy's namespace,
 * over their pod IPs (Envoy balances itself); `loadBalancerPolicy.strategy:
 * Cookie` pins a browser to a pod with Contour's cookie.
 *
 * @see https://projectcontour.io/docs/1.33/config/request-routing/#session-affinity
 */
export const CONTOUR_DETECTOR: FrontDetector = {
  front: 'contour',
  kinds: ['HTTPProxy'],
  detect(proxy, context) {
    if (groupOf(proxy) !== CONTOUR_GROUP) {
      return [];
    }
    const via = `HTTPProxy ${manifestName(proxy)}`;
    const out: FrontReach[] = [];
    for (const route of listOf(proxy.spec?.routes)) {
      const cookie = route?.loadBalancerPolicy?.strategy === CONTOUR_COOKIE_STRATEGY;
      for (const svc of listOf(route?.services)) {
        if (typeof svc?.name !== 'string') {
          continue;
        }
        out.push({
          namespace: context.namespace,
          name: svc.name,
          ...(typeof svc.port === 'number' ? { port: svc.port } : {}),
          bypassesVirtualIp: true,
          via,
          ...(cookie ? { affinity: `Contour cookie affinity (${CONTOUR_SESSION_COOKIE_NAME}) on ${via}` } : {}),
        });
      }
    }
    return out;
  },
};
