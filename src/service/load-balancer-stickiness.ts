import * as kplus from 'cdk8s-plus-28';
import { propError } from '../errors';
import {
  AWS_LB_SCHEME_ANNOTATION,
  AWS_LB_TYPE_ANNOTATION,
  AWS_LB_TYPE_EXTERNAL,
  AWS_LB_TYPE_IN_TREE_NLB,
  AWS_LB_TYPE_NLB_IP,
  AWS_LBC_LOAD_BALANCER_CLASS,
  AWS_NLB_SOURCE_IP_STICKINESS,
  AWS_NLB_TARGET_TYPE_ANNOTATION,
  AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION,
  formatAwsStringMap,
  parseAwsStringMap,
} from '../facts/cloud-load-balancers';
import { untypedProps, UntypedPropsRules } from '../units';

/**
 * How an AWS Network Load Balancer registers the Service's backends.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/
 */
export enum AwsNlbTargetType {
  /**
   * The NLB sends traffic to the nodes, where kube-proxy applies the
   * Service's ClientIP affinity. The NLB passes the client's IP to instance
   * targets by default, so both layers key on the same address.
   */
  INSTANCE = 'instance',
  /**
   * The NLB sends traffic straight to pod IPs, bypassing kube-proxy: its own
   * source-IP stickiness is then the only affinity, and the Service's
   * `affinityTimeout` has no effect on it.
   */
  IP = 'ip',
}

/**
 * Whether an AWS load balancer is reachable from the internet.
 */
export enum AwsLoadBalancerScheme {
  /** Reachable only inside the VPC (the AWS Load Balancer Controller's default since v2.2). */
  INTERNAL = 'internal',
  /** Reachable from the internet. */
  INTERNET_FACING = 'internet-facing',
}

/**
 * Options for `LoadBalancerStickiness.awsNlb()`.
 */
export interface AwsNlbStickinessOptions {
  /**
   * How the NLB registers backends: nodes (then kube-proxy) or pod IPs.
   *
   * @default AwsNlbTargetType.INSTANCE
   */
  readonly targetType?: AwsNlbTargetType;

  /**
   * Whether the NLB is internal or internet-facing.
   *
   * @default - not written: the AWS Load Balancer Controller creates an internal NLB
   */
  readonly scheme?: AwsLoadBalancerScheme;

  /**
   * Whether to hand the Service to the AWS Load Balancer Controller with `spec.loadBalancerClass` instead of an annotation.
   *
   * When true, the Service gets `spec.loadBalancerClass: service.k8s.aws/nlb`
   * rather than `aws-load-balancer-type: external`. Needs controller v2.4 or
   * later; the API server does not let `loadBalancerClass` change once set.
   *
   * @default false
   */
  readonly useLoadBalancerClass?: boolean;
}

/**
 * What a `LoadBalancerStickiness` asks the Service to carry.
 */
export interface LoadBalancerStickinessConfig {
  /**
   * Annotations to set on the Service, each replacing any annotation with
   * the same key (the renderer has already merged what it must keep).
   */
  readonly annotations: { [key: string]: string };

  /**
   * The Service's `spec.loadBalancerClass`.
   *
   * @default - not written
   */
  readonly loadBalancerClass?: string;
}

/** What plain JavaScript can get wrong in awsNlb()'s options (made once, not per call). */
const AWS_NLB_OPTION_TYPES: UntypedPropsRules = {
  enums: { targetType: AwsNlbTargetType, scheme: AwsLoadBalancerScheme }, booleans: ['useLoadBalancerClass'], strings: ['loadBalancerClass'],
};

