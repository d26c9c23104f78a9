// What the doctor knows of the fronts that reach a Service: ingress
// controllers, gateways, meshes. Each front has one detector, written beside
// that front's facts in src/facts/, and the doctor walks the list below. A
// front the library renders without a detector here fails the contract test
// (test/doctor/contract.test.ts). Pure: no cdk8s, no constructs.
import { AWS_ALB_DETECTOR } from '../facts/aws-alb';
import { CONTOUR_DETECTOR } from '../facts/contour';
import { ENVOY_GATEWAY_DETECTOR } from '../facts/envoy-gateway';
import { GATEWAY_API_DETECTOR, GATEWAY_API_GROUP } from '../facts/gateway-api';
import { GKE_INGRESS_DETECTOR } from '../facts/gke';
import { GKE_GATEWAY_DETECTOR } from '../facts/gke-gateway';
import { HAPROXY_DETECTOR } from '../facts/haproxy';
import { isDefaultIngressClass } from '../facts/ingress-classes';
import { INGRESS_NGINX_DETECTOR } from '../facts/ingress-nginx';
import { KUBERNETES_INGRESS_DETECTOR } from '../facts/ingress-upstreams';
import { ISTIO_DETECTOR } from '../facts/istio';
import { KONG_DETECTOR } from '../facts/kong';
import { listOf } from '../facts/manifests';
import { NGINX_PLUS_DETECTOR } from '../facts/nginx-plus';
import { TRAEFIK_DETECTOR } from '../facts/traefik';
import { TRAEFIK_CRD_DETECTOR } from '../facts/traefik-crd';

/** A manifest as the doctor reads it: any JSON object. */
export type Manifest = { [key: string]: any };

export { groupOf, manifestName, manifestAnnotations, listOf, ingressBackendRefs, ingressClassOf } from '../facts/manifests';

/** A Service one front object sends traffic to, and how. */
export interface FrontReach {
  /** The Service's namespace ('' when the front names none and has none itself). */
  readonly namespace: string;
  /** The Service's name. */
  readonly name: string;
  /** The Service port the front names (number or name); undefined for every port. */
  readonly port?: number | string;
  /**
   * What pins a client to a pod there, in words ("ingress-nginx cookie
   * affinity on Ingress web"): a cookie, or a load balancer's own affinity
   * on the client's address; undefined when the front only routes.
   */
  readonly affinity?: string;
  /**
   * Why `affinity` pins nobody to a pod, when the front's own settings tell
   * (its one upstream is the Service's cluster IP, so the affinity picks that
   * address and kube-proxy spreads the requests; the cookie is never set),
   * and what would make it pin: the doctor then does not count it, and names
   * it with these words; undefined when it may pin.
   */
  readonly notCounted?: NotCounted;
  /**
   * For a setting that only some proxies read (an Istio DestinationRule
   * exported to some namespaces, or with a workloadSelector): which ways in
   * to the Service read it. The doctor does not count it when none of the
   * routes to the Service goes through a proxy that reads it (an Istio rule
   * that every Istio proxy reads still has one: a gateway of another
   * controller does not read it); undefined when every proxy that sends to
   * the Service reads it.
   */
  readonly readBy?: ProxyScope;
  /**
   * Whether the front picks the Service's endpoints itself and connects to
   * pod IPs, so the Service's virtual IP (where kube-proxy applies ClientIP
   * affinity) is not on the path; undefined when this detector does not say.
   */
  readonly bypassesVirtualIp?: boolean;
  /** The front object, for messages ("Ingress web", "HTTPRoute shop"). */
  readonly via: string;
  /**
   * Which part of a route this reach is, when the route sends different
   * paths to the Service with different settings ("rule 2 (PathPrefix /)"):
   * a route pins a Service only when every part of it that reaches the
   * Service does; undefined for the route as a whole.
   */
  readonly path?: string;
  /**
   * For a policy attached to a route (not the Service): that route, whose
   * every path the policy's affinity pins.
   */
  readonly route?: Manifest;
  /**
   * For a policy on the Service that only some kinds of route read (a
   * gateway's backend policy, which no Ingress controller reads): those
   * kinds. The policy pins the routes of those kinds and no other; with
   * routes to the Service among the manifests and none of those kinds, it
   * pins nobody. Undefined when it may pin every way in (a mesh's policy).
   */
  readonly coversRouteKinds?: readonly string[];
}

/** Why a front's affinity setting pins nobody to a pod, and the change that would make it pin. */
export interface NotCounted {
  /** Why, in words ("Ingress web sets ...service-upstream: \"true\", so ..."). */
  readonly why: string;
  /** The change, as an imperative ("remove ... from Ingress web, so that ..."). */
  readonly fix: string;
}

/** A workload among the manifests, as a proxy scope sees it: where its pods run and their labels. */
export interface ScopedWorkload {
  /** The workload's namespace. */
  readonly namespace: string;
  /** Its pods' labels. */
  readonly labels: Readonly<Record<string, string>>;
}

