/**
 * What the cloud load-balancer controllers read from a `type: LoadBalancer`
 * Service, and whether each one turns `sessionAffinity: ClientIP` into the
 * load balancer's own source-IP affinity. Pure: no imports.
 *
 * kube-proxy keeps its ClientIP table per node, so behind a cloud load
 * balancer a client stays on one pod only while the load balancer keeps it on
 * one node (or, with IP targets, on one pod). These facts say what each
 * controller needs for that.
 */

// ---------------------------------------------------------------------------
// AWS Load Balancer Controller (NLB)
// ---------------------------------------------------------------------------

/**
 * Annotation that hands a Service to an out-of-tree controller. With the
 * value `external` the AWS in-tree cloud provider ignores the Service and the
 * AWS Load Balancer Controller provisions an NLB for it. Must be set when the
 * Service is created: changing it later leaks the old load balancer.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/
 * @see https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/nlb.md
 */
export const AWS_LB_TYPE_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-type';

/** `aws-load-balancer-type` value that hands the Service to the AWS Load Balancer Controller. */
export const AWS_LB_TYPE_EXTERNAL = 'external';

/**
 * Legacy `aws-load-balancer-type` value that means "NLB with IP targets"; the
 * controller then ignores `aws-load-balancer-nlb-target-type`. Kept as a fact
 * so a user's annotation can be recognised, never written by this library.
 *
 * @see https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/nlb.md
 */
export const AWS_LB_TYPE_NLB_IP = 'nlb-ip';

/**
 * `aws-load-balancer-type` value that the AWS in-tree cloud provider
 * (cloud-provider-aws, in or out of tree) reads as "create an NLB" (it
 * creates a Classic ELB without it). Who makes the load balancer is not told
 * by this value alone: since v2.5 the AWS Load Balancer Controller's Service
 * webhook (`AWS_LBC_SERVICE_WEBHOOK`) gives every new LoadBalancer Service
 * without a class its load balancer class, and the controller then takes the
 * Service whatever this annotation says.
 *
 * @see https://github.com/kubernetes/kubernetes/issues/94416
 */
export const AWS_LB_TYPE_IN_TREE_NLB = 'nlb';

/**
 * The AWS in-tree cloud provider refuses a LoadBalancer Service whose
 * `sessionAffinity` is not None (EnsureLoadBalancer fails with "unsupported
 * load balancer affinity: ClientIP", for a Classic ELB and an NLB alike), so
 * it makes no load balancer for a ClientIP Service.
 *
 * @see https://github.com/kubernetes/cloud-provider-aws/blob/master/pkg/providers/v1/aws.go (EnsureLoadBalancer)
 * @see https://github.com/kubernetes/kubernetes/issues/13892
 */
export const AWS_IN_TREE_REFUSED_AFFINITY_ERROR = 'unsupported load balancer affinity: ClientIP';

/**
 * The target-group attributes the in-tree provider's NLB reads from
 * `aws-load-balancer-target-group-attributes`, from cloud-provider-aws v1.34:
 * any other key (`stickiness.*` among them) fails its validation of the
 * Service, and it makes no load balancer. Earlier versions read no
 * target-group attributes.
 *
 * @see https://github.com/kubernetes/cloud-provider-aws/blob/master/pkg/providers/v1/aws_validations.go
 */
export const AWS_IN_TREE_TARGET_GROUP_ATTRIBUTES: readonly string[] = ['preserve_client_ip.enabled', 'proxy_protocol_v2.enabled'];

/** The cloud-provider-aws version whose NLB first reads target-group attributes (`AWS_IN_TREE_TARGET_GROUP_ATTRIBUTES`). */
export const AWS_IN_TREE_TARGET_GROUP_ATTRIBUTES_SINCE = 'v1.34';

/**
 * The AWS Load Balancer Controller's Service mutating webhook (v2.5 and
 * later; Helm value `enableServiceMutatorWebhook`, true by default) sets
 * `spec.loadBalancerClass: service.k8s.aws/nlb` on each LoadBalancer Service
 * created without a class, so the controller, not the in-tree provider,
 * makes its NLB, whatever `aws-load-balancer-type` says. It acts on creation
 * only: an existing Service keeps its maker.
 *
 * @see https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/webhooks/core/service_mutator.go
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#legacy-cloud-provider
 */
