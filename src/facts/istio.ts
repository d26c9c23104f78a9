import { groupOf, listOf, manifestName } from './manifests';
import type { FrontContext, FrontDetector, FrontReach, Manifest, NotCounted, ProxyScope, ScopedWorkload } from '../doctor/fronts';

/**
 * What Istio's DestinationRule (networking.istio.io/v1, Istio 1.30.3) accepts
 * for cookie-based consistent hashing. Pure: no imports.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings-ConsistentHashLB-HTTPCookie
 * @see https://github.com/istio/api/blob/1.30.3/networking/v1alpha3/destination_rule.proto
 */

/** The Istio release whose CRD the output is checked against. */
export const ISTIO_RELEASE = '1.30.3';

/** Kubernetes' default cluster DNS domain, the end of a Service's FQDN. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/**
 * The hash keys of `consistentHash`: a `oneOf` in the CRD, so a
 * DestinationRule names exactly one of them.
 */
export const ISTIO_HASH_KEYS = ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'] as const;

/**
 * `ttl` that makes the sidecar generate a session cookie. Without a `ttl`
 * the proxy generates no cookie and only hashes one the client sends.
 */
export const ISTIO_SESSION_COOKIE_TTL = '0s';

/**
 * A duration in seconds in the protobuf JSON form Istio's `ttl` takes:
 * seconds with up to nine fractional digits and the suffix `s` (`1800s`,
 * `1.5s`), or `undefined` for a negative or non-finite value.
 *
 * @see https://protobuf.dev/reference/protobuf/google.protobuf/#duration
 */
export function protobufDuration(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return undefined;
  }
  const text = Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(9).replace(/0+$/, '');
  return `${text}s`;
}

/**
 * The cluster FQDN of a Service (`<name>.<namespace>.svc.<cluster domain>`),
 * which a DestinationRule's `host` should be so that it applies from every
 * namespace.
 */
export function serviceFqdn(name: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${name}.${namespace}.svc.${clusterDomain}`;
}

/** Whether `domain` can end a cluster FQDN: a lowercase DNS name. */
export function isClusterDomain(domain: string): boolean {
  return domain.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(domain);
}

/**
 * Istio's root configuration namespace when the mesh config does not name
 * another (`meshConfig.rootNamespace`): a DestinationRule there is looked up
 * for every proxy, as one in the Service's own namespace is.
 *
 * @see https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig
 */
export const ISTIO_ROOT_NAMESPACE_DEFAULT = 'istio-system';

/**
 * The label Istio puts on the pods of the proxy it deploys for a Gateway API
 * Gateway (with the Gateway's name), beside `gateway.networking.k8s.io/gateway-class-name`
 * and the Gateway's `spec.infrastructure.labels`.
 *
 * @see https://github.com/istio/istio/blob/master/manifests/charts/istio-control/istio-discovery/files/kube-gateway.yaml
 */
export const ISTIO_GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** The label of the GatewayClass on the pods of a Gateway's proxy that Istio deploys. */
export const ISTIO_GATEWAY_CLASS_LABEL = 'gateway.networking.k8s.io/gateway-class-name';

const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
const ISTIO_GROUP = 'networking.istio.io';

/**
 * The `controllerName`s of GatewayClasses whose proxies are not Istio's, so
 * read no DestinationRule. Only these are taken as not Istio: Istio's own
 * classes name several controllers (`istio`: istio.io/gateway-controller,
 * `istio-remote`: istio.io/unmanaged-gateway, `istio-waypoint`:
 * istio.io/mesh-controller), and vendors ship Istio under their own names,
 * so an unknown controller may be Istio's; it is read as today (counted).
 *
 * @see https://istio.io/latest/docs/tasks/traffic-management/ingress/gateway-api/
 * @see https://gateway-api.sigs.k8s.io/implementations/
 */
export const NON_ISTIO_GATEWAY_CONTROLLERS: readonly string[] = [
  'gateway.envoyproxy.io/gatewayclass-controller',
  'networking.gke.io/gateway',
  'konghq.com/kic-gateway-controller',
  'konghq.com/gateway-operator',
  'projectcontour.io/gateway-controller',
  'traefik.io/gateway-controller',
  'gateway.nginx.org/nginx-gateway-controller',
  'io.cilium/gateway-controller',
  'application-networking.k8s.aws/gateway-api-controller',
];

/**
 * A VirtualService's `gateways` entry for the mesh's sidecars (also what a
 * VirtualService without `gateways` applies to).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#VirtualService
 */
export const ISTIO_MESH_GATEWAY = 'mesh';

/**
 * The Service a DestinationRule's or VirtualService's host names: `name`
 * (in `namespace`, the object's own), `name.namespace`, or the Service's
 * FQDN `name.namespace.svc.<cluster domain>`; undefined for another host (a
 * wildcard, an external name).
 */
export function istioServiceHost(host: unknown, namespace: string): { name: string; namespace: string } | undefined {
  if (typeof host !== 'string' || host === '' || host.startsWith('*')) {
    return undefined;
  }
  const parts = host.split('.');
  if (parts.length === 1) {
    return { name: parts[0], namespace };
  }
  if (parts.length === 2 || parts[2] === 'svc') {
    return { name: parts[0], namespace: parts[1] };
  }
  return undefined;
}

/** What a DestinationRule's traffic policy does with a consistent hash, for one port. */
type HashAffinity = { affinity: string; notCounted?: NotCounted } | undefined;

function hashAffinity(loadBalancer: any, via: string): HashAffinity {
  const hash = loadBalancer?.consistentHash;
  if (typeof hash !== 'object' || hash === null) {
    return undefined;
  }
  const cookie = hash.httpCookie;
  const cookieWords = `Istio consistent-hash cookie on ${via}`;
  if (typeof cookie === 'object' && cookie !== null) {
    if (cookie.ttl !== undefined && cookie.ttl !== null) {
      return { affinity: cookieWords };
    }
    return {
      affinity: cookieWords,
      notCounted: {
        why: `${via} sets httpCookie without a ttl, so the proxy never sets the cookie and only hashes one the browser already sends: requests without it go to any pod`,
        fix: `set httpCookie.ttl on ${via} ("${ISTIO_SESSION_COOKIE_TTL}" for a session cookie), so that the proxy sets the cookie`,
      },
    };
  }
  if (hash.useSourceIp === true) {
    return { affinity: `Istio consistent hash on the client's IP (useSourceIp) on ${via}` };
  }
  return undefined;
}

