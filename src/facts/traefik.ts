import { traefikClusterIpUpstream } from './ingress-upstreams';
import { manifestAnnotations, manifestName } from './manifests';
import type { FrontDetector } from '../doctor/fronts';

/**
 * What Traefik's Kubernetes Ingress provider reads for sticky sessions: it
 * reads them from annotations on the backend **Service**, not the Ingress.
 * Written once for the Traefik renderer and the doctor. Pure: no imports.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
 */

/** Prefix of Traefik's Service annotations for sticky cookies. */
export const TRAEFIK_STICKY_PREFIX = 'traefik.ingress.kubernetes.io/service.sticky.cookie';

/** The sticky-cookie annotations on a Service, by what they set. */
export const TRAEFIK_STICKY_ANNOTATIONS = {
  enabled: TRAEFIK_STICKY_PREFIX,
  name: `${TRAEFIK_STICKY_PREFIX}.name`,
  secure: `${TRAEFIK_STICKY_PREFIX}.secure`,
  httpOnly: `${TRAEFIK_STICKY_PREFIX}.httponly`,
  sameSite: `${TRAEFIK_STICKY_PREFIX}.samesite`,
  maxAge: `${TRAEFIK_STICKY_PREFIX}.maxage`,
  path: `${TRAEFIK_STICKY_PREFIX}.path`,
  domain: `${TRAEFIK_STICKY_PREFIX}.domain`,
} as const;

/**
 * `service.sticky.cookie.samesite` values, as Traefik's documentation writes
 * them (lower case).
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
 */
export const TRAEFIK_SAMESITE_VALUES = ['none', 'lax', 'strict'] as const;

/**
 * The cookie `Path` Traefik writes when `service.sticky.cookie.path` is not
 * set: the whole site.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/load-balancing/service/#sticky-sessions
 */
export const TRAEFIK_DEFAULT_COOKIE_PATH = '/';

/**
 * Traefik's Kubernetes Ingress provider reads its sticky cookie from the
 * backend Service's own annotations. With `service.nativelb` its one server
 * is the Service's cluster IP, which the cookie then names for every user
 * (traefik/traefik#10678 asks for a warning on that combination).
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
 * @see https://github.com/traefik/traefik/issues/10678
 */
export const TRAEFIK_DETECTOR: FrontDetector = {
  front: 'traefik',
  kinds: ['Service'],
  detect(service, context) {
    if (manifestAnnotations(service)[TRAEFIK_STICKY_ANNOTATIONS.enabled] !== 'true') {
      return [];
    }
    const via = `Service ${manifestName(service)}`;
    const clusterIp = traefikClusterIpUpstream(service);
    return [{
      namespace: context.namespace,
      name: manifestName(service),
      affinity: 'Traefik sticky-cookie annotations on the Service',
      ...(clusterIp !== undefined ? { notCounted: clusterIp } : {}),
      via,
    }];
  },
};
