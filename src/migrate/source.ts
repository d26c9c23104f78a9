// Reads ingress-nginx Ingresses (plain JSON) into a controller-neutral route
// model. Pure: no cdk8s.
import {
  NGINX_AFFINITY_ANNOTATIONS as A,
  NGINX_AFFINITY_COOKIE,
  NGINX_ANNOTATION_PREFIX,
  NGINX_COOKIE_NAME_PATTERN,
  NGINX_DEFAULT_COOKIE_NAME,
  isNginxCookieSeconds,
  nginxPathsAreRegex,
} from '../facts/ingress-nginx';

/** The canary annotations of ingress-nginx. */
export const CANARY = {
  canary: `${NGINX_ANNOTATION_PREFIX}canary`,
  byHeader: `${NGINX_ANNOTATION_PREFIX}canary-by-header`,
  byHeaderValue: `${NGINX_ANNOTATION_PREFIX}canary-by-header-value`,
  byHeaderPattern: `${NGINX_ANNOTATION_PREFIX}canary-by-header-pattern`,
  byCookie: `${NGINX_ANNOTATION_PREFIX}canary-by-cookie`,
  weight: `${NGINX_ANNOTATION_PREFIX}canary-weight`,
  weightTotal: `${NGINX_ANNOTATION_PREFIX}canary-weight-total`,
} as const;

/** `use-regex`: every path of the host is a regular expression. */
export const USE_REGEX = `${NGINX_ANNOTATION_PREFIX}use-regex`;

/** With TLS for a host, ingress-nginx redirects its HTTP requests to HTTPS unless this is "false". */
export const SSL_REDIRECT = `${NGINX_ANNOTATION_PREFIX}ssl-redirect`;

/** Redirects HTTP to HTTPS even without TLS in the Ingress. */
export const FORCE_SSL_REDIRECT = `${NGINX_ANNOTATION_PREFIX}force-ssl-redirect`;

/** The annotation older Ingresses name their class with. */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** Annotations kubectl writes for itself; not the Ingress's configuration. */
export const TOOL_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration'];

/** One backend of a path: a Service port, by number or name. */
export interface Backend {
  readonly service: string;
  readonly port?: number;
  readonly portName?: string;
  /** Relative weight among the rule's backends (canary). */
  weight?: number;
}

/** A path of the Ingress, with the Ingress field it came from. */
export interface SourcePath {
  readonly field: string;
  readonly path: string;
  /** `Prefix`, `Exact` or `ImplementationSpecific`. */
  readonly pathType: string;
  readonly backends: Backend[];
  /** A header the request must carry (canary by header). */
  header?: { name: string; value: string; regex: boolean };
  /** A cookie the request must carry with this value (canary by cookie: `always`, or `never` back to main). */
  cookie?: { name: string; value: string };
  /**
   * Why ingress-nginx gives this location no cookie affinity, when it gives
   * none: the default backend.
   */
  readonly withoutAffinity?: string;
}

/** The paths of one host (`undefined`: any host). */
export interface SourceHost {
  readonly host?: string;
  readonly paths: SourcePath[];
}

/**
 * Where ingress-nginx serves the `spec.defaultBackend` of an Ingress that has
 * rules too: only as the fallback of the rules' hosts (the location `/` of
 * each host's server, for the paths no rule matches), never on other hosts.
 * (Without rules, the default backend is the catch-all server's `/`: a path
 * of `SourceHost` `undefined`.)
 */
export interface SourceDefaultBackend {
  readonly backend: Backend;
  /** The rule hosts whose fallback it is: each has a path `/` for it (field `spec.defaultBackend`). */
  readonly fallbackHosts: string[];
  /** The rule hosts where a rule for `/` takes the default backend's place, and which rule. */
  readonly replaced: Array<{ host: string; by: string }>;
  /**
   * Fallback hosts that other Ingresses of the input have rules for:
   * ingress-nginx serves a host from one server, whose `/` is the default
   * backend of the Ingress it read first (the oldest), or the controller's
   * own when that one has none.
   */
  readonly shared: Array<{ host: string; others: string[] }>;
  /** Whether a rule has no host: the catch-all server serves it, and its `/` does not become this default backend. */
  readonly hostlessRule: boolean;
}

/** The field of the paths made for the default backend. */
export const DEFAULT_BACKEND_FIELD = 'spec.defaultBackend';

/**
 * Whether a rule's path takes the place of the default backend on its host:
 * ingress-nginx replaces the host's fallback location when a rule to a
 * Service has the same path, `/`, and the same pathType, Prefix (its store
 * reads ImplementationSpecific, and a pathType left out, as Prefix). An
 * Exact `/` is a location of its own beside it.
 */
export function takesRootLocation(p: SourcePath): boolean {
  return p.field !== DEFAULT_BACKEND_FIELD && p.path === '/' && p.pathType !== 'Exact' && p.backends.length > 0;
}

