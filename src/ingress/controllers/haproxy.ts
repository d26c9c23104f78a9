import { ControllerRenderer, refuseGiven } from './renderer';
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

/**
 * The haproxytech controller reads `cookie-persistence` from the backend
 * Service and takes nothing but the cookie's name.
 *
 * @see https://github.com/haproxytech/kubernetes-ingress/blob/master/documentation/annotations.md#cookie-persistence
 */
export function haproxyRenderer(options: HaproxyControllerOptions): ControllerRenderer {
  const name = 'the HAProxy Kubernetes Ingress Controller';
  const only = 'its cookie-persistence annotation sets the cookie\'s name only';
  return {
    name,
    ingressClassName: options.ingressClassName,
    bind(_scope, { ingress }): IngressControllerConfig {
      refuseGiven(ingress, name, {
        maxAge: `${only}, and HAProxy writes a session cookie; leave 'maxAge' out`,
        path: `${only}; leave 'path' out`,
        domain: `${only}; leave 'domain' out`,
        secure: `${only}; leave 'secure' out`,
        httpOnly: `${only}; leave 'httpOnly' out`,
        sameSite: `${only}; leave 'sameSite' out`,
      });
      return {
        serviceAnnotations: {
          [HAPROXY_COOKIE_PERSISTENCE_ANNOTATION]: ingress.cookie.name ?? HAPROXY_DEFAULT_COOKIE_NAME,
        },
      };
    },
  };
}