export const AWS_LBC_SERVICE_WEBHOOK = 'enableServiceMutatorWebhook';

/**
 * `spec.loadBalancerClass` that the AWS Load Balancer Controller (v2.4 and
 * later) claims; an alternative to `aws-load-balancer-type: external`. With it
 * the target type defaults to `instance`. Since v2.5 the controller's webhook
 * sets it on new LoadBalancer Services unless `enableServiceMutatorWebhook`
 * is false.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/
 * @see https://aws-ia.github.io/terraform-aws-eks-blueprints-addons/v1.9.2/addons/aws-load-balancer-controller
 */
export const AWS_LBC_LOAD_BALANCER_CLASS = 'service.k8s.aws/nlb';

/**
 * Annotation choosing how the NLB registers targets: `instance` (nodes, then
 * kube-proxy) or `ip` (pod IPs directly, bypassing kube-proxy).
 *
 * @see https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/nlb.md
 */
export const AWS_NLB_TARGET_TYPE_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type';

/** `aws-load-balancer-nlb-target-type` value: register the nodes (kube-proxy forwards to pods). */
export const AWS_NLB_TARGET_TYPE_INSTANCE = 'instance';

/** `aws-load-balancer-nlb-target-type` value: register pod IPs (kube-proxy is bypassed). */
export const AWS_NLB_TARGET_TYPE_IP = 'ip';

/**
 * Annotation whose stringMap (`k1=v1,k2=v2`) the controller writes to the
 * NLB's target group as attributes.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 */
export const AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes';

/**
 * Target-group attributes that turn on an NLB's source-IP affinity, in the
 * order of the controller's documented example
 * `stickiness.enabled=true,stickiness.type=source_ip`.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/ (Target group attributes: "enable source IP affinity")
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#sticky-sessions
 */
export const AWS_NLB_SOURCE_IP_STICKINESS: ReadonlyArray<readonly [string, string]> = [
  ['stickiness.enabled', 'true'],
  ['stickiness.type', 'source_ip'],
];

/**
 * Target-group attribute that makes an NLB pass the client's IP to IP
 * targets. Enabled by default for instance targets; disabled by default for
 * IP targets over TCP and TLS.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
 */
export const AWS_NLB_PRESERVE_CLIENT_IP_ATTRIBUTE = 'preserve_client_ip.enabled';

/**
 * Annotation choosing `internal` or `internet-facing`. Since v2.2 the
 * controller creates an internal NLB when it is absent.
 *
 * @see https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/docs/guide/service/nlb.md
 */
export const AWS_LB_SCHEME_ANNOTATION = 'service.beta.kubernetes.io/aws-load-balancer-scheme';

/** `aws-load-balancer-scheme` value: reachable only inside the VPC (the controller's default). */
export const AWS_LB_SCHEME_INTERNAL = 'internal';

/** `aws-load-balancer-scheme` value: reachable from the internet. */
export const AWS_LB_SCHEME_INTERNET_FACING = 'internet-facing';

/**
 * Parses an AWS Load Balancer Controller stringMap annotation value
 * (`k1=v1,k2=v2`) into ordered pairs. Returns undefined when an entry has no
 * `=` or an empty key, which the controller would refuse.
 */
export function parseAwsStringMap(value: string): Array<[string, string]> | undefined {
  if (value.trim() === '') {
    return [];
  }
  const pairs: Array<[string, string]> = [];
  for (const entry of value.split(',')) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? '' : entry.slice(0, eq).trim();
    if (key === '') {
      return undefined;
    }
    pairs.push([key, entry.slice(eq + 1).trim()]);
  }
  return pairs;
}

