import { manifestAnnotations, manifestName } from './manifests';
import type { FrontDetector } from '../doctor/fronts';

/**
 * What GKE Ingress (ingress-gce) reads for cookie affinity, written once for
 * the GKE renderer and the doctor. Pure: no imports.
 *
 * GKE's load balancer takes its affinity from a `BackendConfig` referenced by
 * an annotation on the backend **Service**, not from the Ingress.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#session_affinity
 * @see https://github.com/kubernetes/ingress-gce/blob/master/pkg/apis/backendconfig/v1/types.go
 */

/** apiVersion of the BackendConfig this library writes. */
export const GKE_BACKEND_CONFIG_API_VERSION = 'cloud.google.com/v1';

/** Kind of the BackendConfig custom resource. */
export const GKE_BACKEND_CONFIG_KIND = 'BackendConfig';

/**
 * The Service annotation naming the BackendConfig for its ports, as JSON:
 * `{"default": "<name>"}` for every port or `{"ports": {"<port>": "<name>"}}`.
 */
export const GKE_BACKEND_CONFIG_ANNOTATION = 'cloud.google.com/backend-config';

/**
 * The Service annotation for container-native load balancing (network
 * endpoint groups): the load balancer sends to pods, not nodes, so its
 * affinity holds to a pod rather than to a node that kube-proxy spreads again.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing
 */
export const GKE_NEG_ANNOTATION = 'cloud.google.com/neg';

/** The value of `cloud.google.com/neg` that asks for NEGs for Ingress. */
export const GKE_NEG_FOR_INGRESS = '{"ingress": true}';

/** The affinity types the controller accepts in `sessionAffinity.affinityType`. */
export const GKE_AFFINITY_TYPES = ['NONE', 'CLIENT_IP', 'GENERATED_COOKIE'] as const;

/** The affinity type of cookie affinity: the load balancer writes its own cookie (`GCLB`). */
export const GKE_GENERATED_COOKIE = 'GENERATED_COOKIE';

/** The name of the cookie GKE's load balancer writes; it cannot be changed. */
export const GKE_COOKIE_NAME = 'GCLB';

/** Shortest `affinityCookieTtlSec`: 0, a session cookie. */
export const GKE_COOKIE_TTL_MIN_SECONDS = 0;

/**
 * Longest `affinityCookieTtlSec` the controller accepts: 1 day. The GKE
 * Ingress controller refuses a BackendConfig above 86400 s, although the
 * Compute Engine backend service under it takes up to two weeks (which GKE
 * Gateway's GCPBackendPolicy allows: see facts/gke-gateway.ts).
 *
 * @see https://github.com/kubernetes/ingress-gce/blob/master/pkg/backendconfig/validation.go
 */
export const GKE_COOKIE_TTL_MAX_SECONDS = 86400;

/** Whether a cookie TTL in seconds is one the controller accepts. */
export function isGkeCookieTtl(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= GKE_COOKIE_TTL_MIN_SECONDS && seconds <= GKE_COOKIE_TTL_MAX_SECONDS;
}

/** The annotation GKE reads an Ingress's class from: it does not read `spec.ingressClassName`. */
export const GKE_INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/**
 * GKE Ingress reads session affinity from the BackendConfig a Service names
 * in `cloud.google.com/backend-config` (for all ports, or per port).
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#session_affinity
 */
export const GKE_INGRESS_DETECTOR: FrontDetector = {
  front: 'gke-ingress',
  kinds: ['Service'],
  detect(service, context) {
    const value = manifestAnnotations(service)[GKE_BACKEND_CONFIG_ANNOTATION];
    if (value === undefined) {
      return [];
    }
    let parsed: any;
    try {
      parsed = JSON.parse(value);
    } catch {
      return [];
    }
    const ports = typeof parsed?.ports === 'object' && parsed.ports !== null ? Object.values(parsed.ports) : [];
    for (const name of [parsed?.default, ...ports]) {
      if (typeof name !== 'string') {
        continue;
      }
      const type = context.find(GKE_BACKEND_CONFIG_KIND, context.namespace, name)?.spec?.sessionAffinity?.affinityType;
      if (typeof type === 'string' && type !== 'NONE') {
        return [{
          namespace: context.namespace,
          name: manifestName(service),
          affinity: `GKE ${type === GKE_GENERATED_COOKIE ? 'cookie' : 'client IP'} affinity in BackendConfig ${name}`,
          via: `Service ${manifestName(service)}`,
        }];
      }
    }
    return [];
  },
};
