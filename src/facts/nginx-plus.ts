import { clusterIpUpstream } from './ingress-upstreams';
import { groupOf, listOf, manifestName } from './manifests';
import type { FrontDetector, FrontReach } from '../doctor/fronts';

/**
 * What F5 NGINX Ingress Controller's `VirtualServer` (k8s.nginx.org/v1,
 * v5.5.4) accepts for a sticky cookie on an upstream. The field exists in
 * every build, but only NGINX Plus has the `sticky` directive behind it. With the doctor's detector. Pure: no
 * cdk8s, no constructs.
 *
 * @see https://docs.nginx.com/nginx-ingress-controller/configuration/virtualserver-and-virtualserverroute-resources/#upstreamsessioncookie
 * @see https://nginx.org/en/docs/http/ngx_http_upstream_module.html#sticky
 * @see https://github.com/nginx/kubernetes-ingress/blob/v5.5.4/config/crd/bases/k8s.nginx.org_virtualservers.yaml
 */

/** The NGINX Ingress Controller release whose CRD the output is checked against. */
export const NGINX_INGRESS_RELEASE = 'v5.5.4';

/** The API group and version of VirtualServer. */
export const NGINX_VIRTUAL_SERVER_API_VERSION = 'k8s.nginx.org/v1';

/**
 * `sessionCookie.samesite` as the controller's validation accepts it:
 * `strict`, `lax` or `none` (any case); the renderer writes lowercase.
 *
 * @see https://github.com/nginx/kubernetes-ingress/blob/v5.5.4/pkg/apis/configuration/validation/virtualserver.go
 */
export function nginxPlusSameSite(sameSite: string): string {
  return sameSite.toLowerCase();
}

/**
 * `sessionCookie.expires` for a lifetime in whole seconds, as an NGINX time
 * (`7200s`); left out, the cookie is a session cookie.
 */
export function nginxPlusExpires(seconds: number): string {
  return `${seconds}s`;
}

/**
 * The controller's validation requires `sessionCookie.name` (the schema does
 * not): a renderer always writes one.
 */
export const NGINX_PLUS_SESSION_COOKIE_NAME_REQUIRED = true;

/** The API group of VirtualServer and VirtualServerRoute. */
export const NGINX_CRD_GROUP = 'k8s.nginx.org';

/**
 * F5 NGINX Ingress Controller: each upstream of a VirtualServer or
 * VirtualServerRoute names a Service in the object's namespace; NGINX
 * balances over its pod IPs unless `use-cluster-ip` is set. An enabled
 * `sessionCookie` pins a browser to a pod, on NGINX Plus only (the
 * manifests cannot tell which build runs, so the finding says so), and not
 * with `use-cluster-ip`, whose one server is the Service's cluster IP.
 *
 * @see https://docs.nginx.com/nginx-ingress-controller/configuration/virtualserver-and-virtualserverroute-resources/#upstream
 */
export const NGINX_PLUS_DETECTOR: FrontDetector = {
  front: 'nginx-plus',
  kinds: ['VirtualServer', 'VirtualServerRoute'],
  detect(obj, context) {
    if (groupOf(obj) !== NGINX_CRD_GROUP) {
      return [];
    }
    const via = `${obj.kind} ${manifestName(obj)}`;
    const out: FrontReach[] = [];
    for (const upstream of listOf(obj.spec?.upstreams)) {
      if (typeof upstream?.service !== 'string') {
        continue;
      }
      const cookie = upstream.sessionCookie?.enable === true;
      const clusterIp = upstream['use-cluster-ip'] === true;
      const upstreamName = typeof upstream.name === 'string' ? `upstream ${upstream.name}` : `the upstream of Service ${upstream.service}`;
      out.push({
        namespace: context.namespace,
        name: upstream.service,
        ...(typeof upstream.port === 'number' ? { port: upstream.port } : {}),
        bypassesVirtualIp: !clusterIp,
        via,
        ...(cookie ? { affinity: `NGINX Plus sticky cookie on ${via} (NGINX Plus only)` } : {}),
        ...(cookie && clusterIp
          ? { notCounted: clusterIpUpstream(`${via} sets use-cluster-ip: true on ${upstreamName}`, 'NGINX', `remove use-cluster-ip from ${upstreamName} of ${via}`) }
          : {}),
      });
    }
    return out;
  },
};
