/**
 * How ingress controllers reach a Service's pods. Most read the Service's
 * endpoints and connect to pod IPs themselves, so the Service's virtual IP,
 * and with it kube-proxy's ClientIP affinity, is never on the path. These
 * annotations make a controller send traffic to the Service's cluster IP
 * instead. Pure: reads plain manifests only.
 */
import { albClassTargetTypeIn } from './aws-alb';
import { ingressServers } from './ingress-classes';
import { groupOf, ingressBackendRefs, ingressClassOf, manifestAnnotations, manifestName } from './manifests';
import type { FrontDetector, NotCounted } from '../doctor/fronts';

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

/**
 * Whether an Ingress's annotations send its traffic to the Services' cluster
 * IPs rather than to the pods: each controller's own annotation, read only
 * when that controller may serve the Ingress (`servers`, undefined when
 * that cannot be told).
 */
export function ingressUsesClusterIp(annotations: Record<string, string>, servers?: readonly string[]): boolean {
  return (annotations[NGINX_SERVICE_UPSTREAM_ANNOTATION] === 'true' && mayServe(servers, 'ingress-nginx'))
    || ((annotations[NGINX_INC_USE_CLUSTER_IP_ANNOTATION] ?? '').toLowerCase() === 'true' && mayServe(servers, 'nginx-plus'));
}

/**
 * Why a controller's affinity pins nobody to a pod when it sends to the
 * Service's cluster IP (`setting` says what makes it do so), and the change
 * that makes it pin: its one upstream server is that address, so every
 * cookie or hash picks it, and kube-proxy spreads the connections over the
 * pods behind it. ingress-nginx's documentation lists this under
 * service-upstream's known issues ("sticky sessions will not work").
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#service-upstream
 */
export function clusterIpUpstream(setting: string, controller: string, removal: string): NotCounted {
  return {
    why: `${setting}, so ${controller}'s only upstream is the Service's cluster IP: the affinity picks that one address for every user, and kube-proxy spreads the requests over the pods`,
    fix: `${removal}, so that ${controller} picks the pods itself and its affinity pins them`,
  };
}

/**
 * Why ingress-nginx's affinity on an Ingress pins nobody to a pod because of
 * `service-upstream`, or undefined when the Ingress does not set it.
 */
export function nginxClusterIpUpstream(ingress: { [key: string]: any }): NotCounted | undefined {
  const via = `Ingress ${manifestName(ingress)}`;
  return manifestAnnotations(ingress)[NGINX_SERVICE_UPSTREAM_ANNOTATION] === 'true'
    ? clusterIpUpstream(`${via} sets ${NGINX_SERVICE_UPSTREAM_ANNOTATION}: "true"`, 'ingress-nginx', `remove ${NGINX_SERVICE_UPSTREAM_ANNOTATION} from ${via}`)
    : undefined;
}

function mayServe(servers: readonly string[] | undefined, front: string): boolean {
  return servers === undefined || servers.includes(front);
}

/**
 * Traefik (Kubernetes Ingress provider): `"true"` on the backend Service
 * makes Traefik send to the Service's cluster IP instead of to the pod IPs
 * it reads from the EndpointSlices (the default).
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
 */
export const TRAEFIK_NATIVE_LB_ANNOTATION = 'traefik.ingress.kubernetes.io/service.nativelb';

/**
 * Why Traefik's sticky cookie on a Service pins nobody to a pod because of
 * `service.nativelb`, or undefined when the Service does not set it.
 */
export function traefikClusterIpUpstream(service: { [key: string]: any }): NotCounted | undefined {
  return manifestAnnotations(service)[TRAEFIK_NATIVE_LB_ANNOTATION] === 'true'
    ? clusterIpUpstream(`Service ${manifestName(service)} sets ${TRAEFIK_NATIVE_LB_ANNOTATION}: "true"`, 'Traefik', `remove ${TRAEFIK_NATIVE_LB_ANNOTATION} from Service ${manifestName(service)}`)
    : undefined;
}

