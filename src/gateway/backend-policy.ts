import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkServiceRef, namespaceOf, objectMetadata } from './common';
import { crossesNamespaces } from './reference-grant';
import { CookieLifetime, GatewayApiRelease, renderMainSessionPersistence, renderSessionPersistence, SessionPersistenceOptions } from './session-persistence';
import { propError } from '../errors';
import { customResource, X_BACKEND_TRAFFIC_POLICY } from '../imports/custom-resource';
import type { XBackendTrafficPolicyProps as MainXBackendTrafficPolicyProps } from '../imports/gateway-main-xbackendtrafficpolicies';
import type { XBackendTrafficPolicyProps, XBackendTrafficPolicySpecSessionPersistence } from '../imports/gateway-xbackendtrafficpolicies';
import { checkObjectNames, DEFAULT_NAMESPACE } from '../names';
import { A_SERVICE, untypedProps } from '../units';

/** What a BackendCookieAffinity's props must hold, for callers without types: made once, not per instance. */
const BACKEND_POLICY_PROPS_RULES = {
  required: ['service'],
  durations: ['cookie.maxAge', 'sessionTimeout'],
  enums: { lifetime: CookieLifetime, gatewayApiRelease: GatewayApiRelease },
  constructs: { service: A_SERVICE },
};

/**
 * Properties of a BackendCookieAffinity.
 */
export interface BackendCookieAffinityProps extends SessionPersistenceOptions {
  /**
   * Metadata of the XBackendTrafficPolicy.
   *
   * @default - a name cdk8s derives from the construct path, in the Service's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The Service whose traffic keeps to one pod, from every route that sends to it.
   */
  readonly service: kplus.Service;
}

/**
 * Cookie session persistence for every route to one Service: a Gateway API
 * `XBackendTrafficPolicy` (gateway.networking.x-k8s.io/v1alpha1, v1.6.1
 * experimental; it was `BackendLBPolicy` before v1.3) targeting the Service.
 *
 * Only implementations that read XBackendTrafficPolicy apply it; where both
 * this and a route rule set session persistence, the route rule wins
 * (GEP-1619).
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-1619/#api
 */
export class BackendCookieAffinity extends Construct {
  /** The XBackendTrafficPolicy. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: BackendCookieAffinityProps) {
    super(scope, id);
    props = untypedProps(this, props, BACKEND_POLICY_PROPS_RULES);
    checkServiceRef(this, 'service', props.service);
    const serviceNamespace = namespaceOf(props.service);
    const namespace = props.metadata?.namespace ?? serviceNamespace;
    if (crossesNamespaces(namespace, serviceNamespace)) {
      // targetRefs has no namespace field: a policy only ever targets its own namespace.
      throw propError(this, 'metadata.namespace', JSON.stringify(namespace),
        `must be the Service's namespace (${serviceNamespace ?? DEFAULT_NAMESPACE}) or left out: an XBackendTrafficPolicy targets a Service in its own namespace only`);
    }
    const metadata = objectMetadata(props.metadata, namespace);
    const targetRefs = [{ group: '', kind: 'Service', name: props.service.name }];
    // The rendered sessionPersistence holds the CRD's own strings; the generated enum types only name them.
    this.resource = props.gatewayApiRelease === GatewayApiRelease.MAIN
      ? customResource<MainXBackendTrafficPolicyProps>(this, 'Resource', X_BACKEND_TRAFFIC_POLICY, {
        metadata, spec: { targetRefs, sessionPersistence: renderMainSessionPersistence(this, props) as MainXBackendTrafficPolicyProps['spec']['sessionPersistence'] },
      })
      : customResource<XBackendTrafficPolicyProps>(this, 'Resource', X_BACKEND_TRAFFIC_POLICY, {
        metadata, spec: { targetRefs, sessionPersistence: renderSessionPersistence(this, props) as XBackendTrafficPolicySpecSessionPersistence },
      });
    checkObjectNames(this, this.resource);
  }
}
