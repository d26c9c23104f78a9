import { groupOf, ingressBackendRefs, manifestAnnotations, manifestName } from './manifests';
import type { FrontContext, FrontDetector, FrontReach } from '../doctor/fronts';

/**
 * What the AWS Load Balancer Controller and the Application Load Balancer
 * accept for sticky sessions, written once for the ALB renderer and the
 * doctor. Pure: reads plain manifests only.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-group-attributes
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html
 */

/** The controller, as messages name it. */
export const ALB_CONTROLLER_NAME = 'the AWS Load Balancer Controller';

/** Prefix of the controller's Ingress annotations. */
export const ALB_ANNOTATION_PREFIX = 'alb.ingress.kubernetes.io/';

/** The annotations the renderer writes, by what they set. */
export const ALB_ANNOTATIONS = {
  targetGroupAttributes: `${ALB_ANNOTATION_PREFIX}target-group-attributes`,
  targetType: `${ALB_ANNOTATION_PREFIX}target-type`,
} as const;

/** Target group attributes of stickiness (`key=value`, comma-separated in the annotation). */
export const ALB_STICKINESS_ATTRIBUTES = {
  enabled: 'stickiness.enabled',
  type: 'stickiness.type',
  lbCookieDuration: 'stickiness.lb_cookie.duration_seconds',
  appCookieName: 'stickiness.app_cookie.cookie_name',
  appCookieDuration: 'stickiness.app_cookie.duration_seconds',
} as const;

/** `stickiness.type` values on an Application Load Balancer. */
export const ALB_STICKINESS_TYPES = ['lb_cookie', 'app_cookie'] as const;

/**
 * The target type sticky sessions need: with `instance` targets the ALB sticks
 * a browser to a node, and kube-proxy then spreads its requests over the pods.
 */
export const ALB_STICKY_TARGET_TYPE = 'ip';

/** The IngressClass the controller installs by default. */
export const ALB_INGRESS_CLASS = 'alb';

/** Shortest stickiness duration: 1 second. */
export const ALB_STICKINESS_MIN_SECONDS = 1;

/** Longest stickiness duration: 7 days. */
export const ALB_STICKINESS_MAX_SECONDS = 7 * 24 * 3600;

/** The duration the ALB uses when none is set: 1 day. */
export const ALB_STICKINESS_DEFAULT_SECONDS = 24 * 3600;

/** The name of the cookie the ALB itself writes for duration-based stickiness. */
export const ALB_LB_COOKIE_NAME = 'AWSALB';

/**
 * The ALB keeps cookie names starting with `AWSALB` (`AWSALB`, `AWSALBAPP`,
 * `AWSALBTG`) for itself; an application cookie must not use them.
 */
export const ALB_RESERVED_COOKIE_PREFIX = 'AWSALB';

/** Whether a stickiness duration in seconds is one the ALB accepts. */
export function isAlbStickinessSeconds(seconds: number): boolean {
  return Number.isInteger(seconds) && seconds >= ALB_STICKINESS_MIN_SECONDS && seconds <= ALB_STICKINESS_MAX_SECONDS;
}

/**
 * The annotations of the controller's that matter for stickiness and that it
 * reads from the Ingress AND from each backend Service: for each Service's
 * target group it merges the two key by key, the Service's value winning
 * (`MergeStringMap(svc.Annotations, ing.Annotations)` in
 * pkg/ingress/model_build_target_group.go; the annotation table lists them as
 * "Ingress,Service", and says Service annotations have higher priority). A
 * Service's value replaces the Ingress's whole: target-group-attributes are
 * not merged attribute by attribute. (The other keys read from both, such as
 * backend-protocol and the health checks, do not change stickiness.)
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/
 */
export const ALB_SERVICE_OVERRIDDEN_KEYS: readonly string[] = [ALB_ANNOTATIONS.targetType, ALB_ANNOTATIONS.targetGroupAttributes];

/**
 * The annotations the controller builds a Service's target group from, of
 * `ALB_SERVICE_OVERRIDDEN_KEYS`: the Service's where it has one, else the
 * Ingress's; the target type of the Ingress's IngressClassParams, when they
 * set one, over both (see `albClassTargetType`).
 */
