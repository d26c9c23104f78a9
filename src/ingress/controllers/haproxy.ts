import { ControllerRenderer, leaveOut, refuseGiven } from './renderer';
import { HAPROXY_COOKIE_PERSISTENCE_ANNOTATION, HAPROXY_DEFAULT_COOKIE_NAME } from '../../facts/haproxy';
import type { IngressControllerConfig } from '../controller';

/** Options of `IngressController.haproxy()`. */
export interface HaproxyControllerOptions {
  /**
   * The IngressClass of the HAProxy installation, written to
   * `spec.ingressClassName` unless the Ingress sets `className`.
   *
   * @default - none: the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
}

/** What HAProxy's annotation can say of the cookie. */
const HAPROXY_NAME_ONLY = 'its cookie-persistence annotation sets the cookie\'s name only';

/** Why each cookie field but the name is refused. */
const HAPROXY_UNWRITABLE = {
  ...leaveOut(`${HAPROXY_NAME_ONLY}, and HAProxy writes a session cookie`, ['maxAge']),
  ...leaveOut(HAPROXY_NAME_ONLY, ['path', 'domain', 'secure', 'httpOnly', 'sameSite']),
};

/**
 * The haproxytech controller reads `cookie-persistence` from the backend
 * Service and takes nothing but the cookie's name.
 *
 * @see https://github.com/haproxytech/kubernetes-ingress/blob/master/documentation/annotations.md#cookie-persistence
 */
export function haproxyRenderer(options: HaproxyControllerOptions): ControllerRenderer {
  const name = 'the HAProxy Kubernetes Ingress Controller';
  return {
    name,
    ingressClassName: options.ingressClassName,
    bind(_scope, { ingress }): IngressControllerConfig {
      refuseGiven(ingress, name, HAPROXY_UNWRITABLE);
      return {
        serviceAnnotations: {
          [HAPROXY_COOKIE_PERSISTENCE_ANNOTATION]: ingress.cookie.name ?? HAPROXY_DEFAULT_COOKIE_NAME,
        },
      };
    },
  };
}
