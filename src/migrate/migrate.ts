// Turns ingress-nginx Ingresses (plain JSON) into another controller's
// objects (plain JSON) and a note for every annotation. Pure: no cdk8s, no
// printing; the CLI and AffinityMigration both call migrateDocs.
import { envoyCookie, istioCookie } from './cookies';
import { COOKIE_ANNOTATIONS, Fate, HOLDER, SPLIT_PER_REQUEST, cookieFates, writtenLifetime } from './fates';
import { MigrationFate, MigrationGatewayApi, MigrationNote, MigrationOptions, MigrationResult, MigrationTarget } from './model';
import {
  Backend, CANARY, DEFAULT_BACKEND_FIELD, INGRESS_CLASS_ANNOTATION, SourceCookie, SourceIngress, SourcePath, TOOL_ANNOTATIONS, USE_REGEX,
  FORCE_SSL_REDIRECT, SSL_REDIRECT, cookieAt, isNginxIngress, overHttps, readIngress, takesRootLocation,
} from './source';
import { CONTOUR, GKE_GATEWAY, KONG, NGINX_PLUS, httpRoutePathProblem } from './target-facts';
import { HTTPROUTE_TARGETS, TARGETS } from './targets';
import { topLevelAlternatives } from '../facts/cookie';
import { ENVOY_POLICY_TARGET_GROUP } from '../facts/envoy-gateway';
import { LIFETIME_PERMANENT, LIFETIME_SESSION, gatewayDuration } from '../facts/gateway-api';
import { NGINX_AFFINITY_ANNOTATIONS as A, NGINX_ANNOTATION_PREFIX, NGINX_COOKIE_PATH_PATTERN, NGINX_REGEX_ANNOTATIONS, nginxCookiePathCovers, nginxRoutedPath } from '../facts/ingress-nginx';
import { serviceFqdn } from '../facts/istio';
import { traefikSameSite } from '../facts/traefik-crd';

/** A manifest and where it was read. */
export interface SourceDoc {
  readonly obj: { [key: string]: any };
  readonly file?: string;
  readonly line?: number;
}

type Json = { [key: string]: any };

const GATEWAY_API_VERSION = 'gateway.networking.k8s.io/v1';

class Notes {
  public readonly list: MigrationNote[] = [];
  public constructor(private readonly ingress: SourceIngress) {}
  public add(subject: string, fate: Fate): void {
    this.list.push({
      ingress: `${this.ingress.namespace}/${this.ingress.name}`,
      subject,
      fate: fate.fate,
      detail: fate.detail,
      file: this.ingress.file,
      line: this.ingress.line,
    });
  }
  /** Removes the notes of a subject with this fate (a later decision that overrides them). */
  public remove(subject: string, fate: MigrationFate): void {
    for (let i = this.list.length - 1; i >= 0; i--) {
      if (this.list[i].subject === subject && this.list[i].fate === fate) {
        this.list.splice(i, 1);
      }
    }
  }
  /** Adds the note unless the same one is there already (a cookie written per route says it once). */
  public addOnce(subject: string, fate: Fate): void {
    if (!this.list.some(n => n.subject === subject && n.fate === fate.fate && n.detail === fate.detail)) {
      this.add(subject, fate);
    }
  }
}

const carried = (detail: string): Fate => ({ fate: MigrationFate.CARRIED, detail });
const approximated = (detail: string): Fate => ({ fate: MigrationFate.APPROXIMATED, detail });
const dropped = (detail: string): Fate => ({ fate: MigrationFate.DROPPED, detail });

/** A location a target object's cookie is used for: a path of a host. */
interface Use {
  readonly host: string | undefined;
  readonly path: SourcePath;
}

/** What a target object can write of a cookie's Path and Secure. */
interface CookieFields {
  /**
   * Whether it has a path field; `location` when, without one, the
   * implementation scopes the cookie to the route's path as ingress-nginx does.
   */
  readonly path: boolean | 'location';
  /** The Path it writes when given none (`undefined`: no Path attribute, the browser's default). */
  readonly defaultPath?: string;
  /** Whether it has a Secure field. */
  readonly secure: boolean;
  /** The path field's name, as the notes say it. @default 'path' */
  readonly pathField?: string;
  /**
   * Whether the target redirects a host's HTTP requests to HTTPS as
   * ingress-nginx did (a Secure cookie given over HTTP is not kept);
   * `undefined` where the object holds no Secure field.
   */
  readonly redirects?: (host: string | undefined) => boolean;
}

/** Whether ingress-nginx gives a location no affinity (`SourcePath.withoutAffinity` says why). */
function withoutAffinity(p: SourcePath): boolean {
  return p.withoutAffinity !== undefined;
}

/**
 * Why ingress-nginx sets the cookie of an Ingress with `affinity: cookie` on
 * none of its locations, when it does not: every location is one it gives no
 * affinity (only a default backend, without a rule to a Service); undefined
 * when some location gets the cookie, or the Ingress asks for none.
 */
function cookieSetNowhere(ingress: SourceIngress): string | undefined {
  const paths = ingress.hosts.flatMap(h => h.paths);
  if (ingress.cookie === undefined || paths.length === 0 || paths.some(p => !withoutAffinity(p) && p.backends.length > 0)) {
    return undefined;
  }
  const reasons = [...new Set(paths.filter(withoutAffinity).map(p => p.withoutAffinity))];
  return `ingress-nginx sets the cookie on none of this Ingress's locations (it gives ${reasons.join(' and ')} no affinity, and the Ingress has no rule to a Service)`;
}

/**
 * The cookie one of the target's objects writes for the locations it serves:
 * where the annotations leave Path and Secure out, the ones ingress-nginx
 * gives those locations (`cookieAt`), with a note saying so, or saying what
 * the object cannot write alike.
 */
function holderCookie(
  ingress: SourceIngress, cookie: SourceCookie, uses: readonly Use[], fields: CookieFields, holder: string, notes: Notes,
): SourceCookie {
  for (const u of uses.filter(x => withoutAffinity(x.path))) {
    notes.addOnce(u.path.field, approximated(`ingress-nginx gives ${u.path.withoutAffinity} no affinity, but ${holder} is the cookie for it too`));
  }
  const at = uses.filter(u => !withoutAffinity(u.path)).map(u => cookieAt(ingress, cookie, u.host, u.path));
  let path = cookie.path;
  if (path === undefined && at.length > 0 && fields.path !== 'location') {
    const distinct = [...new Set(at.map(c => c.path))];
    const written = fields.defaultPath ?? 'no Path (the browser then scopes the cookie to the request\'s folder)';
    if (distinct.includes(undefined)) {
      notes.addOnce(A.path, approximated(`not set, on use-regex locations: ingress-nginx writes the location's expression as the cookie Path; ${holder} writes ${written}; set session-cookie-path`));
    } else if (distinct.length > 1) {
      const split = distinct.some(d => locationsApart(ingress, uses, d!).length > 0)
        ? '; there a cookie set under one location did not come back under another, so a user was kept on a different pod under each' : '';
      notes.addOnce(A.path, approximated(`not set: ingress-nginx scopes the cookie to each location's path (${distinct.join(', ')})${split}; ${holder} is one cookie for all of them and writes ${written}`));
    } else if (distinct[0] !== fields.defaultPath) {
      if (fields.path) {
        path = distinct[0];
        const apart = locationsApart(ingress, uses, path!);
        // Carried as it was, the split between the host's locations of one Service included.
        const split = apart.length > 0 ? `; as on ingress-nginx, that Path does not cover ${apart.join(', ')}, which reach the same Service on the host, so a user gets another pod there (set session-cookie-path "/" to keep one)` : '';
        notes.addOnce(A.path, carried(`not set: ingress-nginx scopes the cookie to the location's path, ${path}; written as ${holder} ${fields.pathField ?? 'path'} ${path}${split}`));
      } else {
        notes.addOnce(A.path, approximated(`not set: ingress-nginx scopes the cookie to the location's path, ${distinct[0]}; ${holder} has no path field and writes ${written}`));
      }
    }
  }
  let secure = cookie.secure;
  if (!secure && at.length > 0 && !at.every(c => c.secure === false)) {
    if (at.every(c => c.secure === true) && fields.secure) {
      secure = true;
      notes.addOnce(A.secure, carried(`not "true": ingress-nginx marks the cookie Secure on requests over HTTPS, and every request here is one (TLS for the host, HTTP redirected); written as ${holder} secure`));
    } else if (at.every(c => c.secure === true)) {
      notes.addOnce(A.secure, approximated(`not "true": ingress-nginx marks the cookie Secure on requests over HTTPS, and every request here is one (TLS for the host, HTTP redirected); ${holder} has no Secure field`));
    } else {
      notes.addOnce(A.secure, approximated(`not "true": ingress-nginx marks the cookie Secure only on the requests that come over HTTPS, and here some come over HTTP (a host without TLS, or ssl-redirect "false"); ${holder} writes one cookie ${fields.secure ? 'without Secure' : 'as the implementation decides'} for all of them`));
    }
  }
  // Hosts ingress-nginx redirected to HTTPS and the target would serve over HTTP too.
  const redirects = fields.redirects;
  const plainHttp = secure && redirects !== undefined
    ? uses.filter(u => !withoutAffinity(u.path) && overHttps(ingress, u.host) === true && !redirects(u.host)).map(u => u.host ?? '(any host)')
    : [];
  if (plainHttp.length > 0) {
    const unset = ingress.annotations[SSL_REDIRECT] === undefined ? 'not set (on with TLS): ' : '';
    const hosts = [...new Set(plainHttp)];
    // An IngressRoute with TLS matches only TLS connections: HTTP gets Traefik's 404, not the app.
    const answered404 = fields.redirects === NEVER_REDIRECTS ? hosts.filter(h => tlsSecret(ingress, h === '(any host)' ? undefined : h) !== undefined) : [];
    const servedOverHttp = hosts.filter(h => !answered404.includes(h));
    if (answered404.length > 0) {
      notes.addOnce(SSL_REDIRECT, approximated(`${unset}ingress-nginx redirected HTTP to HTTPS, but the IngressRoute for ${answered404.join(', ')}, with TLS, matches only HTTPS: HTTP requests get Traefik's 404 (redirect them with a redirectScheme middleware or the entry point's redirection)`));
    }
    if (servedOverHttp.length > 0) {
      notes.addOnce(SSL_REDIRECT, approximated(`${unset}the cookie is Secure, and ingress-nginx redirected HTTP to HTTPS, but the output serves ${servedOverHttp.join(', ')} over HTTP too (redirect it: ${fields.redirects === NEVER_REDIRECTS ? 'a redirectScheme middleware or the entry point\'s redirection' : 'TLS on the object itself'}); an HTTP client does not keep a Secure cookie`));
    }
  }
  return { ...cookie, path, secure };
}