export function albEffectiveAnnotations(
  ingress: Record<string, string>,
  service: Record<string, string>,
  classTargetType?: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ALB_SERVICE_OVERRIDDEN_KEYS) {
    const value = service[key] ?? ingress[key];
    if (value !== undefined) {
      out[key] = value;
    }
  }
  if (classTargetType !== undefined) {
    out[ALB_ANNOTATIONS.targetType] = classTargetType;
  }
  return out;
}

/** The `spec.controller` of the controller's IngressClass. */
export const ALB_INGRESS_CLASS_CONTROLLER = 'ingress.k8s.aws/alb';

/** What an IngressClass's `spec.parameters` name for the controller's own parameters (a cluster-scoped object). */
export const ALB_INGRESS_CLASS_PARAMS = { apiGroup: 'elbv2.k8s.aws', kind: 'IngressClassParams' } as const;

/** The target type an Ingress's IngressClassParams set, and where. */
export interface AlbClassTargetType {
  /** The IngressClass's name. */
  readonly ingressClass: string;
  /** The IngressClassParams' name. */
  readonly params: string;
  /** Their `spec.targetType`, as written. */
  readonly targetType: string;
}

/**
 * The target type the IngressClassParams of an Ingress's class set: since
 * v2.13 the controller reads `spec.targetType` of the IngressClassParams its
 * IngressClass names in `spec.parameters` over the target-type annotations
 * of the Ingress and of its Services, for every Ingress of the class
 * (`buildTargetGroupTargetType` in pkg/ingress/model_build_target_group.go).
 * Undefined when the class is not the controller's, names no parameters,
 * when `paramsNamed` does not find them, or they set no target type.
 * (IngressClassParams set no target-group attributes; their other fields,
 * such as group, scheme or load balancer attributes, do not change which
 * target a browser sticks to.)
 *
 * @param ingressClass the Ingress's IngressClass, when known
 * @param paramsNamed the IngressClassParams of this name, when known
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/#spectargettype
 */
export function albClassTargetType(
  ingressClass: { [key: string]: any } | undefined,
  paramsNamed: (name: string) => { [key: string]: any } | undefined,
): AlbClassTargetType | undefined {
  const spec = ingressClass?.spec;
  const ref = spec?.parameters;
  if (spec?.controller !== ALB_INGRESS_CLASS_CONTROLLER || typeof ref !== 'object' || ref === null
    || ref.apiGroup !== ALB_INGRESS_CLASS_PARAMS.apiGroup || ref.kind !== ALB_INGRESS_CLASS_PARAMS.kind || typeof ref.name !== 'string') {
    return undefined;
  }
  const params = paramsNamed(ref.name);
  if (params === undefined || groupOf(params) !== ALB_INGRESS_CLASS_PARAMS.apiGroup) {
    return undefined;
  }
  const targetType = params.spec?.targetType;
  return typeof targetType === 'string' && targetType !== ''
    ? { ingressClass: manifestName(ingressClass!), params: ref.name, targetType }
    : undefined;
}

/**
 * The IngressClass the controller loads for an Ingress, as the doctor finds
 * it: the one `spec.ingressClassName` names, else the one marked default
 * (the controller reads no class annotation for this); its
 * IngressClassParams' target type, when the manifests hold both.
 */
export function albClassTargetTypeIn(ingress: { [key: string]: any }, context: FrontContext): AlbClassTargetType | undefined {
  const name = ingress.spec?.ingressClassName;
  // Both kinds are cluster-scoped: the doctor files them under the default namespace.
  const ingressClass = typeof name === 'string' && name !== '' ? context.find('IngressClass', 'default', name) : context.defaultIngressClass?.();
  return albClassTargetType(ingressClass, params => context.find(ALB_INGRESS_CLASS_PARAMS.kind, 'default', params));
}

/**
 * Why a target type leaves a browser unpinned from a pod, in words;
 * undefined for `ip`.
 */
export function albTargetTypeProblem(targetType: string): string | undefined {
  // Read as written: the controller takes exactly "instance" or "ip".
  if (targetType === ALB_STICKY_TARGET_TYPE) {
    return undefined;
  }
  return targetType === 'instance'
    ? 'its target group then holds the nodes, not the pods: the ALB keeps a browser on a node, and kube-proxy there spreads its requests over the pods'
    : 'the controller takes only instance or ip, and builds no target group for the Service';
}

