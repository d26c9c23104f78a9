// Rules on a Service's own fields: what the API server refuses or drops, and
// what kube-proxy cannot do.
import { Rule, describe } from './rule';
import {
  AWS_LB_SCHEME_ANNOTATION,
  AWS_LB_SCHEME_INTERNET_FACING,
  AWS_LB_TYPE_ANNOTATION,
  AWS_LB_TYPE_EXTERNAL,
  AWS_IN_TREE_REFUSED_AFFINITY_ERROR,
  AWS_IN_TREE_TARGET_GROUP_ATTRIBUTES,
  AWS_IN_TREE_TARGET_GROUP_ATTRIBUTES_SINCE,
  AWS_LB_TYPE_IN_TREE_NLB,
  AWS_LB_TYPE_NLB_IP,
  AWS_LBC_LOAD_BALANCER_CLASS,
  AWS_LBC_SERVICE_WEBHOOK,
  AWS_NLB_SOURCE_IP_STICKINESS,
  AWS_NLB_TARGET_TYPE_ANNOTATION,
  AWS_NLB_TARGET_TYPE_INSTANCE,
  AWS_NLB_TARGET_TYPE_IP,
  AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION,
  formatAwsStringMap,
  parseAwsStringMap,
} from '../../facts/cloud-load-balancers';
import {
  CLIENT_IP_TIMEOUT_MAX_SECONDS,
  CLIENT_IP_TIMEOUT_MIN_SECONDS,
  HEADLESS_CLUSTER_IP,
  isValidClientIpTimeout,
} from '../../facts/kubernetes';
import { Doc, annotationsOf, isObject } from '../inventory';
import { Severity } from '../model';

const CLIENT_IP = 'ClientIP';
const NONE = 'None';

/**
 * Whether a field of a manifest is unset as the API server reads it: left
 * out, or `null` (a YAML key with no value, such as `timeoutSeconds:`), which
 * decodes to the field's zero value and is then defaulted.
 */
function unset(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** Whether sessionAffinity is unset as the API server reads it: left out, null or empty (the zero value, defaulted to None). */
function affinityUnset(value: unknown): boolean {
  return unset(value) || value === '';
}

export function hasClientIpAffinity(service: Doc): boolean {
  return service.obj.spec?.sessionAffinity === CLIENT_IP;
}

/**
 * Whether a Service is headless: `clusterIP: None` (or, with clusterIP left
 * out, `clusterIPs: [None]`, from which the API server defaults it). It has
 * no virtual IP, so kube-proxy balances nothing for it: DNS answers with the
 * pod IPs.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/service/#headless-services
 */
export function isHeadless(service: Doc): boolean {
  const spec = service.obj.spec ?? {};
  if (spec.clusterIP !== undefined && spec.clusterIP !== null && spec.clusterIP !== '') {
    return spec.clusterIP === HEADLESS_CLUSTER_IP;
  }
  return Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === HEADLESS_CLUSTER_IP;
}

export function serviceType(service: Doc): string {
  const t = service.obj.spec?.type;
  return typeof t === 'string' ? t : 'ClusterIP';
}

/** @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec */
export const timeoutOutOfRange: Rule = {
  id: 'client-ip-timeout-out-of-range',
  severity: Severity.ERROR,
  rationale: `The API server refuses a ClientIP timeoutSeconds outside ${CLIENT_IP_TIMEOUT_MIN_SECONDS}..${CLIENT_IP_TIMEOUT_MAX_SECONDS} on a Service with sessionAffinity ClientIP: the Service is never created or updated. (With sessionAffinity None or unset it drops the whole config instead: affinity-config-without-client-ip.)`,
  fix: `Set spec.sessionAffinityConfig.clientIP.timeoutSeconds to a whole number from ${CLIENT_IP_TIMEOUT_MIN_SECONDS} to ${CLIENT_IP_TIMEOUT_MAX_SECONDS} (24 hours), or leave it out for the 10800 s default.`,
  check(inventory, report) {
    for (const svc of inventory.services) {
      // Only ClientIP Services have the timeout validated: for None or unset,
      // defaulting drops sessionAffinityConfig before validation, so the
      // Service is accepted (affinity-config-without-client-ip says so).
      const clientIp = svc.obj.spec?.sessionAffinityConfig?.clientIP;
      if (!hasClientIpAffinity(svc) || !isObject(clientIp) || unset(clientIp.timeoutSeconds)) {
        continue;
      }
      const t = clientIp.timeoutSeconds;
      if (typeof t !== 'number' || !isValidClientIpTimeout(t)) {
        report(svc, `${describe(svc)}: spec.sessionAffinityConfig.clientIP.timeoutSeconds (${JSON.stringify(t)}) must be a whole number from ${CLIENT_IP_TIMEOUT_MIN_SECONDS} to ${CLIENT_IP_TIMEOUT_MAX_SECONDS}; the API server refuses the Service`);
      }
    }
  },
};

/** @see https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec */
export const affinityValueUnsupported: Rule = {
  id: 'session-affinity-unsupported-value',
  severity: Severity.ERROR,
  rationale: 'The API server takes only sessionAffinity ClientIP or None, spelled exactly so: any other value (Cookie, clientIP) is refused, and the Service is never created or updated.',
  fix: 'Set spec.sessionAffinity: ClientIP for affinity by client address, or None; cookie affinity is set at the ingress or gateway, not on the Service.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      const affinity = svc.obj.spec?.sessionAffinity;
      if (!affinityUnset(affinity) && affinity !== CLIENT_IP && affinity !== NONE) {
        report(svc, `${describe(svc)}: spec.sessionAffinity ${JSON.stringify(affinity)} must be ClientIP or None; the API server refuses the Service`);
      }
    }
  },
};

