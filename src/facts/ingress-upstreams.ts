/**
 * How ingress controllers reach a Service's pods. Most read the Service's
 * endpoints and connect to pod IPs themselves, so the Service's virtual IP,
 * and with it kube-proxy's ClientIP affinity, is never on the path. These
 * annotations make a controller send traffic to the Service's cluster IP
 * instead. Pure: no imports.
 */

/**
 * ingress-nginx: `"true"` on the Ingress makes the upstream the Service's
 * cluster IP and port instead of the list of endpoints (and cookie affinity
 * then no longer works).
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#service-upstream
 */
export const NGINX_SERVICE_UPSTREAM_ANNOTATION = 'nginx.ingress.kubernetes.io/service-upstream';

/**
 * F5 NGINX Ingress Controller: `"true"` on the Ingress makes it use the
 * Service's cluster IP as the upstream.
 *
 * @see https://github.com/nginx/kubernetes-ingress/pull/4862
 */
export const NGINX_INC_USE_CLUSTER_IP_ANNOTATION = 'nginx.org/use-cluster-ip';

/** Whether an Ingress's annotations send its traffic to the Services' cluster IPs rather than to the pods. */
export function ingressUsesClusterIp(annotations: Record<string, string>): boolean {
  return annotations[NGINX_SERVICE_UPSTREAM_ANNOTATION] === 'true'
    || (annotations[NGINX_INC_USE_CLUSTER_IP_ANNOTATION] ?? '').toLowerCase() === 'true';
}