/**
 * The other affinity locations of the uses' hosts that reach a Service the
 * uses reach and that a cookie of Path `path` (a location's own, as
 * ingress-nginx writes it without session-cookie-path) does not cover: a
 * user's request there comes without the cookie and gets another pod, as the
 * doctor's cookie-path-not-covering-route says of the source.
 */
function locationsApart(ingress: SourceIngress, uses: readonly Use[], path: string): string[] {
  const services = new Set(uses.flatMap(u => u.path.backends.map(b => b.service)));
  const hosts = new Set(uses.map(u => u.host ?? ''));
  return [...new Set(ingress.hosts.filter(h => hosts.has(h.host ?? '')).flatMap(h => h.paths
    .filter(p => !withoutAffinity(p) && p.path !== path && p.backends.some(b => services.has(b.service))
      && !nginxCookiePathCovers(path, nginxRoutedPath(p.path, p.pathType, ingress.useRegex)))
    .map(p => p.path)))];
}

/** A target whose routes never redirect HTTP by themselves (Traefik: the entry point or a middleware does). */
const NEVER_REDIRECTS = (): boolean => false;

/** The checks on options that the CLI reports as usage errors. */
export function optionsProblem(options: MigrationOptions): string | undefined {
  if (!TARGETS.includes(options.target)) {
    return `'target' must be one of ${TARGETS.join(', ')}, not ${JSON.stringify(options.target)}`;
  }
  if (HTTPROUTE_TARGETS.includes(options.target) && !options.gateway) {
    return `target ${options.target} writes HTTPRoutes: 'gateway' (--gateway NAME) names the Gateway they attach to`;
  }
  if (options.gatewayApi !== undefined && !Object.values(MigrationGatewayApi).includes(options.gatewayApi)) {
    return `'gatewayApi' must be one of ${Object.values(MigrationGatewayApi).join(', ')}, not ${JSON.stringify(options.gatewayApi)}`;
  }
  const dns = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  if (options.gateway !== undefined && !dns.test(options.gateway)) {
    return `'gateway' must be a Kubernetes object name, not ${JSON.stringify(options.gateway)}`;
  }
  if (options.gatewayNamespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.gatewayNamespace)) {
    return `'gatewayNamespace' must be a namespace name, not ${JSON.stringify(options.gatewayNamespace)}`;
  }
  return undefined;
}

/** Object names for the routes of an Ingress: its own name when it has one host. */
function routeName(ingress: SourceIngress, index: number): string {
  return ingress.hosts.length <= 1 ? ingress.name : `${ingress.name}-${index}`;
}

/**
 * A use-regex path as ingress-nginx matches it: it writes the location
 * `~* "^<path>"`, so the expression is searched for from the path's start,
 * case-insensitively, and anything may follow what it matches.
 */
function nginxLocationRegex(path: string): string {
  return path.startsWith('^') ? path : `^${path}`;
}

/**
 * A use-regex path in RE2 (Envoy's and Go's dialect) for a target that
 * matches the WHOLE path against it (Envoy: an HTTPRoute RegularExpression,
 * an HTTPProxy regex condition) or searches the path for it (other Gateway
 * API implementations): `(?i)` for nginx's `~*`, ingress-nginx's `^`, and
 * `.*` for what may follow, which matches the same paths either way.
 * (`(?i).*(?:^/a|/b).*` for an expression with a top-level '|', whose other
 * branches ingress-nginx searched for anywhere.)
 */
function re2PathRegex(path: string): string {
  const anchored = nginxLocationRegex(path);
  return topLevelAlternatives(anchored).length > 1 ? `(?i).*(?:${anchored}).*` : `(?i)${anchored}.*`;
}

/**
 * A use-regex path as an HTTPProxy regex condition, which Contour takes only
 * when it begins with '/' (its validation) and Envoy matches against the
 * whole path: `/(?i:P'.*)` for `^P`, P' being P after its '/'. Of an
 * expression with top-level alternatives, each must begin with '/' (an
 * anchored one after its '^'): an anchored one is written `B'.*`, another,
 * which ingress-nginx searched for anywhere, `B'.*|.*B.*`. Undefined when an
 * alternative does not begin with '/'.
 */
function contourPathRegex(path: string): string | undefined {
  const parts: string[] = [];
  const alternatives = topLevelAlternatives(nginxLocationRegex(path));
  for (let i = 0; i < alternatives.length; i++) {
    const anchored = i === 0 || alternatives[i].startsWith('^');
    const body = anchored ? alternatives[i].replace(/^\^/, '') : alternatives[i];
    if (!body.startsWith('/')) {
      return undefined;
    }
    parts.push(`${body.slice(1)}.*`);
    if (!anchored) {
      parts.push(`.*${body}.*`);
    }
  }
  return `/(?i:${parts.join('|')})`;
}

/** What the use-regex note says each target writes of a path. */
function regexWritten(target: MigrationTarget): string {
  const re2 = 'RE2, not ingress-nginx\'s PCRE, which also has lookarounds and backreferences';
  switch (target) {
    case MigrationTarget.NGINX_PLUS:
      // The VirtualServer route path `~* <expression>` becomes the location `~* "<expression>"`; ingress-nginx
      // orders its locations by descending path length, and nginx takes the first regex location that matches.
      return 'each path P written as ~* ^P, the location ingress-nginx wrote, which nginx reads with the same PCRE (but the NGINX Ingress '
        + 'Controller first checks it with Go\'s regexp, which refuses lookarounds and backreferences); nginx takes the first regex location '
        + 'that matches, and ingress-nginx wrote them longest path first: where the expressions overlap, order the routes alike';
    case MigrationTarget.TRAEFIK:
      // Traefik v3's PathRegexp takes Go's regexp syntax and searches the path (unanchored).
      return 'each path P written as PathRegexp(`(?i)^P`): Traefik searches the path for the expression, so ^ anchors it at the start '
        + `and (?i) ignores case, as ingress-nginx's ~* "^P" did; Go's regexp is ${re2}`;
    case MigrationTarget.CONTOUR:
      // Contour refuses a regex condition that does not begin with '/'; Envoy matches it against the whole path.
      return 'each path P written as an HTTPProxy regex condition /(?i:Q.*), Q being P after its \'/\' (Contour takes a regex condition only '
        + 'when it begins with \'/\'): Envoy matches the whole path against it, so .* lets anything follow and (?i:) ignores case, '
        + `as ingress-nginx's ~* "^P" did; Envoy's regex is ${re2}`;
    case MigrationTarget.ENVOY_GATEWAY:
    case MigrationTarget.ISTIO:
      // Envoy's route safe_regex must match the whole path (RE2); `(?i)` is an RE2 flag.
      return 'each path P written as an HTTPRoute RegularExpression (?i)^P.*: Envoy matches the whole path against it, so .* lets anything follow '
        + `and (?i) ignores case, as ingress-nginx's ~* "^P" did; Envoy's regex is ${re2}`;
    default:
      return 'each path P written as an HTTPRoute RegularExpression (?i)^P.*, which matches what ingress-nginx\'s ~* "^P" did whether '
        + 'the implementation matches the whole path or searches it; the Gateway API leaves support and dialect to each implementation, '
        + `and Envoy-based ones use ${re2}`;
  }
}

/** The Gateway API path type of an Ingress path, and the note it earns. */
function gatewayPathType(ingress: SourceIngress, p: SourcePath): { type: string; note?: Fate } {
  if (ingress.useRegex) {
    return { type: 'RegularExpression' };
  }
  switch (p.pathType) {
    case 'Exact':
      return { type: 'Exact' };
    case 'Prefix':
      return { type: 'PathPrefix' };
    default:
      return { type: 'PathPrefix', note: approximated(`pathType ${p.pathType} written as PathPrefix ${p.path}, the match ingress-nginx makes of it`) };
  }
}

/** One object's cookie that names a server of its Service, as `splitSharedCookies` reads it. */
interface SharedCookieUse {
  /** namespace/name of the Service. */
  readonly service: string;
  /** The cookie object as written (its `name` is what gets renamed). */
  readonly cookie: Json;
  readonly notes: Notes;
  /** Whether the Ingress's affinity-mode is balanced. */
  readonly balanced: boolean;
}

