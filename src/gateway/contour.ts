import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { backendPort, checkCookiePathCoversPrefix, checkServiceRef, namespaceOf, objectMetadata, refuseGiven } from './common';
import { AffinityCookie, resolveCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import { CONTOUR_COOKIE_STRATEGY, CONTOUR_SESSION_COOKIE_NAME, CONTOUR_SESSION_COOKIE_PATH } from '../facts/contour';
import { browserCookieDomain } from '../facts/cookie';
import { isRouteHostname } from '../facts/gateway-api';
import type { HttpProxyProps, HttpProxySpecRoutesCookieRewritePolicies, HttpProxySpecRoutesCookieRewritePoliciesSameSite } from '../imports/contour-httpproxies';
import { CONTOUR_HTTP_PROXY, customResource } from '../imports/custom-resource';
import { checkObjectNames } from '../names';
import { A_SERVICE, untypedProps } from '../units';

/** What a ContourCookieAffinityProxy's props must hold, for callers without types: made once, not per instance. */
const CONTOUR_PROPS_RULES = { required: ['backend'], durations: ['cookie.maxAge'], strings: ['fqdn', 'pathPrefix'], secrets: ['tlsSecret'], constructs: { backend: A_SERVICE } };

/**
 * Properties of a ContourCookieAffinityProxy.
 */
export interface ContourCookieAffinityProxyProps {
  /**
   * Metadata of the HTTPProxy.
   *
   * @default - a name cdk8s derives from the construct path, in the backend Service's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The host name the proxy serves (`spec.virtualhost.fqdn`), which makes it
   * a root HTTPProxy.
   *
   * @default - no virtual host: a proxy another (root) HTTPProxy includes
   */
  readonly fqdn?: string;

  /**
   * Path prefix the route matches (`conditions[0].prefix`).
   *
   * @default '/'
   */
  readonly pathPrefix?: string;

  /**
   * The Service the route sends traffic to; HTTPProxy reaches Services in
   * its own namespace only.
   */
  readonly backend: kplus.Service;

  /**
   * Port of the backend Service.
   *
   * @default - the Service's only port (an error when it has several)
   */
  readonly port?: number;

  /**
   * TLS certificate of the virtual host (`virtualhost.tls.secretName`); with
   * it the cookie is `Secure` unless `cookie.secure` says otherwise. Needs
   * `fqdn`.
   *
   * @default - no TLS
   */
  readonly tlsSecret?: kplus.ISecret;

  /**
   * The affinity cookie. Contour's cookie is always named
   * `X-Contour-Session-Affinity`, a session cookie, `HttpOnly`: a given
   * `name` (other than that one), `maxAge` or `httpOnly: false` is an error.
   * Its `path`, `domain`, `secure` and `sameSite` are written as a cookie
   * rewrite policy on the route.
   *
   * @default - Contour's cookie, `Path=/`, `SameSite=Lax`
   */
  readonly cookie?: AffinityCookie;
}

/**
 * Cookie affinity on Contour: an `HTTPProxy` (projectcontour.io/v1, checked
 * against Contour v1.33.6) whose route has `loadBalancerPolicy.strategy:
 * Cookie`, with a `cookieRewritePolicies` entry for the attributes of the
 * cookie Contour generates.
 *
 * Contour's cookie is fixed: named `X-Contour-Session-Affinity`, with no
 * Max-Age (it ends when the browser closes) and `HttpOnly`. HTTPProxy has no
 * field for a name or a lifetime, so those are errors here rather than
 * dropped.
 *
 * @see https://projectcontour.io/docs/1.33/config/request-routing/#session-affinity
 * @see https://projectcontour.io/docs/1.33/config/cookie-rewriting/
 */
export class ContourCookieAffinityProxy extends Construct {
  /** The name of the cookie Contour generates, which no field renames. */
  public static readonly COOKIE_NAME = CONTOUR_SESSION_COOKIE_NAME;

  /** The HTTPProxy. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: ContourCookieAffinityProxyProps) {
    super(scope, id);
    props = untypedProps(this, props, CONTOUR_PROPS_RULES);
    checkServiceRef(this, 'backend', props.backend);
    if (props.fqdn !== undefined && (props.fqdn.startsWith('*.') || !isRouteHostname(props.fqdn))) {
      throw propError(this, 'fqdn', JSON.stringify(props.fqdn), 'must be a lowercase DNS name without a wildcard, at most 253 characters');
    }
    if (props.tlsSecret !== undefined && props.fqdn === undefined) {
      throw propError(this, 'tlsSecret', props.tlsSecret.name, 'needs \'fqdn\': TLS belongs to the virtual host of a root HTTPProxy');
    }
    const pathPrefix = props.pathPrefix ?? '/';
    if (!/^\/[^\s]*$/.test(pathPrefix)) {
      throw propError(this, 'pathPrefix', JSON.stringify(pathPrefix), 'must start with \'/\' and hold no spaces');
    }
    const port = backendPort(this, props.backend, props.port);
    const namespace = props.metadata?.namespace ?? namespaceOf(props.backend);
    if (namespace !== namespaceOf(props.backend)) {
      throw propError(this, 'metadata.namespace', JSON.stringify(namespace),
        `must be the backend Service's namespace (${namespaceOf(props.backend) ?? 'none'}): an HTTPProxy routes to Services in its own namespace only`);
    }
    const cookie = props.cookie ?? {};
    const resolved = resolveCookie(this, 'cookie', cookie, { tls: props.tlsSecret !== undefined });
    refuseGiven(this, 'cookie', cookie, resolved, {
      name: value => (resolved.name === CONTOUR_SESSION_COOKIE_NAME ? undefined
        : `cannot be written in an HTTPProxy: Contour always names its affinity cookie ${CONTOUR_SESSION_COOKIE_NAME}; leave it out (was ${value})`),
      maxAge: () => 'cannot be written in an HTTPProxy: Contour\'s affinity cookie has no Max-Age (it ends when the browser closes); leave it out',
      httpOnly: () => (resolved.httpOnly ? undefined
        : 'must be true or left out: Envoy marks the cookie Contour asks it to generate HttpOnly, always'),
    });
    checkCookiePathCoversPrefix(this, cookie, pathPrefix);
    const rewrite: HttpProxySpecRoutesCookieRewritePolicies = {
      name: CONTOUR_SESSION_COOKIE_NAME,
      pathRewrite: resolved.path !== CONTOUR_SESSION_COOKIE_PATH ? { value: resolved.path } : undefined,
      // The CRD takes a bare lowercase DNS name; browsers ignore a leading '.' and the case (RFC 6265 5.2.3).
      domainRewrite: resolved.domain !== undefined ? { value: browserCookieDomain(resolved.domain) } : undefined,
      secure: resolved.secure ? true : undefined,
      sameSite: resolved.sameSite as string as HttpProxySpecRoutesCookieRewritePoliciesSameSite,
    };
    this.resource = customResource<HttpProxyProps>(this, 'Resource', CONTOUR_HTTP_PROXY, {
      // The CRD lists metadata as required, so the generated props do too.
      metadata: objectMetadata(props.metadata, namespace),
      spec: {
        virtualhost: props.fqdn !== undefined ? {
          fqdn: props.fqdn,
          tls: props.tlsSecret !== undefined ? { secretName: props.tlsSecret.name } : undefined,
        } : undefined,
        routes: [{
          conditions: [{ prefix: pathPrefix }],
          services: [{ name: props.backend.name, port }],
          loadBalancerPolicy: { strategy: CONTOUR_COOKIE_STRATEGY },
          cookieRewritePolicies: [rewrite],
        }],
      },
    });
    checkObjectNames(this, this.resource);
  }
}
