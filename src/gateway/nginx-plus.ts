import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { backendPort, checkCookiePathCoversPrefix, checkServiceRef, DEFAULT_HASH_COOKIE_NAME, namespaceOf, objectMetadata } from './common';
import { AffinityCookie, resolveCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import { isRouteHostname } from '../facts/gateway-api';
import { nginxPlusExpires, nginxPlusSameSite } from '../facts/nginx-plus';
import { customResource, NGINX_VIRTUAL_SERVER } from '../imports/custom-resource';
import type { VirtualServerProps } from '../imports/nginx-virtualservers';
import { checkObjectNames } from '../names';
import { A_SERVICE, untypedProps } from '../units';

/** The upstream name the VirtualServer's route refers to. */
const UPSTREAM_NAME = 'backend';

/** What a NginxPlusCookieAffinity's props must hold, for callers without types: made once, not per instance. */
const NGINX_PLUS_PROPS_RULES = { required: ['backend', 'host'], durations: ['cookie.maxAge'], strings: ['host', 'pathPrefix', 'ingressClassName'], secrets: ['tlsSecret'], constructs: { backend: A_SERVICE } };

/**
 * Properties of a NginxPlusCookieAffinity.
 */
export interface NginxPlusCookieAffinityProps {
  /**
   * Metadata of the VirtualServer.
   *
   * @default - a name cdk8s derives from the construct path, in the backend Service's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The host the VirtualServer serves (`spec.host`); a leading `*.` label is
   * a wildcard.
   */
  readonly host: string;

  /**
   * Path prefix the route matches (`routes[0].path`).
   *
   * @default '/'
   */
  readonly pathPrefix?: string;

  /**
   * The Service the upstream sends traffic to; a VirtualServer reaches
   * Services in its own namespace only.
   */
  readonly backend: kplus.Service;

  /**
   * Port of the backend Service.
   *
   * @default - the Service's only port (an error when it has several)
   */
  readonly port?: number;

  /**
   * TLS certificate of the host (`spec.tls.secret`); with it the cookie is
   * `Secure` unless `cookie.secure` says otherwise.
   *
   * @default - no TLS
   */
  readonly tlsSecret?: kplus.ISecret;

  /**
   * The affinity cookie, written to the upstream's `sessionCookie`, every
   * field of the model included.
   *
   * @default - a session cookie named `INGRESSCOOKIE`, `Path=/`, `SameSite=Lax`, `HttpOnly`
   */
  readonly cookie?: AffinityCookie;

  /**
   * The IngressClass of the F5 NGINX Ingress Controller that serves the
   * VirtualServer (`spec.ingressClassName`).
   *
   * @default - the controller's default class
   */
  readonly ingressClassName?: string;
}

/**
 * Cookie affinity on F5 NGINX Ingress Controller with NGINX Plus: a
 * `VirtualServer` (k8s.nginx.org/v1, checked against v5.5.4) whose upstream
 * has `sessionCookie`, NGINX Plus's `sticky cookie`.
 *
 * NGINX Plus only: the open-source NGINX build of the controller has no
 * `sticky` directive and refuses or ignores `sessionCookie`. This is F5's
 * controller (nginx/kubernetes-ingress), not the retired community
 * ingress-nginx, whose annotations `CookieAffinityIngress` writes.
 *
 * @see https://docs.nginx.com/nginx-ingress-controller/configuration/virtualserver-and-virtualserverroute-resources/#upstreamsessioncookie
 */
export class NginxPlusCookieAffinity extends Construct {
  /** The VirtualServer. */
  public readonly resource: ApiObject;

  constructor(scope: Construct, id: string, props: NginxPlusCookieAffinityProps) {
    super(scope, id);
    props = untypedProps(this, props, NGINX_PLUS_PROPS_RULES);
    checkServiceRef(this, 'backend', props.backend);
    if (!isRouteHostname(props.host)) {
      throw propError(this, 'host', JSON.stringify(props.host), 'must be a lowercase DNS name (an optional leading \'*.\' label), at most 253 characters');
    }
    const pathPrefix = props.pathPrefix ?? '/';
    if (!/^\/[^\s{};]*$/.test(pathPrefix)) {
      throw propError(this, 'pathPrefix', JSON.stringify(pathPrefix), 'must start with \'/\' and hold no spaces, braces or \';\'');
    }
    const port = backendPort(this, props.backend, props.port);
    const namespace = props.metadata?.namespace ?? namespaceOf(props.backend);
    if (namespace !== namespaceOf(props.backend)) {
      throw propError(this, 'metadata.namespace', JSON.stringify(namespace),
        `must be the backend Service's namespace (${namespaceOf(props.backend) ?? 'none'}): a VirtualServer's upstreams are Services in its own namespace`);
    }
    const resolved = resolveCookie(this, 'cookie', props.cookie ?? {}, { tls: props.tlsSecret !== undefined });
    checkCookiePathCoversPrefix(this, props.cookie, pathPrefix);
    this.resource = customResource<VirtualServerProps>(this, 'Resource', NGINX_VIRTUAL_SERVER, {
      metadata: objectMetadata(props.metadata, namespace),
      spec: {
        host: props.host,
        ingressClassName: props.ingressClassName,
        tls: props.tlsSecret !== undefined ? { secret: props.tlsSecret.name } : undefined,
        upstreams: [{
          name: UPSTREAM_NAME,
          service: props.backend.name,
          port,
          sessionCookie: {
            enable: true,
            // The controller requires a name, though the schema does not.
            name: resolved.name ?? DEFAULT_HASH_COOKIE_NAME,
            path: resolved.path,
            expires: resolved.maxAgeSeconds !== undefined ? nginxPlusExpires(resolved.maxAgeSeconds) : undefined,
            // The controller checks a lowercase DNS name (after an optional leading '.'); browsers ignore the case.
            domain: resolved.domain?.toLowerCase(),
            httpOnly: resolved.httpOnly,
            secure: resolved.secure,
            samesite: nginxPlusSameSite(resolved.sameSite),
          },
        }],
        routes: [{ path: pathPrefix, action: { pass: UPSTREAM_NAME } }],
      },
    });
    checkObjectNames(this, this.resource);
  }
}
