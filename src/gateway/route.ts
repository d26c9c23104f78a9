import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { checkRouteOptions, GatewayRouteOptions, objectMetadata, RouteTarget } from './common';
import { renderSessionPersistence, SessionPersistenceOptions } from './session-persistence';
import { customResource, HTTP_ROUTE } from '../imports/custom-resource';
import type {
  HttpRouteProps,
  HttpRouteSpecRules,
  HttpRouteSpecRulesMatchesPathType,
  HttpRouteSpecRulesSessionPersistenceCookieConfigLifetimeType,
  HttpRouteSpecRulesSessionPersistenceType,
} from '../imports/gateway-httproutes';
import { checkObjectNames } from '../names';

/** Writes the HTTPRoute of a checked target, with `extra` on its one rule. */
export function writeRoute(scope: Construct, id: string, props: GatewayRouteOptions, target: RouteTarget,
  extra: Partial<HttpRouteSpecRules> = {}): ApiObject {
  const route = customResource<HttpRouteProps>(scope, id, HTTP_ROUTE, {
    metadata: objectMetadata(props.metadata, target.namespace),
    spec: {
      parentRefs: [{
        name: props.gateway,
        namespace: props.gatewayNamespace,
        sectionName: props.sectionName,
      }],
      hostnames: target.hostnames,
      rules: [{
        matches: [{ path: { type: 'PathPrefix' as HttpRouteSpecRulesMatchesPathType, value: target.pathPrefix } }],
        backendRefs: [{
          name: target.serviceName,
          // A backend in another namespace needs a ReferenceGrant there; same-namespace refs stay short.
          namespace: target.serviceNamespace !== target.namespace ? target.serviceNamespace : undefined,
          port: target.port,
        }],
        ...extra,
      }],
    },
  });
  checkObjectNames(scope, route);
  return route;
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
 * The next Gateway API release replaces `sessionName` and `cookieConfig`
 * with `cookie: {name, path, lifetimeType}`; the cookie model (`cookie.name`,
 * `cookie.path`) stays the same and only this construct's output changes.
 *
 * @example
 *
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

  constructor(scope: Construct, id: string, props: CookieAffinityRouteProps) {
    super(scope, id);
    const target = checkRouteOptions(this, props);
    const sp = renderSessionPersistence(this, props);
    this.resource = writeRoute(this, 'Resource', props, target, {
      sessionPersistence: {
        sessionName: sp.sessionName,
        type: 'Cookie' as HttpRouteSpecRulesSessionPersistenceType,
        absoluteTimeout: sp.absoluteTimeout,
        cookieConfig: { lifetimeType: sp.cookieConfig.lifetimeType as HttpRouteSpecRulesSessionPersistenceCookieConfigLifetimeType },
      },
    });
    this.name = this.resource.name;
  }
}