/**
 * Makes a cloud load balancer keep each client on one backend, as the
 * Service's `sessionAffinity: ClientIP` does inside the cluster.
 *
 * kube-proxy keeps its affinity table on each node, so behind a cloud load
 * balancer a client stays on one pod only while the load balancer keeps it
 * on one node. GKE and AKS turn `sessionAffinity: ClientIP` into their load
 * balancer's own client-IP affinity; the AWS Load Balancer Controller does
 * not and needs target-group attributes; the AWS in-tree provider refuses a
 * ClientIP Service and makes no load balancer for it. Each factory renders exactly what its controller needs, and
 * nothing where the provider already follows `sessionAffinity`, so the
 * choice is written down and tested either way.
 *
 * @example
 *
 * declare const chart: Chart;
 * new StickyService(chart, 'Grafana', {
 *   type: kplus.ServiceType.LOAD_BALANCER,
 *   ports: [{ port: 3000 }],
 *   loadBalancerStickiness: LoadBalancerStickiness.awsNlb({
 *     scheme: AwsLoadBalancerScheme.INTERNET_FACING,
 *   }),
 * });
 */
export abstract class LoadBalancerStickiness {
  /**
   * Source-IP stickiness on an NLB from the AWS Load Balancer Controller
   * (EKS).
   *
   * Renders `aws-load-balancer-type: external` (or
   * `spec.loadBalancerClass: service.k8s.aws/nlb`),
   * `aws-load-balancer-nlb-target-type` and
   * `aws-load-balancer-target-group-attributes:
   * stickiness.enabled=true,stickiness.type=source_ip`, merged with any
   * other target-group attributes already on the Service. Refuses an
   * annotation already on the Service that contradicts these.
   *
   * @param options target type, scheme and how the controller is chosen
   * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
   * @see https://github.com/kubernetes/kubernetes/issues/94416
   */
  public static awsNlb(options: AwsNlbStickinessOptions = {}): LoadBalancerStickiness {
    return new AwsNlbStickiness(untypedProps('LoadBalancerStickiness.awsNlb()', options, AWS_NLB_OPTION_TYPES));
  }

  /**
   * Google Cloud (GKE): renders nothing, because GKE's L4 load balancers set
   * their session affinity to `CLIENT_IP` from `sessionAffinity: ClientIP`.
   *
   * @see https://github.com/kubernetes/ingress-gce/blob/master/pkg/utils/utils.go
   * @see https://github.com/kubernetes/cloud-provider-gcp/blob/master/providers/gce/gce_loadbalancer_external.go
   */
  public static gcp(): LoadBalancerStickiness {
    return new HonouredByProvider('gcp');
  }

  /**
   * Microsoft Azure (AKS): renders nothing, because cloud-provider-azure sets
   * every load-balancing rule's distribution to `SourceIP` from
   * `sessionAffinity: ClientIP`.
   *
   * @see https://github.com/kubernetes-sigs/cloud-provider-azure/blob/master/pkg/provider/azure_loadbalancer.go
   */
  public static azure(): LoadBalancerStickiness {
    return new HonouredByProvider('azure');
  }

  /** The provider's short name, as the factory is called (`awsNlb`, `gcp`, `azure`). */
  public abstract readonly provider: string;

  /**
   * For subclasses: a provider this library does not cover implements `bind()`.
   */
  protected constructor() {}

  /**
   * Returns what the Service must carry for its load balancer to keep a
   * client on one backend.
   *
   * @param service the LoadBalancer Service, for error messages
   * @param annotations the annotations the Service already has
   */
  public abstract bind(service: kplus.Service, annotations: { [key: string]: string }): LoadBalancerStickinessConfig;
}

class HonouredByProvider extends LoadBalancerStickiness {
  public constructor(public readonly provider: string) {
    super();
  }

  public bind(): LoadBalancerStickinessConfig {
    return { annotations: {} };
  }
}

/** `stickiness.enabled=true,stickiness.type=source_ip`, written once. */
const SOURCE_IP_STICKINESS_ATTRIBUTES = formatAwsStringMap(AWS_NLB_SOURCE_IP_STICKINESS);

class AwsNlbStickiness extends LoadBalancerStickiness {
  public readonly provider = 'awsNlb';

  public constructor(private readonly options: AwsNlbStickinessOptions) {
    super();
  }