/**
 * The AWS Load Balancer Controller's target type: `ip` registers the pods in
 * the ALB's target group (the virtual IP is bypassed); `instance`, its
 * default, registers the nodes' NodePort, so traffic passes kube-proxy.
 * It is read from the Ingress and from each backend Service, the Service's
 * winning (see `ALB_SERVICE_OVERRIDDEN_KEYS` in aws-alb.ts), and the
 * IngressClassParams of the Ingress's class win over both (`albClassTargetType`).
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
 */
export const ALB_TARGET_TYPE_ANNOTATION = 'alb.ingress.kubernetes.io/target-type';

/** The IngressClass of the AWS Load Balancer Controller. */
const ALB_CLASS = 'alb';

/**
 * GKE's container-native load balancing: `cloud.google.com/neg` on the
 * Service with `"ingress": true` puts the pods in network endpoint groups, and
 * the load balancer sends to them directly. It is the default for Services
 * of VPC-native clusters, so only an explicit `"ingress": false` keeps
 * traffic on instance groups and kube-proxy.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing
 */
const GKE_NEG_ANNOTATION_KEY = 'cloud.google.com/neg';

/**
 * Whether an Ingress's controller reaches this backend Service's pods
 * without its virtual IP. ingress-nginx, Traefik, HAProxy, Kong, Contour,
 * GKE with NEGs and the AWS ALB with `ip` targets all read the endpoints and
 * connect to pod IPs; only the opt-outs above, and the ALB in its default
 * `instance` mode, pass kube-proxy. An Ingress of a class not known here is
 * taken to bypass it, as most controllers do.
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#service-upstream
 */
export function ingressBypassesVirtualIp(
  ingressAnnotations: Record<string, string>,
  ingressClass: string | undefined,
  serviceAnnotations: Record<string, string>,
  servers?: readonly string[],
  classTargetType?: string,
): boolean {
  if (ingressUsesClusterIp(ingressAnnotations, servers)
    || (serviceAnnotations[TRAEFIK_NATIVE_LB_ANNOTATION] === 'true' && mayServe(servers, 'traefik'))) {
    return false;
  }
  // The controller reads the target type per backend Service, the Service's annotation over the Ingress's,
  // and the IngressClassParams' over both.
  const targetType = classTargetType ?? serviceAnnotations[ALB_TARGET_TYPE_ANNOTATION] ?? ingressAnnotations[ALB_TARGET_TYPE_ANNOTATION];
  const alb = ingressClass === ALB_CLASS || servers?.includes('aws-alb') === true || targetType !== undefined;
  if (alb && mayServe(servers, 'aws-alb')) {
    return targetType === 'ip';
  }
  const neg = serviceAnnotations[GKE_NEG_ANNOTATION_KEY];
  if (neg !== undefined && /"ingress"\s*:\s*false/.test(neg) && mayServe(servers, 'gke-ingress')) {
    return false;
  }
  return true;
}

/**
 * Every Ingress reaches its backend Services; whether it bypasses their
 * virtual IP is decided by the controller facts above. Cookie affinity is
 * each controller's own detector's business.
 */
export const KUBERNETES_INGRESS_DETECTOR: FrontDetector = {
  front: 'kubernetes-ingress',
  kinds: ['Ingress'],
  detect(ingress, context) {
    const group = groupOf(ingress);
    if (group !== 'networking.k8s.io' && group !== 'extensions') {
      return [];
    }
    const annotations = manifestAnnotations(ingress);
    const ingressClass = ingressClassOf(ingress);
    const via = `Ingress ${manifestName(ingress)}`;
    // The controller, from an IngressClass among the manifests (cluster-scoped: the doctor files it under default) or the class's name.
    const servers = ingressServers(ingress, name => context.find('IngressClass', 'default', name))?.fronts;
    const classTargetType = albClassTargetTypeIn(ingress, context)?.targetType;
    return ingressBackendRefs(ingress).map(ref => ({
      namespace: context.namespace,
      name: ref.name,
      port: ref.port,
      bypassesVirtualIp: ingressBypassesVirtualIp(annotations, ingressClass,
        manifestAnnotations(context.find('Service', context.namespace, ref.name) ?? {}), servers, classTargetType),
      via,
    }));
  },
};
