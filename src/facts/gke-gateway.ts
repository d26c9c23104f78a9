/**
 * What the GKE Gateway controller's `GCPBackendPolicy` (networking.gke.io/v1,
 * gke-gateway-api v1.4.0) accepts for session affinity. Pure: no imports.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#session_affinity
 * @see https://github.com/GoogleCloudPlatform/gke-gateway-api/blob/v1.4.0/config/crd/networking.gke.io_gcpbackendpolicies.yaml
 */

/** The gke-gateway-api release whose CRD the output is checked against. */
export const GKE_GATEWAY_RELEASE = 'v1.4.0';

/** The API group and version of GCPBackendPolicy. */
export const GCP_BACKEND_POLICY_API_VERSION = 'networking.gke.io/v1';

/** The kind of the policy. */
export const GCP_BACKEND_POLICY_KIND = 'GCPBackendPolicy';

/** `sessionAffinity.type` of a cookie the load balancer generates. */
export const GKE_GATEWAY_GENERATED_COOKIE = 'GENERATED_COOKIE';

/**
 * `sessionAffinity.cookieTtlSec` bounds (the CRD's): 0 makes a session
 * cookie, at most two weeks.
 */
export const GKE_GATEWAY_COOKIE_TTL_MAX_SECONDS = 1209600;

/**
 * The name of the cookie Google's Application Load Balancers generate
 * (`GCLB`); GCPBackendPolicy has no field to change it, nor Path, Domain,
 * Secure, HttpOnly or SameSite.
 *
 * @see https://cloud.google.com/load-balancing/docs/backend-service#generated_cookie_affinity
 */
export const GKE_GATEWAY_COOKIE_NAME = 'GCLB';