/** Records a server-naming cookie for `splitSharedCookies`. */
function useCookie(ctx: Context, host: string | undefined, path: string | undefined, use: SharedCookieUse): void {
  const k = `${(host ?? '').toLowerCase()}\0${use.cookie.name}\0${path ?? ''}`;
  ctx.sharedCookies.set(k, [...ctx.sharedCookies.get(k) ?? [], use]);
}

interface Context {
  readonly options: MigrationOptions;
  readonly target: MigrationTarget;
  readonly gatewayApi: MigrationGatewayApi;
  readonly services: Map<string, Json>;
  readonly objects: Json[];
  /** Per-Service policies already written (Kong, Istio, GKE), by namespace/name: the Ingress and cookie that wrote them. */
  readonly servicePolicies: Map<string, { ingress: string; signature: string }>;
  /** Services written with an annotation added (Kong), by namespace/name. */
  readonly patchedServices: Map<string, Json>;
  /**
   * The server-naming cookies (Traefik's sticky cookie, NGINX Plus's
   * sessionCookie) written under one name and Path on one host, by
   * `host\0name\0path` (path '' where no Path is written), across Ingresses:
   * each with its Service and the notes of the Ingress that wrote it (see
   * `splitSharedCookies`).
   */
  readonly sharedCookies: Map<string, SharedCookieUse[]>;
}

/** Resolves a backend's port to a number (named ports through the Service in the input). */
function portNumber(ctx: Context, ns: string, b: Backend): number | undefined {
  if (b.port !== undefined) {
    return b.port;
  }
  const svc = ctx.services.get(`${ns}/${b.service}`);
  const port = (svc?.spec?.ports ?? []).find((p: Json) => p?.name === b.portName);
  return typeof port?.port === 'number' ? port.port : undefined;
}

/** The backends of a path with numeric ports; the others are noted as dropped. */
type NumericBackend = { service: string; port: number; weight?: number };

function numericBackends(ctx: Context, ingress: SourceIngress, p: SourcePath, notes: Notes): NumericBackend[] {
  const out: NumericBackend[] = [];
  for (const b of p.backends) {
    const port = portNumber(ctx, ingress.namespace, b);
    if (port === undefined) {
      notes.addOnce(p.field, dropped(`backend ${b.service} port ${JSON.stringify(b.portName ?? '')}: the target needs a port number, and Service ${ingress.namespace}/${b.service} is not in the input to look it up`));
      continue;
    }
    out.push({ service: b.service, port, weight: b.weight });
  }
  return out;
}

function httpRouteSessionPersistence(ctx: Context, cookie: SourceCookie): Json {
  const lifetime = writtenLifetime(MigrationTarget.GATEWAY_API, cookie);
  const timeout = lifetime !== undefined ? gatewayDuration(lifetime) : undefined;
  const lifetimeType = timeout !== undefined ? LIFETIME_PERMANENT : LIFETIME_SESSION;
  if (ctx.gatewayApi === MigrationGatewayApi.MAIN) {
    return {
      type: 'Cookie',
      ...(timeout !== undefined ? { absoluteTimeout: timeout } : {}),
      cookie: { name: cookie.name, ...(cookie.path !== undefined ? { path: cookie.path } : {}), lifetimeType },
    };
  }
  return {
    sessionName: cookie.name,
    type: 'Cookie',
    ...(timeout !== undefined ? { absoluteTimeout: timeout } : {}),
    cookieConfig: { lifetimeType },
  };
}

/** HTTPRoutes (one per host) for the Gateway API targets, with the per-target cookie objects. */
function renderHttpRoutes(ctx: Context, ingress: SourceIngress, notes: Notes): void {
  const parentRef = { name: ctx.options.gateway!, ...(ctx.options.gatewayNamespace ? { namespace: ctx.options.gatewayNamespace } : {}) };
  const cookie = ingress.cookie;
  // The locations each Service serves: a per-Service cookie (Istio, Kong, GKE) covers them all.
  const services = new Map<string, Use[]>();
  ingress.hosts.forEach((h, index) => {
    const rules: Json[] = [];
    const uses: Use[] = [];
    // Envoy Gateway's cookie hash is a policy on the whole route: the rules ingress-nginx gave no
    // affinity (the default backend) go to a route of their own, which no policy targets.
    const apart: Json[] = [];
    const setApart = (p: SourcePath) => cookie !== undefined && ctx.target === MigrationTarget.ENVOY_GATEWAY && withoutAffinity(p);
    const name = routeName(ingress, index);
    const apartName = `${name}-default-backend`;
    for (const p of h.paths) {
      const { type, note } = gatewayPathType(ingress, p);
      const pathProblem = type === 'RegularExpression' ? undefined : httpRoutePathProblem(p.path);
      if (pathProblem) {
        notes.add(p.field, dropped(`path ${JSON.stringify(p.path)}: an HTTPRoute ${type} path ${pathProblem}; this path is not written`));
        continue;
      }
      if (note) {
        notes.add(p.field, note);
      }
      const backends = numericBackends(ctx, ingress, p, notes);
      if (backends.length === 0) {
        continue;
      }
      backends.forEach(b => services.set(b.service, [...(services.get(b.service) ?? []), { host: h.host, path: p }]));
      if (!setApart(p)) {
        uses.push({ host: h.host, path: p });
      }
      const match: Json = { path: { type, value: type === 'RegularExpression' ? re2PathRegex(p.path) : p.path } };
      if (p.header) {
        match.headers = [{ type: p.header.regex ? 'RegularExpression' : 'Exact', name: p.header.name, value: p.header.value }];
      }
      const rule: Json = {
        matches: [match],
        backendRefs: backends.map(b => ({ name: b.service, port: b.port, ...(b.weight !== undefined ? { weight: b.weight } : {}) })),
      };
      if (cookie && ctx.target === MigrationTarget.GATEWAY_API && withoutAffinity(p)) {
        notes.addOnce(p.field, carried(`ingress-nginx gives ${p.withoutAffinity} no affinity; its rule gets no sessionPersistence`));
      } else if (cookie && ctx.target === MigrationTarget.GATEWAY_API) {
        // No Secure field; the implementation scopes the cookie to the route's path.
        holderCookie(ingress, cookie, [{ host: h.host, path: p }], { path: 'location', secure: false }, 'HTTPRoute sessionPersistence', notes);
        rule.sessionPersistence = httpRouteSessionPersistence(ctx, cookie);
      }
      if (setApart(p)) {
        notes.addOnce(p.field, carried(`ingress-nginx gives ${p.withoutAffinity} no affinity; its rule is written in HTTPRoute ${apartName}, which no BackendTrafficPolicy targets`));
        apart.push(rule);
      } else {
        rules.push(rule);
      }
    }
    if (rules.length > 0) {
      ctx.objects.push({
        apiVersion: GATEWAY_API_VERSION,
        kind: 'HTTPRoute',
        metadata: { name, namespace: ingress.namespace },
        spec: { parentRefs: [parentRef], ...(h.host ? { hostnames: [h.host] } : {}), rules },
      });
    }
    if (rules.length > 0 && cookie && ctx.target === MigrationTarget.ENVOY_GATEWAY) {
      ctx.objects.push({
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'BackendTrafficPolicy',
        metadata: { name: `${name}-affinity`, namespace: ingress.namespace },
        spec: {
          targetRefs: [{ group: ENVOY_POLICY_TARGET_GROUP, kind: 'HTTPRoute', name }],
          loadBalancer: {
            type: 'ConsistentHash',
            consistentHash: {
              type: 'Cookie',
              cookie: envoyCookie(holderCookie(ingress, cookie, uses, { path: true, secure: true }, 'BackendTrafficPolicy consistentHash.cookie', notes), writtenLifetime(ctx.target, cookie)),
            },
          },
        },
      });
    }
    if (apart.length > 0) {
      ctx.objects.push({
        apiVersion: GATEWAY_API_VERSION,
        kind: 'HTTPRoute',
        metadata: { name: apartName, namespace: ingress.namespace },
        spec: { parentRefs: [parentRef], ...(h.host ? { hostnames: [h.host] } : {}), rules: apart },
      });
    }
  });
  if (!cookie) {
    return;
  }
  for (const [service, uses] of services) {
    if (uses.every(u => withoutAffinity(u.path)) && [MigrationTarget.ISTIO, MigrationTarget.KONG, MigrationTarget.GKE].includes(ctx.target)) {
      // Reached only where ingress-nginx gives no affinity (the default backend): no cookie object for it.
      for (const u of uses) {
        notes.addOnce(u.path.field, carried(`ingress-nginx gives ${u.path.withoutAffinity} no affinity; Service ${service}, which only it reaches, gets no ${HOLDER[ctx.target]}`));
      }
      continue;
    }
    renderServicePolicy(ctx, ingress, cookie, service, uses, notes);
  }
}

