import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkRouteOptions, GatewayRouteOptions, objectMetadata, refuseGiven } from './common';
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

/** The cookie name when none is given: ingress-nginx's, so a migrated app keeps its cookie's name. */
export const DEFAULT_HASH_COOKIE_NAME = 'INGRESSCOOKIE';

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
 * @see https://gateway.envoyproxy.io/docs/tasks/traffic/load-balancing/#cookie
 */
export class EnvoyCookieAffinity extends Construct {
  /** The HTTPRoute the policy attaches to. */
  public readonly route: ApiObject;

  /** The BackendTrafficPolicy. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: EnvoyCookieAffinityProps) {
    super(scope, id);
    const target = checkRouteOptions(this, props);
    const cookie = props.cookie ?? {};
    const resolved = resolveCookie(this, 'cookie', cookie, { tls: props.tls ?? false });
    refuseGiven(this, 'cookie', cookie, resolved, {
      httpOnly: () => resolved.httpOnly ? undefined
        : 'must be true or left out: Envoy marks the cookie it generates for hashing HttpOnly, always',
    });
    let ttl = ENVOY_SESSION_COOKIE_TTL;
    if (resolved.maxAgeSeconds !== undefined) {
      const text = gatewayDuration(resolved.maxAgeSeconds);
      if (text === undefined) {
        // The cookie model caps maxAge at 400 days, which the format holds; kept for a model that allows more.
        throw propError(this, 'cookie.maxAge', `${resolved.maxAgeSeconds}s`, 'must fit the Gateway API duration format ^([0-9]{1,5}(h|m|s|ms)){1,4}$');
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
    this.route = writeRoute(this, 'Route', props, target);
    this.resource = customResource<BackendTrafficPolicyProps>(this, 'Resource', ENVOY_BACKEND_TRAFFIC_POLICY, {
      // Same name as the route: one policy per route, easy to find.
      metadata: { ...objectMetadata(props.metadata, target.namespace), name: this.route.name },
      spec: {
        targetRefs: [{ group: ENVOY_POLICY_TARGET_GROUP, kind: 'HTTPRoute', name: this.route.name }],
        loadBalancer: {
          type: 'ConsistentHash' as BackendTrafficPolicySpecLoadBalancerType,
          consistentHash: {
            type: 'Cookie' as BackendTrafficPolicySpecLoadBalancerConsistentHashType,
            cookie: { name: resolved.name ?? DEFAULT_HASH_COOKIE_NAME, ttl, attributes },
          },
        },
      },
    });
    checkObjectNames(this, this.resource);
  }
}
