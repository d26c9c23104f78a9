import { groupOf, listOf, manifestName } from './manifests';
import type { FrontDetector, FrontReach, Manifest, NotCounted } from '../doctor/fronts';

/**
 * What the Gateway API's HTTPRoute and XBackendTrafficPolicy accept for
 * session persistence, in the release this library writes: v1.6.1,
 * experimental channel (`sessionPersistence` is in no standard-channel
 * release). Pure: no imports.
 *
 * Read from the CRDs in `crds/` (kubernetes-sigs/gateway-api
 * config/crd/experimental, tag v1.6.1).
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-1619/
 * @see https://github.com/kubernetes-sigs/gateway-api/blob/v1.6.1/config/crd/experimental/gateway.networking.k8s.io_httproutes.yaml
 */

/** The Gateway API release whose CRDs the output is checked against. */
export const GATEWAY_API_RELEASE = 'v1.6.1';

/** The release channel that carries `sessionPersistence`. */
export const GATEWAY_API_CHANNEL = 'experimental';

/** `sessionPersistence.sessionName`: `maxLength: 128`. */
export const SESSION_NAME_MAX_LENGTH = 128;

/**
 * The Gateway API duration format (GEP-2257), the `pattern` of
 * `absoluteTimeout` and of Envoy Gateway's cookie `ttl`: one to four parts,
 * each one to five digits and a unit.
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-2257/
 */
export const GATEWAY_DURATION_PATTERN = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

/** The largest number one part of a Gateway API duration can hold (five digits). */
export const GATEWAY_DURATION_PART_MAX = 99999;

/**
 * A duration given in seconds (milliseconds kept) in the Gateway API format,
 * as few parts as possible (`3600` -> `1h`, `5400` -> `1h30m`, `0` -> `0s`),
 * or `undefined` when the format cannot hold it: negative, finer than a
 * millisecond, or more than 99999 hours.
 */
export function gatewayDuration(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) {
    return undefined;
  }
  const totalMs = Math.round(seconds * 1000);
  // Whole milliseconds, up to the float error of `seconds * 1000`, which grows with the value
  // (34064135.707 s is 34064135707.000004 ms): a fixed tolerance refused long valid durations.
  if (Math.abs(totalMs - seconds * 1000) > Math.max(1e-6, Math.abs(seconds * 1000) * 4 * Number.EPSILON)) {
    return undefined;
  }
  if (totalMs === 0) {
    return '0s';
  }
  const hours = Math.floor(totalMs / 3_600_000);
  const minutes = Math.floor((totalMs % 3_600_000) / 60_000);
  const secs = Math.floor((totalMs % 60_000) / 1000);
  const ms = totalMs % 1000;
  if (hours > GATEWAY_DURATION_PART_MAX) {
    return undefined;
  }
  // The parts that are not 0, in order, written straight into one string.
  const text = (hours > 0 ? `${hours}h` : '') + (minutes > 0 ? `${minutes}m` : '') + (secs > 0 ? `${secs}s` : '') + (ms > 0 ? `${ms}ms` : '');
  return GATEWAY_DURATION_PATTERN.test(text) ? text : undefined;
}

/** The longest duration the format holds, in seconds (99999h 59m 59s 999ms). */
export const GATEWAY_DURATION_MAX_SECONDS = GATEWAY_DURATION_PART_MAX * 3600 + 3599.999;

/**
 * `sessionPersistence.cookieConfig.lifetimeType`. The CRD's CEL rule: a
 * `Permanent` cookie needs `absoluteTimeout` (its Max-Age); a `Session`
 * cookie may have one (how long the gateway honours it).
 */
export const LIFETIME_PERMANENT = 'Permanent';
/** See {@link LIFETIME_PERMANENT}. */
export const LIFETIME_SESSION = 'Session';

/** The CRD's CEL messages on `sessionPersistence`, which API servers before 1.25 do not run. */
export const SESSION_PERSISTENCE_CEL_MESSAGES = {
  permanentNeedsTimeout: 'AbsoluteTimeout must be specified when cookie lifetimeType is Permanent',
  cookieConfigNeedsCookie: 'cookieConfig can only be set with type Cookie',
} as const;

/**
 * Whether `sessionPersistence` (a JSON object as written) breaks one of the
 * CRD's CEL rules; returns the CRD's own message, or `undefined`.
 */
export function sessionPersistenceProblem(
  sp: { type?: string; absoluteTimeout?: string; cookieConfig?: { lifetimeType?: string } },
): string | undefined {
  if (sp.cookieConfig?.lifetimeType === LIFETIME_PERMANENT && sp.absoluteTimeout === undefined) {
    return SESSION_PERSISTENCE_CEL_MESSAGES.permanentNeedsTimeout;
  }
  if (sp.cookieConfig !== undefined && (sp.type ?? 'Cookie') !== 'Cookie') {
    return SESSION_PERSISTENCE_CEL_MESSAGES.cookieConfigNeedsCookie;
  }
  return undefined;
}

