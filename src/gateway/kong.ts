import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { annotateService, checkServiceRef, DEFAULT_HASH_COOKIE_NAME, namespaceOf, objectMetadata, refuseGiven } from './common';
import { AffinityCookie, resolveCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import {
  KONG_STICKY_HASH_ON_INPUT,
  KONG_STICKY_SESSIONS_ALGORITHM,
  KONG_STICKY_SESSIONS_MIN_KIC,
  KONG_UPSTREAM_POLICY_ANNOTATION,
} from '../facts/kong';
import { customResource, KONG_UPSTREAM_POLICY } from '../imports/custom-resource';
import type {
  KongUpstreamPolicyProps,
  KongUpstreamPolicySpecAlgorithm,
  KongUpstreamPolicySpecHashOnInput,
} from '../imports/kong-upstreampolicies';
import { checkObjectNames } from '../names';
import { A_SERVICE, untypedProps } from '../units';

const KONG_NO_FIELD = (field: string) => () =>
  `cannot be written in a KongUpstreamPolicy, whose sticky-session cookie has a name and a path only: Kong chooses the ${field}; leave it out`;

/** The cookie fields a KongUpstreamPolicy cannot write, and why: made once, not per policy. */
const KONG_UNWRITABLE_COOKIE_FIELDS = {
  maxAge: KONG_NO_FIELD('lifetime (it has no Max-Age field)'),
  domain: KONG_NO_FIELD('Domain'),
  secure: KONG_NO_FIELD('Secure attribute'),
  httpOnly: KONG_NO_FIELD('HttpOnly attribute'),
  sameSite: KONG_NO_FIELD('SameSite attribute'),
};

/**
 * The spec of a sticky-sessions KongUpstreamPolicy for `cookie`, refusing
 * (naming `cookie.<field>`) what Kong's cookie cannot carry.
 */
export function kongStickySpec(scope: IConstruct, cookie: AffinityCookie): KongUpstreamPolicyProps['spec'] {
  const resolved = resolveCookie(scope, 'cookie', cookie, { tls: false });
  refuseGiven(scope, 'cookie', cookie, resolved, KONG_UNWRITABLE_COOKIE_FIELDS);
  return {
    algorithm: KONG_STICKY_SESSIONS_ALGORITHM as KongUpstreamPolicySpecAlgorithm,
    // The CRD's CEL: stickySessions needs hashOn.input none, and no other hashOn field.
    hashOn: { input: KONG_STICKY_HASH_ON_INPUT as KongUpstreamPolicySpecHashOnInput },
    stickySessions: {
      cookie: resolved.name ?? DEFAULT_HASH_COOKIE_NAME,
      cookiePath: resolved.path,
    },
  };
}

/** Writes a sticky-sessions KongUpstreamPolicy and returns it with the Service annotation that attaches it. */
export function writeKongPolicy(scope: Construct, id: string, metadata: ApiObjectMetadata,
  spec: KongUpstreamPolicyProps['spec']): { policy: ApiObject; annotations: Record<string, string> } {
  const policy = customResource<KongUpstreamPolicyProps>(scope, id, KONG_UPSTREAM_POLICY, { metadata, spec });
  checkObjectNames(scope, policy);
  return { policy, annotations: { [KONG_UPSTREAM_POLICY_ANNOTATION]: policy.name } };
}

/**
 * Writes the KongUpstreamPolicy for `cookie` in the Service's namespace and
 * returns it with the annotation that attaches it to the Service.
 */
export function renderKongPolicy(scope: Construct, id: string, prop: string, service: kplus.Service,
  cookie: AffinityCookie, metadata: ApiObjectMetadata | undefined): { policy: ApiObject; annotations: Record<string, string> } {
  checkServiceRef(scope, prop, service);
  const spec = kongStickySpec(scope, cookie);
  // The annotation names a policy in the Service's own namespace.
  const namespace = namespaceOf(service);
  if (metadata?.namespace !== undefined && metadata.namespace !== namespace) {
    throw propError(scope, 'metadata.namespace', JSON.stringify(metadata.namespace),
      `must be left out or be the Service's namespace (${namespace ?? 'none'}): the ${KONG_UPSTREAM_POLICY_ANNOTATION} annotation names a policy in the Service's own namespace`);
  }
  return writeKongPolicy(scope, id, objectMetadata(metadata, namespace), spec);
}

/** What a KongCookieAffinity's props must hold, for callers without types: made once, not per instance. */
const KONG_PROPS_RULES = { required: ['service'], durations: ['cookie.maxAge'], constructs: { service: A_SERVICE } };

/**
 * Properties of a KongCookieAffinity.
 */
export interface KongCookieAffinityProps {
  /**
   * Metadata of the KongUpstreamPolicy. It is always written to the
   * Service's namespace, where the Service's annotation looks for it.
   *
   * @default - a name cdk8s derives from the construct path
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The Service whose Kong upstream keeps each browser on one pod. It gets
   * the `konghq.com/upstream-policy` annotation naming the policy.
   */
  readonly service: kplus.Service;

  /**
   * The sticky-session cookie. Kong writes its name and path only; a given
   * `maxAge`, `domain`, `secure`, `httpOnly` or `sameSite` is an error.
   *
   * @default - a cookie named `INGRESSCOOKIE`, `Path=/`
   */
  readonly cookie?: AffinityCookie;
}

/**
 * Cookie affinity on Kong: a `KongUpstreamPolicy`
 * (configuration.konghq.com/v1beta1) with `algorithm: sticky-sessions`,
 * attached to the Service with the `konghq.com/upstream-policy` annotation,
 * so it holds for every Kong route to the Service: an Ingress of class kong
 * or a Gateway API HTTPRoute alike (for the latter, `CookieAffinityRoute`
 * with `GatewayImplementation.kong()` writes both).
 *
 * Needs Kong Ingress Controller 3.5 or later with Kong Gateway 3.11 or later;
 * the CRD describes `stickySessions` as a Kong Enterprise feature. Kong
 * Ingress Controller does not implement Gateway API `sessionPersistence`.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/
 */
export class KongCookieAffinity extends Construct {
  /** The Kong Ingress Controller release that first reads the policy's `stickySessions`. */
  public static readonly MIN_CONTROLLER_VERSION = KONG_STICKY_SESSIONS_MIN_KIC;

  /** The KongUpstreamPolicy. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: KongCookieAffinityProps) {
    super(scope, id);
    props = untypedProps(this, props, KONG_PROPS_RULES);
    const { policy, annotations } = renderKongPolicy(this, 'Resource', 'service', props.service, props.cookie ?? {}, props.metadata);
    this.resource = policy;
    annotateService(this, 'service', props.service, annotations);
  }
}
