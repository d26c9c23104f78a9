import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propError } from '../errors';
import {
  COOKIE_ATTRIBUTE_VALUE_MAX_OCTETS,
  COOKIE_MAX_AGE_MAX_SECONDS,
  COOKIE_NAME_MAX_LENGTH,
  cookiePathCovers,
  cookiePathMatches,
  coveringCookiePath,
  isCookieDomain,
  isCookieName,
  isCookiePath,
  leastRoutedRequest,
  RoutedPath,
} from '../facts/cookie';
import { describeSeconds, secondsOf, untypedProps, UntypedPropsRules } from '../units';

/**
 * The `SameSite` attribute of the affinity cookie: when the browser sends it
 * with requests that come from another site.
 */
export enum SameSite {
  /** Only with requests from the same site. */
  STRICT = 'Strict',
  /** With same-site requests and top-level navigations from other sites (the browsers' default). */
  LAX = 'Lax',
  /** With every request, cross-site included; browsers require `Secure` with it. */
  NONE = 'None',
}

/**
 * The cookie that keeps a browser on one pod, described once for every
 * controller, gateway and mesh. Each renderer writes it in its own syntax and
 * refuses what it cannot express, rather than dropping it.
 */
export interface AffinityCookie {
  /**
   * Name of the cookie: an RFC 6265 token (US-ASCII, no spaces, controls or
   * separators such as `;` `=` `,` `"`) of at most 4095 characters (browsers
   * ignore a cookie whose name and value exceed 4096 octets), and each
   * controller's own limits.
   *
   * @default - the controller's own default name (ingress-nginx `INGRESSCOOKIE`, for example)
   */
  readonly name?: string;

  /**
   * How long the browser keeps the cookie (`Max-Age`): whole seconds, more
   * than 0 and at most 400 days, which browsers cap it to.
   *
   * @default - a session cookie, dropped when the browser closes (controllers
   * that always set a lifetime use their own default, as each documents)
   */
  readonly maxAge?: Duration;

  /**
   * `Path` of the cookie: it must start with '/', and be at most 1024
   * characters (browsers ignore a longer one). It must cover every path the
   * Ingress or route matches (browsers send the cookie back only with
   * requests at or below it): `/app` covers `/app` and `/app/x`, not `/` or
   * `/application`.
   *
   * @default '/' (the whole site stays on one pod)
   */
  readonly path?: string;

  /**
   * `Domain` of the cookie, for a cookie shared by subdomains.
   *
   * @default - no Domain attribute: the browser sends it to the host that set it only
   */
  readonly domain?: string;

  /**
   * Whether the cookie is sent over HTTPS only (`Secure`).
   *
   * @default - true when the traffic is TLS (the Ingress has TLS, or `sameSite` is `NONE`, which requires it); false otherwise
   */
  readonly secure?: boolean;

  /**
   * Whether scripts in the page are kept from reading the cookie (`HttpOnly`).
   * An affinity cookie is for the load balancer only.
   *
   * @default true
   */
  readonly httpOnly?: boolean;

  /**
   * `SameSite` of the cookie.
   *
   * Written as given, or as the default, by the controllers that write the
   * attribute; ingress-nginx writes it only when it is given (its cookie
   * otherwise has no `SameSite`, and the browser applies its own default), and
   * HAProxy, AWS ALB and GKE Ingress set no `SameSite` on their cookies.
   *
   * @default SameSite.LAX
   */
  readonly sameSite?: SameSite;
}

/**
 * The affinity cookie with every default applied, as a controller renders it.
 * `secure` follows the TLS the Ingress has when it is resolved: TLS may be
 * added later, so a controller that writes `Secure` reads
 * `ingress.resolveCookie()` again in a `Lazy` value.
 */
export interface ResolvedAffinityCookie {
  /**
   * The cookie's name.
   *
   * @default - not given: the controller's own name
   */
  readonly name?: string;

  /**
   * `Max-Age` in whole seconds.
   *
   * @default - not given: a session cookie
   */
  readonly maxAgeSeconds?: number;

  /** The cookie's `Path`. */
  readonly path: string;

  /**
   * The cookie's `Domain`.
   *
   * @default - not given: the host that set it
   */
  readonly domain?: string;

  /** Whether the cookie is `Secure`. */
  readonly secure: boolean;

