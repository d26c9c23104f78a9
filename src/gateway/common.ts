import { ApiObjectMetadata, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { AffinityCookie, cookiePathCoverageProblem, ResolvedCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import { httpRoutePathProblem, isGatewayHostname, isRouteHostname, isSectionName, ROUTE_HOSTNAMES_MAX } from '../facts/gateway-api';
import { NAMESPACE_NAME_RULE, NameRule } from '../facts/names';
import { keptAnnotations, namespaceOf } from '../metadata';
import { checkName, definedMetadata } from '../names';
import { settleWritesOn } from '../owed-writes';
import { A_LIST_OF_HOST_NAMES, describeNumber, describeSeconds, describeUntyped } from '../units';

/** The cookie name when none is given: ingress-nginx's, so a migrated app keeps its cookie's name. */
export const DEFAULT_HASH_COOKIE_NAME = 'INGRESSCOOKIE';

/**
 * Where a route attaches and what it sends traffic to, shared by the
 * constructs that write an HTTPRoute.
 */
export interface GatewayRouteOptions {
  /**
   * Metadata of the HTTPRoute.
   *
   * @default - a name cdk8s derives from the construct path, in the backend Service's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * Name of the parent Gateway (`parentRefs[0].name`), which lives outside the app.
   */
  readonly gateway: string;

  /**
   * Namespace of the parent Gateway.
   *
   * @default - the route's own namespace
   */
  readonly gatewayNamespace?: string;

  /**
   * Listener of the Gateway to attach to (`parentRefs[0].sectionName`).
   *
   * @default - every listener that accepts the route
   */
  readonly sectionName?: string;

  /**
   * Host names the route answers (`spec.hostnames`), at most 16; a leading
   * `*.` label is a wildcard.
   *
   * @default - every host name of the listener
   */
  readonly hostnames?: string[];

  /**
   * The Service the route sends traffic to.
   */
  readonly backend: kplus.Service;

  /**
   * Path prefix the route matches (`matches[0].path`, type `PathPrefix`).
   *
   * @default '/'
   */
  readonly pathPrefix?: string;

  /**
   * Port of the backend Service to send traffic to.
   *
   * @default - the Service's only port (an error when it has several)
   */
  readonly port?: number;
}

/** The parts of a route every renderer reads, checked once. */
export interface RouteTarget {
  readonly namespace?: string;
  readonly serviceName: string;
  readonly serviceNamespace?: string;
  readonly port: number;
  readonly hostnames?: string[];
  readonly pathPrefix: string;
}

/**
 * The metadata to give an L1 object: the user's, without the keys they set to
 * `undefined`, and the namespace chosen. cdk8s's ApiObject spreads the given
 * metadata over the name it generates, so `{ name: undefined }` would write an
 * object with no name at all, which the API server refuses.
 */
export function objectMetadata(metadata: ApiObjectMetadata | undefined, namespace: string | undefined): ApiObjectMetadata {
  const given: { -readonly [key in keyof ApiObjectMetadata]: ApiObjectMetadata[key] } = definedMetadata(metadata) ?? {};
  if (namespace !== undefined) {
    // In place, on the copy definedMetadata made: a namespace already there keeps its place.
    given.namespace = namespace;
  }
  return given;
}

export { namespaceOf };

/**
 * Refuses a Service whose name or namespace cannot be written where the
 * library refers to it (a route's `backendRefs`, a policy's `targetRefs`, a
 * DestinationRule's host): the user's Service is refused by the API server
 * anyway, and the reference to it by the CRD's pattern.
 */
export function checkServiceRef(scope: IConstruct, prop: string, service: kplus.Service): void {
  checkName(scope, `${prop}.metadata.name`, service.name, NameRule.DNS_1035_LABEL);
  const namespace = namespaceOf(service);
  if (namespace !== undefined) {
    checkName(scope, `${prop}.metadata.namespace`, namespace, NAMESPACE_NAME_RULE);
  }
}

/** The port of `backend` to use: `port` when it is one of its ports, else its only one. */
export function backendPort(scope: IConstruct, backend: kplus.Service, port: number | undefined): number {
  const ports = backend.ports.map(p => p.port);
  if (port !== undefined) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw propError(scope, 'port', describeNumber(port), 'must be a whole number from 1 to 65535');
    }
    if (ports.length > 0 && !ports.includes(port)) {
      throw propError(scope, 'port', String(port), `must be a port of the backend Service ${backend.name} (${ports.join(', ')})`);
    }
    return port;
  }
  if (ports.length !== 1) {
    throw propError(scope, 'port', 'not given',
      `must be given when the backend Service ${backend.name} has ${ports.length === 0 ? 'no ports yet' : `several ports (${ports.join(', ')})`}`);
  }
  return ports[0];
}