/** The per-Service cookie objects (Istio, Kong, GKE), once per Service. */
function renderServicePolicy(ctx: Context, ingress: SourceIngress, source: SourceCookie, service: string, uses: readonly Use[], notes: Notes): void {
  if (![MigrationTarget.ISTIO, MigrationTarget.KONG, MigrationTarget.GKE].includes(ctx.target)) {
    return;
  }
  const fields: CookieFields = ctx.target === MigrationTarget.ISTIO ? { path: true, secure: true }
    : ctx.target === MigrationTarget.KONG ? { path: true, defaultPath: KONG.defaultCookiePath, secure: false, pathField: 'cookiePath' }
      : { path: false, defaultPath: '/', secure: false };
  // Its notes are kept only if this Ingress's cookie is the one written.
  const scratch = new Notes(ingress);
  const cookie = holderCookie(ingress, source, uses, fields, HOLDER[ctx.target], scratch);
  const key = `${ingress.namespace}/${service}`;
  const signature = JSON.stringify(cookie);
  const earlier = ctx.servicePolicies.get(key);
  if (earlier) {
    if (earlier.signature !== signature) {
      notes.add(A.affinity, dropped(`Service ${key} already has the cookie of Ingress ${earlier.ingress}; the target holds one cookie per Service, so this Ingress's cookie settings are not written`));
    } else {
      scratch.list.forEach(n => notes.addOnce(n.subject, { fate: n.fate, detail: n.detail }));
    }
    return;
  }
  ctx.servicePolicies.set(key, { ingress: `${ingress.namespace}/${ingress.name}`, signature });
  scratch.list.forEach(n => notes.addOnce(n.subject, { fate: n.fate, detail: n.detail }));
  const metadata = (suffix: string) => ({ name: `${service}-${suffix}`, namespace: ingress.namespace });
  switch (ctx.target) {
    case MigrationTarget.ISTIO:
      ctx.objects.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: metadata('affinity'),
        spec: {
          host: serviceFqdn(service, ingress.namespace),
          trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: istioCookie(cookie, writtenLifetime(ctx.target, cookie)) } } },
        },
      });
      break;
    case MigrationTarget.KONG: {
      const policy = `${service}-sticky`;
      ctx.objects.push({
        apiVersion: KONG.apiVersion,
        kind: KONG.kind,
        metadata: metadata('sticky'),
        spec: {
          algorithm: KONG.algorithm,
          hashOn: { input: KONG.hashOnInput },
          stickySessions: { cookie: cookie.name, cookiePath: cookie.path ?? KONG.defaultCookiePath },
        },
      });
      const svc = ctx.services.get(key);
      if (svc) {
        const patched = structuredClone(svc);
        patched.metadata = { ...patched.metadata, annotations: { ...(patched.metadata?.annotations ?? {}), [KONG.policyAnnotation]: policy } };
        ctx.patchedServices.set(key, patched);
        ctx.objects.push(patched);
        notes.add(`Service ${key}`, carried(`written with the annotation ${KONG.policyAnnotation}: ${policy}, which attaches the policy`));
      } else {
        notes.add(`Service ${key}`, approximated(`not in the input: attach the policy with kubectl annotate service -n ${ingress.namespace} ${service} ${KONG.policyAnnotation}=${policy}`));
      }
      break;
    }
    case MigrationTarget.GKE: {
      const lifetime = writtenLifetime(ctx.target, cookie);
      ctx.objects.push({
        apiVersion: GKE_GATEWAY.apiVersion,
        kind: GKE_GATEWAY.kind,
        metadata: metadata('affinity'),
        spec: {
          targetRef: { group: '', kind: 'Service', name: service },
          default: { sessionAffinity: { type: GKE_GATEWAY.affinityType, cookieTtlSec: lifetime ?? 0 } },
        },
      });
      break;
    }
    default:
      break;
  }
}

/** The TLS secret of a host, from `spec.tls`. */
function tlsSecret(ingress: SourceIngress, host: string | undefined): string | undefined {
  const h = host?.toLowerCase();
  const covers = (name: string) => {
    const n = name.toLowerCase();
    return n === h || (n.startsWith('*.') && h !== undefined && h.slice(h.indexOf('.') + 1) === n.slice(2));
  };
  const entry = ingress.tls.find(t => (h !== undefined && t.hosts.some(covers)) || t.hosts.length === 0);
  return entry?.secretName;
}

/**
 * A string in a Traefik rule: between backticks, or, when it holds one,
 * between double quotes with Go's escapes (Traefik reads either; a backtick
 * inside backticks would end the string).
 */
function traefikString(value: string): string {
  return value.includes('`') ? JSON.stringify(value) : `\`${value}\``;
}

function traefikPathMatch(ingress: SourceIngress, p: SourcePath, notes: Notes): string {
  if (ingress.useRegex) {
    return `PathRegexp(${traefikString(`(?i)${nginxLocationRegex(p.path)}`)})`;
  }
  if (p.pathType === 'Exact') {
    return `Path(${traefikString(p.path)})`;
  }
  if (p.pathType !== 'Prefix') {
    notes.add(p.field, approximated(`pathType ${p.pathType} written as PathPrefix(${traefikString(p.path)}), the match ingress-nginx makes of it`));
  }
  return `PathPrefix(${traefikString(p.path)})`;
}

/**
 * Traefik's sticky cookie and NGINX Plus's sessionCookie name a server of the
 * Service (the upstream) that set it: two Services a browser reaches on one
 * host under one name and Path (two locations under one session-cookie-path,
 * a main Ingress and its canary, in one Ingress or several) would replace
 * each other's cookie at every request. ingress-nginx's cookie worked there:
 * its balanced value is a key each Service maps to its own pods, and every
 * value names the backend that set it, which keeps a main Ingress's and its
 * canary's users apart. Each Service's cookie gets a name of its own instead.
 */
function splitSharedCookies(ctx: Context): void {
  const server = ctx.target === MigrationTarget.NGINX_PLUS
    ? 'NGINX Plus\'s sticky cookie names a server of the upstream that set it'
    : 'Traefik\'s names a server of the Service that set it';
  for (const [k, written] of ctx.sharedCookies) {
    const services = [...new Set(written.map(w => w.service))];
    if (services.length < 2) {
      continue;
    }
    const [host, name, path] = k.split('\0');
    // The Service's name, or namespace.name where two namespaces hold Services of one name (a
    // DNS label holds no '.', so no two of those are alike).
    const bare = (service: string) => service.slice(service.indexOf('/') + 1);
    const clash = new Set(services.map(bare)).size < services.length;
    const shortName = (service: string) => (clash ? service.replace('/', '.') : bare(service));
    const renamed = services.map(svc => `${name}-${shortName(svc)}`);
    for (const w of written) {
      w.cookie.name = `${name}-${shortName(w.service)}`;
    }
    const source = written.every(w => w.balanced)
      ? `ingress-nginx's balanced cookie holds a key each Service maps to its own pods, but ${server}, so under one name each would replace the other's cookie`
      : `${server}, so under one name each would replace the other's cookie (so did ingress-nginx's persistent one, `
        + 'except between a main Ingress and its canary, which its cookie tells apart by the backend that set it)';
    for (const notes of new Set(written.map(w => w.notes))) {
      notes.remove(A.name, MigrationFate.CARRIED);
      notes.addOnce(A.name, approximated(`Services ${services.map(shortName).join(' and ')} would share the sticky cookie ${name} ${path === '' ? 'without a Path' : `at Path ${path}`} on ${host || '(any host)'}: `
        + `${source}; written as one cookie per Service: ${renamed.join(', ')}`));
    }
  }
}

function renderTraefik(ctx: Context, ingress: SourceIngress, notes: Notes): void {
  const cookie = ingress.cookie;
  // In balanced mode ingress-nginx's cookie holds a key that each Service maps to its own pods.
  const balanced = ingress.annotations[A.affinityMode]?.trim() !== 'persistent';
  ingress.hosts.forEach((h, index) => {
    const routes: Json[] = [];
    for (const p of h.paths) {
      const parts = [...(h.host ? [`Host(${traefikString(h.host)})`] : []), traefikPathMatch(ingress, p, notes)];
      if (p.header) {
        parts.push(`${p.header.regex ? 'HeaderRegexp' : 'Header'}(${traefikString(p.header.name)}, ${traefikString(p.header.value)})`);
      }
      // Traefik's sticky cookie is per route: each gets its location's Path and Secure.
      if (cookie && withoutAffinity(p)) {
        notes.addOnce(p.field, carried(`ingress-nginx gives ${p.withoutAffinity} no affinity; its route gets none`));
      }
      const written = cookie && p.backends.length > 0 && !withoutAffinity(p)
        ? holderCookie(ingress, cookie, [{ host: h.host, path: p }], { path: true, defaultPath: '/', secure: true, redirects: NEVER_REDIRECTS }, 'IngressRoute sticky.cookie', notes)
        : undefined;
      const services = p.backends.map(b => {
        const svc: Json = { name: b.service, port: b.port ?? b.portName };
        if (b.weight !== undefined) {
          svc.weight = b.weight;
        }
        if (written) {
          const lifetime = writtenLifetime(ctx.target, written);
          svc.sticky = {
            cookie: {
              name: written.name,
              httpOnly: true,
              ...(written.secure ? { secure: true } : {}),
              ...(written.sameSite ? { sameSite: traefikSameSite(written.sameSite) } : {}),
              ...(lifetime !== undefined ? { maxAge: lifetime } : {}),
              ...(written.path !== undefined ? { path: written.path } : {}),
              ...(written.domain !== undefined ? { domain: written.domain } : {}),
            },
          };
        }
        return svc;
      });
      if (services.length > 0) {
        routes.push({ kind: 'Rule', match: parts.join(' && '), services });
      }
      // A session-cookie-path puts two locations under one Path, and a canary puts two Services on
      // one route: each Service's cookie is recorded for splitSharedCookies.
      if (written) {
        p.backends.forEach((b, i) => useCookie(ctx, h.host, written.path ?? '/', { service: `${ingress.namespace}/${b.service}`, cookie: services[i].sticky.cookie, notes, balanced }));
      }
    }
    if (routes.length === 0) {
      return;
    }
    const secret = tlsSecret(ingress, h.host);
    ctx.objects.push({
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: routeName(ingress, index), namespace: ingress.namespace },
      spec: { routes, ...(secret ? { tls: { secretName: secret } } : {}) },
    });
  });
}