  public bind(service: kplus.Service, annotations: { [key: string]: string }): LoadBalancerStickinessConfig {
    const targetType = this.options.targetType ?? AwsNlbTargetType.INSTANCE;
    const rendered: { [key: string]: string } = {};

    const lbType = annotations[AWS_LB_TYPE_ANNOTATION];
    if (lbType !== undefined && lbType !== AWS_LB_TYPE_EXTERNAL) {
      // The in-tree provider (type nlb) refuses sessionAffinity ClientIP; the controller's Service webhook
      // (v2.5+) may give a classless Service to the controller at creation, so 'nlb' leaves the maker unknown.
      const how = this.options.useLoadBalancerClass ? `spec.loadBalancerClass ${AWS_LBC_LOAD_BALANCER_CLASS}` : `'${AWS_LB_TYPE_EXTERNAL}'`;
      const why = lbType === AWS_LB_TYPE_IN_TREE_NLB
        ? `: '${AWS_LB_TYPE_IN_TREE_NLB}' names the in-tree provider's NLB, and the in-tree provider refuses sessionAffinity ClientIP and makes no load balancer`
          + (this.options.useLoadBalancerClass ? '; remove it so that the Service names one maker'
            : '; the controller would take the Service only if its Service webhook gave it its class when it was created')
        : lbType === AWS_LB_TYPE_NLB_IP
          ? `: '${AWS_LB_TYPE_NLB_IP}' makes the controller register pod IPs whatever targetType says (set targetType: AwsNlbTargetType.IP instead)`
          : '';
      throw propError(service, 'metadata.annotations', `${AWS_LB_TYPE_ANNOTATION}: ${lbType}`,
        `must be absent or '${AWS_LB_TYPE_EXTERNAL}' with LoadBalancerStickiness.awsNlb(), which gives the Service to the AWS Load Balancer Controller (the only one that reads target-group stickiness) by ${how}${why}`);
    }
    if (!this.options.useLoadBalancerClass) {
      rendered[AWS_LB_TYPE_ANNOTATION] = AWS_LB_TYPE_EXTERNAL;
    }

    this.agree(service, annotations, AWS_NLB_TARGET_TYPE_ANNOTATION, targetType, 'targetType');
    rendered[AWS_NLB_TARGET_TYPE_ANNOTATION] = targetType;
    if (this.options.scheme !== undefined) {
      this.agree(service, annotations, AWS_LB_SCHEME_ANNOTATION, this.options.scheme, 'scheme');
      rendered[AWS_LB_SCHEME_ANNOTATION] = this.options.scheme;
    }

    const given = annotations[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION];
    if (given === undefined) {
      // The common case: no attributes of the user's to check or merge.
      rendered[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION] = SOURCE_IP_STICKINESS_ATTRIBUTES;
      return { annotations: rendered, loadBalancerClass: this.options.useLoadBalancerClass ? AWS_LBC_LOAD_BALANCER_CLASS : undefined };
    }
    const pairs = parseAwsStringMap(given);
    if (pairs === undefined) {
      throw propError(service, 'metadata.annotations', `${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION}: ${given}`,
        'must be a list of key=value pairs separated by commas');
    }
    const merged = pairs.filter(([key]) => !AWS_NLB_SOURCE_IP_STICKINESS.some(([k]) => k === key));
    for (const [key, value] of pairs) {
      const wanted = AWS_NLB_SOURCE_IP_STICKINESS.find(([k]) => k === key);
      if (wanted !== undefined && wanted[1] !== value) {
        throw propError(service, 'metadata.annotations', `${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION}: ${key}=${value}`,
          `must not turn off or change stickiness with LoadBalancerStickiness.awsNlb(), which sets ${formatAwsStringMap(AWS_NLB_SOURCE_IP_STICKINESS)}`);
      }
    }
    rendered[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION] = formatAwsStringMap([...AWS_NLB_SOURCE_IP_STICKINESS, ...merged]);

    return {
      annotations: rendered,
      loadBalancerClass: this.options.useLoadBalancerClass ? AWS_LBC_LOAD_BALANCER_CLASS : undefined,
    };
  }

  private agree(service: kplus.Service, annotations: { [key: string]: string }, key: string, value: string, option: string): void {
    const given = annotations[key];
    if (given !== undefined && given !== value) {
      throw propError(service, 'metadata.annotations', `${key}: ${given}`,
        `must match LoadBalancerStickiness.awsNlb()'s ${option} (${value}): set it in one place`);
    }
  }
}