/** Checks the Gateway reference and host names of a route, eagerly. */
export function checkRouteOptions(scope: IConstruct, props: GatewayRouteOptions): RouteTarget {
  checkServiceRef(scope, 'backend', props.backend);
  checkName(scope, 'gateway', props.gateway, NameRule.DNS_1123_SUBDOMAIN);
  if (props.gatewayNamespace !== undefined) {
    checkName(scope, 'gatewayNamespace', props.gatewayNamespace, NameRule.DNS_1123_LABEL);
  }
  if (props.sectionName !== undefined && !isSectionName(props.sectionName)) {
    throw propError(scope, 'sectionName', JSON.stringify(props.sectionName),
      'must be a listener name: lowercase letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit, at most 253 characters');
  }
  const hostnames = props.hostnames;
  if (hostnames !== undefined) {
    if (!Array.isArray(hostnames)) {
      throw propError(scope, 'hostnames', describeUntyped(hostnames), `must be ${A_LIST_OF_HOST_NAMES}`);
    }
    if (hostnames.length > ROUTE_HOSTNAMES_MAX) {
      throw propError(scope, 'hostnames', `${hostnames.length} host names`, `must hold at most ${ROUTE_HOSTNAMES_MAX}`);
    }
    for (const host of hostnames) {
      if (typeof host !== 'string' || !isRouteHostname(host)) {
        throw propError(scope, 'hostnames', JSON.stringify(host),
          'must be lowercase DNS names (an optional leading \'*.\' label), at most 253 characters, with no port or IP address');
      }
      if (!isGatewayHostname(host)) {
        throw propError(scope, 'hostnames', JSON.stringify(host),
          'must be DNS names, not IP addresses: Gateway API forbids an IP as a hostname, and no request\'s host would match it; name the host, or leave \'hostnames\' out for every host of the listener');
      }
    }
  }
  const pathPrefix = props.pathPrefix ?? '/';
  // The HTTPRoute CRD's CEL rules on a path, which API servers before 1.25 do not run.
  const pathProblem = httpRoutePathProblem(pathPrefix);
  if (pathProblem !== undefined) {
    throw propError(scope, 'pathPrefix', JSON.stringify(pathPrefix), pathProblem);
  }
  return {
    pathPrefix,
    namespace: props.metadata?.namespace ?? namespaceOf(props.backend),
    serviceName: props.backend.name,
    serviceNamespace: namespaceOf(props.backend),
    port: backendPort(scope, props.backend, props.port),
    // A copy: cdk8s reads a route's props at synth, and what was checked here is what is written.
    hostnames: hostnames === undefined ? undefined : [...hostnames],
  };
}

/**
 * Refuses a given cookie Path that does not cover the route's path prefix: a
 * browser sends the cookie back only with requests at or below its Path
 * (RFC 6265 path-match), so requests to the rest of the route would not stay
 * on one pod. The prefix is fixed when the route is made, so this is eager.
 * Call it once the cookie model has checked the Path.
 *
 * @param elementWise whether the route matches the prefix element by element,
 *   ignoring a trailing '/' (a Gateway API PathPrefix: `/app/` matches `/app`)
 */
export function checkCookiePathCoversPrefix(
  scope: IConstruct, cookie: AffinityCookie | undefined, pathPrefix: string, elementWise: boolean = false,
): void {
  const path = cookie?.path;
  if (path === undefined) {
    return;
  }
  const problem = cookiePathCoverageProblem(path, [{ path: pathPrefix, regex: false, elementWise }], '\'pathPrefix\' matches');
  if (problem !== undefined) {
    throw propError(scope, 'cookie.path', JSON.stringify(path), problem);
  }
}

/**
 * Refuses the cookie fields a target cannot write, but only those the user
 * set: a default the target cannot express is documented, not an error.
 *
 * @param why for each field, why the target cannot write it
 */
export function refuseGiven(scope: IConstruct, prop: string, cookie: AffinityCookie, resolved: ResolvedCookie,
  why: { [field in keyof AffinityCookie]?: (value: string) => string | undefined }): void {
  // Over the keys, not Object.entries: most cookies give none of these fields, and no pairs are made for them.
  for (const key in why) {
    const field = key as keyof AffinityCookie;
    if (!resolved.given[field]) {
      continue;
    }
    const value = cookie[field];
    const shown = value instanceof Duration ? describeSeconds(value) : typeof value === 'string' ? JSON.stringify(value) : String(value);
    const problem = why[field]!(shown);
    if (problem !== undefined) {
      throw propError(scope, `${prop}.${field}`, shown, problem);
    }
  }
}

/**
 * Sets annotations on a Service a construct refers to, refusing to replace a
 * different value another construct (or the user) already set there.
 */
export function annotateService(scope: IConstruct, prop: string, service: kplus.Service, annotations: Record<string, string>): void {
  // An Ingress that annotates this Service at the app's walk wrote first: it writes now, so its value is read.
  settleWritesOn(scope, service.name);
  for (const key of Object.keys(annotations)) {
    const value = annotations[key];
    const before = annotationNow(service, key);
    if (before !== undefined && before !== value) {
      throw propError(scope, prop, service.name,
        `already has the annotation ${key}: ${before}; a Service takes one such policy, so ${value} cannot be attached as well`);
    }
    service.metadata.addAnnotation(key, value);
  }
}

/**
 * The value an annotation of a Service has now. cdk8s keeps the annotations
 * as a plain map on the metadata definition, and reading it costs nothing,
 * where `metadata.toJson()` resolves and copies the whole metadata; a value
 * that is not a plain string yet (a Lazy), or a map kept otherwise by another
 * release of cdk8s, is read from the rendered metadata.
 */
function annotationNow(service: kplus.Service, key: string): string | undefined {
  const kept = keptAnnotations(service.metadata);
  if (kept !== undefined) {
    const value = kept[key];
    if (value === undefined || typeof value === 'string') {
      return value;
    }
  }
  return service.metadata.toJson().annotations?.[key];
}
