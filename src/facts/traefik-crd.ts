import { clusterIpUpstream } from './ingress-upstreams';
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
 * to the cluster IP; `sticky.cookie` on that service entry pins a browser to
 * a pod.
 *
 * With `nativeLB: true` the entry's load balancer has one server, the
 * Service's cluster IP (the CRD: "whether the LB's children are directly the
 * pods IPs or if the only child is the Kubernetes Service clusterIP"), so its
 * sticky cookie names that address for every user and kube-proxy spreads the
 * requests: not counted, as for `service.nativelb` on a Service.
 *
 * A weighted TraefikService's own `weighted.sticky.cookie` only keeps a
 * browser on one of the weighted services; the pods behind a Kubernetes
 * Service entry are picked by that entry's load balancer, which is sticky
 * only with the entry's own `sticky.cookie` (Traefik's "Stickiness on
 * multiple levels": every level needs its own cookie).
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/traefikservice/#stickiness-on-multiple-levels
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
    const weightedSticky = obj.kind === 'TraefikService' && typeof obj.spec?.weighted?.sticky?.cookie === 'object' && obj.spec.weighted.sticky.cookie !== null;
    const out: FrontReach[] = [];
    for (const svc of services) {
      if (typeof svc?.name !== 'string' || (svc.kind ?? 'Service') !== 'Service') {
        continue;
      }
      const sticky = typeof svc.sticky?.cookie === 'object' && svc.sticky.cookie !== null;
      const nativeLB = svc.nativeLB === true;
      out.push({
        namespace: typeof svc.namespace === 'string' ? svc.namespace : context.namespace,
        name: svc.name,
        ...(svc.port !== undefined ? { port: svc.port } : {}),
        bypassesVirtualIp: !nativeLB,
        via,
        ...(sticky ? { affinity: `Traefik sticky cookie on ${via}` } : {}),
        ...(sticky && nativeLB ? {
          notCounted: clusterIpUpstream(`${via} sets nativeLB: true on its service ${svc.name}`, 'Traefik', `remove nativeLB from service ${svc.name} of ${via}`),
        } : {}),
        ...(!sticky && weightedSticky ? {
          affinity: `Traefik weighted sticky cookie on ${via}`,
          notCounted: {
            why: `${via} sets sticky.cookie on weighted only: that cookie keeps a browser on one of its weighted services, and the pods of Service ${svc.name} are picked by that service's own load balancer, which has no sticky cookie`,
            fix: `set sticky.cookie on service ${svc.name} among the weighted services of ${via} too, so that Traefik keeps a browser on one of its pods (each level of load balancing needs its own cookie)`,
          },
        } : {}),
      });
    }
    return out;
  },
};
