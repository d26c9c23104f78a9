// An index of the manifests the rules ask about: Services and the workloads
// they select, the autoscalers of each workload, and what routes to each
// Service. Built once, so every rule is a few lookups rather than a scan.
import { FRONT_DETECTORS, FrontDetector, FrontReach, detectFronts } from './fronts';
import { INGRESS_CONTROLLER_NAMES, IngressServers, controllersInWords, ingressServers, isDefaultIngressClass } from '../facts/ingress-classes';
import { NGINX_CANARY_ANNOTATION } from '../facts/ingress-nginx';
import { KEDA_DEFAULT_MAX_REPLICAS, KEDA_DEFAULT_MIN_REPLICAS } from '../facts/keda';

/** A manifest as read: any JSON object, with where it came from. */
export interface Doc {
  readonly obj: { [key: string]: any };
  readonly file?: string;
  readonly line?: number;
}

/** A pod-owning object (Deployment, StatefulSet, ...), with what scales it. */
export interface Workload {
  readonly doc: Doc;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly podLabels: Record<string, string>;
  readonly podSpec: { [key: string]: any };
  /** `spec.replicas`, defaulted; undefined for a DaemonSet (one pod per node). */
  readonly replicas?: number;
  /** HorizontalPodAutoscalers and KEDA ScaledObjects targeting it. */
  readonly scalers: Doc[];
}

/** A workload's pod count: fixed, per node, or between an autoscaler's bounds. */
export interface PodCount {
  readonly min: number;
  readonly max: number;
  readonly autoscaled: boolean;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'DaemonSet', 'ReplicationController']);

/**
 * Argo Rollouts' Rollout: a Deployment with progressive delivery, whose
 * pods come from its own `spec.template`, or from the one of the object its
 * `spec.workloadRef` names (a Deployment, ReplicaSet or PodTemplate);
 * `spec.replicas` defaults to 1, and HorizontalPodAutoscalers and KEDA
 * ScaledObjects scale it through `scaleTargetRef` of kind Rollout. With
 * `workloadRef`, `scaleDown: onsuccess` or `progressively` scales the
 * referenced Deployment to zero; `never` (the default) leaves it running.
 *
 * @see https://argo-rollouts.readthedocs.io/en/stable/features/specification/
 * @see https://argo-rollouts.readthedocs.io/en/stable/migrating/#reference-deployment-from-rollout
 */
const ROLLOUT_KIND = 'Rollout';
const ROLLOUT_API_GROUP = 'argoproj.io/';
const ROLLOUT_SCALES_DOWN_REFERENCE = new Set(['onsuccess', 'progressively']);

function isRollout(obj: { [key: string]: any }): boolean {
  return obj.kind === ROLLOUT_KIND && typeof obj.apiVersion === 'string' && obj.apiVersion.startsWith(ROLLOUT_API_GROUP);
}

/**
 * HorizontalPodAutoscaler `minReplicas` default.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/
 */
const HPA_DEFAULT_MIN_REPLICAS = 1;

/**
 * `metadata.namespace`, or `default` when the manifest leaves it out (where
 * `kubectl apply` without `-n` puts it), so an object with no namespace meets
 * one in `default`.
 */
export function namespaceOf(obj: { [key: string]: any }): string {
  const ns = obj.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : 'default';
}

/** `metadata.name`, or '' when missing. */
export function nameOf(obj: { [key: string]: any }): string {
  const name = obj.metadata?.name;
  return typeof name === 'string' ? name : '';
}

/** `metadata.annotations` as strings (non-string values are what YAML made of unquoted numbers or booleans). */
export function annotationsOf(obj: { [key: string]: any }): Record<string, string> {
  const a = obj.metadata?.annotations;
  if (!isObject(a)) {
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) {
    // null (a key with no value) decodes to an empty string, as the API server reads it.
    out[k] = typeof v === 'string' ? v : v === null ? '' : String(v);
  }
  return out;
}

