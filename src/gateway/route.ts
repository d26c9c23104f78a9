import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { annotateService, checkCookiePathCoversPrefix, checkRouteOptions, GatewayRouteOptions, objectMetadata, RouteTarget } from './common';
import { GatewayImplementation } from './implementation';
import { crossesNamespaces, grantReference } from './reference-grant';
import {
  CookieLifetime,
  GatewayApiRelease,
  RenderedMainSessionPersistence,
  RenderedSessionPersistence,
  refuseSessionPersistenceOptions,
  renderMainSessionPersistence,
  renderSessionPersistence,
  SessionPersistenceOptions,
} from './session-persistence';
import { customResource, HTTP_ROUTE } from '../imports/custom-resource';
import type {
  HttpRouteProps,
  HttpRouteSpecRules,
  HttpRouteSpecRulesMatchesPathType,
} from '../imports/gateway-httproutes';
import { checkObjectNames, DEFAULT_NAMESPACE } from '../names';
import { A_SERVICE, untypedProps } from '../units';

/**
 * The one rule of a route writeRoute wrote, as cdk8s holds it in the
 * route's props: it reads them at synth, so a field set here before then is
 * written. The HTTPRoute of Gateway API `main` differs from v1.6.1's only in
 * `sessionPersistence`, which is set here in either shape.
 */
export interface WrittenRouteRule extends Omit<HttpRouteSpecRules, 'sessionPersistence'> {
  sessionPersistence?: RenderedSessionPersistence | RenderedMainSessionPersistence;
}

/** What writeRoute wrote: the HTTPRoute, its rule, and the ReferenceGrant when its backend is in another namespace. */
export interface WrittenRoute {
  readonly route: ApiObject;
  readonly rule: WrittenRouteRule;
  readonly referenceGrant?: ApiObject;
}

/**
 * Writes the HTTPRoute of a checked target, and (as `ReferenceGrant` beside
 * it) the grant a backend in another namespace needs.
 */
export function writeRoute(scope: Construct, id: string, props: GatewayRouteOptions, target: RouteTarget): WrittenRoute {
  const crossNamespace = crossesNamespaces(target.namespace, target.serviceNamespace);
  const rule: WrittenRouteRule = {
    matches: [{ path: { type: 'PathPrefix' as HttpRouteSpecRulesMatchesPathType, value: target.pathPrefix } }],
    backendRefs: [{
      name: target.serviceName,
      // Same-namespace refs stay short; a Service without a namespace is in `default`.
      namespace: crossNamespace ? target.serviceNamespace ?? DEFAULT_NAMESPACE : undefined,
      port: target.port,
    }],
  };
  const route = customResource<HttpRouteProps>(scope, id, HTTP_ROUTE, {
    metadata: objectMetadata(props.metadata, target.namespace),
    spec: {
      parentRefs: [{
        name: props.gateway,
        namespace: props.gatewayNamespace,
        sectionName: props.sectionName,
      }],
      hostnames: target.hostnames,
      rules: [rule as HttpRouteSpecRules],
    },
  });
  checkObjectNames(scope, route);
  const referenceGrant = grantReference(scope, 'ReferenceGrant', {
    fromKind: route.kind,
    fromNamespace: target.namespace,
    serviceName: target.serviceName,
    serviceNamespace: target.serviceNamespace,
  });
  return { route, rule, referenceGrant };
}

/** What a CookieAffinityRoute's props must hold, for callers without types: made once, not per route. */
const ROUTE_PROPS_RULES = {
  required: ['gateway', 'backend'],
  durations: ['cookie.maxAge', 'sessionTimeout'],
  strings: ['gateway', 'gatewayNamespace', 'sectionName', 'pathPrefix'],
  enums: { lifetime: CookieLifetime, gatewayApiRelease: GatewayApiRelease },
  constructs: { backend: A_SERVICE },
  bindables: { implementation: 'a GatewayImplementation, such as GatewayImplementation.envoyGateway()' },
};

/**
 * Properties of a CookieAffinityRoute.
 */
export interface CookieAffinityRouteProps extends GatewayRouteOptions, SessionPersistenceOptions {
  /**
   * The Gateway API implementation that serves the route, which decides
   * where the cookie is written: the rule's `sessionPersistence`, or the
   * implementation's own policy next to the route. With an implementation
   * that writes its own policy, `lifetime` and `sessionTimeout` are errors,
   * and the HTTPRoute is the same in every `gatewayApiRelease`.
   *
   * @default GatewayImplementation.gatewayApi()
   */
  readonly implementation?: GatewayImplementation;
}

/**
 * A Gateway API HTTPRoute whose traffic keeps each browser on one backend
 * pod with a cookie.
 *
 * By default the rule carries `sessionPersistence` of type `Cookie`, in the
 * shape of Gateway API v1.6.1, experimental channel (or of its `main` branch,
 * with `gatewayApiRelease`): `sessionPersistence` is in no standard-channel
 * release, so the cluster needs the experimental HTTPRoute CRD (the standard
 * one drops the field without a word) and an implementation that supports it
 * (Envoy Gateway does). The CRD's CEL rules are enforced here, for clusters
 * that do not run them.
 *
 * Implementations that do not read `sessionPersistence` keep affinity in
 * their own policy: `implementation: GatewayImplementation.kong()` or
 * `GatewayImplementation.gkeGateway()` writes it next to the route.
 *
 * A backend in another namespace than the route's gets the `ReferenceGrant`
 * Gateway API requires, in the backend's namespace (`referenceGrant`).
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
    props = untypedProps(this, props, ROUTE_PROPS_RULES);
    const target = checkRouteOptions(this, props);
    const implementation = props.implementation ?? GatewayImplementation.gatewayApi();
    const release = props.gatewayApiRelease ?? GatewayApiRelease.V1_6_1;
    const written = writeRoute(this, 'Resource', props, target);
    this.resource = written.route;
    this.referenceGrant = written.referenceGrant;
    const config = implementation.bind(this, { backend: props.backend, route: this.resource, cookie: props.cookie });
    if (config.sessionPersistence) {
      // Into the props cdk8s reads at synth (the route exists before its
      // implementation binds): after the rule's own fields, and under any
      // JSON patch, such as one a custom implementation's bind() adds.
      written.rule.sessionPersistence = release === GatewayApiRelease.MAIN
        ? renderMainSessionPersistence(this, props) : renderSessionPersistence(this, props);
    } else {
      refuseSessionPersistenceOptions(this, props,
        `applies to Gateway API sessionPersistence, which the ${implementation.name} implementation does not read: its own policy sets the cookie`);
    }
    // The cookie's Path, where the release or implementation writes one (the others refused it above).
    // A Gateway API PathPrefix ignores a trailing '/': `/app/` also matches `/app`.
    checkCookiePathCoversPrefix(this, props.cookie, target.pathPrefix, true);
    if (config.serviceAnnotations !== undefined) {
      annotateService(this, 'backend', props.backend, config.serviceAnnotations);
    }
    this.name = this.resource.name;
  }
}