function contourCondition(ingress: SourceIngress, p: SourcePath, notes: Notes): Json {
  if (ingress.useRegex) {
    const regex = contourPathRegex(p.path);
    if (regex !== undefined) {
      return { regex };
    }
    notes.add(p.field, approximated(`${p.path} written as the prefix condition /: Contour takes a regex condition only when it begins with '/', `
      + 'which this expression cannot be written to do; the prefix routes every path the expression did, and more'));
    return { prefix: '/' };
  }
  if (p.pathType === 'Exact') {
    return { exact: p.path };
  }
  if (p.pathType !== 'Prefix') {
    notes.add(p.field, approximated(`pathType ${p.pathType} written as the prefix condition ${p.path}, the match ingress-nginx makes of it`));
  }
  return { prefix: p.path };
}

function renderContour(ctx: Context, ingress: SourceIngress, notes: Notes): void {
  const cookie = ingress.cookie;
  ingress.hosts.forEach((h, index) => {
    if (!h.host) {
      notes.add(h.paths[0]?.field ?? 'spec.rules', dropped('an HTTPProxy needs a host (virtualhost.fqdn); the paths for any host are not written'));
      return;
    }
    const routes: Json[] = [];
    for (const p of h.paths) {
      const services = numericBackends(ctx, ingress, p, notes);
      if (services.length === 0) {
        continue;
      }
      const conditions: Json[] = [contourCondition(ingress, p, notes)];
      if (p.header) {
        const h2 = p.header;
        conditions.push({ header: h2.regex ? { name: h2.name, regex: h2.value } : { name: h2.name, exact: h2.value } });
      }
      const route: Json = {
        conditions,
        services: services.map(s => ({ name: s.service, port: s.port, ...(s.weight !== undefined ? { weight: s.weight } : {}) })),
      };
      if (cookie && withoutAffinity(p)) {
        notes.addOnce(p.field, carried(`ingress-nginx gives ${p.withoutAffinity} no affinity; its route gets none`));
      } else if (cookie) {
        route.loadBalancerPolicy = { strategy: CONTOUR.strategy };
        // Per route, as the cookie's rewrite policy is: each gets its location's Path and Secure.
        // An HTTPProxy with TLS redirects HTTP to HTTPS by itself.
        const written = holderCookie(ingress, cookie, [{ host: h.host, path: p }],
          { path: true, defaultPath: '/', secure: true, pathField: 'pathRewrite', redirects: host => tlsSecret(ingress, host) !== undefined }, 'HTTPProxy cookieRewritePolicies', notes);
        const rewrite: Json = {
          ...(written.path !== undefined ? { pathRewrite: { value: written.path } } : {}),
          ...(written.domain !== undefined ? { domainRewrite: { value: written.domain } } : {}),
          ...(written.secure ? { secure: true } : {}),
          ...(written.sameSite ? { sameSite: written.sameSite } : {}),
        };
        if (Object.keys(rewrite).length > 0) {
          route.cookieRewritePolicies = [{ name: CONTOUR.cookieName, ...rewrite }];
        }
      }
      routes.push(route);
    }
    if (routes.length === 0) {
      return;
    }
    const secret = tlsSecret(ingress, h.host);
    ctx.objects.push({
      apiVersion: CONTOUR.apiVersion,
      kind: CONTOUR.kind,
      metadata: { name: routeName(ingress, index), namespace: ingress.namespace },
      spec: { virtualhost: { fqdn: h.host, ...(secret ? { tls: { secretName: secret } } : {}) }, routes },
    });
  });
}

function nginxPlusPath(ingress: SourceIngress, p: SourcePath, notes: Notes): string {
  if (ingress.useRegex) {
    return `~* ${nginxLocationRegex(p.path)}`;
  }
  if (p.pathType === 'Exact') {
    return `=${p.path}`;
  }
  if (p.pathType !== 'Prefix') {
    notes.add(p.field, approximated(`pathType ${p.pathType} written as the prefix path ${p.path}, the match ingress-nginx makes of it`));
  }
  return p.path;
}

/** Weights as whole percentages that sum to 100 (VirtualServer splits). */
function percentages(weights: number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0) || 1;
  const out = weights.map(w => Math.floor((w * 100) / total));
  out[0] += 100 - out.reduce((a, b) => a + b, 0);
  return out;
}

function renderNginxPlus(ctx: Context, ingress: SourceIngress, notes: Notes): void {
  const cookie = ingress.cookie;
  const balanced = ingress.annotations[A.affinityMode]?.trim() !== 'persistent';
  ingress.hosts.forEach((h, index) => {
    if (!h.host) {
      notes.add(h.paths[0]?.field ?? 'spec.rules', dropped('a VirtualServer needs a host; the paths for any host are not written'));
      return;
    }
    // An upstream's session cookie serves every path that passes to it: its
    // Path and Secure are written once the paths are known (holderCookie).
    const upstreams = new Map<string, { service: string; port: number; uses: Use[] }>();
    const upstream = (service: string, port: number, p: SourcePath): string => {
      const name = `${service}-${port}`.replace(/[^a-z0-9-]/g, '-');
      const entry = upstreams.get(name) ?? { service, port, uses: [] };
      entry.uses.push({ host: h.host, path: p });
      upstreams.set(name, entry);
      return name;
    };
    const upstreamObject = (name: string, u: { service: string; port: number; uses: Use[] }): Json => {
      if (!cookie) {
        return { name, service: u.service, port: u.port };
      }
      if (u.uses.every(x => withoutAffinity(x.path))) {
        // Reached only where ingress-nginx gives no affinity (the default backend): no sessionCookie.
        u.uses.forEach(x => notes.addOnce(x.path.field, carried(`ingress-nginx gives ${x.path.withoutAffinity} no affinity; its upstream ${name} gets no sessionCookie`)));
        return { name, service: u.service, port: u.port };
      }
      // The VirtualServer redirects HTTP only where it has TLS (written with redirect below).
      const written = holderCookie(ingress, cookie, u.uses,
        { path: true, secure: true, redirects: host => tlsSecret(ingress, host) !== undefined }, 'VirtualServer upstream sessionCookie', notes);
      const lifetime = writtenLifetime(ctx.target, written);
      const sessionCookie: Json = {
        enable: true,
        name: written.name,
        ...(written.path !== undefined ? { path: written.path } : {}),
        ...(lifetime !== undefined ? { expires: `${lifetime}s` } : {}),
        ...(written.domain !== undefined ? { domain: written.domain } : {}),
        httpOnly: true,
        ...(written.secure ? { secure: true } : {}),
        ...(written.sameSite ? { samesite: written.sameSite.toLowerCase() } : {}),
      };
      // The upstream's sticky cookie names one of its servers, as Traefik's does: see splitSharedCookies.
      useCookie(ctx, h.host, written.path, { service: `${ingress.namespace}/${u.service}`, cookie: sessionCookie, notes, balanced });
      return { name, service: u.service, port: u.port, sessionCookie };
    };
    const routes = new Map<string, Json>();
    for (const p of h.paths) {
      const backends = numericBackends(ctx, ingress, p, notes);
      if (backends.length === 0) {
        continue;
      }
      const path = nginxPlusPath(ingress, p, notes);
      const names = backends.map(b => upstream(b.service, b.port, p));
      const action: Json = names.length === 1
        ? { action: { pass: names[0] } }
        : { splits: percentages(backends.map(b => b.weight ?? 1)).map((weight, i) => ({ weight, action: { pass: names[i] } })) };
      const route = routes.get(path) ?? { path };
      if (p.header) {
        route.matches = [...(route.matches ?? []), { conditions: [{ header: p.header.name, value: p.header.regex ? `~${p.header.value}` : p.header.value }], ...action }];
      } else if (p.cookie) {
        route.matches = [...(route.matches ?? []), { conditions: [{ cookie: p.cookie.name, value: p.cookie.value }], ...action }];
      } else {
        Object.assign(route, action);
      }
      routes.set(path, route);
    }
    const finished = [...routes.values()].filter(r => r.action || r.splits);
    if (finished.length === 0) {
      return;
    }
    const secret = tlsSecret(ingress, h.host);
    ctx.objects.push({
      apiVersion: NGINX_PLUS.apiVersion,
      kind: NGINX_PLUS.kind,
      metadata: { name: routeName(ingress, index), namespace: ingress.namespace },
      spec: {
        host: h.host,
        // ingress-nginx redirects a TLS host's HTTP requests (308) unless ssl-redirect is false; a VirtualServer only when told.
        ...(secret ? { tls: { secret, ...(overHttps(ingress, h.host) === true ? { redirect: { enable: true, code: 308 } } : {}) } } : {}),
        upstreams: [...upstreams].map(([name, u]) => upstreamObject(name, u)),
        routes: finished,
      },
    });
  });
}

/** A VirtualServer match condition's cookie name: letters, digits and '_' (its CRD's description). */
const NGINX_PLUS_COOKIE_CONDITION_NAME = /^[A-Za-z0-9_]+$/;