/**
 * A target-group-attributes value as the controller reads it: `key=value`
 * pairs separated by commas, each side trimmed; undefined when a pair has no
 * '=' or no key (the controller then builds no target group).
 */
export function parseAlbAttributes(value: string): Map<string, string> | undefined {
  const out = new Map<string, string>();
  for (const pair of value.split(',')) {
    if (pair.trim() === '') {
      continue;
    }
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq).trim();
    if (key === '') {
      return undefined;
    }
    out.set(key, pair.slice(eq + 1).trim());
  }
  return out;
}

/** Whether target-group-attributes turn stickiness on (`stickiness.enabled=true`). */
export function albAttributesSticky(value: string | undefined): boolean {
  return value !== undefined && parseAlbAttributes(value)?.get(ALB_STICKINESS_ATTRIBUTES.enabled) === 'true';
}

/** Whether annotations give a target group stickiness to pods: stickiness enabled, and `ip` targets. */
export function albPinsPods(annotations: Record<string, string>): boolean {
  return albAttributesSticky(annotations[ALB_ANNOTATIONS.targetGroupAttributes])
    && annotations[ALB_ANNOTATIONS.targetType] === ALB_STICKY_TARGET_TYPE;
}

/** The `stickiness.*` attributes of a target-group-attributes value, in its order. */
function stickinessOf(attributes: Map<string, string>): Array<[string, string]> {
  return [...attributes].filter(([key]) => key.startsWith('stickiness.'));
}

/**
 * Why a backend Service's value of one of `ALB_SERVICE_OVERRIDDEN_KEYS`
 * changes the stickiness the Ingress's value gives (the Service's replaces
 * it), in words that follow "which the controller reads over the Ingress's";
 * undefined when it gives the same: the same target type, or attributes with
 * the same `stickiness.*` ones (others, such as a deregistration delay, may
 * be added).
 */
export function albServiceOverride(key: string, ingressValue: string, serviceValue: string): string | undefined {
  if (key === ALB_ANNOTATIONS.targetType) {
    return serviceValue === ingressValue ? undefined : albTargetTypeProblem(serviceValue);
  }
  if (key !== ALB_ANNOTATIONS.targetGroupAttributes) {
    return undefined;
  }
  const service = parseAlbAttributes(serviceValue);
  if (service === undefined) {
    return 'the controller cannot read it (each attribute is key=value) and builds no target group for the Service';
  }
  const wanted = stickinessOf(parseAlbAttributes(ingressValue) ?? new Map());
  const given = stickinessOf(service);
  if (given.length === wanted.length && wanted.every(([k, v]) => service.get(k) === v)) {
    return undefined;
  }
  if (service.get(ALB_STICKINESS_ATTRIBUTES.enabled) !== 'true') {
    return `its value replaces the Ingress's whole, so the target group gets ${given.length === 0 ? 'none of the Ingress\'s stickiness attributes' : `no ${ALB_STICKINESS_ATTRIBUTES.enabled}=true`}, and the ALB keeps no browser on one pod`;
  }
  return `its value replaces the Ingress's whole, so the target group gets its stickiness (${given.map(([k, v]) => `${k}=${v}`).join(',')}) instead of the Ingress's (${wanted.map(([k, v]) => `${k}=${v}`).join(',')})`;
}

/**
 * A target-group-attributes value for a Service that keeps the Ingress's
 * stickiness: the Ingress's `stickiness.*` attributes, then the Service's
 * others (the value to suggest where a Service needs attributes of its own).
 */