  /** Whether the cookie is `HttpOnly`. */
  readonly httpOnly: boolean;

  /** The cookie's `SameSite`. */
  readonly sameSite: SameSite;
}

/**
 * A cookie with every default applied, as renderers read it. `given` tells
 * which fields the user set, so a renderer that cannot express a field refuses
 * it only when the user asked for it.
 */
export interface ResolvedCookie extends ResolvedAffinityCookie {
  readonly given: { readonly [field in keyof AffinityCookie]-?: boolean };
}

/** What the cookie's defaults depend on. */
export interface CookieContext {
  /** Whether the traffic the cookie rides on is TLS. */
  readonly tls: boolean;
}

/** The default `Path`: the whole site. */
export const DEFAULT_COOKIE_PATH = '/';

/** What plain JavaScript can get wrong in a cookie's fields (made once, not per cookie). */
const COOKIE_TYPES: UntypedPropsRules = {
  durations: ['maxAge'],
  strings: ['name', 'path', 'domain'],
  booleans: ['secure', 'httpOnly'],
  enums: { sameSite: SameSite },
};

/**
 * Validates a cookie against RFC 6265 and the browsers' rules and applies the
 * defaults. Errors name `<prop>.<field>` in the library's format.
 *
 * @param scope the construct that owns the cookie (its path starts the message)
 * @param prop the prop the cookie was given as, e.g. `cookie`
 */
export function resolveCookie(scope: IConstruct, prop: string, cookie: AffinityCookie, context: CookieContext): ResolvedCookie {
  // The cookie last checked, if this is it with the same fields, passed the
  // same checks: constructs often share one cookie (a constant of the app),
  // and only `secure` depends on the context. One entry, so a cookie per
  // construct costs a comparison and no map.
  const last = lastChecked;
  if (last !== undefined && last.cookie === cookie && sameFields(last.fields, cookie)) {
    return { ...last.resolved, secure: cookie.secure ?? (context.tls || last.resolved.sameSite === SameSite.NONE) };
  }
  const resolved = checkCookie(scope, prop, cookie, context);
  lastChecked = { cookie, fields: { ...cookie }, resolved: { ...resolved } };
  return resolved;
}

/** The cookie object last resolved, with its fields then and what they resolved to. */
let lastChecked: { readonly cookie: AffinityCookie; readonly fields: AffinityCookie; readonly resolved: ResolvedCookie } | undefined;

/** Every field of the cookie model: the compiler makes sure a new field is compared too. */
const COOKIE_FIELDS: { readonly [field in keyof AffinityCookie]-?: true } = {
  name: true, maxAge: true, path: true, domain: true, secure: true, httpOnly: true, sameSite: true,
};

/** Whether a cookie's fields are those it had (a Duration never changes, so the same one is the same value). */
function sameFields(then: AffinityCookie, now: AffinityCookie): boolean {
  for (const field in COOKIE_FIELDS) {
    if (then[field as keyof AffinityCookie] !== now[field as keyof AffinityCookie]) {
      return false;
    }
  }
  return true;
}