/**
 * `spec.hostnames[]` of an HTTPRoute: a DNS name, optionally with one leading
 * `*.` label, lowercase, at most 253 characters (the CRD's `pattern` and
 * `maxLength`); at most 16 of them.
 */
export const ROUTE_HOSTNAME_PATTERN = /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** See {@link ROUTE_HOSTNAME_PATTERN}. */
export const ROUTE_HOSTNAME_MAX_LENGTH = 253;
/** See {@link ROUTE_HOSTNAME_PATTERN}. */
export const ROUTE_HOSTNAMES_MAX = 16;

/** Whether `hostname` matches the pattern and length of an HTTPRoute's `hostnames` (see `isGatewayHostname`). */
export function isRouteHostname(hostname: string): boolean {
  return hostname.length <= ROUTE_HOSTNAME_MAX_LENGTH && ROUTE_HOSTNAME_PATTERN.test(hostname);
}

/**
 * Whether `hostname` can be a Gateway API `Hostname`: the CRD's pattern, and
 * not an IP address. The type's definition says "IPs are not allowed"; the
 * pattern lets a dotted IPv4 address through (an IPv6 one cannot match it),
 * which the documentation calls a validation bug, and a route with one never
 * matches a request's host.
 *
 * @see https://gateway-api.sigs.k8s.io/concepts/hostnames/
 */
export function isGatewayHostname(hostname: string): boolean {
  return isRouteHostname(hostname) && !/^(\*\.)?[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(hostname);
}

/**
 * `parentRefs[].sectionName`: a DNS-1123 subdomain of at most 253 characters
 * (the CRD's `pattern` and `maxLength`).
 */
export function isSectionName(name: string): boolean {
  return name.length >= 1 && name.length <= 253
    && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);
}

/** The Gateway API's group. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** The group of the Gateway API's experimental kinds (XBackendTrafficPolicy). */
export const GATEWAY_API_EXPERIMENTAL_GROUP = 'gateway.networking.x-k8s.io';

/** The route kinds whose `backendRefs` name Services. */
export const GATEWAY_ROUTE_KINDS = ['HTTPRoute', 'GRPCRoute', 'TLSRoute', 'TCPRoute', 'UDPRoute'] as const;

/**
 * The Services a Gateway API route rule reaches (a `backendRef` is a core
 * Service unless it names another group or kind), in the route's namespace
 * unless the ref names one.
 */
export function routeRuleBackends(rule: any, namespace: string): Array<{ namespace: string; name: string; port?: number }> {
  const out: Array<{ namespace: string; name: string; port?: number }> = [];
  for (const ref of listOf(rule?.backendRefs)) {
    if (typeof ref?.name === 'string' && (ref.kind ?? 'Service') === 'Service' && (ref.group ?? '') === '') {
      out.push({
        namespace: typeof ref.namespace === 'string' ? ref.namespace : namespace,
        name: ref.name,
        ...(typeof ref.port === 'number' ? { port: ref.port } : {}),
      });
    }
  }
  return out;
}

/**
 * `sessionPersistence.type` when left out: `Cookie` (the CRD's
 * `+kubebuilder:default=Cookie`, v1.6.1 and main). The other value, `Header`,
 * is a session the gateway hands out in a response header and finds again
 * only in a request that carries that header back (GEP-1619): a browser
 * never sends it on its own, so only a client written to (an API client, a
 * page's script) is kept on its pod.
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-1619/
 */
export const SESSION_PERSISTENCE_DEFAULT_TYPE = 'Cookie';

/**
 * Why a `sessionPersistence` keeps no browser on its pod, and what would:
 * undefined for a cookie session (type `Cookie`, or no type). `where` names
 * the object (and rule) that sets it.
 */
export function sessionPersistenceNotPinningBrowsers(sp: { [key: string]: any }, where: string): NotCounted | undefined {
  const type = sp.type ?? SESSION_PERSISTENCE_DEFAULT_TYPE;
  if (type === SESSION_PERSISTENCE_DEFAULT_TYPE) {
    return undefined;
  }
  if (type !== 'Header') {
    return {
      why: `${where} sets sessionPersistence.type ${JSON.stringify(type)}, neither Cookie nor Header, which the CRD refuses`,
      fix: `set sessionPersistence.type to Cookie on ${where}, or leave type out (Cookie is the default)`,
    };
  }
  const name = typeof sp.sessionName === 'string' ? ` (${sp.sessionName})` : typeof sp.header?.name === 'string' ? ` (${sp.header.name})` : '';
  return {
    why: `${where} sets sessionPersistence.type Header: the gateway gives the session out in a response header${name} and keeps on one pod only the requests that send that header back, which a browser never does on its own, so a browser's requests go to any pod`,
    fix: `set sessionPersistence.type to Cookie on ${where}, or leave type out (Cookie is the default), so that browsers carry the session back`,
  };
}