/** What the cookie annotations ask of ingress-nginx, after its own rules for odd values. */
export interface SourceCookie {
  readonly name: string;
  readonly path?: string;
  readonly domain?: string;
  readonly sameSite?: string;
  readonly secure: boolean;
  /** Max-Age, or else Expires, in seconds; `undefined` for a session cookie. */
  readonly lifetimeSeconds?: number;
}

/** An ingress-nginx Ingress as the migration reads it. */
export interface SourceIngress {
  readonly name: string;
  readonly namespace: string;
  readonly file?: string;
  readonly line?: number;
  readonly annotations: { [key: string]: string };
  readonly hosts: SourceHost[];
  /** `spec.tls` entries. */
  readonly tls: Array<{ hosts: string[]; secretName?: string }>;
  /**
   * Hosts (lowercase) that any ingress-nginx Ingress of the input gives TLS:
   * ingress-nginx serves a host from one server, so TLS on one of its
   * Ingresses covers them all. Filled by the migration, across Ingresses.
   */
  tlsHosts?: ReadonlySet<string>;
  /**
   * Where the default backend of an Ingress with rules is served (see
   * `SourceDefaultBackend`); `undefined` without one, without rules, or on a
   * canary Ingress, whose default backend ingress-nginx merges into the
   * catch-all server's locations.
   */
  readonly defaultBackend?: SourceDefaultBackend;
  /** The cookie, when `affinity: cookie`; `undefined` when the source has no affinity. */
  readonly cookie?: SourceCookie;
  readonly canary: boolean;
  readonly useRegex: boolean;
}

function isObject(v: unknown): v is { [k: string]: any } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a manifest is an Ingress ingress-nginx serves: class nginx, or nginx annotations. */
export function isNginxIngress(obj: { [k: string]: any }): boolean {
  if (obj.kind !== 'Ingress' || !String(obj.apiVersion ?? '').startsWith('networking.k8s.io/')) {
    return false;
  }
  const annotations = isObject(obj.metadata?.annotations) ? obj.metadata.annotations : {};
  const cls = obj.spec?.ingressClassName ?? annotations[INGRESS_CLASS_ANNOTATION];
  return cls === 'nginx' || Object.keys(annotations).some(k => k.startsWith(NGINX_ANNOTATION_PREFIX));
}

/**
 * A boolean annotation as ingress-nginx reads it, with Go's strconv.ParseBool:
 * `undefined` when absent or not one of its spellings (the annotation is then ignored).
 */
export function annotationBool(value: string | undefined): boolean | undefined {
  if (value === undefined) {
    return undefined;
  }
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value) ? true
    : ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value) ? false : undefined;
}

/** `true`, as ingress-nginx reads a boolean annotation. */
export function annotationTrue(value: string | undefined): boolean {
  return annotationBool(value) === true;
}

function backendOf(backend: any): Backend | undefined {
  const svc = backend?.service;
  if (!isObject(svc) || typeof svc.name !== 'string') {
    return undefined;
  }
  const port = svc.port ?? {};
  return typeof port.number === 'number' ? { service: svc.name, port: port.number } : { service: svc.name, portName: port.name };
}

/** The cookie ingress-nginx writes for these annotations, or `undefined` without `affinity: cookie`. */
export function readCookie(annotations: { [key: string]: string }): SourceCookie | undefined {
  if (annotations[A.affinity] !== NGINX_AFFINITY_COOKIE) {
    return undefined;
  }
  const rawName = annotations[A.name];
  const name = rawName !== undefined && NGINX_COOKIE_NAME_PATTERN.test(rawName) ? rawName : NGINX_DEFAULT_COOKIE_NAME;
  const seconds = (key: string): number | undefined => {
    const v = annotations[key];
    return v !== undefined && isNginxCookieSeconds(v) ? Number(v) : undefined;
  };
  const sameSite = annotations[A.sameSite];
  return {
    name,
    // ingress-nginx ignores an empty string annotation, as if unset.
    path: annotations[A.path] === '' ? undefined : annotations[A.path],
    domain: annotations[A.domain],
    sameSite: sameSite !== undefined && ['None', 'Lax', 'Strict'].includes(sameSite) ? sameSite : undefined,
    secure: annotationTrue(annotations[A.secure]),
    lifetimeSeconds: seconds(A.maxAge) ?? seconds(A.expires),
  };
}