/** resolveCookie()'s checks and defaults, run for a cookie not just checked. */
function checkCookie(scope: IConstruct, prop: string, cookie: AffinityCookie, context: CookieContext): ResolvedCookie {
  untypedProps(scope, cookie, COOKIE_TYPES, `${prop}.`);
  if (cookie.name !== undefined && !isCookieName(cookie.name)) {
    throw propError(scope, `${prop}.name`, JSON.stringify(cookie.name),
      'must be an RFC 6265 token: one or more US-ASCII characters, with no spaces, controls or separators ( ) < > @ , ; : \\ " / [ ] ? = { }');
  }
  // A token is US-ASCII, so characters are octets here.
  if (cookie.name !== undefined && cookie.name.length > COOKIE_NAME_MAX_LENGTH) {
    throw propError(scope, `${prop}.name`, abbreviated(cookie.name),
      `must be at most ${COOKIE_NAME_MAX_LENGTH} characters: browsers ignore a cookie whose name and value together exceed ${COOKIE_NAME_MAX_LENGTH + 1} octets`);
  }
  let maxAgeSeconds: number | undefined;
  if (cookie.maxAge !== undefined) {
    maxAgeSeconds = secondsOf(cookie.maxAge);
    if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 1 || maxAgeSeconds > COOKIE_MAX_AGE_MAX_SECONDS) {
      throw propError(scope, `${prop}.maxAge`, describeSeconds(cookie.maxAge),
        `must be a whole number of seconds from 1 to ${COOKIE_MAX_AGE_MAX_SECONDS} (400 days, the most browsers keep); leave it out for a session cookie`);
    }
  }
  const path = cookie.path ?? DEFAULT_COOKIE_PATH;
  if (!isCookiePath(path)) {
    throw propError(scope, `${prop}.path`, JSON.stringify(path),
      'must start with \'/\' and hold only printable US-ASCII other than \';\'');
  }
  if (path.length > COOKIE_ATTRIBUTE_VALUE_MAX_OCTETS) {
    throw propError(scope, `${prop}.path`, abbreviated(path),
      `must be at most ${COOKIE_ATTRIBUTE_VALUE_MAX_OCTETS} characters: browsers ignore a longer Path and give the cookie the default path`);
  }
  if (cookie.domain !== undefined && !isCookieDomain(cookie.domain)) {
    throw propError(scope, `${prop}.domain`, JSON.stringify(cookie.domain),
      'must be a DNS host name (labels of letters, digits and \'-\', optionally after a leading \'.\')');
  }
  const sameSite = cookie.sameSite ?? SameSite.LAX;
  if (sameSite === SameSite.NONE && cookie.secure === false) {
    throw propError(scope, `${prop}.secure`, 'false',
      'must be true when \'sameSite\' is NONE: browsers reject a SameSite=None cookie without Secure');
  }
  return {
    name: cookie.name,
    maxAgeSeconds,
    path,
    domain: cookie.domain,
    secure: cookie.secure ?? (context.tls || sameSite === SameSite.NONE),
    httpOnly: cookie.httpOnly ?? true,
    sameSite,
    given: {
      name: cookie.name !== undefined,
      maxAge: cookie.maxAge !== undefined,
      path: cookie.path !== undefined,
      domain: cookie.domain !== undefined,
      secure: cookie.secure !== undefined,
      httpOnly: cookie.httpOnly !== undefined,
      sameSite: cookie.sameSite !== undefined,
    },
  };
}

/** A long value as an error shows it: its length and its start. */
function abbreviated(value: string): string {
  return `${value.length} characters: ${JSON.stringify(value.slice(0, 20))}...`;
}

/**
 * Why a cookie Path leaves some routed paths without the cookie, in the words
 * of an error's "allowed" part, or `undefined` when it covers them all (see
 * `cookiePathCovers`): browsers send it back only with requests at or below
 * its Path, so requests to the others would not stay on one pod.
 *
 * @param routed the paths the construct routes
 * @param what how the error names them: `the Ingress routes`, `'pathPrefix' matches`
 * @param expression the characters that begin a regular expression in a path (needed only where a routed path is one)
 */
export function cookiePathCoverageProblem(cookiePath: string, routed: readonly RoutedPath[], what: string, expression?: RegExp): string | undefined {
  const uncovered = routed.filter(r => !cookiePathCovers(cookiePath, r, expression));
  if (uncovered.length === 0) {
    return undefined;
  }
  const shown = (list: readonly RoutedPath[]) => [...new Set(list.map(r => `${JSON.stringify(r.path)}${r.regex ? ' (a regular expression)' : ''}`))].join(', ');
  // An element-wise prefix covered but for its trailing '/' is shown by the request it misses.
  const missed = [...new Set(uncovered.map(r => {
    const least = leastRoutedRequest(r);
    return least !== r.path && cookiePathMatches(r.path, cookiePath)
      ? `${JSON.stringify(least)} (which the prefix ${JSON.stringify(r.path)} matches too: a prefix match ignores a trailing '/')`
      : `${JSON.stringify(r.path)}${r.regex ? ' (a regular expression)' : ''}`;
  }))].join(', ');
  const suggestion = coveringCookiePath(routed, expression);
  return `must cover every path ${what} (${shown(routed)}): browsers send the cookie back only with requests at or below its Path (RFC 6265 path-match), `
    + `so requests to ${missed} would not stay on one pod; `
    + `use ${suggestion === '/' ? '"/"' : `${JSON.stringify(suggestion)} or "/"`}, or leave 'cookie.path' out`;
}
