import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkServiceRef, namespaceOf, objectMetadata } from './common';
import { renderSessionPersistence, SessionPersistenceOptions } from './session-persistence';
import { customResource, X_BACKEND_TRAFFIC_POLICY } from '../imports/custom-resource';
import type {
  XBackendTrafficPolicyProps,
  XBackendTrafficPolicySpecSessionPersistenceCookieConfigLifetimeType,
  XBackendTrafficPolicySpecSessionPersistenceType,
} from '../imports/gateway-xbackendtrafficpolicies';
import { checkObjectNames } from '../names';

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
    checkServiceRef(this, 'service', props.service);
    const sp = renderSessionPersistence(this, props);
    this.resource = customResource<XBackendTrafficPolicyProps>(this, 'Resource', X_BACKEND_TRAFFIC_POLICY, {
      metadata: objectMetadata(props.metadata, props.metadata?.namespace ?? namespaceOf(props.service)),
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: props.service.name }],
        sessionPersistence: {
          sessionName: sp.sessionName,
          type: 'Cookie' as XBackendTrafficPolicySpecSessionPersistenceType,
          absoluteTimeout: sp.absoluteTimeout,
          cookieConfig: { lifetimeType: sp.cookieConfig.lifetimeType as XBackendTrafficPolicySpecSessionPersistenceCookieConfigLifetimeType },
        },
      },
    });
    checkObjectNames(this, this.resource);
  }
}
