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
 * IP; `consistentHash.httpCookie` pins a client to a pod. The host is
 * `name`, `name.namespace` or the Service's FQDN (a short name is in the
 * rule's namespace).
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/
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
    const cookie = policies.some(p => typeof p?.loadBalancer?.consistentHash?.httpCookie === 'object');
    const via = `DestinationRule ${manifestName(rule)}`;
    return [{
      namespace: namespace ?? context.namespace,
      name,
      bypassesVirtualIp: true,
      via,
      ...(cookie ? { affinity: `Istio consistent-hash cookie on ${via}` } : {}),
    }];
  },
};
