import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkServiceRef, DEFAULT_HASH_COOKIE_NAME, namespaceOf, objectMetadata, refuseGiven } from './common';
import { AffinityCookie, resolveCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import {
  DEFAULT_CLUSTER_DOMAIN,
  isClusterDomain,
  ISTIO_SESSION_COOKIE_TTL,
  protobufDuration,
  serviceFqdn,
} from '../facts/istio';
import { customResource, ISTIO_DESTINATION_RULE } from '../imports/custom-resource';
import type { DestinationRuleProps, DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash } from '../imports/istio-destinationrules';
import { checkObjectNames } from '../names';
import { A_SERVICE, untypedProps } from '../units';

/** What a MeshCookieAffinity's props must hold, for callers without types: made once, not per instance. */
const MESH_PROPS_RULES = {
  required: ['service'], durations: ['cookie.maxAge'], booleans: ['useSourceIp', 'tls'], strings: ['clusterDomain'], constructs: { service: A_SERVICE },
};

/**
 * Properties of a MeshCookieAffinity.
 */
export interface MeshCookieAffinityProps {
  /**
   * Metadata of the DestinationRule.
   *
   * @default - a name cdk8s derives from the construct path, in the Service's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The Service whose pods the mesh keeps each client on.
   */
  readonly service: kplus.Service;

  /**
   * The affinity cookie, which the sidecar generates when a request has none
   * and hashes to pick the pod (`consistentHash.httpCookie`). The proxy always
   * marks it `HttpOnly`, so `httpOnly: false` is an error.
   *
   * @default - a session cookie named `INGRESSCOOKIE` with `Path=/` and
   * `SameSite=Lax`, unless `useSourceIp` is set
   */
  readonly cookie?: AffinityCookie;

  /**
   * Hash on the client's IP address instead of a cookie
   * (`consistentHash.useSourceIp`): ClientIP affinity inside the mesh, for
   * clients that do not keep cookies. A DestinationRule has one hash key, so
   * it cannot be set with `cookie`.
   *
   * @default false
   */
  readonly useSourceIp?: boolean;

  /**
   * Whether clients reach the Service over HTTPS, which makes the cookie
   * `Secure` unless `cookie.secure` says otherwise.
   *
   * @default false
   */
  readonly tls?: boolean;

  /**
   * The cluster's DNS domain, the end of the Service's FQDN in `spec.host`.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/**
 * Cookie (or client IP) affinity in an Istio mesh: a `DestinationRule`
 * (networking.istio.io/v1, checked against Istio 1.30.3) whose
 * `trafficPolicy.loadBalancer.consistentHash` hashes on an HTTP cookie, for
 * every client of the Service, sidecars and Istio gateways alike.
 *
 * `spec.host` is the Service's cluster FQDN, so the rule applies from every
 * namespace. Consistent hashing keeps a client on one pod while the set of
 * pods stays the same; when pods come and go, about 1/N of the clients move.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
 */
export class MeshCookieAffinity extends Construct {
  /** The DestinationRule. */
  public readonly resource: ApiObject;

  /** The host the rule applies to: the Service's cluster FQDN. */
  public readonly host: string;

  constructor(scope: Construct, id: string, props: MeshCookieAffinityProps) {
    super(scope, id);
    props = untypedProps(this, props, MESH_PROPS_RULES);
    checkServiceRef(this, 'service', props.service);
    const namespace = namespaceOf(props.service);
    if (namespace === undefined) {
      throw propError(this, 'service', props.service.name,
        'must have a namespace (its own or its chart\'s): the DestinationRule\'s host is the Service\'s FQDN, which names it');
    }
    const clusterDomain = props.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
    if (!isClusterDomain(clusterDomain)) {
      throw propError(this, 'clusterDomain', JSON.stringify(clusterDomain), 'must be a lowercase DNS name such as \'cluster.local\'');
    }
    this.host = serviceFqdn(props.service.name, namespace, clusterDomain);

    let consistentHash: DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash;
    if (props.useSourceIp) {
      if (props.cookie !== undefined) {
        throw propError(this, 'useSourceIp', 'true',
          'cannot be set with \'cookie\': a DestinationRule\'s consistentHash takes exactly one hash key (httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName)');
      }
      consistentHash = { useSourceIp: true };
    } else {
      consistentHash = { httpCookie: this.httpCookie(props.cookie ?? {}, props.tls ?? false) };
    }
    this.resource = customResource<DestinationRuleProps>(this, 'Resource', ISTIO_DESTINATION_RULE, {
      metadata: objectMetadata(props.metadata, props.metadata?.namespace ?? namespace),
      spec: {
        host: this.host,
        trafficPolicy: { loadBalancer: { consistentHash } },
      },
    });
    checkObjectNames(this, this.resource);
  }

  private httpCookie(cookie: AffinityCookie, tls: boolean) {
    const resolved = resolveCookie(this, 'cookie', cookie, { tls });
    refuseGiven(this, 'cookie', cookie, resolved, {
      httpOnly: () => resolved.httpOnly ? undefined
        : 'must be true or left out: the proxy marks the cookie it generates for hashing HttpOnly, always',
    });
    const attributes: Array<{ name: string; value?: string }> = [{ name: 'SameSite', value: resolved.sameSite }];
    if (resolved.domain !== undefined) {
      attributes.push({ name: 'Domain', value: resolved.domain });
    }
    if (resolved.secure) {
      // A valueless attribute is written bare: `; Secure`.
      attributes.push({ name: 'Secure' });
    }
    return {
      name: resolved.name ?? DEFAULT_HASH_COOKIE_NAME,
      path: resolved.path,
      ttl: resolved.maxAgeSeconds === undefined ? ISTIO_SESSION_COOKIE_TTL : protobufDuration(resolved.maxAgeSeconds)!,
      attributes,
    };
  }
}
