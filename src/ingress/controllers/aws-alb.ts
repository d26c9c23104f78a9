import { ControllerRenderer, leaveOut, refuseGiven } from './renderer';
import { propError } from '../../errors';
import {
  ALB_ANNOTATIONS,
  ALB_CONTROLLER_NAME,
  ALB_INGRESS_CLASS,
  ALB_LB_COOKIE_NAME,
  ALB_RESERVED_COOKIE_PREFIX,
  ALB_STICKINESS_ATTRIBUTES,
  ALB_STICKINESS_DEFAULT_SECONDS,
  ALB_STICKINESS_MAX_SECONDS,
  ALB_STICKINESS_MIN_SECONDS,
  ALB_STICKY_TARGET_TYPE,
  isAlbStickinessSeconds,
} from '../../facts/aws-alb';
import { describeSeconds } from '../../units';
import type { IngressControllerConfig } from '../controller';

/**
 * Which cookie an Application Load Balancer keeps a browser on its target by.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/sticky-sessions.html
 */
export enum AlbStickiness {
  /** Duration-based: the ALB writes its own cookie, `AWSALB`, lasting `maxAge`. */
  LB_COOKIE = 'lb_cookie',
  /**
   * Application-based: the application sets a cookie named by the cookie's
   * `name`, and the ALB follows it (writing `AWSALBAPP-*` beside it) for `maxAge`.
   */
  APP_COOKIE = 'app_cookie',
}

/** Options of `IngressController.awsAlb()`. */
export interface AwsAlbControllerOptions {
  /**
   * Duration-based (the ALB's cookie) or application-based (your
   * application's cookie) stickiness.
   *
   * @default AlbStickiness.LB_COOKIE
   */
  readonly stickiness?: AlbStickiness;

  /**
   * The IngressClass of the AWS Load Balancer Controller, written to
   * `spec.ingressClassName` unless the Ingress sets `className`.
   *
   * @default 'alb'
   */
  readonly ingressClassName?: string;
}

/** What plain JavaScript can get wrong in `IngressController.awsAlb()`'s options (made once). */
export const ALB_OPTION_TYPES = { enums: { stickiness: AlbStickiness }, strings: ['ingressClassName'] };

/** What the ALB does with the cookie's fields it cannot be given. */
const ALB_OWNS_COOKIE = `the ALB writes its own ${ALB_LB_COOKIE_NAME} cookie and sets only its duration`;

/** Why each cookie field but the duration (and, for app_cookie, the name) is refused. */
const ALB_UNWRITABLE = leaveOut(ALB_OWNS_COOKIE, ['path', 'domain', 'secure', 'httpOnly', 'sameSite']);

/**
 * The AWS Load Balancer Controller reads stickiness from the target group
 * attributes annotation of the Ingress.
 *
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-group-attributes
 */
export function awsAlbRenderer(options: AwsAlbControllerOptions): ControllerRenderer {
  const name = ALB_CONTROLLER_NAME;
  const stickiness = options.stickiness ?? AlbStickiness.LB_COOKIE;
  return {
    name,
    ingressClassName: options.ingressClassName ?? ALB_INGRESS_CLASS,
    bind(_scope, { ingress, cookie: resolved }): IngressControllerConfig {
      const cookie = ingress.cookie;
      refuseGiven(ingress, name, ALB_UNWRITABLE);
      const s = ALB_STICKINESS_ATTRIBUTES;
      const seconds = resolved.maxAgeSeconds ?? ALB_STICKINESS_DEFAULT_SECONDS;
      if (!isAlbStickinessSeconds(seconds)) {
        throw propError(ingress, 'cookie.maxAge', describeSeconds(cookie.maxAge!),
          `must be a whole number of seconds from ${ALB_STICKINESS_MIN_SECONDS} to ${ALB_STICKINESS_MAX_SECONDS} (7 days) with ${name}`);
      }
      const attributes: Array<[string, string]> = [[s.enabled, 'true'], [s.type, stickiness]];
      if (stickiness === AlbStickiness.LB_COOKIE) {
        if (cookie.name !== undefined) {
          throw propError(ingress, 'cookie.name', JSON.stringify(cookie.name),
            `cannot be set with ${name} and lb_cookie stickiness: ${ALB_OWNS_COOKIE}; to follow a cookie your application sets, use IngressController.awsAlb({ stickiness: AlbStickiness.APP_COOKIE })`);
        }
        attributes.push([s.lbCookieDuration, String(seconds)]);
      } else {
        if (cookie.name === undefined) {
          throw propError(ingress, 'cookie.name', 'not given',
            `must name the cookie your application sets, with ${name} and app_cookie stickiness`);
        }
        if (cookie.name.toUpperCase().startsWith(ALB_RESERVED_COOKIE_PREFIX)) {
          throw propError(ingress, 'cookie.name', JSON.stringify(cookie.name),
            `must not start with ${ALB_RESERVED_COOKIE_PREFIX}: the ALB keeps AWSALB, AWSALBAPP and AWSALBTG for its own cookies`);
        }
        attributes.push([s.appCookieName, cookie.name], [s.appCookieDuration, String(seconds)]);
      }
      return {
        ingressAnnotations: {
          [ALB_ANNOTATIONS.targetType]: ALB_STICKY_TARGET_TYPE,
          [ALB_ANNOTATIONS.targetGroupAttributes]: attributes.map(([k, v]) => `${k}=${v}`).join(','),
        },
      };
    },
  };
}
