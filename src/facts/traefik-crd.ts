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
