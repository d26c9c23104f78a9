import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkRouteOptions, GatewayRouteOptions, objectMetadata, RouteTarget } from './common';
import { crossesNamespaces, grantReference } from './reference-grant';
import { renderSessionPersistence, SessionPersistenceOptions } from './session-persistence';
import {
  HttpRoute,
  HttpRouteSpecRules,
  HttpRouteSpecRulesMatchesPathType,
  HttpRouteSpecRulesSessionPersistenceCookieConfigLifetimeType,
  HttpRouteSpecRulesSessionPersistenceType,
} from '../imports/gateway-httproutes';
import { checkObjectNames, DEFAULT_NAMESPACE } from '../names';
import { untypedProps } from '../units';

/** What writeRoute wrote: the HTTPRoute, and the ReferenceGrant when its backend is in another namespace. */
export interface WrittenRoute {
  readonly route: HttpRoute;
  readonly referenceGrant?: ApiObject;
}

/**
 * Writes the HTTPRoute of a checked target, with `extra` on its one rule, and
 * (as `ReferenceGrant` beside it) the grant a backend in another namespace needs.
 */
export function writeRoute(scope: Construct, id: string, props: GatewayRouteOptions, target: RouteTarget,
  extra: Partial<HttpRouteSpecRules> = {}): WrittenRoute {
  const crossNamespace = crossesNamespaces(target.namespace, target.serviceNamespace);
  const route = new HttpRoute(scope, id, {
    metadata: objectMetadata(props.metadata, target.namespace),
    spec: {
      parentRefs: [{
        name: props.gateway,
        namespace: props.gatewayNamespace,
        sectionName: props.sectionName,
      }],
      hostnames: target.hostnames,
      rules: [{
        matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: target.pathPrefix } }],
        backendRefs: [{
          name: target.serviceName,
          // Same-namespace refs stay short; a Service without a namespace is in `default`.
          namespace: crossNamespace ? target.serviceNamespace ?? DEFAULT_NAMESPACE : undefined,
          port: target.port,
        }],
        ...extra,
      }],
    },
  });
  checkObjectNames(scope, route);
  const referenceGrant = grantReference(scope, 'ReferenceGrant', {
    fromKind: route.kind,
    fromNamespace: target.namespace,
    serviceName: target.serviceName,
    serviceNamespace: target.serviceNamespace,
  });
  return { route, referenceGrant };
}

/**
 * Properties of a CookieAffinityRoute.
 */
export interface CookieAffinityRouteProps extends GatewayRouteOptions, SessionPersistenceOptions {}

/**
 * A Gateway API HTTPRoute whose rule keeps each browser on one backend pod
 * with a cookie (`sessionPersistence` of type `Cookie`).
 *
 * It targets Gateway API v1.6.1, experimental channel: `sessionPersistence`
 * is in no standard-channel release, so the cluster needs the experimental
 * HTTPRoute CRD and an implementation that supports it (Envoy Gateway does).
 * The CRD's CEL rules are enforced here, for clusters that do not run them.
 *
 * A backend in another namespace than the route's gets the `ReferenceGrant`
 * Gateway API requires, in the backend's namespace (`referenceGrant`).
 *
 * The next Gateway API release replaces `sessionName` and `cookieConfig`
 * with `cookie: {name, path, lifetimeType}`; the cookie model (`cookie.name`,
 * `cookie.path`) stays the same and only this construct's output changes.
 *
 * @example
 * import { CookieAffinityRoute } from 'cdk8s-session-affinity';
 *
 * declare const chart: Chart;
 * declare const shopService: kplus.Service;
 * new CookieAffinityRoute(chart, 'Shop', {
 *   gateway: 'eg',
 *   hostnames: ['shop.example.com'],
 *   backend: shopService,
 *   cookie: { name: 'SHOP_AFFINITY', maxAge: Duration.hours(8) },
 * });
 */
export class CookieAffinityRoute extends Construct {
  /** The HTTPRoute (gateway.networking.k8s.io/v1), for JSON patches. */
  public readonly resource: ApiObject;

  /** Name of the HTTPRoute. */
  public readonly name: string;

  /**
   * The ReferenceGrant (gateway.networking.k8s.io/v1beta1) that lets the
   * route reach a backend in another namespace, written in the backend's
   * namespace.
   *
   * @default - none: the backend is in the route's namespace
   */
  public readonly referenceGrant?: ApiObject;

  constructor(scope: Construct, id: string, props: CookieAffinityRouteProps) {
    super(scope, id);
    props = untypedProps(this, props, { required: ['gateway', 'backend'], durations: ['cookie.maxAge', 'sessionTimeout'] });
    const target = checkRouteOptions(this, props);
    const sp = renderSessionPersistence(this, props);
    const written = writeRoute(this, 'Resource', props, target, {
      sessionPersistence: {
        sessionName: sp.sessionName,
        type: HttpRouteSpecRulesSessionPersistenceType.COOKIE,
        absoluteTimeout: sp.absoluteTimeout,
        cookieConfig: { lifetimeType: sp.cookieConfig.lifetimeType as HttpRouteSpecRulesSessionPersistenceCookieConfigLifetimeType },
      },
    });
    this.resource = written.route;
    this.referenceGrant = written.referenceGrant;
    this.name = this.resource.name;
  }
}