/** The route object of each target without a cookie condition, as the canary-by-cookie note names it. */
const NO_COOKIE_MATCH: { readonly [t in MigrationTarget]?: string } = {
  [MigrationTarget.GATEWAY_API]: 'an HTTPRoute match',
  [MigrationTarget.ENVOY_GATEWAY]: 'an HTTPRoute match',
  [MigrationTarget.ISTIO]: 'an HTTPRoute match',
  [MigrationTarget.KONG]: 'an HTTPRoute match',
  [MigrationTarget.GKE]: 'an HTTPRoute match',
  // Traefik v3's matchers: Header, HeaderRegexp, Host, HostRegexp, Method, Path, PathPrefix, PathRegexp, Query, QueryRegexp, ClientIP.
  [MigrationTarget.TRAEFIK]: 'an IngressRoute rule',
  // An HTTPProxy condition: prefix, exact, regex, header, queryParameter.
  [MigrationTarget.CONTOUR]: 'an HTTPProxy condition',
};

/** Merges canary Ingresses into their main Ingress's paths; notes the canary annotations. */
function mergeCanary(canary: SourceIngress, mains: SourceIngress[], notes: Notes, target: MigrationTarget): void {
  const a = canary.annotations;
  const weightRaw = a[CANARY.weight];
  const totalRaw = a[CANARY.weightTotal];
  const weight = weightRaw !== undefined && /^[0-9]+$/.test(weightRaw) ? Number(weightRaw) : undefined;
  const total = totalRaw !== undefined && /^[0-9]+$/.test(totalRaw) && Number(totalRaw) > 0 ? Number(totalRaw) : 100;
  const headerName = a[CANARY.byHeader];
  const headerValue = a[CANARY.byHeaderValue];
  const headerPattern = a[CANARY.byHeaderPattern];
  const cookieName = a[CANARY.byCookie];
  // A VirtualServer match's cookie condition (the only target with one) names the cookie in letters, digits and '_'.
  const cookieRoutes = cookieName !== undefined && target === MigrationTarget.NGINX_PLUS && NGINX_PLUS_COOKIE_CONDITION_NAME.test(cookieName);
  let merged: SourceIngress | undefined;
  for (const h of canary.hosts) {
    for (const p of h.paths) {
      const plain = (mp: SourcePath) => mp.path === p.path && !mp.header && !mp.cookie;
      const servesPath = (mh: SourceIngress['hosts'][number]) => mh.host === h.host && mh.paths.some(plain);
      const main = mains.find(m => m.namespace === canary.namespace && m.hosts.some(servesPath));
      if (!main) {
        continue;
      }
      merged = main;
      const mainHost = main.hosts.find(mh => mh.host === h.host)!;
      const mainPath = mainHost.paths.find(plain)!;
      if (headerName) {
        const value = headerValue ?? headerPattern ?? 'always';
        mainHost.paths.push({
          field: `${mainPath.field} (canary by header)`,
          path: mainPath.path,
          pathType: mainPath.pathType,
          backends: p.backends.map(b => ({ ...b })),
          header: { name: headerName, value, regex: headerValue === undefined && headerPattern !== undefined },
        });
      }
      // ingress-nginx tries the header, then the cookie, then the weight: `always` sends to the canary, `never`
      // to main (its weighted split aside), any other value on to the weight. A VirtualServer tries its matches
      // in order, then the route's split.
      if (cookieRoutes) {
        const route = (value: string, backends: Backend[]) => mainHost.paths.push({
          field: `${mainPath.field} (canary by cookie)`, path: mainPath.path, pathType: mainPath.pathType, backends, cookie: { name: cookieName, value },
        });
        if (weight !== undefined && weight > 0) {
          route('never', mainPath.backends.map(b => ({ ...b, weight: undefined })));
        }
        route('always', p.backends.map(b => ({ ...b })));
      }
      if (weight !== undefined && weight > 0) {
        const mainWeight = Math.max(total - weight, 0);
        for (const b of mainPath.backends) {
          b.weight = mainWeight;
        }
        mainPath.backends.push(...p.backends.map(b => ({ ...b, weight: Math.min(weight, total) })));
      }
    }
  }
  const keys = Object.keys(a).filter(k => k.startsWith(`${NGINX_ANNOTATION_PREFIX}canary`)).sort();
  for (const k of keys) {
    if (!merged) {
      notes.add(k, dropped(`no main Ingress in namespace ${canary.namespace} serves the same host and path; the canary is not written`));
      continue;
    }
    const into = `${merged.namespace}/${merged.name}`;
    switch (k) {
      case CANARY.canary:
        notes.add(k, carried(`merged into the objects of Ingress ${into}`));
        break;
      case CANARY.weight: {
        if (weight === undefined) {
          notes.add(k, dropped('not a whole number; ingress-nginx ignores it'));
          break;
        }
        const rounded = target === MigrationTarget.NGINX_PLUS && total !== 100;
        const split = rounded
          ? `split ${weight} of ${total} written as whole percentages`
          : `backend weights ${Math.max(total - weight, 0)} (main) and ${Math.min(weight, total)} (canary)`;
        // ingress-nginx's sticky canary (affinity-canary-behavior sticky, the default) keeps a
        // cookie holder on main or canary; a target that splits at every request does not.
        const perRequest = merged.cookie && merged.annotations[A.affinityCanaryBehavior] !== 'legacy' ? SPLIT_PER_REQUEST[target] : undefined;
        notes.add(k, perRequest ? approximated(`${split}, but ${perRequest}: a returning client moves between main and canary, `
          + 'where ingress-nginx (affinity-canary-behavior sticky, the default) keeps a cookie holder on the one it reached')
          : rounded ? approximated(split) : carried(split));
        break;
      }
      case CANARY.weightTotal:
        notes.add(k, carried(`weights kept relative to ${total}`));
        break;
      case CANARY.byHeader:
        notes.add(k, headerValue !== undefined || headerPattern !== undefined
          ? carried(`a rule matching header ${headerName}`)
          : approximated(`a rule matching header ${headerName}: always; the value never (forced off the canary) is not written`));
        break;
      case CANARY.byHeaderValue:
        notes.add(k, carried(`header ${headerName} exactly ${headerValue}`));
        break;
      case CANARY.byHeaderPattern:
        notes.add(k, headerValue !== undefined ? dropped('canary-by-header-value is set and wins, as in ingress-nginx')
          : approximated(`header ${headerName} matched as a regular expression in the target's dialect, not ingress-nginx's PCRE`));
        break;
      case CANARY.byCookie:
        notes.add(k, cookieRoutes
          ? carried(`VirtualServer matches on cookie ${cookieName}: always to the canary${weight !== undefined && weight > 0 ? ', never to the main Ingress\'s backends' : ''}, any other value to the route's own backends, as ingress-nginx`)
          : target === MigrationTarget.NGINX_PLUS
            ? dropped(`a VirtualServer cookie condition takes a name of letters, digits and _ only, not ${JSON.stringify(cookieName)}; use canary-by-header instead`)
            : dropped(`${NO_COOKIE_MATCH[target]} has no cookie condition, so no rule is written for it; use canary-by-header instead`));
        break;
      default:
        notes.add(k, dropped('not an ingress-nginx canary annotation'));
    }
  }
}

/**
 * A session-cookie-path written as given is what ingress-nginx wrote, but a
 * browser sends a cookie only with requests under its Path (RFC 6265
 * path-match): a location outside it gets no working affinity, on
 * ingress-nginx as in the output, which the note says instead of "carried".
 * Locations are judged as the doctor's cookie-path-not-covering-route judges
 * them (`nginxRoutedPath`): a use-regex location by its expression's literal
 * start.
 */
function pathCoverage(ingress: SourceIngress, fate: Fate): Fate {
  const cookiePath = ingress.cookie?.path;
  if (fate.fate !== MigrationFate.CARRIED || cookiePath === undefined) {
    return fate;
  }
  // A location is covered when every request it routes is: the paths under a prefix, and for a
  // Prefix one, matched element by element, its path without a trailing '/' too.
  const outside = ingress.hosts.flatMap(h => h.paths
    .filter(p => !withoutAffinity(p))
    .map(p => nginxRoutedPath(p.path, p.pathType, ingress.useRegex))
    .filter(r => !nginxCookiePathCovers(cookiePath, r))
    .map(r => `${r.path}${r.regex ? ' (a regular expression)' : ''} on ${h.host ?? '(any host)'}`));
  if (outside.length === 0) {
    return fate;
  }
  return approximated(`${fate.detail}, but ${cookiePath} does not cover ${[...new Set(outside)].join(', ')}: a browser sends the cookie only `
    + 'with requests under its Path, so the requests there outside it get no affinity (nor did they on ingress-nginx, which wrote the same Path); '
    + 'give session-cookie-path a path they share, or leave it out');
}

