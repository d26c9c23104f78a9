import { IAnyProducer, Lazy } from 'cdk8s';
import { ControllerRenderer, secureAnnotation } from './renderer';
import { DEFAULT_COOKIE_PATH } from '../../cookie/affinity-cookie';
import { propError } from '../../errors';
import {
  NGINX_AFFINITY_ANNOTATIONS,
  NGINX_AFFINITY_COOKIE,
  NGINX_COOKIE_NAME_PATTERN,
  NGINX_COOKIE_PATH_PATTERN,
} from '../../facts/ingress-nginx';
import type { IngressControllerConfig } from '../controller';
import type { CookieAffinityIngress } from '../cookie-affinity-ingress';

/**
 * How sticky ingress-nginx keeps a session when pods come and go
 * (`nginx.ingress.kubernetes.io/affinity-mode`).
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#session-affinity
 */
export enum NginxAffinityMode {
  /** Some sessions move to new pods when the Deployment scales up, to rebalance load. */
  BALANCED = 'balanced',
  /** Sessions stay on their pod: the most stickiness, no rebalancing. */
  PERSISTENT = 'persistent',
}

/** Options of `IngressController.nginx()`. */
export interface NginxControllerOptions {
  /**
   * How sticky a session is when pods are added (`affinity-mode`).
   *
   * @default - not written: ingress-nginx uses `balanced`
   */
  readonly affinityMode?: NginxAffinityMode;

  /**
   * Whether a request that failed on its pod gets a new cookie pointing to
   * another pod (`session-cookie-change-on-failure`); otherwise later
   * requests keep going to the failed pod.
   *
   * @default - not written: ingress-nginx keeps the cookie (false)
   */
  readonly changeOnFailure?: boolean;

  /**
   * The IngressClass of the ingress-nginx installation, written to
   * `spec.ingressClassName` unless the Ingress sets `className`.
   *
   * @default - none: the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
}

/** What plain JavaScript can get wrong in `IngressController.nginx()`'s options (made once). */
export const NGINX_OPTION_TYPES = { enums: { affinityMode: NginxAffinityMode }, booleans: ['changeOnFailure'], strings: ['ingressClassName'] };

/**
 * ingress-nginx reads cookie affinity from annotations on the Ingress. Only
 * the fields the user set are written, besides `Secure` over TLS and `Path=/`
 * when a rule's path would otherwise become the cookie's, so the controller's
 * own defaults apply to the rest: the model's, except `SameSite`, which the
 * controller writes only when it is given (the cookie then has none).
 *
 * @see https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/
 */
export function nginxRenderer(options: NginxControllerOptions): ControllerRenderer {
  const name = 'ingress-nginx';
  return {
    name,
    ingressClassName: options.ingressClassName,
    bind(_scope, { ingress, cookie: resolved }): IngressControllerConfig {
      const cookie = ingress.cookie;
      if (cookie.name !== undefined && !NGINX_COOKIE_NAME_PATTERN.test(cookie.name)) {
        throw propError(ingress, 'cookie.name', JSON.stringify(cookie.name),
          `must hold only letters, digits, '-', '.', '_' and '~' with ${name}, which replaces any other name with INGRESSCOOKIE`);
      }
      if (cookie.path !== undefined && !NGINX_COOKIE_PATH_PATTERN.test(cookie.path)) {
        throw propError(ingress, 'cookie.path', JSON.stringify(cookie.path),
          `must hold only letters, digits and '-', '.', '_', '~', '/', ':', '?', '&', '=' with ${name}, which ignores any other path`);
      }
      if (cookie.httpOnly === false) {
        throw propError(ingress, 'cookie.httpOnly', 'false',
          `cannot be set with ${name}: it writes every affinity cookie HttpOnly; leave 'httpOnly' out`);
      }
      const a = NGINX_AFFINITY_ANNOTATIONS;
      const annotations: Record<string, string> = { [a.affinity]: NGINX_AFFINITY_COOKIE };
      if (options.affinityMode !== undefined) {
        annotations[a.affinityMode] = options.affinityMode;
      }
      if (cookie.name !== undefined) {
        annotations[a.name] = cookie.name;
      }
      if (resolved.maxAgeSeconds !== undefined) {
        // max-age for current browsers, expires (the same seconds from now)
        // for those that ignore Max-Age, as the controller's example does.
        annotations[a.maxAge] = String(resolved.maxAgeSeconds);
        annotations[a.expires] = String(resolved.maxAgeSeconds);
      }
      // Without session-cookie-path the controller uses the matched rule's
      // path, so the model's default '/' is written only when some rule has
      // another path (rules may still be added, so it is decided at synth).
      annotations[a.path] = cookie.path ?? Lazy.any(new DefaultPathWhereNeeded(ingress));
      if (cookie.domain !== undefined) {
        annotations[a.domain] = cookie.domain;
      }
      if (cookie.sameSite !== undefined) {
        annotations[a.sameSite] = cookie.sameSite;
      }
      // Secure may follow TLS added after construction, so it is decided at
      // synth; over HTTPS the controller marks the cookie Secure anyway, and
      // the annotation makes sure of it.
      annotations[a.secure] = secureAnnotation(ingress, 'true');
      if (options.changeOnFailure !== undefined) {
        annotations[a.changeOnFailure] = String(options.changeOnFailure);
      }
      return { ingressAnnotations: annotations };
    },
  };
}

/** The model's default cookie path, written only where some rule's path would otherwise become the cookie's. */
class DefaultPathWhereNeeded implements IAnyProducer {
  public constructor(private readonly ingress: CookieAffinityIngress) {}

  public produce(): string | undefined {
    return this.ingress.rulePaths().every(p => p === DEFAULT_COOKIE_PATH) ? undefined : DEFAULT_COOKIE_PATH;
  }
}