export const configIgnored: Rule = {
  id: 'affinity-config-without-client-ip',
  severity: Severity.WARNING,
  rationale: 'sessionAffinityConfig only applies to ClientIP affinity; with sessionAffinity None or unset the API server drops it and nothing is sticky.',
  fix: 'Set spec.sessionAffinity: ClientIP if the Service should be sticky, or remove spec.sessionAffinityConfig.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      const affinity = svc.obj.spec?.sessionAffinity;
      // Another value is refused outright (session-affinity-unsupported-value).
      if (!unset(svc.obj.spec?.sessionAffinityConfig) && (affinityUnset(affinity) || affinity === NONE)) {
        report(svc, `${describe(svc)}: spec.sessionAffinityConfig is set but spec.sessionAffinity is ${affinityUnset(affinity) ? 'unset' : JSON.stringify(affinity)}; the API server drops the config and the Service is not sticky`);
      }
    }
  },
};

export const affinityWithoutProxy: Rule = {
  id: 'affinity-without-virtual-ip',
  severity: Severity.WARNING,
  rationale: 'ClientIP affinity is applied by kube-proxy on a Service\'s virtual IP; headless and ExternalName Services have none, so the setting does nothing.',
  fix: 'Give the Service a cluster IP (remove clusterIP: None, or use type ClusterIP) to keep ClientIP affinity, or pin clients in the client or with cookie affinity at the ingress.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (!hasClientIpAffinity(svc)) {
        continue;
      }
      if (serviceType(svc) === 'ExternalName') {
        report(svc, `${describe(svc)}: ClientIP affinity on an ExternalName Service does nothing: DNS answers with a CNAME and kube-proxy never sees the traffic`);
      } else if (isHeadless(svc)) {
        report(svc, `${describe(svc)}: ClientIP affinity on a headless Service (clusterIP: None) does nothing: DNS returns the pod IPs and clients connect to pods directly`);
      }
    }
  },
};

/** @see https://kubernetes.io/docs/tasks/access-application-cluster/create-external-load-balancer/#preserving-the-client-source-ip */
export const clientIpSourceHidden: Rule = {
  id: 'client-ip-without-local-traffic-policy',
  severity: Severity.INFO,
  rationale: 'With externalTrafficPolicy Cluster, traffic from outside may be forwarded through another node and the pods see that node\'s address, not the client\'s.',
  fix: 'Set spec.externalTrafficPolicy: Local so the client\'s IP reaches the pods (only nodes with a ready pod then receive traffic).',
  check(inventory, report) {
    for (const svc of inventory.services) {
      const type = serviceType(svc);
      if (hasClientIpAffinity(svc) && (type === 'LoadBalancer' || type === 'NodePort') && svc.obj.spec?.externalTrafficPolicy !== 'Local') {
        report(svc, `${describe(svc)}: ClientIP affinity on a ${type} Service with externalTrafficPolicy ${svc.obj.spec?.externalTrafficPolicy ?? 'Cluster (the default)'}: client IPs seen by the pods are nodes' addresses`);
      }
    }
  },
};

/** Whether a Service's load balancer is one AWS makes (by its annotations or load balancer class). */
export function isAwsLoadBalancer(svc: Doc): boolean {
  if (svc.obj.spec?.loadBalancerClass === AWS_LBC_LOAD_BALANCER_CLASS) {
    return true;
  }
  const annotations = annotationsOf(svc.obj);
  return annotations[AWS_LB_TYPE_ANNOTATION] !== undefined
    || annotations[AWS_NLB_TARGET_TYPE_ANNOTATION] !== undefined
    || annotations[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION] !== undefined;
}

