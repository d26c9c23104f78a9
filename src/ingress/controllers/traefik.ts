import { ControllerRenderer, SAME_SITE_LOWER_CASE, secureAnnotation } from './renderer';
import { TRAEFIK_STICKY_ANNOTATIONS } from '../../facts/traefik';
import type { IngressControllerConfig } from '../controller';

/** Options of `IngressController.traefik()`. */
export interface TraefikControllerOptions {
  /**
   * The IngressClass of the Traefik installation, written to
   * `spec.ingressClassName` unless the Ingress sets `className`.
   *
   * @default - none: the cluster's default IngressClass
   */
  readonly ingressClassName?: string;
}

/**
 * Traefik reads sticky cookies from annotations on the backend Service. Every
 * attribute is written out, since Traefik's own defaults (not HttpOnly, no
 * SameSite) are not the model's.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
 */
export function traefikRenderer(options: TraefikControllerOptions): ControllerRenderer {
  return {
    name: 'Traefik',
    ingressClassName: options.ingressClassName,
    bind(_scope, { ingress, cookie }): IngressControllerConfig {
      const a = TRAEFIK_STICKY_ANNOTATIONS;
      const annotations: Record<string, string> = {
        [a.enabled]: 'true',
        [a.secure]: secureAnnotation(ingress, 'true', 'false'),
        [a.httpOnly]: String(cookie.httpOnly),
        [a.sameSite]: SAME_SITE_LOWER_CASE[cookie.sameSite],
        [a.path]: cookie.path,
      };
      if (cookie.name !== undefined) {
        annotations[a.name] = cookie.name;
      }
      if (cookie.maxAgeSeconds !== undefined) {
        annotations[a.maxAge] = String(cookie.maxAgeSeconds);
      }
      if (cookie.domain !== undefined) {
        annotations[a.domain] = cookie.domain;
      }
      return { serviceAnnotations: annotations };
    },
  };
}
