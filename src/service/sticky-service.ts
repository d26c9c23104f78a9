import { ApiObjectMetadataDefinition, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LoadBalancerStickiness } from './load-balancer-stickiness';
import { AffinityTimeout } from './timeouts';
import { ExternalTrafficPolicy, InternalTrafficPolicy } from './traffic-policy';
import { NO_ERRORS, pathOf, propError } from '../errors';
import {
  CLIENT_IP_TIMEOUT_MAX_SECONDS,
  CLIENT_IP_TIMEOUT_MIN_SECONDS,
  EXTERNAL_NAME_HAS_NO_AFFINITY,
  HEADLESS_CLUSTER_IP,
  HEADLESS_HAS_NO_AFFINITY,
  isExternallyAccessible,
  isValidClientIpTimeout,
  servicePortProblem,
} from '../facts/kubernetes';
import { NameRule } from '../facts/names';
import { keptAnnotations } from '../metadata';
import { checkName, checkObjectNames, definedMetadata } from '../names';
import { A_LOAD_BALANCER_STICKINESS, describeSeconds, secondsOf, untypedProps, UntypedPropsRules } from '../units';

/**
 * The affinity settings of a StickyService, shared by its props and by
 * `StickyService.exposeWorkload()`.
 */
export interface StickyAffinityOptions {
  /**
   * How long kube-proxy keeps a client IP on the pod it first reached, counted
   * from the client's last connection. A whole number of seconds from 1 s to
   * 24 h; `AffinityTimeout` has presets for the common cases.
   *
   * @default - 3 hours (`AffinityTimeout.KUBERNETES_DEFAULT`, Kubernetes' own 10800 s)
   */
  readonly affinityTimeout?: Duration;

  /**
   * Routing of traffic that enters through a node.
   *
   * `Local` sends it only to pods on the node it arrived at and keeps the
   * client's source IP visible to the pods; `Cluster` may forward it to
   * another node, hiding the client's IP behind the first node's address.
   * Either way kube-proxy keys affinity on the client's IP in a table of its
   * own on each node, so a client stays on one pod only while the load
   * balancer keeps sending it to the same node (or use cookie affinity at
   * the ingress, which follows the browser).
   *
   * Only Services reachable from outside the cluster (LoadBalancer, NodePort,
   * or ClusterIP with `externalIPs`) may set it; on any other it is an error.
   *
   * @default - `Local` for LoadBalancer Services; unset (Kubernetes' `Cluster`)
   * otherwise, since on a NodePort Service `Local` drops clients that reach a
   * node without a ready pod
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;

  /**
   * Routing of traffic from inside the cluster.
   *
   * @default - unset (Kubernetes' `Cluster`)
   */
  readonly internalTrafficPolicy?: InternalTrafficPolicy;

  /**
   * What the cloud load balancer in front of a LoadBalancer Service needs to
   * keep each client on one node (or pod), so that kube-proxy's per-node
   * affinity holds.
   *
   * GKE and AKS follow `sessionAffinity: ClientIP` by themselves
   * (`LoadBalancerStickiness.gcp()` and `azure()` say so and render
   * nothing); on EKS the AWS Load Balancer Controller needs
   * `LoadBalancerStickiness.awsNlb()`. Refused on any other Service type.
   *
   * @default - nothing for the load balancer: right on GKE and AKS; on EKS
   * clients move between nodes and so between pods
   */
  readonly loadBalancerStickiness?: LoadBalancerStickiness;
}

/**
 * Properties of a StickyService: a cdk8s-plus Service plus its affinity.
 */
export interface StickyServiceProps extends kplus.ServiceProps, StickyAffinityOptions {}

/**
 * Options for `StickyService.exposeWorkload()`.
 */
export interface ExposeWorkloadOptions extends StickyAffinityOptions {
  /**
   * Name of the Service (`metadata.name`).
   *
   * @default - a name cdk8s derives from the construct path
   */
  readonly name?: string;

  /**
   * Type of the Service.
   *
   * @default kplus.ServiceType.CLUSTER_IP
   */
  readonly serviceType?: kplus.ServiceType;

