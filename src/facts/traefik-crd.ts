import { groupOf, listOf, manifestName } from './manifests';
import type { FrontDetector, FrontReach } from '../doctor/fronts';

/**
 * What Traefik's IngressRoute (traefik.io/v1alpha1, Traefik v3.7.9) accepts
 * for sticky sessions on a route's service. Pure: no imports.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/load-balancing/service/#sticky-sessions
 * @see https://github.com/traefik/traefik/blob/v3.7.9/docs/content/reference/dynamic-configuration/traefik.io_ingressroutes.yaml
 */

/** The Traefik release whose CRD the output is checked against. */
export const TRAEFIK_CRD_RELEASE = 'v3.7.9';

/**
 * `sticky.cookie.sameSite` as written: the CRD accepts `none`, `lax`,
 * `strict` and their capitalised forms, and the generated types keep the
 * lowercase ones, so the renderer writes lowercase.
 */
export function traefikSameSite(sameSite: string): string {
  return sameSite.toLowerCase();
}

/**
 * `sticky.cookie.maxAge` is whole seconds; 0 (or none) writes no Max-Age,
 * a session cookie, and a negative number expires the cookie at once.
 */
export const TRAEFIK_SESSION_MAX_AGE = 0;

/** The route kind of an IngressRoute HTTP rule. */
export const TRAEFIK_RULE_KIND = 'Rule';

/**
 * A Traefik v3 rule matching any of `hostnames` under `pathPrefix`:
 * `(Host(`a`) || Host(`b`)) && PathPrefix(`/`)`.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/http/routing/rules-and-priority/
 */
export function traefikMatch(hostnames: readonly string[], pathPrefix: string): string {
  const hosts = hostnames.map(h => `Host(\`${h}\`)`);
  const path = `PathPrefix(\`${pathPrefix}\`)`;
  if (hosts.length === 0) {
    return path;
  }
  const host = hosts.length === 1 ? hosts[0] : `(${hosts.join(' || ')})`;
  return pathPrefix === '/' ? host : `${host} && ${path}`;
}

/**
 * Traefik's IngressRoute and TraefikService: each Kubernetes Service they
 * name is load-balanced by Traefik over its pod IPs unless `nativeLB` sends
 * to the cluster IP; `sticky.cookie` pins a browser to a pod.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
 */
export const TRAEFIK_CRD_DETECTOR: FrontDetector = {
  front: 'traefik-crd',
  kinds: ['IngressRoute', 'TraefikService'],
  detect(obj, context) {
    if (!groupOf(obj).startsWith('traefik.')) {
      return [];
    }
    const via = `${obj.kind} ${manifestName(obj)}`;
    const services = obj.kind === 'IngressRoute'
      ? listOf(obj.spec?.routes).flatMap(route => listOf(route?.services))
      : listOf(obj.spec?.weighted?.services);
    const weightedSticky = obj.kind === 'TraefikService' && typeof obj.spec?.weighted?.sticky?.cookie === 'object';
    const out: FrontReach[] = [];
    for (const svc of services) {
      if (typeof svc?.name !== 'string' || (svc.kind ?? 'Service') !== 'Service') {
        continue;
      }
      const sticky = weightedSticky || (typeof svc.sticky?.cookie === 'object' && svc.sticky.cookie !== null);
      out.push({
        namespace: typeof svc.namespace === 'string' ? svc.namespace : context.namespace,
        name: svc.name,
        ...(svc.port !== undefined ? { port: svc.port } : {}),
        bypassesVirtualIp: svc.nativeLB !== true,
        via,
        ...(sticky ? { affinity: `Traefik sticky cookie on ${via}` } : {}),
      });
    }
    return out;
  },
};