/** Writes ordered pairs as an AWS Load Balancer Controller stringMap (`k1=v1,k2=v2`). */
export function formatAwsStringMap(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${k}=${v}`).join(',');
}

// ---------------------------------------------------------------------------
// Google Cloud (GKE)
// ---------------------------------------------------------------------------

/**
 * Backend-service / target-pool session affinity that GKE's L4 load
 * balancers get for `sessionAffinity: ClientIP`: both the in-tree GCE
 * provider (target pools) and the ingress-gce L4 controllers (backend
 * service-based external and internal passthrough NLBs) translate
 * `ClientIP` to `CLIENT_IP` and `None` to `NONE`. Nothing more is needed on
 * the Service.
 *
 * @see https://github.com/kubernetes/cloud-provider-gcp/blob/master/providers/gce/gce_loadbalancer_external.go (translateAffinityType)
 * @see https://github.com/kubernetes/ingress-gce/blob/master/pkg/utils/utils.go (TranslateAffinityType)
 * @see https://cloud.google.com/python/docs/reference/compute/latest/google.cloud.compute_v1.types.BackendService.SessionAffinity
 */
export const GCE_CLIENT_IP_AFFINITY = 'CLIENT_IP';

// ---------------------------------------------------------------------------
// Microsoft Azure (AKS)
// ---------------------------------------------------------------------------

/**
 * Load-balancing-rule distribution that cloud-provider-azure writes for a
 * Service with `sessionAffinity: ClientIP` (otherwise `Default`, a 5-tuple
 * hash). `SourceIP` is Azure Load Balancer's 2-tuple source-IP affinity, so
 * nothing more is needed on the Service.
 *
 * @see https://github.com/kubernetes-sigs/cloud-provider-azure/blob/master/pkg/provider/azure_loadbalancer.go (getExpectedLoadBalancingRulePropertiesForPort)
 * @see https://github.com/MicrosoftDocs/azure-docs/blob/main/articles/load-balancer/load-balancer-distribution-mode.md
 */
export const AZURE_CLIENT_IP_LOAD_DISTRIBUTION = 'SourceIP';

// ---------------------------------------------------------------------------
// Per provider, for documentation and the doctor
// ---------------------------------------------------------------------------

/** Whether a provider's load balancer follows the Service's `sessionAffinity`. */
export interface CloudAffinityFact {
  /** Short name of the provider and controller. */
  readonly provider: string;
  /** True when `sessionAffinity: ClientIP` alone makes the load balancer keep a client on one backend. */
  readonly honoursSessionAffinity: boolean;
  /** What the load balancer does with `sessionAffinity: ClientIP`. */
  readonly behaviour: string;
}

/**
 * The providers this library knows, keyed by the `LoadBalancerStickiness`
 * factory that covers them.
 */
export const CLOUD_AFFINITY_FACTS: Readonly<Record<'awsInTree' | 'awsNlb' | 'gcp' | 'azure', CloudAffinityFact>> = {
  awsInTree: {
    provider: 'AWS in-tree cloud provider (Classic ELB, or NLB with aws-load-balancer-type: nlb)',
    honoursSessionAffinity: false,
    behaviour: `refuses sessionAffinity ClientIP ("${AWS_IN_TREE_REFUSED_AFFINITY_ERROR}") and makes no load balancer for such a Service; it has no annotation for source-IP stickiness (kubernetes/kubernetes#94416, kubernetes/kubernetes#13892)`,
  },
  awsNlb: {
    provider: 'AWS Load Balancer Controller (NLB)',
    honoursSessionAffinity: false,
    behaviour: `ignores sessionAffinity; needs ${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION}: ${formatAwsStringMap(AWS_NLB_SOURCE_IP_STICKINESS)}`,
  },
  gcp: {
    provider: 'Google Cloud (GKE L4 load balancers)',
    honoursSessionAffinity: true,
    behaviour: `sets the backend service or target pool session affinity to ${GCE_CLIENT_IP_AFFINITY}`,
  },
  azure: {
    provider: 'Microsoft Azure (cloud-provider-azure, AKS)',
    honoursSessionAffinity: true,
    behaviour: `sets each load-balancing rule's loadDistribution to ${AZURE_CLIENT_IP_LOAD_DISTRIBUTION}`,
  },
};
