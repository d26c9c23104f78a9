import { groupOf, manifestAnnotations, manifestName } from './manifests';
import type { FrontDetector } from '../doctor/fronts';

/**
 * What Kong's `KongUpstreamPolicy` (configuration.konghq.com/v1beta1, CRD from
 * Kong/kubernetes-configuration v2.0.1) accepts for sticky sessions, and how
 * Kong Ingress Controller attaches it, and the doctor's detector. Pure: no
 * cdk8s, no constructs.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/
 * @see https://github.com/Kong/kubernetes-configuration/blob/v2.0.1/config/crd/gateway-operator/configuration.konghq.com_kongupstreampolicies.yaml
 */

/** The release of Kong's CRDs the output is checked against. */
export const KONG_CRD_RELEASE = 'v2.0.1';

/** The API group and version of KongUpstreamPolicy. */
export const KONG_UPSTREAM_POLICY_API_VERSION = 'configuration.konghq.com/v1beta1';

/** The kind of the policy. */
export const KONG_UPSTREAM_POLICY_KIND = 'KongUpstreamPolicy';

/**
 * The Service annotation that attaches a KongUpstreamPolicy (by name, in the
 * Service's namespace) to every Kong upstream built from the Service, for
 * Ingress and Gateway API routes alike.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/reference/annotations/#konghq-com-upstream-policy
 */
export const KONG_UPSTREAM_POLICY_ANNOTATION = 'konghq.com/upstream-policy';

/** `spec.algorithm` that turns on cookie stickiness. */
export const KONG_STICKY_SESSIONS_ALGORITHM = 'sticky-sessions';

/**
 * `spec.hashOn.input` a sticky-sessions policy must carry: the CRD's CEL rules
 * require `hashOn.input: none`, and no other `hashOn` field, with
 * `stickySessions`.
 */
export const KONG_STICKY_HASH_ON_INPUT = 'none';

/** `stickySessions.cookiePath` when left out (the CRD's default). */
export const KONG_STICKY_COOKIE_PATH_DEFAULT = '/';

/**
 * The first Kong Ingress Controller release that reads `stickySessions`
 * (with Kong Gateway 3.11); the `stickySessions` field's description says it
 * needs Kong Enterprise Gateway.
 */
export const KONG_STICKY_SESSIONS_MIN_KIC = '3.5';

/**
 * Kong's sticky-session cookie has a name and a path, nothing else: no
 * lifetime, Domain, Secure, HttpOnly or SameSite can be asked for.
 */
export const KONG_STICKY_COOKIE_FIELDS = ['name', 'path'] as const;

/**
 * The Kong Service annotation that makes Kong send to the Service's cluster
 * IP instead of its pods; without it Kong balances over the pod IPs itself.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/reference/annotations/#ingress-kubernetes-io-service-upstream
 */
export const KONG_SERVICE_UPSTREAM_ANNOTATION = 'ingress.kubernetes.io/service-upstream';

/**
 * `spec.algorithm` that hashes on `spec.hashOn`; with `hashOn.cookie` (and
 * `cookiePath`, which the CRD then requires) it is open-source Kong's cookie
 * affinity: when a request has no such cookie, Kong makes one up (a UUID),
 * hashes on it and sets it in the response with that Path (a session
 * cookie, `HttpOnly`, `SameSite=Lax`), so the browser keeps to one pod while
 * the pods stay the same.
 *
 * @see https://github.com/Kong/kong/blob/master/kong/runloop/balancer/init.lua
 * @see https://developer.konghq.com/gateway/entities/upstream/#consistent-hashing
 */
export const KONG_CONSISTENT_HASHING_ALGORITHM = 'consistent-hashing';

/**
 * The affinity cookie a KongUpstreamPolicy (a plain manifest) makes Kong set,
 * by name and Path, and in words: a sticky-sessions cookie, or the cookie of
 * consistent hashing on `hashOn.cookie`; undefined when it sets none.
 */
export function kongAffinityCookie(policy: { [key: string]: any } | undefined): { name: string; path: string; how: string } | undefined {
  if (policy === undefined || groupOf(policy) !== KONG_UPSTREAM_POLICY_API_VERSION.split('/')[0]) {
    return undefined;
  }
  const pathOf = (p: unknown) => typeof p === 'string' && p !== '' ? p : KONG_STICKY_COOKIE_PATH_DEFAULT;
  if (isKongStickyPolicy(policy)) {
    const sticky = policy.spec.stickySessions;
    const name = String(sticky.cookie);
    return { name, path: pathOf(sticky.cookiePath), how: `Kong sticky sessions (cookie ${JSON.stringify(name)})` };
  }
  const hashOn = policy.spec?.hashOn;
  if (policy.spec?.algorithm === KONG_CONSISTENT_HASHING_ALGORITHM && typeof hashOn?.cookie === 'string' && hashOn.cookie !== '') {
    const path = pathOf(hashOn.cookiePath);
    return { name: hashOn.cookie, path, how: `Kong consistent hashing on cookie ${JSON.stringify(hashOn.cookie)} (Path ${path})` };
  }
  return undefined;
}

/** Whether a KongUpstreamPolicy (a plain manifest) asks for cookie stickiness. */
export function isKongStickyPolicy(policy: { [key: string]: any } | undefined): boolean {
  return policy !== undefined && groupOf(policy) === KONG_UPSTREAM_POLICY_API_VERSION.split('/')[0]
    && policy.spec?.algorithm === KONG_STICKY_SESSIONS_ALGORITHM
    && typeof policy.spec?.stickySessions === 'object' && policy.spec.stickySessions !== null;
}

/**
 * Kong: a Service whose `konghq.com/upstream-policy` annotation names a
 * KongUpstreamPolicy among the manifests that sets an affinity cookie
 * (sticky sessions, or consistent hashing on a cookie) keeps a browser on
 * one pod, whichever Kong route (Ingress or HTTPRoute) reaches it. The
 * detector reads the Service, since the annotation, not the policy, makes the
 * relation; the routes themselves are read by the Ingress and Gateway API
 * detectors.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/
 */
export const KONG_DETECTOR: FrontDetector = {
  front: 'kong',
  kinds: ['Service'],
  detect(service, context) {
    if (groupOf(service) !== '') {
      return [];
    }
    const annotations = manifestAnnotations(service);
    const name = annotations[KONG_UPSTREAM_POLICY_ANNOTATION];
    if (name === undefined) {
      return [];
    }
    const cookie = kongAffinityCookie(context.find(KONG_UPSTREAM_POLICY_KIND, context.namespace, name));
    if (cookie === undefined) {
      return [];
    }
    const via = `${KONG_UPSTREAM_POLICY_KIND} ${name}`;
    return [{
      namespace: context.namespace,
      name: manifestName(service),
      affinity: `${cookie.how} on ${via}`,
      bypassesVirtualIp: annotations[KONG_SERVICE_UPSTREAM_ANNOTATION] !== 'true',
      via,
    }];
  },
};