/** Notes for every annotation of a main Ingress that the cookie and canary notes do not cover. */
function otherAnnotationNotes(ctx: Context, ingress: SourceIngress, notes: Notes, setNowhere: string | undefined): void {
  const fates = cookieFates(ctx.target, ingress.annotations, ingress.cookie, ctx.gatewayApi, setNowhere);
  const keys = Object.keys(ingress.annotations);
  // affinity-mode left out: ingress-nginx balances, and the target may not (cookieFates gives its fate).
  if (ingress.annotations[A.affinityMode] === undefined && fates.has(A.affinityMode)) {
    keys.push(A.affinityMode);
  }
  for (const k of keys.sort()) {
    if (TOOL_ANNOTATIONS.includes(k)) {
      continue;
    }
    const fate = fates.get(k);
    if (fate && k === A.path) {
      notes.add(k, pathCoverage(ingress, fate));
    } else if (fate) {
      notes.add(k, fate);
    } else if (k === INGRESS_CLASS_ANNOTATION) {
      notes.add(k, carried(HTTPROUTE_TARGETS.includes(ctx.target) ? `the routes attach to Gateway ${ctx.options.gateway}` : 'the new objects are read by the target controller'));
    } else if (k === USE_REGEX) {
      notes.add(k, ingress.useRegex ? approximated(regexWritten(ctx.target)) : carried('paths are not regular expressions'));
    } else if (k === NGINX_REGEX_ANNOTATIONS.rewriteTarget && ingress.useRegex) {
      // The use-regex line, where there is one, says how the paths are written.
      const how = ingress.annotations[USE_REGEX] === undefined ? `, and so they are written: ${regexWritten(ctx.target)}` : ' (see use-regex)';
      notes.add(k, dropped('the rewrite of the path sent to the Service is not translated: configure it on the target (see its documentation); '
        + `with it, ingress-nginx reads the Ingress's paths as regular expressions${how}`));
    } else if (k.startsWith(`${NGINX_ANNOTATION_PREFIX}canary`)) {
      notes.add(k, dropped('canary annotations act only with canary: "true"'));
    } else if (k === SSL_REDIRECT || k === FORCE_SSL_REDIRECT) {
      notes.add(k, dropped('read for whether the cookie is Secure (see session-cookie-secure); the redirect itself is the target\'s own setting (see its documentation)'));
    } else if (k.startsWith(NGINX_ANNOTATION_PREFIX)) {
      notes.add(k, dropped('not about affinity or routing; affinity-migrate does not translate it (see the target\'s documentation)'));
    } else {
      notes.add(k, dropped('not an ingress-nginx annotation; not copied to the new objects'));
    }
  }
}

function tlsNotes(ctx: Context, ingress: SourceIngress, notes: Notes): void {
  ingress.tls.forEach((t, i) => {
    const subject = `spec.tls[${i}]`;
    const hosts = t.hosts.length > 0 ? t.hosts.join(', ') : 'every host';
    if (HTTPROUTE_TARGETS.includes(ctx.target)) {
      const gw = `${ctx.options.gatewayNamespace ?? ingress.namespace}/${ctx.options.gateway}`;
      const secret = t.secretName ? `Secret ${ingress.namespace}/${t.secretName}` : 'the default certificate';
      const grant = ctx.options.gatewayNamespace && ctx.options.gatewayNamespace !== ingress.namespace
        ? ` (a ReferenceGrant in ${ingress.namespace} must let the Gateway read it)` : '';
      notes.add(subject, approximated(`TLS moves to the Gateway: give a listener of Gateway ${gw} for ${hosts} the certificateRefs ${secret}${grant}`));
    } else if (t.secretName) {
      notes.add(subject, carried(`TLS secret ${t.secretName} for ${hosts}`));
    } else {
      notes.add(subject, approximated(`no secretName: the target's default certificate serves ${hosts}`));
    }
  });
}

/**
 * ingress-nginx serves a host from one server, across Ingresses: a rule for
 * `/` of the host in another Ingress replaces this Ingress's default backend
 * there too (it is not written), and where another Ingress has rules for the
 * host without one, the host's `/` is the default backend of the Ingress the
 * controller read first (the oldest), which the manifests do not tell.
 */
function shareHosts(mains: readonly SourceIngress[]): void {
  const key = (host: string | undefined) => host?.toLowerCase();
  for (const m of mains) {
    const d = m.defaultBackend;
    if (d === undefined) {
      continue;
    }
    for (const host of [...d.fallbackHosts]) {
      const others = mains.filter(o => o !== m && o.hosts.some(h => h.host !== undefined && key(h.host) === key(host)));
      const root = others.find(o => o.hosts.some(h => key(h.host) === key(host) && h.paths.some(takesRootLocation)));
      if (root) {
        const h = m.hosts.find(x => x.host === host)!;
        h.paths.splice(h.paths.findIndex(p => p.field === DEFAULT_BACKEND_FIELD), 1);
        d.fallbackHosts.splice(d.fallbackHosts.indexOf(host), 1);
        d.replaced.push({ host, by: `a rule of Ingress ${root.namespace}/${root.name}` });
      } else if (others.length > 0) {
        d.shared.push({ host, others: others.map(o => `${o.namespace}/${o.name}`) });
      }
    }
  }
}

/**
 * ingress-nginx keeps one cookie Path per upstream (a Service and port of a
 * namespace): each Ingress with `affinity: cookie` writes its
 * session-cookie-path, or none, into the upstream of each of its locations,
 * and the one it reads last (the most recently created; of equal creation
 * times, the first by namespace/name) gives the Path of every location of
 * that Service, on every host, or, when it has none, lets each location set
 * its own path (controller.go getBackendServers, sticky.lua). The output
 * writes each Ingress's Path as given. Where the Ingresses of one Service
 * set session-cookie-path differently (a value and another, or a value and
 * none), which Path ingress-nginx used is not known from the manifests: each
 * of those Ingresses' session-cookie-path line is approximated and says so.
 */
function pathsOfOneService(mains: ReadonlyArray<{ ingress: SourceIngress; notes: Notes }>): void {
  // namespace/Service/port -> each Ingress reaching it, with its session-cookie-path as ingress-nginx takes it ('' for none)
  const byUpstream = new Map<string, Map<{ ingress: SourceIngress; notes: Notes }, string>>();
  for (const m of mains) {
    const cookie = m.ingress.cookie;
    if (cookie === undefined) {
      continue;
    }
    // A value ingress-nginx's validator drops leaves the Path empty, as none does.
    const setting = cookie.path !== undefined && NGINX_COOKIE_PATH_PATTERN.test(cookie.path) ? cookie.path : '';
    for (const p of m.ingress.hosts.flatMap(h => h.paths).filter(x => !withoutAffinity(x))) {
      for (const b of p.backends) {
        const k = `${m.ingress.namespace}/${b.service}/${b.port ?? JSON.stringify(b.portName ?? '')}`;
        const group = byUpstream.get(k) ?? new Map();
        group.set(m, setting);
        byUpstream.set(k, group);
      }
    }
  }
  // Each Ingress -> the Services whose Ingresses disagree, in words
  const told = new Map<{ ingress: SourceIngress; notes: Notes }, string[]>();
  for (const [k, group] of byUpstream) {
    if (new Set(group.values()).size < 2) {
      continue;
    }
    const [, service, port] = k.split('/');
    const values = [...group].map(([m, setting]) => `${m.ingress.name} (${setting === '' ? 'not set' : JSON.stringify(setting)})`);
    for (const m of group.keys()) {
      told.set(m, [...(told.get(m) ?? []), `Ingresses ${values.join(', ')} reach Service ${service} port ${port} and set session-cookie-path differently`]);
    }
  }
  for (const [m, services] of told) {
    const why = `; but ${services.join('; ')}: ingress-nginx gave every location of such a Service, on every host, the Path of the Ingress it read last (by creation order, which the manifests do not fix), `
      + 'or each location its own path when that Ingress had none, so which Path the source used is not known; the output keeps each Ingress\'s own';
    const list = m.notes.list;
    if (!list.some(n => n.subject === A.path)) {
      m.notes.add(A.path, approximated('not set: written with each location\'s own path as Path, or a target default that is the same'));
    }
    // A Path written (carried, or already approximated) is approximated; one the target drops stays dropped.
    list.forEach((n, i) => {
      if (n.subject === A.path && n.fate !== MigrationFate.DROPPED) {
        list[i] = { ...n, fate: MigrationFate.APPROXIMATED, detail: `${n.detail}${why}` };
      }
    });
  }
}

/** What each target writes for a host's fallback `/`. */
const FALLBACK_ROUTE: { readonly [t in MigrationTarget]: string } = {
  [MigrationTarget.GATEWAY_API]: 'a rule for / in the host\'s HTTPRoute',
  [MigrationTarget.ENVOY_GATEWAY]: 'a rule for / in the host\'s HTTPRoute',
  [MigrationTarget.ISTIO]: 'a rule for / in the host\'s HTTPRoute',
  [MigrationTarget.KONG]: 'a rule for / in the host\'s HTTPRoute',
  [MigrationTarget.GKE]: 'a rule for / in the host\'s HTTPRoute',
  [MigrationTarget.TRAEFIK]: 'a route PathPrefix(`/`) on the host in its IngressRoute',
  [MigrationTarget.CONTOUR]: 'a route for the prefix / in the host\'s HTTPProxy',
  [MigrationTarget.NGINX_PLUS]: 'a route for the path / in the host\'s VirtualServer',
};

/**
 * The line that says where the default backend of an Ingress with rules
 * went: the fallback `/` of its rule hosts only, as in ingress-nginx, never
 * a route for every host.
 */
