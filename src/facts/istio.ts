import { groupOf, listOf, manifestName } from './manifests';
import type { FrontDetector } from '../doctor/fronts';

/**
 * What Istio's DestinationRule (networking.istio.io/v1, Istio 1.30.3) accepts
 * for cookie-based consistent hashing. Pure: no imports.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings-ConsistentHashLB-HTTPCookie
 * @see https://github.com/istio/api/blob/1.30.3/networking/v1alpha3/destination_rule.proto
 */

/** The Istio release whose CRD the output is checked against. */
export const ISTIO_RELEASE = '1.30.3';

/** Kubernetes' default cluster DNS domain, the end of a Service's FQDN. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/**
 * The hash keys of `consistentHash`: a `oneOf` in the CRD, so a
 * DestinationRule names exactly one of them.
 */
export const ISTIO_HASH_KEYS = ['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'] as const;

/**
 * `ttl` that makes the sidecar generate a session cookie. Without a `ttl`
 * the proxy generates no cookie and only hashes one the client sends.
 */
export const ISTIO_SESSION_COOKIE_TTL = '0s';

/**
 * A duration in seconds in the protobuf JSON form Istio's `ttl` takes:
 * seconds with up to nine fractional digits and the suffix `s` (`1800s`,
 * `1.5s`), or `undefined` for a negative or non-finite value.
 *
 * @see https://protobuf.dev/reference/protobuf/google.protobuf/#duration
 */
export function protobufDuration(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return undefined;
  }
  const text = Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(9).replace(/0+$/, '');
  return `${text}s`;
}

/**
 * The cluster FQDN of a Service (`<name>.<namespace>.svc.<cluster domain>`),
 * which a DestinationRule's `host` should be so that it applies from every
 * namespace.
 */
export function serviceFqdn(name: string, namespace: string, clusterDomain: string = DEFAULT_CLUSTER_DOMAIN): string {
  return `${name}.${namespace}.svc.${clusterDomain}`;
}

/** Whether `domain` can end a cluster FQDN: a lowercase DNS name. */
export function isClusterDomain(domain: string): boolean {
  return domain.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(domain);
}

/**
 * Istio's sidecars (and gateways) pick the destination pod themselves, from
 * the endpoints, so a DestinationRule's host is reached without its virtual
 * IP. `consistentHash.httpCookie` pins a browser to a pod only with a `ttl`:
 * without one the proxy never sets the cookie and only hashes one the client
 * already sends (a request without it goes to any pod). `useSourceIp` pins
 * each client address to a pod, as a Service's ClientIP does. The host is
 * `name`, `name.namespace` or the Service's FQDN (a short name is in the
 * rule's namespace).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings-ConsistentHashLB-HTTPCookie
 */
export const ISTIO_DETECTOR: FrontDetector = {
  front: 'istio',
  kinds: ['DestinationRule'],
  detect(rule, context) {
    const host = rule.spec?.host;
    if (groupOf(rule) !== 'networking.istio.io' || typeof host !== 'string' || host.startsWith('*')) {
      return [];
    }
    const [name, namespace] = host.split('.');
    const policies = [rule.spec?.trafficPolicy, ...listOf(rule.spec?.trafficPolicy?.portLevelSettings)];
    const hashes = policies.map(p => p?.loadBalancer?.consistentHash).filter(h => typeof h === 'object' && h !== null);
    const cookies = hashes.map(h => h.httpCookie).filter(c => typeof c === 'object' && c !== null);
    const via = `DestinationRule ${manifestName(rule)}`;
    const reach = { namespace: namespace ?? context.namespace, name, bypassesVirtualIp: true, via };
    const cookie = `Istio consistent-hash cookie on ${via}`;
    if (cookies.some(c => c.ttl !== undefined && c.ttl !== null)) {
      return [{ ...reach, affinity: cookie }];
    }
    if (hashes.some(h => h.useSourceIp === true)) {
      return [{ ...reach, affinity: `Istio consistent hash on the client's IP (useSourceIp) on ${via}` }];
    }
    if (cookies.length > 0) {
      return [{
        ...reach,
        affinity: cookie,
        notCounted: {
          why: `${via} sets httpCookie without a ttl, so the proxy never sets the cookie and only hashes one the browser already sends: requests without it go to any pod`,
          fix: `set httpCookie.ttl on ${via} ("${ISTIO_SESSION_COOKIE_TTL}" for a session cookie), so that the proxy sets the cookie`,
        },
      }];
    }
    return [reach];
  },
};