  /**
   * Ports of the Service.
   *
   * @default - one port per container port the workload declares when
   * `exposeWorkload()` is called, with the same number, name and protocol
   */
  readonly ports?: kplus.ServicePort[];
}

/**
 * A Service with ClientIP session affinity, so kube-proxy sends every connection from one client IP to the same ready pod.
 *
 * The client stays on its pod until it has been idle for `affinityTimeout`.
 * It is a `kplus.Service` (select pods, bind ports, use it where a
 * `kplus.Service` is expected), and it renders `sessionAffinity: ClientIP`,
 * `sessionAffinityConfig.clientIP.timeoutSeconds` and the traffic policies
 * that keep the client's IP visible.
 *
 * kube-proxy keeps its affinity table on each node, so behind a cloud load
 * balancer the client stays on one pod only while the load balancer keeps it
 * on one node: GKE and AKS do that from `sessionAffinity`; on EKS set
 * `loadBalancerStickiness: LoadBalancerStickiness.awsNlb()`.
 *
 * Behind an Ingress the affinity does not help: the Service sees the ingress
 * controller's pods as its clients, and controllers such as ingress-nginx and
 * Traefik send traffic straight to the pod endpoints anyway. Use cookie
 * affinity at the ingress (`CookieAffinityIngress`) there; a synth that finds
 * an Ingress routing to a StickyService prints a warning.
 *
 * Ports: the `ports` prop comes from cdk8s-plus, whose documentation says
 * ports are taken from a selected workload; they are not. A StickyService
 * needs at least one port by synth: pass `ports`, call `bind()`, or create it
 * with `StickyService.exposeWorkload()`, which takes the ports of the
 * workload's containers.
 *
 * Refused when it is created: a `type` of ExternalName, `clusterIP: None`, an
 * `affinityTimeout` that is not a whole number of seconds from 1 to 86400,
 * `externalTrafficPolicy` on a Service not reachable from outside the
 * cluster, ports the API server would refuse (numbers outside 1..65535, names
 * that are not RFC 1123 labels, node ports on ClusterIP, repeats, unnamed
 * ports among several), a name that is not a DNS-1035 label or a namespace
 * that is not a DNS-1123 label, and `loadBalancerStickiness` on anything but
 * a LoadBalancer Service. Refused at synth: no port at all, and annotations
 * changed after construction so that they undo `loadBalancerStickiness`.
 *
 * Sessions still die with their pod and load follows clients, not requests;
 * when the application can keep its sessions in a shared store, prefer that.
 *
 * @example
 *
 * declare const chart: Chart;
 * const grafana = new StickyService(chart, 'Grafana', {
 *   metadata: { name: 'grafana', namespace: 'observability' },
 *   type: kplus.ServiceType.LOAD_BALANCER,
 *   ports: [{ port: 3000, targetPort: 3000 }],
 *   loadBalancerStickiness: LoadBalancerStickiness.awsNlb(),
 * });
 * grafana.selectLabel('app', 'grafana');
 */
