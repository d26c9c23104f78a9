// Rules on a Service's own fields: what the API server refuses or drops, and
// what kube-proxy cannot do.
import { Rule, describe } from './rule';
import {
  AWS_LB_SCHEME_ANNOTATION,
  AWS_LB_SCHEME_INTERNET_FACING,
  AWS_LB_TYPE_ANNOTATION,
  AWS_LB_TYPE_EXTERNAL,
  AWS_LB_TYPE_IN_TREE_NLB,
  AWS_LBC_LOAD_BALANCER_CLASS,
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
 * Whether the AWS in-tree cloud provider makes the Service's NLB
 * (`aws-load-balancer-type: nlb`, without the AWS Load Balancer Controller's
 * load balancer class): it reads no target-group attributes, so nothing on
 * the Service makes that NLB sticky. The controller takes a Service only with
 * the type `external` or `nlb-ip`, or its load balancer class.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/ (aws-load-balancer-type)
 * @see https://cloud-provider-aws.sigs.k8s.io/service_controller/ (the in-tree provider's annotations: no target-group attributes)
 */
export function isAwsInTreeNlb(svc: Doc): boolean {
  return svc.obj.spec?.loadBalancerClass !== AWS_LBC_LOAD_BALANCER_CLASS
    && annotationsOf(svc.obj)[AWS_LB_TYPE_ANNOTATION] === AWS_LB_TYPE_IN_TREE_NLB;
}

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

/**
 * The fix for an AWS load balancer that moves a client between nodes, for
 * either case: the AWS Load Balancer Controller reads target-group
 * stickiness from an annotation; the in-tree provider reads none, so the
 * Service must move to the controller first.
 */
export const AWS_NLB_STICKINESS_FIX = `With the AWS Load Balancer Controller (aws-load-balancer-type external or nlb-ip, or loadBalancerClass ${AWS_LBC_LOAD_BALANCER_CLASS}), add the annotation ${SOURCE_IP_STICKINESS} so the NLB keeps each client on one target; `
  + `the in-tree provider (aws-load-balancer-type ${AWS_LB_TYPE_IN_TREE_NLB}) reads no target-group attributes: hand the Service to the controller with ${AWS_LB_TYPE_ANNOTATION}: ${AWS_LB_TYPE_EXTERNAL}, `
  + `${AWS_NLB_TARGET_TYPE_ANNOTATION}: ${AWS_NLB_TARGET_TYPE_INSTANCE} (or ${AWS_NLB_TARGET_TYPE_IP}), ${AWS_LB_SCHEME_ANNOTATION}: ${AWS_LB_SCHEME_INTERNET_FACING} for a public NLB and that annotation (LoadBalancerStickiness.awsNlb() writes them), on a recreated Service.`;

/**
 * Why a ClientIP Service's AWS load balancer moves its clients between
 * nodes, in words, with the fix for the in-tree provider's NLB (the rule's
 * own fix leads with the controller's annotation); undefined when it keeps
 * each client on one target (or is no AWS load balancer the manifests show).
 */
export function awsLoadBalancerWithoutStickiness(svc: Doc): { why: string; fix?: string } | undefined {
  if (!hasClientIpAffinity(svc) || serviceType(svc) !== 'LoadBalancer' || !isAwsLoadBalancer(svc)) {
    return undefined;
  }
  if (isAwsInTreeNlb(svc)) {
    const ignored = annotationsOf(svc.obj)[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION] !== undefined ? ` (its ${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION} is not read)` : '';
    return {
      why: `ClientIP affinity behind an NLB of the AWS in-tree cloud provider (${AWS_LB_TYPE_ANNOTATION}: ${AWS_LB_TYPE_IN_TREE_NLB}), which ignores sessionAffinity and reads no target-group attributes${ignored}: the load balancer moves a client between nodes, each with its own affinity table`,
      // The controller makes an internal NLB by default, and takes a Service's type only when it is created.
      fix: `Hand ${describe(svc)} to the AWS Load Balancer Controller, the only one that reads target-group stickiness: ${AWS_LB_TYPE_ANNOTATION}: ${AWS_LB_TYPE_EXTERNAL}, `
        + `${AWS_NLB_TARGET_TYPE_ANNOTATION}: ${AWS_NLB_TARGET_TYPE_INSTANCE} (or ${AWS_NLB_TARGET_TYPE_IP}), ${AWS_LB_SCHEME_ANNOTATION}: ${AWS_LB_SCHEME_INTERNET_FACING} for a public NLB (the controller makes internal ones by default) `
        + `and ${SOURCE_IP_STICKINESS} (LoadBalancerStickiness.awsNlb() writes them); the type is read when the Service is created (changed later, the old load balancer is left behind), so recreate the Service.`,
    };
  }
  if (hasNlbSourceIpStickiness(svc)) {
    return undefined;
  }
  return {
    why: `ClientIP affinity behind an AWS load balancer without the NLB's source-IP stickiness (${formatAwsStringMap(AWS_NLB_SOURCE_IP_STICKINESS)} in ${AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION}): the load balancer moves a client between nodes, each with its own affinity table`,
  };
}
