import { Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AffinityTimeout } from './timeouts';
import { ExternalTrafficPolicy, InternalTrafficPolicy } from './traffic-policy';
import { propError } from '../errors';
import {
  CLIENT_IP_TIMEOUT_MAX_SECONDS,
  CLIENT_IP_TIMEOUT_MIN_SECONDS,
  HEADLESS_CLUSTER_IP,
  isExternallyAccessible,
  isValidClientIpTimeout,
  servicePortProblem,
} from '../facts/kubernetes';
import { describeSeconds, secondsOf } from '../units';

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
 * A Service with ClientIP session affinity: kube-proxy sends every connection
 * from one client IP to the same ready pod until the client has been idle for
 * `affinityTimeout`.
 *
 * It is a `kplus.Service` (select pods, bind ports, expose it via an Ingress,
 * use it as an Ingress backend), and it renders
 * `sessionAffinity: ClientIP`, `sessionAffinityConfig.clientIP.timeoutSeconds`
 * and the traffic policies that keep the client's IP visible.
 *
 * Sessions still die with their pod and load follows clients, not requests;
 * when the application can keep its sessions in a shared store, prefer that.
 *
 * @example
 *
 * const grafana = new StickyService(chart, 'Grafana', {
 *   metadata: { name: 'grafana', namespace: 'observability' },
 *   type: kplus.ServiceType.LOAD_BALANCER,
 *   ports: [{ port: 3000, targetPort: 3000 }],
 * });
 * grafana.selectLabel('app', 'grafana');
 */
export class StickyService extends kplus.Service {
  /**
   * Put a StickyService in front of a Deployment, StatefulSet or other
   * workload, selecting its pods and, unless `ports` are given, exposing
   * every port its containers declare (as `Deployment.exposeViaService()`
   * does). For a StatefulSet it stands beside the headless governing Service,
   * which keeps giving each pod its stable DNS name.
   *
   * The Service is created as a child of the workload, with the id
   * `StickyService` (prefixed with `options.name` when given) and the
   * workload's namespace. Ports are read from the containers when this is
   * called; containers added later are not exposed. Annotations (a cloud load
   * balancer's, say) go on the returned Service's `metadata`.
   *
   * @param workload the pods to put behind the Service: a Deployment,
   * StatefulSet or DaemonSet
   * @param options the Service's name, type, ports and affinity
   */
  public static exposeWorkload(workload: kplus.Workload, options: ExposeWorkloadOptions = {}): StickyService {
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

  public constructor(scope: Construct, id: string, props: StickyServiceProps = {}) {
    super(scope, id, props);

    if (this.type === kplus.ServiceType.EXTERNAL_NAME) {
      throw propError(this, 'type', this.type,
        'must be ClusterIP, NodePort or LoadBalancer: an ExternalName Service is a DNS alias, and kube-proxy has no endpoints to keep a client on');
    }
    if (this.clusterIP === HEADLESS_CLUSTER_IP) {
      throw propError(this, 'clusterIP', this.clusterIP,
        'must not be None: a headless Service has no virtual IP, so clients resolve pod IPs from DNS and nothing applies ClientIP affinity');
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
    this.apiObject.addJsonPatch(...patches);
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
