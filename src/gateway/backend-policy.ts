import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkServiceRef, namespaceOf, objectMetadata } from './common';
import { crossesNamespaces } from './reference-grant';
import { renderSessionPersistence, SessionPersistenceOptions } from './session-persistence';
import { propError } from '../errors';
import {
  XBackendTrafficPolicy,
  XBackendTrafficPolicySpecSessionPersistenceCookieConfigLifetimeType,
  XBackendTrafficPolicySpecSessionPersistenceType,
} from '../imports/gateway-xbackendtrafficpolicies';
import { checkObjectNames, DEFAULT_NAMESPACE } from '../names';
import { untypedProps } from '../units';

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
    props = untypedProps(this, props, { required: ['service'], durations: ['cookie.maxAge', 'sessionTimeout'] });
    checkServiceRef(this, 'service', props.service);
    const sp = renderSessionPersistence(this, props);
    const serviceNamespace = namespaceOf(props.service);
    const namespace = props.metadata?.namespace ?? serviceNamespace;
    if (crossesNamespaces(namespace, serviceNamespace)) {
      // targetRefs has no namespace field: a policy only ever targets its own namespace.
      throw propError(this, 'metadata.namespace', JSON.stringify(namespace),
        `must be the Service's namespace (${serviceNamespace ?? DEFAULT_NAMESPACE}) or left out: an XBackendTrafficPolicy targets a Service in its own namespace only`);
    }
    this.resource = new XBackendTrafficPolicy(this, 'Resource', {
      metadata: objectMetadata(props.metadata, namespace),
      spec: {
        targetRefs: [{ group: '', kind: 'Service', name: props.service.name }],
        sessionPersistence: {
          sessionName: sp.sessionName,
          type: XBackendTrafficPolicySpecSessionPersistenceType.COOKIE,
          absoluteTimeout: sp.absoluteTimeout,
          cookieConfig: { lifetimeType: sp.cookieConfig.lifetimeType as XBackendTrafficPolicySpecSessionPersistenceCookieConfigLifetimeType },
        },
      },
    });
    checkObjectNames(this, this.resource);
  }
}