/** Which proxies read a setting, for a front that some proxies do not read (see `FrontReach.readBy`). */
export interface ProxyScope {
  /** Why only some proxies read it, in words, to begin the reason with ("DestinationRule web is exported only to namespace shop (exportTo: ["."])"). */
  readonly scope: string;
  /** The change that makes the proxies in front read it, as an imperative. */
  readonly fix: string;
  /**
   * Why the proxy that carries a route's requests to the Service (the route
   * in `routeNamespace`) does not read the setting ("HTTPRoute web goes through Gateway edge/public, whose
   * proxy runs in namespace edge"), given the workloads among the manifests (where a gateway's pods
   * may be); undefined when it may.
   */
  unreadOn(route: Manifest, routeNamespace: string, workloads?: readonly ScopedWorkload[]): string | undefined;
  /**
   * Why the setting pins nobody when no route among the manifests reaches
   * the Service, given the other workloads among the manifests (the
   * Service's own pods left out: they receive its requests), to follow
   * `scope` ("it selects no workload among the manifests"); undefined when
   * it may.
   */
  unreadWithoutRoutes(workloads: readonly ScopedWorkload[]): string | undefined;
}

/** What a detector may look up besides the object it reads. */
export interface FrontContext {
  /** The namespace of the object being read, as the doctor places it. */
  readonly namespace: string;
  /** Another object of the app, by kind, namespace and name. */
  find(kind: string, namespace: string, name: string): Manifest | undefined;
  /** The IngressClass among the manifests marked the cluster's default, for an Ingress that names no class; undefined when none is. */
  defaultIngressClass?(): Manifest | undefined;
  /** The HTTPRoutes among the manifests attached to the Gateway of this namespace and name (by `parentRefs`). */
  routesOfGateway?(namespace: string, name: string): Manifest[];
}

/**
 * One front's knowledge: which objects it reads, and what each says about
 * the Services behind it.
 */
export interface FrontDetector {
  /** The front, as messages and tests name it ('ingress-nginx', 'gateway-api'). */
  readonly front: string;
  /** The kinds of object this detector reads (`kind`, any apiVersion; the detector checks the group). */
  readonly kinds: readonly string[];
  /** The Services this object reaches, with cookie affinity or not. */
  detect(obj: Manifest, context: FrontContext): FrontReach[];
}

/** Every front's detector. A new front adds its detector here. */
export const FRONT_DETECTORS: readonly FrontDetector[] = [
  KUBERNETES_INGRESS_DETECTOR,
  INGRESS_NGINX_DETECTOR,
  TRAEFIK_DETECTOR,
  HAPROXY_DETECTOR,
  AWS_ALB_DETECTOR,
  GKE_INGRESS_DETECTOR,
  GATEWAY_API_DETECTOR,
  ENVOY_GATEWAY_DETECTOR,
  TRAEFIK_CRD_DETECTOR,
  ISTIO_DETECTOR,
  KONG_DETECTOR,
  GKE_GATEWAY_DETECTOR,
  CONTOUR_DETECTOR,
  NGINX_PLUS_DETECTOR,
];

/** Every reach of every object, by detector. */
export function detectFronts(
  docs: readonly Manifest[],
  namespaceOf: (obj: Manifest) => string,
  find: (kind: string, namespace: string, name: string) => Manifest | undefined,
  detectors: readonly FrontDetector[] = FRONT_DETECTORS,
): Array<FrontReach & { front: string; obj: Manifest }> {
  const byKind = new Map<string, FrontDetector[]>();
  for (const d of detectors) {
    for (const k of d.kinds) {
      byKind.set(k, [...(byKind.get(k) ?? []), d]);
    }
  }
  const out: Array<FrontReach & { front: string; obj: Manifest }> = [];
  let defaultClass: { found?: Manifest } | undefined;
  const defaultIngressClass = () => (defaultClass ??= { found: docs.find(d => d.kind === 'IngressClass' && isDefaultIngressClass(d)) }).found;
  let attached: Map<string, Manifest[]> | undefined;
  const routesOfGateway = (namespace: string, name: string): Manifest[] => {
    if (attached === undefined) {
      attached = new Map();
      for (const route of docs) {
        if (route.kind !== 'HTTPRoute' || !String(route.apiVersion ?? '').startsWith(`${GATEWAY_API_GROUP}/`)) {
          continue;
        }
        const routeNamespace = namespaceOf(route);
        for (const parent of listOf(route.spec?.parentRefs)) {
          if ((parent?.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP || (parent?.kind ?? 'Gateway') !== 'Gateway' || typeof parent?.name !== 'string') {
            continue;
          }
          const k = `${typeof parent.namespace === 'string' ? parent.namespace : routeNamespace}/${parent.name}`;
          const list = attached.get(k) ?? [];
          if (!list.includes(route)) {
            list.push(route);
          }
          attached.set(k, list);
        }
      }
    }
    return attached.get(`${namespace}/${name}`) ?? [];
  };
  for (const obj of docs) {
    const ds = byKind.get(String(obj.kind));
    if (!ds) {
      continue;
    }
    const context: FrontContext = { namespace: namespaceOf(obj), find, defaultIngressClass, routesOfGateway };
    for (const d of ds) {
      for (const reach of d.detect(obj, context)) {
        out.push({ ...reach, front: d.front, obj });
      }
    }
  }
  return out;
}
