import { ingressBackendRefs, manifestAnnotations, manifestName } from './manifests';
import type { FrontDetector } from '../doctor/fronts';

/**
 * What the AWS Load Balancer Controller and the Application Load Balancer
 * accept for sticky sessions, written once for the ALB renderer and the
 * doctor. Pure: no imports.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-group-attributes
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html
 */

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
 * The AWS Load Balancer Controller keeps a browser on one target when the
 * Ingress's target-group attributes enable stickiness. Only with `ip`
 * targets is that target a pod: with `instance` targets (the default) it is a
 * node, and kube-proxy then spreads the requests over the pods.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
 */
export const AWS_ALB_DETECTOR: FrontDetector = {
  front: 'aws-alb',
  kinds: ['Ingress'],
  detect(ingress, context) {
    const annotations = manifestAnnotations(ingress);
    const attributes = annotations[ALB_ANNOTATIONS.targetGroupAttributes];
    const sticky = attributes !== undefined && attributes.split(',').some(kv => kv.replace(/\s/g, '') === `${ALB_STICKINESS_ATTRIBUTES.enabled}=true`);
    if (!sticky || annotations[ALB_ANNOTATIONS.targetType] !== ALB_STICKY_TARGET_TYPE) {
      return [];
    }
    const via = `Ingress ${manifestName(ingress)}`;
    return ingressBackendRefs(ingress).map(ref => ({
      namespace: context.namespace, name: ref.name, port: ref.port, affinity: `AWS ALB target-group stickiness on ${via}`, via,
    }));
  },
};
