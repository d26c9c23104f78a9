/**
 * What the migration targets without a renderer in this library read for
 * cookie affinity (Kong, Contour, GKE Gateway, F5 NGINX Ingress Controller),
 * from their CRDs in `crds/` and their documentation. Pure: no imports.
 *
 * Kept here until the platform renderers' own facts (`src/facts/kong.ts`,
 * `contour.ts`, `gke-gateway.ts`, `nginx-plus.ts`) are in this tree; then
 * each constant below is an import from there (KONG_UPSTREAM_POLICY_*,
 * KONG_STICKY_*, CONTOUR_COOKIE_STRATEGY, CONTOUR_SESSION_COOKIE_NAME,
 * GCP_BACKEND_POLICY_*, GKE_GATEWAY_GENERATED_COOKIE,
 * GKE_GATEWAY_COOKIE_TTL_MAX_SECONDS, GKE_GATEWAY_COOKIE_NAME,
 * NGINX_VIRTUAL_SERVER_API_VERSION), and `httpRoutePathProblem` moves to
 * `src/facts/gateway-api.ts`.
 */

/** KongUpstreamPolicy, Kong Ingress Controller 3.5+ (configuration.konghq.com/v1beta1). */
export const KONG = {
  apiVersion: 'configuration.konghq.com/v1beta1',
  kind: 'KongUpstreamPolicy',
  /** The Service annotation that attaches a KongUpstreamPolicy to it. */
  policyAnnotation: 'konghq.com/upstream-policy',
  algorithm: 'sticky-sessions',
  /** The CRD's CEL rule: `stickySessions` needs `hashOn.input: none` and no other `hashOn` field. */
  hashOnInput: 'none',
  /** `stickySessions.cookiePath` default. */
  defaultCookiePath: '/',
  docs: 'https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/',
} as const;

/** HTTPProxy, Contour v1.33 (projectcontour.io/v1). */
export const CONTOUR = {
  apiVersion: 'projectcontour.io/v1',
  kind: 'HTTPProxy',
  strategy: 'Cookie',
  /** The cookie Contour's Cookie strategy writes; no field renames it. */
  cookieName: 'X-Contour-Session-Affinity',
  docs: 'https://projectcontour.io/docs/1.33/config/request-routing/#session-affinity',
  rewriteDocs: 'https://projectcontour.io/docs/1.33/config/cookie-rewriting/',
} as const;

/** GCPBackendPolicy, GKE Gateway (networking.gke.io/v1). */
export const GKE_GATEWAY = {
  apiVersion: 'networking.gke.io/v1',
  kind: 'GCPBackendPolicy',
  affinityType: 'GENERATED_COOKIE',
  /** The cookie GKE's load balancer writes; it cannot be renamed. */
  cookieName: 'GCLB',
  /** `sessionAffinity.cookieTtlSec` bounds in the CRD. */
  cookieTtlMaxSeconds: 1209600,
  docs: 'https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#session_affinity',
} as const;

/** VirtualServer, F5 NGINX Ingress Controller v5 (k8s.nginx.org/v1); `sessionCookie` needs NGINX Plus. */
export const NGINX_PLUS = {
  apiVersion: 'k8s.nginx.org/v1',
  kind: 'VirtualServer',
  /** `samesite` values the controller's validation accepts (lower case). */
  sameSiteValues: ['strict', 'lax', 'none'],
  docs: 'https://docs.nginx.com/nginx-ingress-controller/configuration/virtualserver-and-virtualserverroute-resources/#upstreamsessioncookie',
} as const;

// The HTTPRoute CRD's rules on a path value are the library's, shared with the route constructs.
export { httpRoutePathProblem } from '../facts/gateway-api';
