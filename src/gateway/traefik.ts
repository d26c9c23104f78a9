import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { backendPort, checkCookiePathCoversPrefix, checkServiceRef, namespaceOf, objectMetadata } from './common';
import { crossesNamespaces } from './reference-grant';
import { AffinityCookie, resolveCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import { isRouteHostname } from '../facts/gateway-api';
import { TRAEFIK_RULE_KIND, traefikMatch, traefikSameSite } from '../facts/traefik-crd';
import { customResource, intOrString, TRAEFIK_INGRESS_ROUTE } from '../imports/custom-resource';
import type {
  IngressRouteProps,
  IngressRouteSpecRoutesKind,
  IngressRouteSpecRoutesServicesPort,
  IngressRouteSpecRoutesServicesStickyCookieSameSite,
} from '../imports/traefik-ingressroutes';
import { checkObjectNames, DEFAULT_NAMESPACE } from '../names';
import { A_LIST_OF_HOST_NAMES, A_SERVICE, untypedProps } from '../units';

/** What a TraefikCookieAffinityRoute's props must hold, for callers without types: made once, not per route. */
const TRAEFIK_ROUTE_PROPS_RULES = {
  required: ['backend'],
  durations: ['cookie.maxAge'],
  booleans: ['allowCrossNamespace'],
  strings: ['pathPrefix'],
  secrets: ['tlsSecret'],
  constructs: { backend: A_SERVICE },
  stringLists: { hostnames: A_LIST_OF_HOST_NAMES, entryPoints: "a list of entry point names, such as ['websecure']" },
};

/**
 * Properties of a TraefikCookieAffinityRoute.
 */
export interface TraefikCookieAffinityRouteProps {
  /**
   * Metadata of the IngressRoute.
   *
   * @default - a name cdk8s derives from the construct path, in the backend Service's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Host names the route answers, joined into its `match` rule with `Host()`.
   *
   * @default - every host
   */
  readonly hostnames?: string[];

  /**
   * Path prefix the route matches (`PathPrefix()` in its rule).
   *
   * @default '/'
   */
  readonly pathPrefix?: string;

  /**
   * Traefik entry points the route listens on (`spec.entryPoints`).
   *
   * @default - every entry point Traefik has
   */
  readonly entryPoints?: string[];

  /**
   * The Service the route sends traffic to.
   */
  readonly backend: kplus.Service;

  /**
   * Whether Traefik's Kubernetes CRD provider runs with
   * `allowCrossNamespace: true`, which it needs before an IngressRoute may
   * send traffic to a Service in another namespace. Traefik's default is
   * `false`, and then it ignores such a route; so a backend in another
   * namespace than the route's is refused unless this is set.
   *
   * @see https://doc.traefik.io/traefik/reference/install-configuration/providers/kubernetes/kubernetes-crd/
   * @default false
   */
  readonly allowCrossNamespace?: boolean;

  /**
   * Port of the backend Service.
   *
   * @default - the Service's only port (an error when it has several)
   */
  readonly port?: number;

  /**
   * TLS certificate of the route (`spec.tls.secretName`); with it the cookie
   * is `Secure` unless `cookie.secure` says otherwise.
   *
   * @default - no TLS section
   */
  readonly tlsSecret?: kplus.ISecret;

  /**
   * The affinity cookie, on the route's service as `sticky.cookie`.
   *
   * @default - a session cookie with Traefik's generated name, `Path=/`, `SameSite=Lax`, `HttpOnly`
   */
  readonly cookie?: AffinityCookie;
}

/**
 * Cookie affinity for teams that use Traefik's own CRDs rather than Ingress:
 * a Traefik `IngressRoute` (traefik.io/v1alpha1, checked against v3.7.9)
 * whose service carries `sticky.cookie`. Traefik writes every field of the
 * cookie model, so nothing is refused here beyond the model's own checks.
 *
 * A backend in another namespace than the route's is refused unless
 * `allowCrossNamespace` says Traefik's provider accepts it.
 *
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
 */
export class TraefikCookieAffinityRoute extends Construct {
  /** The IngressRoute. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: TraefikCookieAffinityRouteProps) {
    super(scope, id);
    props = untypedProps(this, props, TRAEFIK_ROUTE_PROPS_RULES);
    checkServiceRef(this, 'backend', props.backend);
    const hostnames = props.hostnames ?? [];
    for (const host of hostnames) {
      // Traefik's Host() takes no wildcard (HostRegexp() does), and a backquote would end the rule's string.
      if (host.startsWith('*.') || !isRouteHostname(host)) {
        throw propError(this, 'hostnames', JSON.stringify(host), 'must be lowercase DNS names without wildcards, at most 253 characters');
      }
    }
    const pathPrefix = props.pathPrefix ?? '/';
    if (!/^\/[^\s`]*$/.test(pathPrefix)) {
      throw propError(this, 'pathPrefix', JSON.stringify(pathPrefix), 'must start with \'/\' and hold no spaces or backquotes');
    }
    const port = backendPort(this, props.backend, props.port);
    const cookie = props.cookie ?? {};
    const resolved = resolveCookie(this, 'cookie', cookie, { tls: props.tlsSecret !== undefined });
    checkCookiePathCoversPrefix(this, cookie, pathPrefix);
    const namespace = props.metadata?.namespace ?? namespaceOf(props.backend);
    const backendNamespace = namespaceOf(props.backend);
    const crossNamespace = crossesNamespaces(namespace, backendNamespace);
    if (crossNamespace && props.allowCrossNamespace !== true) {
      throw propError(this, 'backend', `${props.backend.name} in namespace ${backendNamespace ?? DEFAULT_NAMESPACE}`,
        `must be in the route's namespace (${namespace ?? DEFAULT_NAMESPACE}): Traefik ignores an IngressRoute to a Service in another namespace `
        + 'unless its Kubernetes CRD provider runs with allowCrossNamespace: true; set \'allowCrossNamespace\' when it does');
    }
    this.resource = customResource<IngressRouteProps>(this, 'Resource', TRAEFIK_INGRESS_ROUTE, {
      metadata: objectMetadata(props.metadata, namespace),
      spec: {
        // A copy: cdk8s reads the props at synth, and what was checked here is what is written.
        entryPoints: props.entryPoints === undefined ? undefined : [...props.entryPoints],
        routes: [{
          kind: TRAEFIK_RULE_KIND as IngressRouteSpecRoutesKind,
          match: traefikMatch(hostnames, pathPrefix),
          services: [{
            name: props.backend.name,
            namespace: crossNamespace ? backendNamespace ?? DEFAULT_NAMESPACE : undefined,
            port: intOrString<IngressRouteSpecRoutesServicesPort>(port),
            sticky: {
              cookie: {
                name: resolved.name,
                secure: resolved.secure,
                httpOnly: resolved.httpOnly,
                sameSite: traefikSameSite(resolved.sameSite) as IngressRouteSpecRoutesServicesStickyCookieSameSite,
                maxAge: resolved.maxAgeSeconds,
                path: resolved.path,
                domain: resolved.domain,
              },
            },
          }],
        }],
        tls: props.tlsSecret ? { secretName: props.tlsSecret.name } : undefined,
      },
    });
    checkObjectNames(this, this.resource);
  }
}