/**
 * Whether who makes the Service's load balancer depends on the AWS Load
 * Balancer Controller's Service webhook: no load balancer class, and an
 * `aws-load-balancer-type` the in-tree provider takes (`nlb`, or none). Where
 * the webhook runs (controller v2.5 and later, `enableServiceMutatorWebhook`
 * true by default), it gave the Service the controller's class when it was
 * created, and the controller's NLB reads target-group stickiness; where it
 * does not, the in-tree provider takes it, and refuses sessionAffinity
 * ClientIP. The manifests cannot tell which. With `external` or `nlb-ip`
 * the in-tree provider leaves the Service to the controller.
 *
 * @see https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/webhooks/core/service_mutator.go
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/nlb/ (aws-load-balancer-type)
 */
export function awsMakerDependsOnWebhook(svc: Doc): boolean {
  const cls = svc.obj.spec?.loadBalancerClass;
  if (cls !== undefined && cls !== null && cls !== '') {
    return false;
  }
  const type = annotationsOf(svc.obj)[AWS_LB_TYPE_ANNOTATION];
  return type !== AWS_LB_TYPE_EXTERNAL && type !== AWS_LB_TYPE_NLB_IP;
}

/** The Service's `aws-load-balancer-type`, in words ("service.beta...type: nlb", or "no service.beta...type"). */
function awsTypeInWords(svc: Doc): string {
  const type = annotationsOf(svc.obj)[AWS_LB_TYPE_ANNOTATION];
  return type === undefined ? `no ${AWS_LB_TYPE_ANNOTATION}` : `${AWS_LB_TYPE_ANNOTATION}: ${type}`;
}

/** The two outcomes of a Service whose maker depends on the webhook, in words, after "if". */
const WEBHOOK_OR_IN_TREE = `the AWS Load Balancer Controller's Service webhook (v2.5 and later, on unless ${AWS_LBC_SERVICE_WEBHOOK} is false) gave it the class ${AWS_LBC_LOAD_BALANCER_CLASS} when it was created`;
const IN_TREE_REFUSES = `the in-tree cloud provider takes it and makes no load balancer at all, as it refuses sessionAffinity ClientIP ("${AWS_IN_TREE_REFUSED_AFFINITY_ERROR}")`;

function hasNlbSourceIpStickiness(svc: Doc): boolean {
  const value = annotationsOf(svc.obj)[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION];
  const pairs = value === undefined ? undefined : parseAwsStringMap(value);
  if (!pairs) {
    return false;
  }
  const attributes = new Map(pairs);
  return AWS_NLB_SOURCE_IP_STICKINESS.every(([k, v]) => attributes.get(k) === v);
}

const SOURCE_IP_STICKINESS = `${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION}: ${formatAwsStringMap(AWS_NLB_SOURCE_IP_STICKINESS)}`;

/** How to make the controller, not the webhook, decide: the keys, set when the Service is created. */
const CHOOSE_CONTROLLER = `${AWS_LB_TYPE_ANNOTATION}: ${AWS_LB_TYPE_EXTERNAL} with ${AWS_NLB_TARGET_TYPE_ANNOTATION}: ${AWS_NLB_TARGET_TYPE_INSTANCE} (or ${AWS_NLB_TARGET_TYPE_IP}), or spec.loadBalancerClass: ${AWS_LBC_LOAD_BALANCER_CLASS}`;
// The controller's docs: do not add or change the type on an existing Service (resources are left behind);
// the API server does not let spec.loadBalancerClass be set or changed on an existing LoadBalancer Service.
const ON_A_NEW_SERVICE = 'neither may change on an existing Service (a changed type leaves the old load balancer behind; the API server refuses a class set later), so recreate the Service';

/** What the in-tree provider does instead, for the rationale of the rules on the controller's NLB. */
export const AWS_NLB_ONLY_CONTROLLER = `Only the controller reads target-group stickiness; the in-tree cloud provider, which takes a Service with aws-load-balancer-type ${AWS_LB_TYPE_IN_TREE_NLB} (or none) and no class unless the controller's Service webhook gave it the controller's class when it was created, refuses sessionAffinity ClientIP and makes no load balancer at all.`;

/**
 * The fix for an AWS load balancer that moves a client between nodes, for
 * either case: the AWS Load Balancer Controller reads target-group
 * stickiness from an annotation; a Service whose maker depends on the
 * controller's webhook must choose the controller first.
 */
export const AWS_NLB_STICKINESS_FIX = `With the AWS Load Balancer Controller (aws-load-balancer-type external or nlb-ip, or loadBalancerClass ${AWS_LBC_LOAD_BALANCER_CLASS}), add the annotation ${SOURCE_IP_STICKINESS} so the NLB keeps each client on one target; `
  + `a Service with aws-load-balancer-type ${AWS_LB_TYPE_IN_TREE_NLB} (or none) and no class is the controller's only if its Service webhook took it when it was created, else the in-tree provider's, which makes no load balancer for ClientIP: `
  + `choose the controller (${CHOOSE_CONTROLLER}) and add ${AWS_LB_SCHEME_ANNOTATION}: ${AWS_LB_SCHEME_INTERNET_FACING} for a public NLB and that annotation (LoadBalancerStickiness.awsNlb() writes them), on a recreated Service.`;