function defaultBackendNote(ctx: Context, ingress: SourceIngress, notes: Notes): void {
  const d = ingress.defaultBackend;
  if (d === undefined) {
    return;
  }
  const service = `Service ${d.backend.service}`;
  const elsewhere: string[] = [
    ...d.replaced.map(r => `not on ${r.host}, where ${r.by.startsWith('spec.') ? `the rule ${r.by}` : r.by} for / takes its place, as in ingress-nginx`),
    ...(d.hostlessRule ? ['not for the rule without a host: ingress-nginx serves that from its catch-all server, whose / an Ingress with rules leaves to the controller\'s own default backend'] : []),
  ];
  const rest = elsewhere.length > 0 ? `; ${elsewhere.join('; ')}` : '';
  if (d.fallbackHosts.length === 0) {
    notes.add(DEFAULT_BACKEND_FIELD, dropped(`${service} is not written: beside rules, ingress-nginx serves the default backend only as the fallback (location /) of the rules' hosts, never for other hosts${rest}`));
    return;
  }
  // The port's own dropped line says so when the target needs a number it cannot find.
  if (ctx.target !== MigrationTarget.TRAEFIK && portNumber(ctx, ingress.namespace, d.backend) === undefined) {
    return;
  }
  // A target without a hostless route (Contour, NGINX Plus) says so on its own line for a rule without a host.
  const hosts = d.fallbackHosts.join(', ');
  const where = `${service} written as the fallback of ${hosts} (${FALLBACK_ROUTE[ctx.target]}, below the host's other routes), `
    + `as ingress-nginx serves the default backend of an Ingress with rules: for the paths no rule of the host matches, and for no other host${rest}`;
  if (d.shared.length > 0) {
    const shared = d.shared.map(s => `${s.host} (also in Ingress ${s.others.join(', ')})`).join(', ');
    notes.add(DEFAULT_BACKEND_FIELD, approximated(`${where}; but ingress-nginx serves a host from one server, whose / is the default backend of the Ingress it read first `
      + `(the oldest), or the controller's own if that one has none: on ${shared} this is right only if this Ingress is the oldest`));
    return;
  }
  notes.add(DEFAULT_BACKEND_FIELD, carried(where));
}

/** Whether ingress-nginx makes this Ingress's default backend its catch-all server's `/`: it has no rules. */
function catchAllBackend(ingress: SourceIngress): Backend | undefined {
  return ingress.hosts.find(h => h.host === undefined)?.paths.find(p => p.field === DEFAULT_BACKEND_FIELD)?.backends[0];
}

/**
 * The line that says where the default backend of an Ingress without rules
 * went: a route for `/` without a host, where ingress-nginx made it the `/`
 * of its catch-all server, which answers only the hosts it has no server
 * for; a route without a host answers every host's paths that no other
 * route matches. Contour and NGINX Plus, which cannot write one, say so on
 * their own line.
 */
function catchAllNote(ctx: Context, ingress: SourceIngress, mains: readonly SourceIngress[], notes: Notes): void {
  const backend = catchAllBackend(ingress);
  if (backend === undefined || ctx.target === MigrationTarget.CONTOUR || ctx.target === MigrationTarget.NGINX_PLUS) {
    return;
  }
  if (ctx.target !== MigrationTarget.TRAEFIK && portNumber(ctx, ingress.namespace, backend) === undefined) {
    return;
  }
  const where = `Service ${backend.service} written as a route for / without a host, as ingress-nginx serves the default backend of an Ingress without rules: `
    + 'as its catch-all server\'s /, for the hosts it has no server for';
  // Named hosts of the input without a route for `/` of their own: the route without a host answers their other paths.
  const covered = new Set<string>();
  const named = new Set<string>();
  for (const m of mains) {
    for (const h of m.hosts.filter(x => x.host !== undefined)) {
      named.add(h.host!.toLowerCase());
      if (h.paths.some(p => p.field === DEFAULT_BACKEND_FIELD || takesRootLocation(p))) {
        covered.add(h.host!.toLowerCase());
      }
    }
  }
  const reached = [...named].filter(h => !covered.has(h));
  const rivals = mains.filter(m => m !== ingress && catchAllBackend(m) !== undefined).map(m => `${m.namespace}/${m.name}`);
  const buts: string[] = [];
  if (reached.length > 0) {
    buts.push(`that route also answers the paths no route matches on ${reached.join(', ')}, which ingress-nginx served from their own servers (there, the controller's own default backend)`);
  }
  if (rivals.length > 0) {
    buts.push(`Ingress ${rivals.join(', ')} also ${rivals.length > 1 ? 'have' : 'has'} a default backend without rules: ingress-nginx gives its catch-all server's / to the one it read first (the oldest), `
      + 'and the output has a route for / without a host for each, which the target chooses between by its own rules');
  }
  notes.add(DEFAULT_BACKEND_FIELD, buts.length > 0 ? approximated(`${where}; but ${buts.join('; and ')}`) : carried(where));
}

/**
 * The migration of a set of manifests: every ingress-nginx Ingress becomes
 * the target's objects, with a note for each annotation and field that did
 * not carry over as is.
 */
export function migrateDocs(docs: readonly SourceDoc[], options: MigrationOptions): MigrationResult {
  const problem = optionsProblem(options);
  if (problem) {
    throw new Error(problem);
  }
  const ctx: Context = {
    options,
    target: options.target,
    gatewayApi: options.gatewayApi ?? MigrationGatewayApi.V1_6,
    services: new Map(),
    objects: [],
    servicePolicies: new Map(),
    patchedServices: new Map(),
    sharedCookies: new Map(),
  };
  for (const d of docs) {
    const o = d.obj;
    if (o?.kind === 'Service' && o.apiVersion === 'v1' && typeof o.metadata?.name === 'string') {
      ctx.services.set(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, o);
    }
  }
  // Notes are reported in input order: each Ingress's together.
  const ignored: Array<{ index: number; note: MigrationNote }> = [];
  const mains: Array<{ index: number; ingress: SourceIngress; notes: Notes }> = [];
  const canaries: Array<{ index: number; ingress: SourceIngress; notes: Notes }> = [];
  docs.forEach((d, index) => {
    const o = d.obj;
    if (o?.kind !== 'Ingress') {
      return;
    }
    const file = d.file ?? options.file;
    if (!isNginxIngress(o)) {
      const ingress = readIngress(o, file, d.line);
      const cls = o.spec?.ingressClassName ?? o.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
      ignored.push({
        index,
        note: {
          ingress: `${ingress.namespace}/${ingress.name}`,
          subject: 'spec.ingressClassName',
          fate: MigrationFate.IGNORED,
          detail: `not an ingress-nginx Ingress (class ${cls === undefined ? 'unset' : JSON.stringify(cls)}, no nginx annotation); left out`,
          file,
          line: d.line,
        },
      });
      return;
    }
    const ingress = readIngress(o, file, d.line);
    (ingress.canary ? canaries : mains).push({ index, ingress, notes: new Notes(ingress) });
  });
  // ingress-nginx serves a host from one server: TLS on any Ingress of the host covers it.
  const tlsHosts = new Set<string>();
  for (const m of [...mains, ...canaries]) {
    if (m.ingress.tls.length > 0) {
      m.ingress.hosts.forEach(h => h.host !== undefined && tlsHosts.add(h.host.toLowerCase()));
    }
  }
  for (const m of [...mains, ...canaries]) {
    m.ingress.tlsHosts = tlsHosts;
  }
  shareHosts(mains.map(m => m.ingress));
  for (const c of canaries) {
    mergeCanary(c.ingress, mains.map(m => m.ingress), c.notes, ctx.target);
    for (const k of Object.keys(c.ingress.annotations).sort()) {
      if (k.startsWith(`${NGINX_ANNOTATION_PREFIX}canary`) || TOOL_ANNOTATIONS.includes(k)) {
        continue;
      }
      c.notes.add(k, COOKIE_ANNOTATIONS.includes(k)
        ? dropped('a canary Ingress takes its affinity from its main Ingress; ingress-nginx ignores this')
        : k === INGRESS_CLASS_ANNOTATION ? carried('merged into the main Ingress\'s objects') : dropped('on a canary Ingress; not translated'));
    }
  }
  for (const m of mains) {
    const setNowhere = cookieSetNowhere(m.ingress);
    otherAnnotationNotes(ctx, m.ingress, m.notes, setNowhere);
    // A cookie ingress-nginx sets nowhere is no affinity: the target gets none either.
    const ingress: SourceIngress = setNowhere === undefined ? m.ingress : { ...m.ingress, cookie: undefined };
    tlsNotes(ctx, ingress, m.notes);
    defaultBackendNote(ctx, ingress, m.notes);
    catchAllNote(ctx, ingress, mains.map(x => x.ingress), m.notes);
    switch (ctx.target) {
      case MigrationTarget.TRAEFIK:
        renderTraefik(ctx, ingress, m.notes);
        break;
      case MigrationTarget.CONTOUR:
        renderContour(ctx, ingress, m.notes);
        break;
      case MigrationTarget.NGINX_PLUS:
        renderNginxPlus(ctx, ingress, m.notes);
        break;
      default:
        renderHttpRoutes(ctx, ingress, m.notes);
    }
  }
  splitSharedCookies(ctx);
  pathsOfOneService(mains.filter(m => cookieSetNowhere(m.ingress) === undefined));
  const notes = [
    ...ignored.map(i => ({ index: i.index, notes: [i.note] })),
    ...[...mains, ...canaries].map(m => ({ index: m.index, notes: m.notes.list })),
  ].sort((x, y) => x.index - y.index)
    .flatMap(x => x.notes);
  const exact = notes.every(n => n.fate === MigrationFate.CARRIED || n.fate === MigrationFate.IGNORED);
  return { objects: ctx.objects, notes, exact };
}
