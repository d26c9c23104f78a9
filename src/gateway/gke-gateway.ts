import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkServiceRef, namespaceOf, objectMetadata, refuseGiven } from './common';
import { AffinityCookie, resolveCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import { GKE_GATEWAY_COOKIE_NAME, GKE_GATEWAY_COOKIE_TTL_MAX_SECONDS, GKE_GATEWAY_GENERATED_COOKIE } from '../facts/gke-gateway';
import { customResource, GCP_BACKEND_POLICY } from '../imports/custom-resource';
import type { GcpBackendPolicyProps, GcpBackendPolicySpecDefaultSessionAffinityType } from '../imports/gke-gcpbackendpolicies';
import { checkObjectNames } from '../names';
import { A_SERVICE, untypedProps } from '../units';

const GKE_NO_FIELD = (field: string) => () =>
  `cannot be written in a GCPBackendPolicy: the load balancer generates its own cookie (${GKE_GATEWAY_COOKIE_NAME}) and chooses its ${field}; leave it out`;

/** The cookie fields a GCPBackendPolicy cannot write, and why: made once, not per policy. */
const GKE_UNWRITABLE_COOKIE_FIELDS = {
  name: GKE_NO_FIELD('name'),
  path: GKE_NO_FIELD('Path'),
  domain: GKE_NO_FIELD('Domain'),
  secure: GKE_NO_FIELD('Secure attribute'),
  httpOnly: GKE_NO_FIELD('HttpOnly attribute'),
  sameSite: GKE_NO_FIELD('SameSite attribute'),
};

/** Writes the GCPBackendPolicy for `cookie`, targeting the Service, in its namespace. */
export function renderGkeGatewayPolicy(scope: Construct, id: string, prop: string, service: kplus.Service,
  cookie: AffinityCookie, metadata: ApiObjectMetadata | undefined): ApiObject {
  checkServiceRef(scope, prop, service);
  const resolved = resolveCookie(scope, 'cookie', cookie, { tls: false });
  refuseGiven(scope, 'cookie', cookie, resolved, GKE_UNWRITABLE_COOKIE_FIELDS);
  if (resolved.maxAgeSeconds !== undefined && resolved.maxAgeSeconds > GKE_GATEWAY_COOKIE_TTL_MAX_SECONDS) {
    throw propError(scope, 'cookie.maxAge', `${resolved.maxAgeSeconds}s`,
      `must be at most ${GKE_GATEWAY_COOKIE_TTL_MAX_SECONDS} seconds (two weeks, the most GCPBackendPolicy's cookieTtlSec takes)`);
  }
  // A policy targets a Service in its own namespace (targetRef has a namespace field the controller ignores).
  const namespace = namespaceOf(service);
  if (metadata?.namespace !== undefined && metadata.namespace !== namespace) {
    throw propError(scope, 'metadata.namespace', JSON.stringify(metadata.namespace),
      `must be left out or be the Service's namespace (${namespace ?? 'none'}): a GCPBackendPolicy applies to a Service in its own namespace`);
  }
  const policy = customResource<GcpBackendPolicyProps>(scope, id, GCP_BACKEND_POLICY, {
    metadata: objectMetadata(metadata, namespace),
    spec: {
      default: {
        sessionAffinity: {
          type: GKE_GATEWAY_GENERATED_COOKIE as GcpBackendPolicySpecDefaultSessionAffinityType,
          // 0: a session cookie, as the cookie model's default.
          cookieTtlSec: resolved.maxAgeSeconds ?? 0,
        },
      },
      targetRef: { group: '', kind: 'Service', name: service.name },
    },
  });
  checkObjectNames(scope, policy);
  return policy;
}

/** What a GkeGatewayCookieAffinity's props must hold, for callers without types: made once, not per instance. */
const GKE_PROPS_RULES = { required: ['service'], durations: ['cookie.maxAge'], constructs: { service: A_SERVICE } };

/**
 * Properties of a GkeGatewayCookieAffinity.
 */
export interface GkeGatewayCookieAffinityProps {
  /**
   * Metadata of the GCPBackendPolicy, which is written to the Service's
   * namespace.
   *
   * @default - a name cdk8s derives from the construct path
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The Service whose backend keeps each browser on one pod.
   */
  readonly service: kplus.Service;

  /**
   * The affinity cookie. The load balancer generates it under its own name
   * (`GCLB`) and attributes: only `maxAge` (at most two weeks) can be set;
   * any other given field is an error.
   *
   * @default - a session cookie (`cookieTtlSec: 0`)
   */
  readonly cookie?: AffinityCookie;
}

/**
 * Cookie affinity behind the GKE Gateway controller: a `GCPBackendPolicy`
 * (networking.gke.io/v1) targeting the Service, with
 * `default.sessionAffinity.type: GENERATED_COOKIE` and `cookieTtlSec`. It
 * holds for every Gateway API route to the Service through a GKE Gateway
 * (`CookieAffinityRoute` with `GatewayImplementation.gkeGateway()` writes
 * both). The GKE Gateway controller does not implement Gateway API
 * `sessionPersistence`.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#session_affinity
 */
export class GkeGatewayCookieAffinity extends Construct {
  /** The GCPBackendPolicy. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: GkeGatewayCookieAffinityProps) {
    super(scope, id);
    props = untypedProps(this, props, GKE_PROPS_RULES);
    this.resource = renderGkeGatewayPolicy(this, 'Resource', 'service', props.service, props.cookie ?? {}, props.metadata);
  }
}