/** The Gateway API route kinds a gateway's backend policy on a Service pins (no Ingress controller reads one). */
export const GATEWAY_POLICY_COVERS: readonly string[] = GATEWAY_ROUTE_KINDS;

/** A route rule in words, to tell the rules of one route apart: "rule 2 (PathPrefix /api)", "rule admin". */
export function routeRuleInWords(rule: any, index: number, kind: string): string {
  const name = typeof rule?.name === 'string' && rule.name !== '' ? `rule ${rule.name}` : `rule ${index + 1}`;
  if (kind !== 'HTTPRoute') {
    return name;
  }
  // A rule without matches matches PathPrefix / (the CRD's default), and so does a match without a path.
  const matches = listOf(rule?.matches);
  const paths = (matches.length === 0 ? [{}] : matches).map((m: any) => {
    const path = m?.path ?? {};
    return `${path.type ?? 'PathPrefix'} ${path.value ?? '/'}`;
  });
  return `${name} (${[...new Set(paths)].join(', ')})`;
}

/**
 * Every Gateway API implementation sends a route's traffic to the backend
 * Service's endpoints, not to its cluster IP: the Gateway picks the pod, so
 * ClientIP affinity on the Service is never applied. A rule's
 * `sessionPersistence`, or an XBackendTrafficPolicy's on the Service (for
 * the Gateway API routes only, as no Ingress controller reads it), pins a
 * browser to a pod when it is a cookie session; a header session pins only
 * the clients that send the header back, which browsers do not. Each rule is
 * its own path to the Service: a rule without persistence leaves the
 * browsers on its paths spread over the pods, whatever the other rules do.
 *
 * @see https://gateway-api.sigs.k8s.io/geps/gep-1619/
 * @see https://gateway-api.sigs.k8s.io/reference/spec/#backendref
 */
export const GATEWAY_API_DETECTOR: FrontDetector = {
  front: 'gateway-api',
  kinds: [...GATEWAY_ROUTE_KINDS, 'XBackendTrafficPolicy'],
  detect(obj: Manifest, context) {
    const via = `${obj.kind} ${manifestName(obj)}`;
    const affinity = `Gateway API sessionPersistence on ${via}`;
    if (obj.kind === 'XBackendTrafficPolicy') {
      if (groupOf(obj) !== GATEWAY_API_EXPERIMENTAL_GROUP) {
        return [];
      }
      const sp = obj.spec?.sessionPersistence;
      if (typeof sp !== 'object' || sp === null) {
        return [];
      }
      const notCounted = sessionPersistenceNotPinningBrowsers(sp, via);
      return listOf(obj.spec.targetRefs)
        .filter(ref => ref?.kind === 'Service' && typeof ref.name === 'string')
        .map(ref => ({
          namespace: context.namespace,
          name: ref.name,
          affinity,
          coversRouteKinds: GATEWAY_POLICY_COVERS,
          via,
          ...(notCounted !== undefined ? { notCounted } : {}),
        }));
    }
    if (groupOf(obj) !== GATEWAY_API_GROUP) {
      return [];
    }
    const out: FrontReach[] = [];
    listOf(obj.spec?.rules).forEach((rule, index) => {
      const sp = rule?.sessionPersistence;
      const persistent = typeof sp === 'object' && sp !== null;
      const path = routeRuleInWords(rule, index, String(obj.kind));
      const notCounted = persistent ? sessionPersistenceNotPinningBrowsers(sp, `${via} ${path}`) : undefined;
      for (const backend of routeRuleBackends(rule, context.namespace)) {
        out.push({
          ...backend,
          bypassesVirtualIp: true,
          via,
          path,
          ...(persistent ? { affinity } : {}),
          ...(notCounted !== undefined ? { notCounted } : {}),
        });
      }
    });
    return out;
  },
};

/**
 * The CEL rules and pattern the HTTPRoute CRD (v1.6.1 and main) puts on a
 * `PathPrefix` or `Exact` path value. Returns the first rule a value breaks,
 * in the CRD's words, or `undefined`.
 *
 * @see https://github.com/kubernetes-sigs/gateway-api/blob/v1.6.1/config/crd/experimental/gateway.networking.k8s.io_httproutes.yaml
 */
export function httpRoutePathProblem(value: string): string | undefined {
  if (value.length > 1024) {
    return 'must be at most 1024 characters';
  }
  if (!value.startsWith('/')) {
    return 'must be an absolute path and start with \'/\'';
  }
  for (const part of ['//', '/./', '/../', '%2f', '%2F', '#']) {
    if (value.includes(part)) {
      return `must not contain '${part}'`;
    }
  }
  for (const end of ['/..', '/.']) {
    if (value.endsWith(end)) {
      return `must not end with '${end}'`;
    }
  }
  if (!/^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$/.test(value)) {
    return 'must only contain valid characters (letters, digits, -/._~!$&\'()*+,;=:@ and %XX escapes)';
  }
  return undefined;
}