/**
 * Why a ClientIP Service's AWS load balancer moves its clients between
 * nodes, in words, with the fix where who makes it depends on the
 * controller's webhook (the rule's own fix leads with the controller's
 * annotation); undefined when it has source-IP stickiness (or is no AWS load
 * balancer the manifests show).
 */
export function awsLoadBalancerWithoutStickiness(svc: Doc): { why: string; fix?: string } | undefined {
  if (!hasClientIpAffinity(svc) || serviceType(svc) !== 'LoadBalancer' || !isAwsLoadBalancer(svc) || hasNlbSourceIpStickiness(svc)) {
    return undefined;
  }
  if (awsMakerDependsOnWebhook(svc)) {
    return {
      why: `ClientIP affinity without the NLB's source-IP stickiness (${formatAwsStringMap(AWS_NLB_SOURCE_IP_STICKINESS)} in ${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION}), and no load balancer class with ${awsTypeInWords(svc)}: `
        + `if ${WEBHOOK_OR_IN_TREE}, the controller's NLB moves a client between nodes, each with its own affinity table; if not, ${IN_TREE_REFUSES}`,
      fix: `Choose the AWS Load Balancer Controller, the only one that reads target-group stickiness, when ${describe(svc)} is created: ${CHOOSE_CONTROLLER}, `
        + `${AWS_LB_SCHEME_ANNOTATION}: ${AWS_LB_SCHEME_INTERNET_FACING} for a public NLB (the controller makes internal ones by default) `
        + `and ${SOURCE_IP_STICKINESS} (LoadBalancerStickiness.awsNlb() writes them); ${ON_A_NEW_SERVICE}.`,
    };
  }
  return {
    why: `ClientIP affinity behind an AWS load balancer without the NLB's source-IP stickiness (${formatAwsStringMap(AWS_NLB_SOURCE_IP_STICKINESS)} in ${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION}): the load balancer moves a client between nodes, each with its own affinity table`,
  };
}

/**
 * A ClientIP Service with source-IP stickiness whose maker depends on the
 * AWS Load Balancer Controller's Service webhook: sticky if the webhook took
 * it, without any load balancer if the in-tree provider did.
 *
 * @see https://github.com/kubernetes-sigs/aws-load-balancer-controller/blob/main/webhooks/core/service_mutator.go
 * @see https://github.com/kubernetes/cloud-provider-aws/blob/master/pkg/providers/v1/aws_validations.go (target-group attributes, v1.34)
 */
export const awsNlbStickinessDependsOnWebhook: Rule = {
  id: 'aws-nlb-stickiness-depends-on-webhook',
  severity: Severity.WARNING,
  rationale: `A LoadBalancer Service with no load balancer class and aws-load-balancer-type ${AWS_LB_TYPE_IN_TREE_NLB} (or none) does not say who makes its load balancer. `
    + `Where the AWS Load Balancer Controller's Service webhook runs (v2.5 and later, on unless ${AWS_LBC_SERVICE_WEBHOOK} is false), it gives the Service the class ${AWS_LBC_LOAD_BALANCER_CLASS} when it is created, and the controller's NLB applies the target-group stickiness; `
    + `elsewhere the in-tree cloud provider takes it, which refuses sessionAffinity ClientIP and makes no load balancer (from ${AWS_IN_TREE_TARGET_GROUP_ATTRIBUTES_SINCE} it also refuses stickiness attributes, reading only ${AWS_IN_TREE_TARGET_GROUP_ATTRIBUTES.join(' and ')}).`,
  fix: `Choose the AWS Load Balancer Controller when the Service is created: ${CHOOSE_CONTROLLER} (LoadBalancerStickiness.awsNlb() writes them; add ${AWS_LB_SCHEME_ANNOTATION}: ${AWS_LB_SCHEME_INTERNET_FACING} for a public NLB, as the controller's are internal by default); ${ON_A_NEW_SERVICE}.`,
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (hasClientIpAffinity(svc) && serviceType(svc) === 'LoadBalancer' && isAwsLoadBalancer(svc) && hasNlbSourceIpStickiness(svc) && awsMakerDependsOnWebhook(svc)) {
        report(svc, `${describe(svc)}: ClientIP affinity with source-IP stickiness in ${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION}, but no load balancer class and ${awsTypeInWords(svc)}: `
          + `the stickiness holds only if ${WEBHOOK_OR_IN_TREE}; if not, ${IN_TREE_REFUSES}, and from ${AWS_IN_TREE_TARGET_GROUP_ATTRIBUTES_SINCE} the stickiness attributes too`);
      }
    }
  },
};