export function albAttributesWithStickiness(ingressValue: string, serviceValue: string): string {
  const sticky = stickinessOf(parseAlbAttributes(ingressValue) ?? new Map());
  const others = [...(parseAlbAttributes(serviceValue) ?? new Map())].filter(([key]) => !key.startsWith('stickiness.'));
  return [...sticky, ...others].map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * The AWS Load Balancer Controller keeps a browser on one target when the
 * target-group attributes it reads for a backend Service enable stickiness.
 * Only with `ip` targets is that target a pod: with `instance` targets (the
 * default) it is a node, and kube-proxy then spreads the requests over the
 * pods. Both are read per backend Service, the Service's annotation over the
 * Ingress's (`ALB_SERVICE_OVERRIDDEN_KEYS`), so stickiness may be written on
 * either, and a Service's attributes without it undo the Ingress's. The
 * target type of the IngressClassParams of the Ingress's class wins over
 * both annotations, when the manifests hold the IngressClass and its
 * parameters (`albClassTargetType`); without them the annotations are read
 * as the whole story.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/#spectargettype
 */
export const AWS_ALB_DETECTOR: FrontDetector = {
  front: 'aws-alb',
  kinds: ['Ingress'],
  detect(ingress, context) {
    const annotations = manifestAnnotations(ingress);
    const fromClass = albClassTargetTypeIn(ingress, context);
    const classTargetType = fromClass?.targetType;
    const own = albEffectiveAnnotations(annotations, NO_ANNOTATIONS, classTargetType);
    const via = `Ingress ${manifestName(ingress)}`;
    const out: FrontReach[] = [];
    for (const ref of ingressBackendRefs(ingress)) {
      const service = context.find('Service', context.namespace, ref.name);
      const serviceAnnotations = service === undefined ? NO_ANNOTATIONS : manifestAnnotations(service);
      const reach = { namespace: context.namespace, name: ref.name, port: ref.port, via };
      const effective = albEffectiveAnnotations(annotations, serviceAnnotations, classTargetType);
      // The keys whose value comes from the Service: the target type not when the class's parameters set it.
      const fromService = ALB_SERVICE_OVERRIDDEN_KEYS.filter(k => serviceAnnotations[k] !== undefined
        && (fromClass === undefined || k !== ALB_ANNOTATIONS.targetType));
      const read = fromClass === undefined ? ALB_SERVICE_OVERRIDDEN_KEYS.length : ALB_SERVICE_OVERRIDDEN_KEYS.length - 1;
      const where = fromService.length === 0 ? via : fromService.length === read ? `Service ${ref.name} (routed by ${via})` : `${via} and Service ${ref.name}`;
      if (albPinsPods(effective)) {
        const target = fromClass === undefined ? '' : `, with target type ${fromClass.targetType} from IngressClassParams ${fromClass.params}`;
        out.push({ ...reach, affinity: `AWS ALB target-group stickiness on ${where}${target}` });
        continue;
      }
      if (fromClass !== undefined && albAttributesSticky(effective[ALB_ANNOTATIONS.targetGroupAttributes])) {
        // Stickiness, to the target the class's parameters choose over every target-type annotation.
        out.push({
          ...reach,
          affinity: `AWS ALB target-group stickiness on ${where}`,
          notCounted: {
            why: `IngressClassParams ${fromClass.params} (of IngressClass ${fromClass.ingressClass}) set targetType: ${JSON.stringify(fromClass.targetType)}, which ${ALB_CONTROLLER_NAME} reads over the target-type annotations of the Ingress and its Services: ${albTargetTypeProblem(fromClass.targetType)}`,
            fix: `set targetType: ${ALB_STICKY_TARGET_TYPE} in IngressClassParams ${fromClass.params} (for every Ingress of class ${fromClass.ingressClass}), or give ${via} a class whose IngressClassParams set targetType ip or none (the target-type annotations then count), so that the ALB's target group keeps the stickiness of ${where} on pods`,
          },
        });
        continue;
      }
      if (!albPinsPods(own)) {
        continue;
      }
      // The Ingress's own stickiness, undone by the Service's value of a key the controller reads over it
      // (not the target type when the class's parameters set it: they win over both).
      const key = fromService.find(k => albServiceOverride(k, own[k], serviceAnnotations[k]) !== undefined)!;
      const setting = `Service ${ref.name} sets ${key}: ${JSON.stringify(serviceAnnotations[key])}`;
      const keep = key === ALB_ANNOTATIONS.targetType ? `set it to "${ALB_STICKY_TARGET_TYPE}"`
        : `write there ${JSON.stringify(albAttributesWithStickiness(own[key], serviceAnnotations[key]))}`;
      out.push({
        ...reach,
        affinity: `AWS ALB target-group stickiness on ${via}`,
        notCounted: {
          why: `${setting}, which ${ALB_CONTROLLER_NAME} reads over the Ingress's: ${albServiceOverride(key, own[key], serviceAnnotations[key])}`,
          fix: `remove ${key} from Service ${ref.name}, or ${keep}, so that the ALB's target group keeps the stickiness of ${via}`,
        },
      });
    }
    return out;
  },
};

const NO_ANNOTATIONS: Record<string, string> = Object.freeze({}) as Record<string, string>;