export class StickyService extends kplus.Service {
  /**
   * Puts a StickyService in front of a Deployment, StatefulSet or other workload, selecting its pods and exposing its container ports.
   *
   * Unless `ports` are given, every port the workload's containers declare
   * is exposed (as `Deployment.exposeViaService()` does). For a StatefulSet
   * it stands beside the headless governing Service, which keeps giving each
   * pod its stable DNS name.
   *
   * The Service is created as a child of the workload, with the id
   * `StickyService` (prefixed with `options.name` when given) and the
   * workload's namespace. Ports are read from the containers when this is
   * called; containers added later are not exposed. For the cloud load
   * balancer's stickiness pass `loadBalancerStickiness`; other annotations go
   * on the returned Service's `metadata` (an annotation that
   * `loadBalancerStickiness` also writes is refused at synth if it undoes it:
   * create the Service with `new StickyService()` to merge such values).
   *
   * @param workload the pods to put behind the Service: a Deployment,
   * StatefulSet or DaemonSet
   * @param options the Service's name, type, ports and affinity
   */
  public static exposeWorkload(workload: kplus.Workload, options: ExposeWorkloadOptions = {}): StickyService {
    untypedProps(workload, options, EXPOSE_WORKLOAD_TYPES);
    if (options.name !== undefined) {
      checkName(workload, 'name', options.name, NameRule.DNS_1035_LABEL);
    }
    const id = `${options.name ?? ''}StickyService`;
    if (workload.node.tryFindChild(id) !== undefined) {
      throw propError(workload, 'name', options.name ?? 'not given',
        'must differ from the name of the StickyService already exposed on this workload: pass a distinct \'name\'');
    }
    const inferred = options.ports === undefined;
    const ports = options.ports ?? portsOfContainers(workload);
    if (ports.length === 0) {
      throw propError(workload, 'ports', 'none given, none on the containers',
        'must list at least one port: pass \'ports\', or declare ports on the workload\'s containers');
    }
    const problem = inferred ? servicePortProblem(ports, options.serviceType ?? kplus.ServiceType.CLUSTER_IP) : undefined;
    if (problem) {
      const from = workload.containers.map(c => `${c.name}: ${c.ports.map(p => p.name ?? p.number).join(', ')}`).join('; ');
      throw propError(workload, 'ports', `inferred from the containers (${from}): ${problem.value}`,
        `${problem.allowed}; name the container ports, or pass 'ports'`);
    }
    return new StickyService(workload, id, {
      metadata: {
        // An undefined name would replace the name cdk8s generates.
        ...(options.name !== undefined ? { name: options.name } : {}),
        namespace: workload.metadata.namespace,
      },
      selector: workload,
      type: options.serviceType,
      ports,
      affinityTimeout: options.affinityTimeout,
      externalTrafficPolicy: options.externalTrafficPolicy,
      internalTrafficPolicy: options.internalTrafficPolicy,
      loadBalancerStickiness: options.loadBalancerStickiness,
    });
  }

  /** How long a client IP stays on its pod after its last connection. */
  public readonly affinityTimeout: Duration;

  /**
   * The external traffic policy written to the Service: the one given, else
   * `Local` on a LoadBalancer Service.
   *
   * @default - unset (Kubernetes uses `Cluster`) unless given or a LoadBalancer
   */
  public readonly externalTrafficPolicy?: ExternalTrafficPolicy;

  /**
   * The internal traffic policy written to the Service.
   *
   * @default - unset: Kubernetes uses `Cluster`
   */
  public readonly internalTrafficPolicy?: InternalTrafficPolicy;

  /**
   * What the Service carries for its cloud load balancer's stickiness.
   *
   * @default - none
   */
  public readonly loadBalancerStickiness?: LoadBalancerStickiness;

