import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkCookiePathCoversPrefix, checkRouteOptions, DEFAULT_HASH_COOKIE_NAME, GatewayRouteOptions, objectMetadata, refuseGiven } from './common';
import { writeRoute } from './route';
import { AffinityCookie, resolveCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import {
  ENVOY_COOKIE_ATTRIBUTES,
  ENVOY_POLICY_TARGET_GROUP,
  ENVOY_SESSION_COOKIE_TTL,
} from '../facts/envoy-gateway';
import { gatewayDuration } from '../facts/gateway-api';
import { customResource, ENVOY_BACKEND_TRAFFIC_POLICY } from '../imports/custom-resource';
import type {
  BackendTrafficPolicyProps,
  BackendTrafficPolicySpecLoadBalancerConsistentHashType,
  BackendTrafficPolicySpecLoadBalancerType,
} from '../imports/envoy-backendtrafficpolicies';
import { checkObjectNames } from '../names';
import { A_SERVICE, untypedProps } from '../units';

/** What an EnvoyCookieAffinity's props must hold, for callers without types: made once, not per instance. */
const ENVOY_PROPS_RULES = {
  required: ['gateway', 'backend'],
  durations: ['cookie.maxAge'],
  strings: ['gateway', 'gatewayNamespace', 'sectionName', 'pathPrefix'],
  booleans: ['tls'],
  constructs: { backend: A_SERVICE },
};

/**
 * Properties of an EnvoyCookieAffinity.
 */
export interface EnvoyCookieAffinityProps extends GatewayRouteOptions {
  /**
   * The affinity cookie, which Envoy generates when a request has none and
   * hashes to pick the pod. Envoy always marks it `HttpOnly`, so
   * `httpOnly: false` is an error.
   *
   * @default - a session cookie named `INGRESSCOOKIE`, `Path=/`, `SameSite=Lax`
   */
  readonly cookie?: AffinityCookie;

  /**
   * Whether clients reach the route over HTTPS, which makes the cookie
   * `Secure` unless `cookie.secure` says otherwise.
   *
   * @default false
   */
  readonly tls?: boolean;
}

/**
 * Cookie affinity on Envoy Gateway: an HTTPRoute to the backend and an Envoy
 * Gateway `BackendTrafficPolicy` (gateway.envoyproxy.io/v1alpha1, checked
 * against v1.9.0) attached to it, with `loadBalancer.type: ConsistentHash`
 * and `consistentHash.type: Cookie`.
 *
 * Consistent hashing keeps a browser on one pod while the set of pods stays
 * the same; when pods come and go, about 1/N of the browsers move. The policy
 * attaches to the route: Envoy Gateway does not let a BackendTrafficPolicy
 * target a Service.
 *
 * Envoy Gateway's cookie has `name`, `ttl` and free-form `attributes`; the
 * cookie's `Path`, `Domain`, `SameSite` and `Secure` are written as attributes.
 *
 * A backend in another namespace than the route's gets the `ReferenceGrant`
 * Gateway API requires, in the backend's namespace (`referenceGrant`).
 *
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/load-balancing/#cookie
 */
export class EnvoyCookieAffinity extends Construct {
  /** The HTTPRoute the policy attaches to. */
  public readonly route: ApiObject;

  /** The BackendTrafficPolicy. */
  public readonly resource: ApiObject;

  /**
   * The ReferenceGrant (gateway.networking.k8s.io/v1beta1) that lets the
   * route reach a backend in another namespace, written in the backend's
   * namespace.
   *
   * @default - none: the backend is in the route's namespace
   */
  public readonly referenceGrant?: ApiObject;

  constructor(scope: Construct, id: string, props: EnvoyCookieAffinityProps) {
    super(scope, id);
    props = untypedProps(this, props, ENVOY_PROPS_RULES);
    const target = checkRouteOptions(this, props);
    const cookie = envoyHashCookie(this, props.cookie ?? {}, props.tls ?? false);
    // A Gateway API PathPrefix ignores a trailing '/': `/app/` also matches `/app`.
    checkCookiePathCoversPrefix(this, props.cookie, target.pathPrefix, true);
    const written = writeRoute(this, 'Route', props, target);
    this.route = written.route;
    this.referenceGrant = written.referenceGrant;
    // Same name as the route: one policy per route, easy to find.
    const metadata = { ...objectMetadata(props.metadata, target.namespace), name: this.route.name };
    this.resource = writeEnvoyPolicy(this, 'Resource', metadata, this.route.name, cookie);
  }
}

/** `consistentHash.cookie` of a BackendTrafficPolicy, as written. */
interface EnvoyHashCookie {
  readonly name: string;
  readonly ttl: string;
  readonly attributes: Record<string, string>;
}

/** The cookie of an Envoy Gateway cookie hash (`consistentHash.cookie`), refusing what Envoy cannot write. */
export function envoyHashCookie(scope: IConstruct, cookie: AffinityCookie, tls: boolean): EnvoyHashCookie {
  const resolved = resolveCookie(scope, 'cookie', cookie, { tls });
  refuseGiven(scope, 'cookie', cookie, resolved, {
    httpOnly: () => resolved.httpOnly ? undefined
      : 'must be true or left out: Envoy marks the cookie it generates for hashing HttpOnly, always',
  });
  let ttl = ENVOY_SESSION_COOKIE_TTL;
  if (resolved.maxAgeSeconds !== undefined) {
    const text = gatewayDuration(resolved.maxAgeSeconds);
    if (text === undefined) {
      // The cookie model caps maxAge at 400 days, which the format holds; kept for a model that allows more.
      throw propError(scope, 'cookie.maxAge', `${resolved.maxAgeSeconds}s`, 'must fit the Gateway API duration format ^([0-9]{1,5}(h|m|s|ms)){1,4}$');
    }
    ttl = text;
  }
  const attributes: Record<string, string> = {
    [ENVOY_COOKIE_ATTRIBUTES.path]: resolved.path,
    [ENVOY_COOKIE_ATTRIBUTES.sameSite]: resolved.sameSite,
  };
  if (resolved.domain !== undefined) {
    attributes[ENVOY_COOKIE_ATTRIBUTES.domain] = resolved.domain;
  }
  if (resolved.secure) {
    attributes[ENVOY_COOKIE_ATTRIBUTES.secure] = '';
  }
  return { name: resolved.name ?? DEFAULT_HASH_COOKIE_NAME, ttl, attributes };
}

/** Writes the BackendTrafficPolicy that hashes `cookie` on the named HTTPRoute. */
export function writeEnvoyPolicy(scope: Construct, id: string, metadata: ApiObjectMetadata, routeName: string, cookie: EnvoyHashCookie): ApiObject {
  const policy = customResource<BackendTrafficPolicyProps>(scope, id, ENVOY_BACKEND_TRAFFIC_POLICY, {
    metadata,
    spec: {
      targetRefs: [{ group: ENVOY_POLICY_TARGET_GROUP, kind: 'HTTPRoute', name: routeName }],
      loadBalancer: {
        type: 'ConsistentHash' as BackendTrafficPolicySpecLoadBalancerType,
        consistentHash: {
          type: 'Cookie' as BackendTrafficPolicySpecLoadBalancerConsistentHashType,
          cookie,
        },
      },
    },
  });
  checkObjectNames(scope, policy);
  return policy;
}
