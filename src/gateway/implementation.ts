import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type * as Envoy from './envoy';
import type * as GkeGateway from './gke-gateway';
import type * as Kong from './kong';
import { AffinityCookie } from '../cookie/affinity-cookie';
import { loadOnce } from '../load-once';
import { untypedProps } from '../units';

// Each implementation loads its policy's module when it binds, so a route on
// Gateway API's own sessionPersistence loads none of them.
/* eslint-disable @typescript-eslint/no-require-imports */
const policies = {
  envoy: loadOnce(() => require('./envoy') as typeof Envoy),
  gkeGateway: loadOnce(() => require('./gke-gateway') as typeof GkeGateway),
  kong: loadOnce(() => require('./kong') as typeof Kong),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** What plain JavaScript can get wrong in `GatewayImplementation.envoyGateway()`'s options (made once). */
const ENVOY_GATEWAY_OPTION_RULES = { booleans: ['tls'] };

/**
 * What a `CookieAffinityRoute` hands its implementation when it binds it.
 */
export interface GatewayRouteBinding {
  /** The Service the route sends traffic to. */
  readonly backend: kplus.Service;

  /** The HTTPRoute, already named and in its namespace, for policies that attach to it. */
  readonly route: ApiObject;

  /**
   * The cookie given to the route.
   *
   * @default - the implementation's own default cookie
   */
  readonly cookie?: AffinityCookie;
}

/**
 * What a `GatewayImplementation` asks of the route that binds it.
 */
export interface GatewayImplementationConfig {
  /**
   * Whether the route's rule carries Gateway API `sessionPersistence`, from
   * the route's `cookie`, `lifetime`, `sessionTimeout` and
   * `gatewayApiRelease`. When false, the implementation has rendered the
   * cookie itself, and `lifetime` and `sessionTimeout` are errors.
   */
  readonly sessionPersistence: boolean;

  /**
   * Annotations the route sets on its backend Service (a different value
   * already there is an error).
   *
   * @default - none
   */
  readonly serviceAnnotations?: { [key: string]: string };
}

/**
 * Options for `GatewayImplementation.envoyGateway()`.
 */
export interface EnvoyGatewayImplementationOptions {
  /**
   * Whether clients reach the route over HTTPS, which makes the cookie
   * `Secure` unless `cookie.secure` says otherwise.
   *
   * @default false
   */
  readonly tls?: boolean;
}

/**
 * The Gateway API implementation behind a `CookieAffinityRoute`: how the
 * route's cookie reaches the controller that serves it. Gateway API's own
 * `sessionPersistence` is the default; implementations that do not read it
 * keep the affinity in their own policy, which the factory writes next to
 * the route.
 *
 * To support another implementation, extend this class and implement
 * `bind()`: create what the implementation needs under the scope it is
 * given, and return what the route must carry.
 */
export abstract class GatewayImplementation {
  /**
   * Gateway API `sessionPersistence` on the route's rule (experimental
   * channel), for implementations that support it, such as Envoy Gateway.
   */
  public static gatewayApi(): GatewayImplementation {
    return new GatewayApiImplementation();
  }

  /**
   * Envoy Gateway: a `BackendTrafficPolicy` attached to the route, with
   * `loadBalancer.type: ConsistentHash` on a cookie Envoy generates; every
   * field of the cookie is written but `httpOnly: false` (Envoy's cookie is
   * always HttpOnly). The same output as `EnvoyCookieAffinity`.
   *
   * @see https://gateway.envoyproxy.io/docs/tasks/traffic/load-balancing/#cookie
   */
  public static envoyGateway(options: EnvoyGatewayImplementationOptions = {}): GatewayImplementation {
    return new EnvoyGatewayImplementation(untypedProps('GatewayImplementation.envoyGateway()', options, ENVOY_GATEWAY_OPTION_RULES));
  }

  /**
   * Kong Ingress Controller 3.5 or later (Kong Gateway 3.11 or later): a
   * `KongUpstreamPolicy` with `algorithm: sticky-sessions`, attached to the
   * backend Service with the `konghq.com/upstream-policy` annotation. Kong
   * writes the cookie's name and path only.
   *
   * @see https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/
   */
  public static kong(): GatewayImplementation {
    return new KongImplementation();
  }

  /**
   * The GKE Gateway controller: a `GCPBackendPolicy` targeting the backend
   * Service, with a load-balancer generated cookie (`GENERATED_COOKIE`).
   * Only the cookie's `maxAge` can be set.
   *
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#session_affinity
   */
  public static gkeGateway(): GatewayImplementation {
    return new GkeGatewayImplementation();
  }

  /** A short name for messages, e.g. `kong`. */
  public abstract readonly name: string;

  /**
   * Called once by the route, in its constructor.
   *
   * @param scope the route construct: create policies under it
   * @param route what the route sends traffic to, and its cookie
   */
  public abstract bind(scope: Construct, route: GatewayRouteBinding): GatewayImplementationConfig;
}

class GatewayApiImplementation extends GatewayImplementation {
  public readonly name: string = 'gateway-api';

  public bind(_scope: Construct, _route: GatewayRouteBinding): GatewayImplementationConfig {
    return { sessionPersistence: true };
  }
}

class EnvoyGatewayImplementation extends GatewayImplementation {
  public readonly name: string = 'envoy-gateway';

  public constructor(private readonly options: EnvoyGatewayImplementationOptions) {
    super();
  }

  public bind(scope: Construct, route: GatewayRouteBinding): GatewayImplementationConfig {
    const { envoyHashCookie, writeEnvoyPolicy } = policies.envoy();
    const cookie = envoyHashCookie(scope, route.cookie ?? {}, this.options.tls ?? false);
    // Same name and namespace as the route: one policy per route, easy to find.
    const metadata = route.route.metadata.namespace === undefined
      ? { name: route.route.name } : { name: route.route.name, namespace: route.route.metadata.namespace };
    writeEnvoyPolicy(scope, 'BackendTrafficPolicy', metadata, route.route.name, cookie);
    return { sessionPersistence: false };
  }
}

class KongImplementation extends GatewayImplementation {
  public readonly name: string = 'kong';

  public bind(scope: Construct, route: GatewayRouteBinding): GatewayImplementationConfig {
    const { annotations } = policies.kong().renderKongPolicy(scope, 'KongUpstreamPolicy', 'backend', route.backend, route.cookie ?? {}, undefined);
    return { sessionPersistence: false, serviceAnnotations: annotations };
  }
}

class GkeGatewayImplementation extends GatewayImplementation {
  public readonly name: string = 'gke-gateway';

  public bind(scope: Construct, route: GatewayRouteBinding): GatewayImplementationConfig {
    policies.gkeGateway().renderGkeGatewayPolicy(scope, 'GCPBackendPolicy', 'backend', route.backend, route.cookie ?? {}, undefined);
    return { sessionPersistence: false };
  }
}