  /**
   * Creates a Service with ClientIP affinity.
   *
   * @param scope the construct to create it in (a Chart, or a construct in one)
   * @param id the construct id, unique within `scope` (cdk8s derives
   * `metadata.name` from the construct path when no name is given)
   * @param props the cdk8s-plus Service props plus the affinity settings
   */
  public constructor(scope: Construct, id: string, props: StickyServiceProps = {}) {
    // cdk8s-plus binds the ports in its constructor, before any check here:
    // a string from plain JavaScript would be bound character by character.
    if (props.ports !== undefined && !Array.isArray(props.ports)) {
      untypedProps(pathOf(scope, id), props, { lists: { ports: LIST_OF_PORTS } });
    }
    super(scope, id, { ...props, metadata: definedMetadata(props.metadata) });
    untypedProps(this, props, PROP_TYPES);
    checkObjectNames(this, this.apiObject);

    if (this.type === kplus.ServiceType.EXTERNAL_NAME) {
      throw propError(this, 'type', this.type,
        `must be ClusterIP, NodePort or LoadBalancer: ${EXTERNAL_NAME_HAS_NO_AFFINITY}`);
    }
    if (this.clusterIP === HEADLESS_CLUSTER_IP) {
      throw propError(this, 'clusterIP', this.clusterIP,
        `must not be None: ${HEADLESS_HAS_NO_AFFINITY}`);
    }

    this.affinityTimeout = props.affinityTimeout ?? AffinityTimeout.KUBERNETES_DEFAULT;
    const timeoutSeconds = secondsOf(this.affinityTimeout);
    if (!isValidClientIpTimeout(timeoutSeconds)) {
      throw propError(this, 'affinityTimeout', describeSeconds(this.affinityTimeout),
        `must be a whole number of seconds from ${CLIENT_IP_TIMEOUT_MIN_SECONDS} to ${CLIENT_IP_TIMEOUT_MAX_SECONDS} (24 hours)`);
    }

    const externallyAccessible = isExternallyAccessible(this.type, props.externalIPs?.length ?? 0);
    if (props.externalTrafficPolicy !== undefined && !externallyAccessible) {
      throw propError(this, 'externalTrafficPolicy', props.externalTrafficPolicy,
        `cannot be set on a ${this.type} Service without 'externalIPs': the API server accepts it only on LoadBalancer, NodePort, or ClusterIP Services with externalIPs`);
    }
    this.externalTrafficPolicy = props.externalTrafficPolicy
      ?? (this.type === kplus.ServiceType.LOAD_BALANCER ? ExternalTrafficPolicy.LOCAL : undefined);
    this.internalTrafficPolicy = props.internalTrafficPolicy;

    // cdk8s-plus-28's Service has no props for these fields, so they are patched
    // onto the L1 object. Patches apply before the L1 turns its own property
    // names into Kubernetes' (`clientIp` -> `clientIP`), so they must use the
    // L1 names: typing the patch as the L1 spec makes the compiler check that.
    const affinity: AffinitySpec = {
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIp: { timeoutSeconds } },
      externalTrafficPolicy: this.externalTrafficPolicy,
      internalTrafficPolicy: this.internalTrafficPolicy,
    };
    const patches: JsonPatch[] = [];
    for (const field of AFFINITY_FIELDS) {
      if (affinity[field] !== undefined) {
        patches.push(JsonPatch.add(`/spec/${field}`, affinity[field]));
      }
    }

    if (props.loadBalancerStickiness !== undefined) {
      this.loadBalancerStickiness = props.loadBalancerStickiness;
      patches.push(...this.applyLoadBalancerStickiness(props.loadBalancerStickiness, props.metadata?.annotations ?? {}));
    }
    this.apiObject.addJsonPatch(...patches);

    // cdk8s-plus throws its own "must be configured with a port" when the
    // Service is written, which names none of the ways to give one; this
    // check fails the synth first, saying them. A port is never removed, so a
    // Service made with one needs no check (and no validation for cdk8s to run).
    if (this.ports.length === 0) {
      this.node.addValidation({ validate: () => (this.ports.length === 0 ? [noPortsMessage()] : NO_ERRORS) });
    }
  }

  /**
   * Configure a port the Service binds to, as `kplus.Service.bind()` does.
   *
   * Refuses a port the API server would refuse: a number outside 1..65535, a
   * name that is not an RFC 1123 label, a node port on a ClusterIP Service, a
   * repeated name or port and protocol, or a second port while any port is
   * unnamed. Ports can be added but never removed or renamed, so each is
   * checked before it is bound (the constructor binds `ports` the same way).
   *
   * @param port the port number
   * @param options the port's name, protocol, target and node port
   */
  public bind(port: number, options: kplus.ServiceBindOptions = {}): void {
    const problem = servicePortProblem([...this.ports, { ...options, port }], this.type);
    if (problem) {
      throw propError(this, 'ports', problem.value, problem.allowed);
    }
    super.bind(port, options);
  }

  private applyLoadBalancerStickiness(stickiness: LoadBalancerStickiness, given: { [key: string]: string }): JsonPatch[] {
    if (this.type !== kplus.ServiceType.LOAD_BALANCER) {
      throw propError(this, 'loadBalancerStickiness', `${stickiness.provider}()`,
        `can only be set on a LoadBalancer Service, not ${this.type}: only a LoadBalancer Service gets a cloud load balancer`);
    }
    const config = stickiness.bind(this, given);
    for (const [key, value] of Object.entries(config.annotations)) {
      this.metadata.addAnnotation(key, value);
    }
    // Annotations added after construction (say, the controller's own
    // target-group attributes) would replace these silently. Run at every
    // synth, for each LoadBalancer Service: it allocates nothing when they stand.
    const wanted = config.annotations;
    this.node.addValidation({
      validate: () => {
        const kept = keptAnnotations(this.metadata);
        let errors: string[] | undefined;
        for (const key in wanted) {
          if (kept?.[key] !== wanted[key]) {
            const now = annotationsNow(this.metadata)[key];
            if (now !== wanted[key]) {
              (errors ??= []).push(`'metadata.annotations' (${key}: ${now ?? 'removed'}) must stay ${wanted[key]} for loadBalancerStickiness ${stickiness.provider}(): put every value for this annotation in the Service's props, where they are merged`);
            }
          }
        }
        return errors ?? NO_ERRORS;
      },
    });
    return config.loadBalancerClass === undefined ? [] : [JsonPatch.add('/spec/loadBalancerClass', config.loadBalancerClass)];
  }

}