/** `matchLabels` as `key=value` words. */
function labelWords(labels: Record<string, string>): string {
  const entries = Object.entries(labels);
  return entries.length === 0 ? 'no labels: every pod' : entries.map(([k, v]) => `${k}=${v}`).join(', ');
}

/**
 * Which proxies read a DestinationRule, when not all of them do, from its
 * namespace, `exportTo` and `workloadSelector`, as istiod looks rules up for
 * a proxy: the rules of the proxy's own namespace (those exported to it,
 * `"."` included), then those of the Service's namespace exported to the
 * proxy's namespace, then those of the root namespace exported to it. A rule
 * with a workloadSelector is kept to its own namespace, for the proxies of
 * the pods it selects (gateways too). A rule every Istio proxy reads is still
 * read by no other: a Gateway API Gateway whose GatewayClass (among the
 * manifests) names another controller does not read it.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#DestinationRule
 * @see https://github.com/istio/istio/blob/master/pilot/pkg/model/push_context.go (destinationRule, setDestinationRules)
 */
function proxyScope(rule: Manifest, ruleNamespace: string, serviceNamespace: string, via: string, context: FrontContext): ProxyScope {
  const selector = rule.spec?.workloadSelector;
  const matchLabels: Record<string, string> | undefined = typeof selector === 'object' && selector !== null
    ? Object.fromEntries(Object.entries(selector.matchLabels ?? {}).map(([k, v]) => [k, String(v)]))
    : undefined;
  const exportTo = listOf(rule.spec?.exportTo).map(String);
  const everywhere = exportTo.length === 0 || exportTo.includes('*');
  const lookedUpEverywhere = ruleNamespace === serviceNamespace || ruleNamespace === ISTIO_ROOT_NAMESPACE_DEFAULT;
  // Every Istio proxy reads it: only a gateway that is not Istio's does not.
  const allIstio = matchLabels === undefined && everywhere && lookedUpEverywhere;
  // Whether a proxy in `namespace` reads the rule.
  const readFrom = (namespace: string): boolean => {
    if (matchLabels !== undefined) {
      return namespace === ruleNamespace;
    }
    const local = namespace === ruleNamespace && (everywhere || exportTo.includes('.') || exportTo.includes(ruleNamespace));
    return local || (lookedUpEverywhere && (everywhere || exportTo.includes(namespace)));
  };
  let scope: string;
  let fix: string;
  if (allIstio) {
    scope = `${via} is read by Istio's proxies only (sidecars and Istio's gateways)`;
    fix = `set the affinity where the gateway in front reads it (sessionPersistence on the route, or that gateway's own policy), or send the traffic through an Istio gateway, as only Istio's proxies read ${via}`;
  } else if (matchLabels !== undefined) {
    scope = `${via} has a workloadSelector (${labelWords(matchLabels)}), so Istio applies it only to the proxies of the pods it selects in namespace ${ruleNamespace}`;
    fix = `remove workloadSelector from ${via}, so that every proxy that sends to the Service applies it`;
  } else if (!lookedUpEverywhere) {
    scope = `${via} is in namespace ${ruleNamespace}, neither the Service's namespace nor Istio's root namespace (${ISTIO_ROOT_NAMESPACE_DEFAULT}), so only the proxies in ${ruleNamespace} read it`;
    fix = `move ${via} to namespace ${serviceNamespace}, the Service's, so that the proxies of every namespace it is exported to read it`;
  } else {
    scope = `${via} is exported only to ${exportTo.map(e => e === '.' ? ruleNamespace : e).join(', ')} (exportTo: ${JSON.stringify(exportTo)})`;
    fix = `add the namespaces of the gateways in front to exportTo of ${via} (or leave exportTo out), so that their proxies read it`;
  }
  // Whether the proxy of pods with these labels (as far as the manifests tell) in `namespace` reads the rule.
  const readBy = (namespace: string, known: Record<string, string>): boolean => readFrom(namespace)
    && (matchLabels === undefined || !Object.entries(matchLabels).some(([k, v]) => known[k] !== undefined && known[k] !== v));
  const unreadOnVirtualService = (route: Manifest, routeNamespace: string, workloads: readonly ScopedWorkload[]): string | undefined => {
    const gateways = listOf(route.spec?.gateways).map(String);
    // No gateways, or `mesh`: the clients' sidecars, which the manifests cannot tell.
    if (allIstio || gateways.length === 0 || gateways.includes(ISTIO_MESH_GATEWAY)) {
      return undefined;
    }
    const reasons: string[] = [];
    for (const ref of gateways) {
      const [namespace, name] = ref.includes('/') ? ref.split('/', 2) : [routeNamespace, ref];
      const found = context.find('Gateway', namespace, name);
      const gateway = found !== undefined && groupOf(found) === ISTIO_GROUP ? found : undefined;
      const podSelector: Record<string, string> = Object.fromEntries(
        Object.entries(gateway?.spec?.selector ?? {}).map(([k, v]) => [k, String(v)]));
      // The gateway's pods, when the manifests hold them (Istio matches the selector in every
      // namespace by default). When they do not, the proxy is taken to run in the Gateway's own
      // namespace, as in Istio's default install (istio-ingressgateway in istio-system, or a
      // gateway chart in istio-ingress with its Gateway beside it).
      const pods = Object.keys(podSelector).length === 0 ? []
        : workloads.filter(w => Object.entries(podSelector).every(([k, v]) => w.labels[k] === v));
      const proxies = pods.length > 0 ? pods.map(w => ({ namespace: w.namespace, labels: { ...w.labels } })) : [{ namespace, labels: podSelector }];
      if (proxies.some(p => readBy(p.namespace, p.labels))) {
        return undefined;
      }
      const where = [...new Set(proxies.map(p => p.namespace))].join(', ');
      reasons.push(proxies.some(p => readFrom(p.namespace))
        ? `VirtualService ${manifestName(route)} goes through Gateway ${namespace}/${name}, whose proxy it does not select`
        : `VirtualService ${manifestName(route)} goes through Gateway ${namespace}/${name}, whose proxy runs in namespace ${where}`);
    }
    return reasons.join('; ');
  };
  const unreadOn = (route: Manifest, routeNamespace: string, workloads: readonly ScopedWorkload[] = []): string | undefined => {
    const kind = String(route.kind);
    if (groupOf(route) === ISTIO_GROUP && kind === 'VirtualService') {
      return unreadOnVirtualService(route, routeNamespace, workloads);
    }
    if (groupOf(route) !== GATEWAY_API_GROUP || (kind !== 'HTTPRoute' && kind !== 'GRPCRoute')) {
      return undefined;
    }
    const parents = listOf(route.spec?.parentRefs);
    if (parents.length === 0) {
      return undefined;
    }
    const reasons: string[] = [];
    for (const ref of parents) {
      // A parent other than a Gateway (a Service, for mesh traffic) is the clients' own proxies.
      if ((ref?.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP || (ref?.kind ?? 'Gateway') !== 'Gateway' || typeof ref?.name !== 'string') {
        return undefined;
      }
      const namespace = typeof ref.namespace === 'string' ? ref.namespace : routeNamespace;
      const found = context.find('Gateway', namespace, ref.name);
      const gateway = found !== undefined && groupOf(found) === GATEWAY_API_GROUP ? found : undefined;
      const name = `Gateway ${namespace}/${ref.name}`;
      // A Gateway whose class the manifests show served by another controller than Istio: its proxy reads no DestinationRule.
      const className = gateway?.spec?.gatewayClassName;
      const controller = typeof className === 'string' ? context.find('GatewayClass', 'default', className)?.spec?.controllerName : undefined;
      if (typeof controller === 'string' && NON_ISTIO_GATEWAY_CONTROLLERS.includes(controller)) {
        reasons.push(`${kind} ${manifestName(route)} goes through ${name}, of GatewayClass ${className}, whose controller ${controller} is not Istio's and reads no DestinationRule`);
        continue;
      }
      if (allIstio) {
        return undefined;
      }
      // A Gateway with addresses may use a proxy deployed elsewhere (Istio's manual deployment).
      if (listOf(gateway?.spec?.addresses).length > 0) {
        return undefined;
      }
      if (!readFrom(namespace)) {
        reasons.push(`${kind} ${manifestName(route)} goes through ${name}, whose proxy runs in namespace ${namespace}`);
        continue;
      }
      if (matchLabels === undefined) {
        return undefined;
      }
      // The labels Istio gives the Gateway's pods, as far as the manifests tell.
      const known: Record<string, string> = { [ISTIO_GATEWAY_NAME_LABEL]: ref.name };
      if (gateway !== undefined) {
        if (typeof gateway.spec?.gatewayClassName === 'string') {
          known[ISTIO_GATEWAY_CLASS_LABEL] = gateway.spec.gatewayClassName;
        }
        for (const [k, v] of Object.entries(gateway.spec?.infrastructure?.labels ?? {})) {
          known[k] = String(v);
        }
      }
      // Selected, or asking for labels the manifests do not show on those pods: it may read it.
      if (!Object.entries(matchLabels).some(([k, v]) => known[k] !== undefined && known[k] !== v)) {
        return undefined;
      }
      reasons.push(`${kind} ${manifestName(route)} goes through ${name}, whose proxy it does not select`);
    }
    return reasons.join('; ');
  };
  const unreadWithoutRoutes = (workloads: readonly ScopedWorkload[]): string | undefined => {
    // Clients in the namespaces a rule is exported to cannot be told; the pods a selector names can.
    if (allIstio || matchLabels === undefined) {
      return undefined;
    }
    const selects = (w: ScopedWorkload) => w.namespace === ruleNamespace && Object.entries(matchLabels).every(([k, v]) => w.labels[k] === v);
    return workloads.some(selects) ? undefined
      : 'no route among the manifests reaches the Service, nor does it select any workload among them that may send to it (the Service\'s own pods receive its requests)';
  };
  return { scope, fix, unreadOn, unreadWithoutRoutes };
}

/**
 * The Services a VirtualService's HTTP routes send to
 * (`http[].route[].destination.host`, a short host in the VirtualService's
 * namespace), with the Service port when the destination names one. A
 * VirtualService only routes: the affinity comes from the DestinationRule of
 * the host, which the proxies of its `gateways` (or the sidecars, for
 * `mesh` or none) read or not (see `proxyScope`).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRouteDestination
 */
function virtualServiceRoutes(vs: Manifest, context: FrontContext): FrontReach[] {
  const via = `VirtualService ${manifestName(vs)}`;
  const out: FrontReach[] = [];
  const seen = new Set<string>();
  for (const http of listOf(vs.spec?.http)) {
    for (const route of listOf(http?.route)) {
      const target = istioServiceHost(route?.destination?.host, context.namespace);
      if (target === undefined) {
        continue;
      }
      const port = route.destination.port?.number;
      const k = `${target.namespace}/${target.name}:${String(port)}`;
      if (seen.has(k)) {
        continue;
      }
      seen.add(k);
      out.push({ ...target, ...(typeof port === 'number' ? { port } : {}), bypassesVirtualIp: true, via });
    }
  }
  return out;
}

/**
 * Istio's sidecars (and gateways) pick the destination pod themselves, from
 * the endpoints, so a DestinationRule's host is reached without its virtual
 * IP. `consistentHash.httpCookie` pins a browser to a pod only with a `ttl`:
 * without one the proxy never sets the cookie and only hashes one the client
 * already sends (a request without it goes to any pod). `useSourceIp` pins
 * each client address to a pod, as a Service's ClientIP does. The host is
 * `name`, `name.namespace` or the Service's FQDN (a short name is in the
 * rule's namespace).
 *
 * A `portLevelSettings` entry is for the Service port of its number, and
 * replaces the rule's top-level settings for that port whole: a field it
 * leaves out takes the default, not the top-level value (so an entry without
 * a loadBalancer means no consistent hash on that port). A rule that only
 * some proxies read (`exportTo`, a `workloadSelector`, a namespace other than
 * the Service's or the root one) says which (`readBy`).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings-ConsistentHashLB-HTTPCookie
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy-PortTrafficPolicy
 */
export const ISTIO_DETECTOR: FrontDetector = {
  front: 'istio',
  kinds: ['DestinationRule', 'VirtualService'],
  detect(rule, context) {
    if (groupOf(rule) !== ISTIO_GROUP) {
      return [];
    }
    if (rule.kind === 'VirtualService') {
      return virtualServiceRoutes(rule, context);
    }
    const target = istioServiceHost(rule.spec?.host, context.namespace);
    if (target === undefined) {
      return [];
    }
    const { name, namespace } = target;
    const via = `DestinationRule ${manifestName(rule)}`;
    const readBy = proxyScope(rule, context.namespace, namespace, via, context);
    const reach: FrontReach = { namespace, name, bypassesVirtualIp: true, via, readBy };
    const top = rule.spec?.trafficPolicy;
    const portLevel = listOf(top?.portLevelSettings).filter(p => typeof p?.port?.number === 'number');
    const service = context.find('Service', namespace, name);
    const servicePorts = listOf(service?.spec?.ports).map(p => p?.port).filter((p): p is number => typeof p === 'number');
    const out: FrontReach[] = [];
    // Each port of the Service (when the manifests hold it) takes its own entry, else the top level.
    const ports: Array<number | undefined> = service !== undefined ? servicePorts : [undefined, ...portLevel.map(p => p.port.number)];
    for (const port of [...new Set(ports)]) {
      const entry = port === undefined ? undefined : portLevel.find(p => p.port.number === port);
      const own = hashAffinity((entry ?? top)?.loadBalancer, via);
      const replaced = entry !== undefined && own === undefined ? hashAffinity(top?.loadBalancer, via) : undefined;
      const at = port === undefined ? {} : { port };
      if (replaced !== undefined) {
        out.push({
          ...reach,
          ...at,
          affinity: replaced.affinity,
          notCounted: {
            why: `${via} has portLevelSettings for port ${port}, which replace its top-level settings for that port whole and set no consistent hash`,
            fix: `set the loadBalancer of ${via} in its portLevelSettings for port ${port} too, so that the proxy hashes requests to that port`,
          },
        });
      } else {
        out.push({ ...reach, ...at, ...(own ?? {}) });
      }
    }
    // Port-level settings for a port the Service does not have apply to nothing.
    if (service !== undefined) {
      for (const entry of portLevel.filter(p => !servicePorts.includes(p.port.number))) {
        const found = hashAffinity(entry.loadBalancer, via);
        if (found !== undefined) {
          out.push({
            ...reach,
            port: entry.port.number,
            affinity: found.affinity,
            notCounted: {
              why: `${via} sets it in portLevelSettings for port ${entry.port.number}, which Service ${name} does not have (its ports: ${servicePorts.join(', ') || 'none'})`,
              fix: `set it in portLevelSettings of ${via} for a port of Service ${name} (${servicePorts.join(', ')}), or in its trafficPolicy.loadBalancer for every port`,
            },
          });
        }
      }
    }
    return out;
  },
};
