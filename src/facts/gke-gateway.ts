import { GATEWAY_POLICY_COVERS } from './gateway-api';
import { groupOf, manifestName } from './manifests';
import type { FrontDetector } from '../doctor/fronts';

/**
 * What the GKE Gateway controller's `GCPBackendPolicy` (networking.gke.io/v1,
 * gke-gateway-api v1.4.0) accepts for session affinity, and the doctor's detector. Pure: no cdk8s,
 * no constructs.
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

/**
 * `sessionAffinity.type` values the CRD's enum lists but GKE documents as not
 * supported on GCPBackendPolicy.
 *
 * @see https://github.com/GoogleCloudPlatform/gke-gateway-api/issues/42
 */
export const GKE_GATEWAY_UNSUPPORTED_AFFINITY_TYPES = ['HEADER_FIELD', 'HTTP_COOKIE'] as const;

/**
 * GKE Gateway: a GCPBackendPolicy targeting a Service gives it the load
 * balancer's own affinity (a generated cookie, or the client's address);
 * NONE and the unsupported types give none. The routes to the Service are
 * read by the Gateway API detector.
 *
 * The policy is read by the GKE Gateway controller only: it pins the
 * traffic of Gateway API routes, not of a GKE Ingress (`gce`,
 * `gce-internal`), whose affinity comes from a BackendConfig. And it applies
 * to a Service of its own namespace only ("GCPBackendPolicy ... must exist in
 * the same namespace as the target Service"): a `targetRef.namespace` naming
 * another is not followed, so such a policy is not counted for that Service.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#session_affinity
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#limitations
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#session_affinity
 */
export const GKE_GATEWAY_DETECTOR: FrontDetector = {
  front: 'gke-gateway',
  kinds: [GCP_BACKEND_POLICY_KIND],
  detect(policy, context) {
    if (groupOf(policy) !== GCP_BACKEND_POLICY_API_VERSION.split('/')[0]) {
      return [];
    }
    const ref = policy.spec?.targetRef;
    const type = policy.spec?.default?.sessionAffinity?.type;
    if (ref?.kind !== 'Service' || (ref.group ?? '') !== '' || typeof ref.name !== 'string' || typeof type !== 'string') {
      return [];
    }
    if (type === 'NONE' || (GKE_GATEWAY_UNSUPPORTED_AFFINITY_TYPES as readonly string[]).includes(type)) {
      return [];
    }
    const via = `${GCP_BACKEND_POLICY_KIND} ${manifestName(policy)}`;
    const what = type === GKE_GATEWAY_GENERATED_COOKIE ? 'GKE Gateway generated-cookie affinity' : `GKE Gateway ${type} affinity`;
    const reach = { name: ref.name, affinity: `${what} on ${via}`, coversRouteKinds: GATEWAY_POLICY_COVERS, via };
    if (typeof ref.namespace === 'string' && ref.namespace !== context.namespace) {
      return [{
        ...reach,
        namespace: ref.namespace,
        notCounted: {
          why: `${via} is in namespace ${context.namespace} and names namespace ${ref.namespace} in its targetRef, but a GCPBackendPolicy applies only to a Service of its own namespace`,
          fix: `move ${via} to namespace ${ref.namespace} (and drop targetRef.namespace)`,
        },
      }];
    }
    return [{ ...reach, namespace: context.namespace }];
  },
};