export function isObject(x: unknown): x is { [key: string]: any } {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function asArray(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** The Services an Ingress sends traffic to (networking.k8s.io/v1 and the older v1beta1 shape). */
export function ingressBackends(ingress: { [key: string]: any }): string[] {
  const names = new Set<string>();
  const add = (backend: any) => {
    const name = backend?.service?.name ?? backend?.serviceName;
    if (typeof name === 'string') {
      names.add(name);
    }
  };
  add(ingress.spec?.defaultBackend);
  add(ingress.spec?.backend);
  for (const rule of asArray(ingress.spec?.rules)) {
    for (const path of asArray(rule?.http?.paths)) {
      add(path?.backend);
    }
  }
  return [...names];
}

/** Whether a Service selector (equality on every key) selects these pod labels. */
export function selects(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  for (const [k, v] of Object.entries(selector)) {
    if (labels[k] !== String(v)) {
      return false;
    }
  }
  return true;
}

/** A front the detectors found reaching a Service, with the object it came from. */
export type Reach = FrontReach & { front: string; obj: { [key: string]: any } };

/**
 * Affinity settings on a Service that only an ingress controller reads (so
 * only the traffic that controller carries is pinned): Traefik's and
 * HAProxy's annotations, GKE's BackendConfig, Kong's upstream policy.
 */
const SERVICE_SETTINGS_OF_A_CONTROLLER = new Set(['traefik', 'haproxy', 'gke-ingress', 'kong']);

/** Objects that route requests to a Service (not policies attached to it or to a route). */
const ROUTE_KINDS = new Set(['Ingress', 'HTTPRoute', 'GRPCRoute', 'IngressRoute', 'HTTPProxy', 'VirtualServer', 'VirtualServerRoute', 'VirtualService']);

/**
 * Policies on a Service that may set affinity per Service port (an Istio
 * DestinationRule's portLevelSettings): such a setting pins only the routes
 * to that port.
 */
const PER_PORT_POLICY_KINDS = new Set(['DestinationRule']);

/**
 * The routes named when they reach pods that keep sessions without pinning
 * users while other routes (or paths) to the Service do: Ingresses and
 * Gateway API routes. (An IngressRoute, HTTPProxy or VirtualServer is not
 * named: its detector does not tell its paths apart.)
 */
const NAMED_WHEN_UNPINNED = new Set(['Ingress', 'HTTPRoute', 'GRPCRoute']);

/**
 * The kinds of route other than Ingresses that read an ingress controller's
 * Service setting: Kong's Gateway reads the upstream policy named on the
 * Service for its Gateway API routes. Traefik's IngressRoutes and Gateway API
 * routes take affinity from their own fields, GKE's Gateway from a
 * GCPBackendPolicy, and HAProxy's Service annotation is its Ingress
 * controller's.
 */
const OTHER_ROUTES_READING: ReadonlyMap<string, ReadonlySet<string>> = new Map([['kong', new Set(['HTTPRoute', 'GRPCRoute'])]]);

/** Whether a route of this kind (not an Ingress) reads a controller's Service setting. */
function readsServiceSetting(front: string, kind: string): boolean {
  return OTHER_ROUTES_READING.get(front)?.has(kind) ?? false;
}

/** Everything the rules look up, indexed by namespace and name. */
export class Inventory {
  public readonly docs: Doc[];
  public readonly services: Doc[] = [];
  public readonly ingresses: Doc[] = [];
  public readonly workloads: Workload[] = [];
  /** The IngressClass objects among the manifests (cluster-scoped). */
  public readonly ingressClasses: Doc[] = [];
  private readonly byKindName = new Map<string, Doc>();
  // namespace -> "key=value" -> workloads whose pod labels include it
  private readonly workloadsByLabel = new Map<string, Map<string, Workload[]>>();
  private readonly ingressesByService = new Map<string, Doc[]>();
  // namespace/name of a Service -> what reaches it (ingresses, routes, meshes)
  private readonly frontsByService = new Map<string, Array<FrontReach & { front: string; obj: { [key: string]: any } }>>();
  private readonly workloadsOfService = new Map<Doc, Workload[]>();
  /** The stable Service's name of each ingress-nginx-routed Argo Rollout, by its canary Service (see `argoNginxStableServiceOf`), made on first use. */
  private argoNginxStables?: Map<string, string>;

  /**
   * @param docs the manifests
   * @param detectors what the doctor knows of each front (every front the library renders, by default)
   */
  public constructor(docs: Doc[], detectors: readonly FrontDetector[] = FRONT_DETECTORS) {
    this.docs = docs;
    const scalers: Doc[] = [];
    const pending: Array<{ doc: Doc; ns: string; name: string }> = [];
    for (const doc of docs) {
      const obj = doc.obj;
      const kind = obj.kind;
      const ns = namespaceOf(obj);
      const name = nameOf(obj);
      this.byKindName.set(`${kind}|${key(ns, name)}`, doc);
      if (kind === 'Service') {
        this.services.push(doc);
      } else if (kind === 'Ingress') {
        this.ingresses.push(doc);
      } else if (kind === 'IngressClass') {
        this.ingressClasses.push(doc);
      } else if (WORKLOAD_KINDS.has(kind) || isRollout(obj)) {
        pending.push({ doc, ns, name });
      } else if (kind === 'HorizontalPodAutoscaler' || kind === 'ScaledObject') {
        scalers.push(doc);
      }
    }

    const scalersOf = new Map<string, Doc[]>();
    for (const s of scalers) {
      const ref = s.obj.spec?.scaleTargetRef;
      if (!isObject(ref) || typeof ref.name !== 'string') {
        continue;
      }
      // A ScaledObject's target kind defaults to Deployment.
      const kind = typeof ref.kind === 'string' ? ref.kind : 'Deployment';
      const k = `${kind}|${key(namespaceOf(s.obj), ref.name)}`;
      scalersOf.set(k, [...(scalersOf.get(k) ?? []), s]);
    }

    // Deployments a Rollout takes over and scales to zero.
    const scaledDown = new Set<string>();
    for (const { doc, ns } of pending) {
      const ref = doc.obj.spec?.workloadRef;
      if (isRollout(doc.obj) && !isObject(doc.obj.spec?.template) && isObject(ref) && ref.kind === 'Deployment'
        && typeof ref.name === 'string' && ROLLOUT_SCALES_DOWN_REFERENCE.has(String(ref.scaleDown))) {
        scaledDown.add(`Deployment|${key(ns, ref.name)}`);
      }
    }

    // A ReplicaSet a Deployment or Rollout among the manifests controls (as
    // `kubectl get all -o yaml` lists them side by side) runs that workload's
    // pods, not pods of its own: counted once, through its owner.
    const pendingKeys = new Set(pending.map(p => `${p.doc.obj.kind}|${key(p.ns, p.name)}`));
    const ownedByPending = (doc: Doc, ns: string) => asArray(doc.obj.metadata?.ownerReferences).some((o: any) =>
      isObject(o) && o.controller === true && typeof o.kind === 'string' && typeof o.name === 'string' && pendingKeys.has(`${o.kind}|${key(ns, o.name)}`));

    for (const { doc, ns, name } of pending) {
      if (ownedByPending(doc, ns)) {
        continue;
      }
      const spec = doc.obj.spec ?? {};
      const kind = doc.obj.kind;
      const template = kind === ROLLOUT_KIND ? this.rolloutTemplate(doc.obj, ns) : (isObject(spec.template) ? spec.template : {});
      if (template === undefined) {
        // A Rollout whose pod template the manifests do not hold: its pods cannot be told.
        continue;
      }
      const labels = isObject(template.metadata?.labels) ? stringMap(template.metadata.labels) : {};
      const w: Workload = {
        doc,
        kind,
        name,
        namespace: ns,
        podLabels: labels,
        podSpec: isObject(template.spec) ? template.spec : {},
        replicas: kind === 'DaemonSet' ? undefined
          : scaledDown.has(`${kind}|${key(ns, name)}`) ? 0
            : (typeof spec.replicas === 'number' ? spec.replicas : 1),
        scalers: scalersOf.get(`${kind}|${key(ns, name)}`) ?? [],
      };
      this.workloads.push(w);
      let index = this.workloadsByLabel.get(ns);
      if (!index) {
        index = new Map();
        this.workloadsByLabel.set(ns, index);
      }
      for (const [k, v] of Object.entries(labels)) {
        const lk = `${k}=${v}`;
        const list = index.get(lk);
        if (list) {
          list.push(w);
        } else {
          index.set(lk, [w]);
        }
      }
    }

    for (const ing of this.ingresses) {
      const ns = namespaceOf(ing.obj);
      for (const svc of ingressBackends(ing.obj)) {
        const k = key(ns, svc);
        this.ingressesByService.set(k, [...(this.ingressesByService.get(k) ?? []), ing]);
      }
    }
    const reaches = detectFronts(docs.map(d => d.obj), namespaceOf, (kind, ns, name) => this.find(kind, ns, name)?.obj, detectors);
    for (const reach of reaches) {
      const k = key(reach.namespace, reach.name);
      this.frontsByService.set(k, [...(this.frontsByService.get(k) ?? []), reach]);
    }
  }

  /** A Rollout's pod template: its own, or the one of the object its workloadRef names, when the manifests hold it. */
  private rolloutTemplate(rollout: { [key: string]: any }, namespace: string): { [key: string]: any } | undefined {
    if (isObject(rollout.spec?.template)) {
      return rollout.spec.template;
    }
    const ref = rollout.spec?.workloadRef;
    if (!isObject(ref) || typeof ref.kind !== 'string' || typeof ref.name !== 'string') {
      return undefined;
    }
    const target = this.find(ref.kind, namespace, ref.name)?.obj;
    const template = ref.kind === 'PodTemplate' ? target?.template : target?.spec?.template;
    return isObject(template) ? template : undefined;
  }

  /** The object of this kind, namespace and name, if it is among the manifests. */
  public find(kind: string, namespace: string, name: string): Doc | undefined {
    return this.byKindName.get(`${kind}|${key(namespace, name)}`);
  }

  /** The workloads whose pods a Service selects, as the endpoints controller would. */
  public workloadsOf(service: Doc): Workload[] {
    const cached = this.workloadsOfService.get(service);
    if (cached) {
      return cached;
    }
    const selector = service.obj.spec?.selector;
    let found: Workload[] = [];
    // No selector: endpoints are managed by hand; an empty one selects nothing useful to judge.
    if (isObject(selector) && Object.keys(selector).length > 0) {
      const [k, v] = Object.entries(selector)[0];
      const candidates = this.workloadsByLabel.get(namespaceOf(service.obj))?.get(`${k}=${String(v)}`) ?? [];
      found = candidates.filter(w => selects(selector, w.podLabels));
    }
    this.workloadsOfService.set(service, found);
    return found;
  }

  /** The Services (in its namespace) whose selector matches a workload's pods. */
  public servicesOf(workload: Workload): Doc[] {
    return this.services.filter(s => namespaceOf(s.obj) === workload.namespace && this.workloadsOf(s).includes(workload));
  }

  /** The Ingresses that route to a Service. */
  public ingressesOf(service: Doc): Doc[] {
    return this.ingressesByService.get(key(namespaceOf(service.obj), nameOf(service.obj))) ?? [];
  }

  /**
   * What pins a Service's clients to a pod in front of it (an ingress, a
   * route, a mesh, a load balancer), in words; undefined when nothing does.
   */
  public cookieAffinityFor(service: Doc): string | undefined {
    return this.frontsOf(service).find(r => r.affinity !== undefined && this.affinityIgnoredBy(r, service) === undefined)?.affinity;
  }

  /**
   * The stable Service of an Argo Rollout whose `canaryService` is this one,
   * when the Rollout routes its canary traffic with ingress-nginx
   * (`trafficRouting.nginx`): Argo Rollouts then writes a canary Ingress
   * copied from the stable Ingress, and an ingress-nginx canary takes its
   * main Ingress's affinity, so the canary Service's users are pinned as
   * the stable Service's are.
   *
   * @see https://argo-rollouts.readthedocs.io/en/stable/features/traffic-management/nginx/
   */
  public argoNginxStableServiceOf(service: Doc): Doc | undefined {
    // One pass over the workloads for every Service (a pass per Service grew
    // with the square of the manifests); the first Rollout of a canary wins.
    if (this.argoNginxStables === undefined) {
      this.argoNginxStables = new Map();
      for (const w of this.workloads) {
        const canary = w.doc.obj.spec?.strategy?.canary;
        if (w.kind !== ROLLOUT_KIND || !isObject(canary) || typeof canary.canaryService !== 'string'
          || !isObject(canary.trafficRouting?.nginx) || typeof canary.stableService !== 'string') {
          continue;
        }
        const canaryKey = key(w.namespace, canary.canaryService);
        if (!this.argoNginxStables.has(canaryKey)) {
          this.argoNginxStables.set(canaryKey, canary.stableService);
        }
      }
    }
    const ns = namespaceOf(service.obj);
    const stable = this.argoNginxStables.get(key(ns, nameOf(service.obj)));
    return stable === undefined ? undefined : this.find('Service', ns, stable);
  }

  /**
   * The objects that route requests to a Service (Ingresses, Gateway API
   * routes, IngressRoutes, HTTPProxies, VirtualServers), as "Ingress web";
   * not policies attached to it.
   */
  public routesTo(service: Doc): string[] {
    return [...new Set(this.frontsOf(service).filter(r => ROUTE_KINDS.has(String(r.obj.kind))).map(r => `${r.obj.kind} ${nameOf(r.obj)}`))];
  }

  /**
   * The objects that route to a Service (Ingresses, Gateway API routes,
   * IngressRoutes, HTTPProxies, VirtualServers), as "Ingress web", split by
   * whether some affinity setting the doctor counts pins the clients that
   * come through them: the route's own, a Service setting the route's
   * controller reads, a policy attached to the route, or a gateway's policy
   * on the Service for the kinds of route it covers. A route whose paths to
   * the Service differ (the rules of an HTTPRoute) is judged per path: one
   * pinned path does not pin the others, and a route pinned on some paths
   * only is named per path ("HTTPRoute web rule 2 (PathPrefix /)"). Only
   * Ingresses and Gateway API routes are listed as unpinned, and none when a
   * policy that may cover any way in (a mesh's) reaches the Service.
   */
  public routesByAffinity(service: Doc): { readonly pinned: string[]; readonly unpinned: string[] } {
    const reaches = this.frontsOf(service);
    const counted = (r: Reach) => r.affinity !== undefined && this.affinityIgnoredBy(r, service) === undefined;
    const applying = reaches.filter(counted);
    const pinned: string[] = [];
    const unpinned: string[] = [];
    // A policy's reach that may cover routes the doctor cannot relate it to (a mesh's): then no
    // route is said to be unpinned.
    const anyWayIn = (r: Reach) => r.obj !== service.obj && !ROUTE_KINDS.has(String(r.obj.kind))
      && r.route === undefined && r.coversRouteKinds === undefined;
    if (applying.some(anyWayIn)) {
      return { pinned, unpinned };
    }
    // A canary Ingress takes its affinity from its main Ingress.
    const routes = [...new Set(reaches.map(r => r.obj))]
      .filter(o => ROUTE_KINDS.has(String(o.kind)) && annotationsOf(o)[NGINX_CANARY_ANNOTATION] !== 'true');
    for (const route of routes) {
      const own = reaches.filter(r => r.obj === route);
      const paths = [...new Set(own.map(r => r.path))];
      const pinnedPaths: Array<string | undefined> = [];
      const unpinnedPaths: Array<string | undefined> = [];
      for (const path of paths) {
        const here = own.filter(r => r.path === path);
        const pins = here.some(counted)
          // A Service setting of the controller that may carry the route.
          || applying.some(r => r.obj === service.obj && this.readsServiceSettingOf(r.front, route))
          // A policy attached to this route.
          || applying.some(r => r.route === route)
          // A gateway's policy on the Service for routes of this kind, unless the path's own setting
          // of the same front, which wins over it, pins nobody (a route rule's header session over an
          // XBackendTrafficPolicy's cookie).
          || applying.some(r => r.coversRouteKinds?.includes(String(route.kind)) && !here.some(o => o.affinity !== undefined && o.front === r.front));
        (pins ? pinnedPaths : unpinnedPaths).push(path);
      }
      const name = `${route.kind} ${nameOf(route)}`;
      const inWords = (some: Array<string | undefined>) => some.length === paths.length ? [name] : some.map(p => (p === undefined ? name : `${name} ${p}`));
      if (pinnedPaths.length > 0) {
        pinned.push(...inWords(pinnedPaths));
      }
      // Only an Ingress or a Gateway API route is said to be unpinned. (A Gateway API route could be
      // pinned by a policy on its Gateway, which no reach of the Service shows; the doctor takes a
      // route with no setting it can see for unpinned, as it does for a lone route.)
      if (unpinnedPaths.length > 0 && NAMED_WHEN_UNPINNED.has(String(route.kind))) {
        unpinned.push(...inWords(unpinnedPaths));
      }
    }
    return { pinned, unpinned };
  }

  /**
   * Affinity settings for a Service that the controllers in front of it do
   * not read, each with why: an Ingress's annotations for a controller other
   * than the one its class names, or a Service's settings for an ingress
   * controller that no route to it reads.
   */
  public ignoredAffinityFor(service: Doc): string[] {
    const out: string[] = [];
    for (const reach of this.frontsOf(service)) {
      const why = reach.affinity !== undefined ? this.affinityIgnoredBy(reach, service) : undefined;
      if (why !== undefined) {
        out.push(`Not counted: ${reach.affinity}, as ${why}`);
      }
    }
    // One line per setting, however many paths of an Ingress reach the Service.
    return [...new Set(out)];
  }

  /**
   * The changes that would make a front's affinity setting for a Service pin
   * users, for the settings the front reads but that pin nobody as written
   * (an upstream that is the cluster IP, a cookie that is never set).
   */
  public uncountedAffinityFixes(service: Doc): string[] {
    const fixes = this.frontsOf(service)
      .filter(r => r.affinity !== undefined && this.notReadBy(r, service) === undefined)
      .flatMap(r => r.notCounted !== undefined ? [r.notCounted.fix] : this.unreadByProxies(r, service) !== undefined ? [r.readBy!.fix] : []);
    return [...new Set(fixes)];
  }

  /**
   * Why no proxy that carries requests to a Service reads a reach's setting,
   * for a setting only some proxies read (`readBy`): every route to the
   * Service goes through a proxy that does not, or, with no route among the
   * manifests, the setting's own scope says so; undefined when one may.
   */
  private unreadByProxies(reach: Reach, service: Doc): string | undefined {
    const scope = reach.readBy;
    if (scope === undefined) {
      return undefined;
    }
    const routes = [...new Set(this.frontsOf(service).map(r => r.obj))]
      .filter(o => o !== reach.obj && ROUTE_KINDS.has(String(o.kind)));
    if (routes.length === 0) {
      const own = new Set(this.workloadsOf(service));
      const unread = scope.unreadWithoutRoutes(this.workloads.filter(w => !own.has(w)).map(w => ({ namespace: w.namespace, labels: w.podLabels })));
      return unread === undefined ? undefined : `${scope.scope}, and ${unread}`;
    }
    const workloads = this.workloads.map(w => ({ namespace: w.namespace, labels: w.podLabels }));
    const unread = routes.map(route => scope.unreadOn(route, namespaceOf(route), workloads));
    return unread.every(u => u !== undefined) ? `${scope.scope}, and ${[...new Set(unread)].join('; ')}` : undefined;
  }

  /**
   * The controllers that may serve an Ingress: from the IngressClass it
   * names when the manifests hold it (or the one marked default, for an
   * Ingress that names none), else from the class names controllers install
   * by default; undefined when neither tells (a class of another name, or
   * of a controller the doctor does not know).
   */
  public serversOf(ingress: { [key: string]: any }): IngressServers | undefined {
    return ingressServers(ingress,
      name => this.ingressClasses.find(c => nameOf(c.obj) === name)?.obj,
      () => this.ingressClasses.find(c => isDefaultIngressClass(c.obj))?.obj);
  }

  /** Why a reach's affinity setting pins nobody's traffic, or undefined when it may. */
  private affinityIgnoredBy(reach: Reach, service: Doc): string | undefined {
    return this.notReadBy(reach, service) ?? this.notCoveringAnyRoute(reach, service)
      ?? reach.notCounted?.why ?? this.notOnRoutedPort(reach, service) ?? this.unreadByProxies(reach, service);
  }

  /**
   * Why a policy's setting for one Service port (a DestinationRule's
   * portLevelSettings) pins nobody: the manifests hold routes to the
   * Service and none goes to that port (a route that names no port goes to
   * the only port of a single-port Service, and may go to any of several);
   * undefined otherwise.
   */
  private notOnRoutedPort(reach: Reach, service: Doc): string | undefined {
    if (typeof reach.port !== 'number' || !PER_PORT_POLICY_KINDS.has(String(reach.obj.kind))) {
      return undefined;
    }
    const ports = asArray(service.obj.spec?.ports).filter(isObject);
    const routed = this.frontsOf(service).filter(r => r.obj !== reach.obj && ROUTE_KINDS.has(String(r.obj.kind)));
    if (routed.length === 0) {
      return undefined;
    }
    const portOf = (r: Reach): number | undefined => {
      if (typeof r.port === 'number') {
        return r.port;
      }
      if (typeof r.port === 'string') {
        const named = ports.find(p => p.name === r.port)?.port;
        return typeof named === 'number' ? named : undefined;
      }
      return ports.length === 1 && typeof ports[0].port === 'number' ? ports[0].port : undefined;
    };
    const routedPorts = routed.map(portOf);
    if (routedPorts.some(p => p === undefined || p === reach.port)) {
      return undefined;
    }
    const names = [...new Set(routed.map(r => `${r.obj.kind} ${nameOf(r.obj)} to port ${portOf(r)}`))];
    return `${reach.via} sets it for Service port ${reach.port} only, and no route to the Service goes to that port (${names.join('; ')})`;
  }

  /**
   * Why a policy that only some kinds of route read (a gateway's backend
   * policy on the Service) pins nobody: the manifests hold routes to the
   * Service, and none of those kinds; undefined otherwise.
   */
  private notCoveringAnyRoute(reach: Reach, service: Doc): string | undefined {
    const kinds = reach.coversRouteKinds;
    if (kinds === undefined) {
      return undefined;
    }
    const routes = [...new Set(this.frontsOf(service).map(r => r.obj))].filter(o => ROUTE_KINDS.has(String(o.kind)));
    if (routes.length === 0 || routes.some(route => kinds.includes(String(route.kind)))) {
      return undefined;
    }
    const names = routes.map(route => `${route.kind} ${nameOf(route)}`);
    return `${reach.via} is read for Gateway API routes only (${kinds.filter(k => ROUTE_KINDS.has(k)).join(', ')}), and the only ${names.length > 1 ? 'routes' : 'route'} to the Service ${names.length > 1 ? 'are' : 'is'} ${names.join(', ')}`;
  }

  /** Why no controller that carries the traffic reads a reach's affinity setting, or undefined when one may. */
  private notReadBy(reach: Reach, service: Doc): string | undefined {
    const obj = reach.obj;
    if (!INGRESS_CONTROLLER_NAMES.has(reach.front)) {
      return undefined;
    }
    const name = INGRESS_CONTROLLER_NAMES.get(reach.front)!;
    if (obj.kind === 'Ingress') {
      const servers = this.serversOf(obj);
      return servers === undefined || servers.fronts.includes(reach.front) ? undefined
        : `${reach.via} is served by ${controllersInWords(servers.fronts)} (${servers.by}), not by ${name}`;
    }
    if (obj.kind !== 'Service' || !SERVICE_SETTINGS_OF_A_CONTROLLER.has(reach.front)) {
      return undefined;
    }
    // The objects that route to the Service: the setting pins nobody when none of them reads it.
    const routes = [...new Set(this.frontsOf(service).map(r => r.obj))]
      .filter(o => o !== obj && o !== service.obj && ROUTE_KINDS.has(String(o.kind)));
    if (routes.length === 0) {
      return undefined;
    }
    if (routes.some(route => this.readsServiceSettingOf(reach.front, route))) {
      return undefined;
    }
    // Each Ingress here has servers the doctor knows (readsServiceSettingOf said no).
    const others = routes.map(route => {
      const servers = route.kind === 'Ingress' ? this.serversOf(route) : undefined;
      return servers !== undefined
        ? `Ingress ${nameOf(route)} is served by ${controllersInWords(servers.fronts)} (${servers.by})`
        : `${route.kind} ${nameOf(route)} ${route.kind === 'IngressRoute' ? 'takes its sticky cookie from its own services[].sticky' : 'does not read them'}`;
    });
    return `no route to the Service reads them: ${others.join('; ')}`;
  }

  /**
   * Whether a route may carry traffic that an ingress controller's Service
   * setting pins: an Ingress that controller may serve (or whose controller
   * the doctor cannot tell), or a route of another kind that reads it (Kong's
   * Gateway API routes).
   */
  private readsServiceSettingOf(front: string, route: { [key: string]: any }): boolean {
    if (route.kind === 'Ingress') {
      const servers = this.serversOf(route);
      return servers === undefined || servers.fronts.includes(front);
    }
    return readsServiceSetting(front, String(route.kind));
  }

  /** Everything the detectors found reaching a Service. */
  public frontsOf(service: Doc): readonly Reach[] {
    return this.frontsAt(namespaceOf(service.obj), nameOf(service.obj));
  }

  /** Everything the detectors found reaching the Service of this namespace and name, among the manifests or not, with the object each came from. */
  public frontsAt(namespace: string, name: string): readonly Reach[] {
    return this.frontsByService.get(key(namespace, name)) ?? [];
  }

  /** The fronts that reach a Service's pods without its virtual IP (and so without kube-proxy's ClientIP affinity). */
  public frontsBypassingVirtualIp(service: Doc): readonly Reach[] {
    return this.frontsOf(service).filter(r => r.bypassesVirtualIp === true);
  }

  /** The pods a workload runs: fixed, one per node, or an autoscaler's range. */
  public podCount(w: Workload): PodCount {
    if (w.scalers.length === 0) {
      const n = w.replicas ?? Infinity;
      return { min: n, max: n, autoscaled: false };
    }
    let min = Infinity;
    let max = 0;
    for (const s of w.scalers) {
      const spec = s.obj.spec ?? {};
      if (s.obj.kind === 'ScaledObject') {
        min = Math.min(min, numberOr(spec.minReplicaCount, KEDA_DEFAULT_MIN_REPLICAS));
        max = Math.max(max, numberOr(spec.maxReplicaCount, KEDA_DEFAULT_MAX_REPLICAS));
      } else {
        min = Math.min(min, numberOr(spec.minReplicas, HPA_DEFAULT_MIN_REPLICAS));
        max = Math.max(max, numberOr(spec.maxReplicas, 0));
      }
    }
    return { min, max, autoscaled: true };
  }

}

function numberOr(x: unknown, fallback: number): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : fallback;
}

function stringMap(x: { [key: string]: any }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(x)) {
    out[k] = String(v);
  }
  return out;
}