/**
 * The annotations an object has now. cdk8s keeps them as a plain map of
 * strings on the metadata definition; reading that map costs nothing, where
 * `metadata.toJson()` resolves and copies the whole metadata (for each
 * LoadBalancer Service, at every synth). Should cdk8s ever keep them
 * otherwise, the rendered metadata is read instead.
 */
function annotationsNow(metadata: ApiObjectMetadataDefinition): { [key: string]: string } {
  const kept = keptAnnotations(metadata);
  if (kept !== undefined && Object.values(kept).every(value => typeof value === 'string')) {
    return kept as { [key: string]: string };
  }
  return metadata.toJson().annotations ?? {};
}

const LIST_OF_PORTS = 'a list of ports, such as [{ port: 80, targetPort: 8080 }]';

/** What plain JavaScript can get wrong in `exposeWorkload()`'s options (made once, not per call). */
const EXPOSE_WORKLOAD_TYPES: UntypedPropsRules = {
  strings: ['name'],
  enums: { serviceType: kplus.ServiceType, externalTrafficPolicy: ExternalTrafficPolicy, internalTrafficPolicy: InternalTrafficPolicy },
  bindables: { loadBalancerStickiness: A_LOAD_BALANCER_STICKINESS },
  lists: { ports: LIST_OF_PORTS },
};

/** What plain JavaScript can get wrong in the props (made once, not per Service). */
const PROP_TYPES: UntypedPropsRules = {
  durations: ['affinityTimeout'],
  enums: { type: kplus.ServiceType, externalTrafficPolicy: ExternalTrafficPolicy, internalTrafficPolicy: InternalTrafficPolicy },
  bindables: { loadBalancerStickiness: A_LOAD_BALANCER_STICKINESS },
  // ports: checked before the base constructor binds them.
  lists: {
    externalIPs: "a list of IP addresses, such as ['203.0.113.10']",
    loadBalancerSourceRanges: "a list of CIDR ranges, such as ['203.0.113.0/24']",
  },
};

function noPortsMessage(): string {
  return "'ports' (none) must list at least one port: pass 'ports', call bind(), or create the Service with StickyService.exposeWorkload() to take the ports of a workload's containers";
}

const AFFINITY_FIELDS = ['sessionAffinity', 'sessionAffinityConfig', 'externalTrafficPolicy', 'internalTrafficPolicy'] as const;
type AffinitySpec = Pick<kplus.k8s.ServiceSpec, typeof AFFINITY_FIELDS[number]>;

function portsOfContainers(workload: kplus.Workload): kplus.ServicePort[] {
  return workload.containers.flatMap(container => container.ports.map(p => ({
    port: p.number,
    targetPort: p.number,
    protocol: p.protocol,
    name: p.name,
  })));
}
