/**
 * What the Kubernetes API server accepts for Services, written once so the
 * constructs and (later) the doctor share the same limits.
 *
 * Sources: the core/v1 ServiceSpec reference and the API server's Service
 * validation (`pkg/apis/core/validation`).
 */

/** Smallest `sessionAffinityConfig.clientIP.timeoutSeconds` the API server accepts. */
export const CLIENT_IP_TIMEOUT_MIN_SECONDS = 1;

/** Largest `sessionAffinityConfig.clientIP.timeoutSeconds` the API server accepts (24 hours). */
export const CLIENT_IP_TIMEOUT_MAX_SECONDS = 86_400;

/** What the API server fills in when `timeoutSeconds` is left out (3 hours). */
export const CLIENT_IP_TIMEOUT_DEFAULT_SECONDS = 10_800;

/** `spec.clusterIP` of a headless Service: no virtual IP, so kube-proxy never sees it. */
export const HEADLESS_CLUSTER_IP = 'None';

/** Whether `seconds` is a value the API server takes for a ClientIP affinity timeout. */
export function isValidClientIpTimeout(seconds: number): boolean {
  return Number.isInteger(seconds)
    && seconds >= CLIENT_IP_TIMEOUT_MIN_SECONDS
    && seconds <= CLIENT_IP_TIMEOUT_MAX_SECONDS;
}

/**
 * Whether the API server lets a Service of this shape set `externalTrafficPolicy`:
 * only NodePort and LoadBalancer Services, and ClusterIP Services with
 * `externalIPs`, are reachable from outside the cluster; the field is refused
 * on any other ("may only be set for externally-accessible services").
 */
export function isExternallyAccessible(type: string, externalIpCount: number): boolean {
  return type === 'NodePort'
    || type === 'LoadBalancer'
    || (type === 'ClusterIP' && externalIpCount > 0);
}