/** Reads an Ingress (already known to be ingress-nginx's). */
export function readIngress(obj: { [k: string]: any }, file?: string, line?: number): SourceIngress {
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const annotations: { [key: string]: string } = {};
  for (const [k, v] of Object.entries(isObject(metadata.annotations) ? metadata.annotations : {})) {
    annotations[k] = String(v);
  }
  const spec = isObject(obj.spec) ? obj.spec : {};
  const hosts: SourceHost[] = [];
  const rules: any[] = Array.isArray(spec.rules) ? spec.rules : [];
  rules.forEach((rule, r) => {
    const paths: SourcePath[] = [];
    const httpPaths: any[] = Array.isArray(rule?.http?.paths) ? rule.http.paths : [];
    httpPaths.forEach((p, i) => {
      const backend = backendOf(p?.backend);
      // An empty path (ImplementationSpecific allows one) is `/` to ingress-nginx in every respect,
      // the cookie included: its store rewrites it to "/" before any location is made.
      const written = typeof p?.path === 'string' && p.path !== '';
      paths.push({
        field: `spec.rules[${r}].http.paths[${i}]`,
        path: written ? p.path : '/',
        pathType: typeof p?.pathType === 'string' ? p.pathType : 'ImplementationSpecific',
        backends: backend ? [backend] : [],
      });
    });
    const host = typeof rule?.host === 'string' && rule.host !== '' ? rule.host : undefined;
    const same = hosts.find(h => h.host === host);
    if (same) {
      same.paths.push(...paths);
    } else {
      hosts.push({ host, paths });
    }
  });
  const canary = annotationTrue(annotations[CANARY.canary]);
  const backend = backendOf(spec.defaultBackend);
  // ingress-nginx (createServers): an Ingress without rules makes its default backend the catch-all
  // server's location `/`; one with rules makes it the location `/` of each rule host's server (the
  // paths no rule matches), unless a rule for `/` replaces it there, and never the catch-all's (whose
  // server exists before any rule, so a rule without a host leaves its `/` to the controller's own
  // default backend). It gives that location no cookie affinity. A canary's default backend is merged
  // into the catch-all server's locations instead (mergeAlternativeBackends).
  const fallback = (b: Backend): SourcePath => ({
    field: DEFAULT_BACKEND_FIELD, path: '/', pathType: 'Prefix', backends: [{ ...b }], withoutAffinity: 'the default backend',
  });
  let defaultBackend: SourceDefaultBackend | undefined;
  if (backend && (rules.length === 0 || canary)) {
    const anyHost = hosts.find(h => h.host === undefined);
    if (anyHost) {
      anyHost.paths.push(fallback(backend));
    } else {
      hosts.push({ host: undefined, paths: [fallback(backend)] });
    }
  } else if (backend) {
    defaultBackend = { backend, fallbackHosts: [], replaced: [], shared: [], hostlessRule: hosts.some(h => h.host === undefined) };
    for (const h of hosts) {
      if (h.host === undefined) {
        continue;
      }
      const own = h.paths.find(takesRootLocation);
      if (own) {
        defaultBackend.replaced.push({ host: h.host, by: own.field });
      } else {
        h.paths.push(fallback(backend));
        defaultBackend.fallbackHosts.push(h.host);
      }
    }
  }
  const tls = (Array.isArray(spec.tls) ? spec.tls : []).filter(isObject).map((t: any) => ({
    hosts: Array.isArray(t.hosts) ? t.hosts.map(String) : [],
    secretName: typeof t.secretName === 'string' ? t.secretName : undefined,
  }));
  return {
    name: String(metadata.name ?? ''),
    namespace: String(metadata.namespace ?? 'default'),
    file,
    line,
    annotations,
    hosts,
    tls,
    defaultBackend,
    cookie: readCookie(annotations),
    canary,
    // With rewrite-target too, ingress-nginx writes the Ingress's paths as regular-expression locations.
    useRegex: nginxPathsAreRegex(annotations),
  };
}

/**
 * How requests for a host reach ingress-nginx: `true` over HTTPS only (TLS
 * for the host and the HTTP redirect on, as it is by default, or the
 * redirect forced), `false` over HTTP only (no TLS for it), `undefined` both
 * (TLS, but `ssl-redirect: "false"`).
 */
export function overHttps(ingress: SourceIngress, host: string | undefined): boolean | undefined {
  if (host === undefined) {
    // The catch-all server: its certificate is looked up by the request's
    // Host, so requests are not redirected; they come over HTTP.
    return false;
  }
  if (annotationTrue(ingress.annotations[FORCE_SSL_REDIRECT])) {
    return true;
  }
  // Any spec.tls gives every host of the Ingress a certificate (the entry
  // naming it, one whose certificate covers it, or the controller's
  // default), and with one the HTTP redirect is on unless ssl-redirect is
  // false; TLS on another Ingress of the host counts too.
  const tls = ingress.tls.length > 0 || ingress.tlsHosts?.has(host.toLowerCase()) === true;
  if (!tls) {
    return false;
  }
  return annotationBool(ingress.annotations[SSL_REDIRECT]) === false ? undefined : true;
}

/**
 * The Path and Secure of the cookie ingress-nginx sets on a request to one
 * location (its balancer's sticky.lua): without `session-cookie-path`, the
 * location's own path (a `use-regex` location's path is its expression:
 * `undefined` here); without `session-cookie-secure: "true"` ("false" is the
 * same as unset), Secure when the request came over HTTPS.
 */
export function cookieAt(ingress: SourceIngress, cookie: SourceCookie, host: string | undefined, p: SourcePath): { path?: string; secure?: boolean } {
  return {
    path: cookie.path ?? (ingress.useRegex ? undefined : p.path),
    secure: cookie.secure ? true : overHttps(ingress, host),
  };
}
