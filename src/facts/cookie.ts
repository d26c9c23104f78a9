/**
 * What browsers and RFC 6265 accept in a Set-Cookie header, written once for
 * every cookie renderer (ingress controllers, Gateway API, meshes) and the
 * doctor. Pure: no imports.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-4.1.1
 */

/** The separators RFC 2616 forbids in a token, and so in a cookie name (besides controls and space). */
export const COOKIE_NAME_SEPARATORS = '()<>@,;:\\"/[]?={} \t';

/**
 * Longest `Max-Age` a browser keeps: RFC 6265bis caps it at 400 days, and
 * browsers shorten anything longer without a word.
 */
export const COOKIE_MAX_AGE_MAX_SECONDS = 400 * 24 * 3600;

/**
 * Most octets of a cookie's name and value together: browsers ignore a
 * Set-Cookie whose pair is longer, without a word. The value is the load
 * balancer's, so a name can take at most this less one octet.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-5.4
 */
export const COOKIE_NAME_VALUE_MAX_OCTETS = 4096;

/** Longest name that leaves room for a one-octet value. */
export const COOKIE_NAME_MAX_LENGTH = COOKIE_NAME_VALUE_MAX_OCTETS - 1;

/**
 * Most octets of an attribute value (`Path`, `Domain`): browsers ignore a
 * longer attribute, so the cookie gets the default path instead.
 *
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-5.4
 */
export const COOKIE_ATTRIBUTE_VALUE_MAX_OCTETS = 1024;

/** Longest cookie domain: a DNS name. */
export const COOKIE_DOMAIN_MAX_LENGTH = 253;

/**
 * One or more of the printable US-ASCII characters (0x21-0x7e) that are not
 * in COOKIE_NAME_SEPARATORS, as character ranges: one test, no walk of the
 * name character by character.
 */
const COOKIE_NAME_PATTERN = /^[\x21\x23-\x27\x2a\x2b\x2d\x2e\x30-\x39\x41-\x5a\x5e-\x7a\x7c\x7e]+$/;

/**
 * Whether `name` is an RFC 6265 cookie name (an RFC 2616 token): one or more
 * US-ASCII characters, none of them a control, a space or a separator.
 */
export function isCookieName(name: string): boolean {
  return COOKIE_NAME_PATTERN.test(name);
}

/**
 * Whether `path` can be a cookie's `Path` attribute: it starts with '/' and
 * holds only printable US-ASCII other than ';' (RFC 6265 path-value; a path
 * not starting with '/' is replaced by the browser's default path).
 */
export function isCookiePath(path: string): boolean {
  return /^\/[\x20-\x3a\x3c-\x7e]*$/.test(path);
}

/**
 * Whether `domain` can be a cookie's `Domain` attribute: a DNS host name
 * (labels of letters, digits and '-', not starting or ending with '-'), with
 * an optional leading '.', which browsers ignore.
 */
export function isCookieDomain(domain: string): boolean {
  const host = domain.startsWith('.') ? domain.slice(1) : domain;
  return host.length > 0
    && host.length <= COOKIE_DOMAIN_MAX_LENGTH
    && host.split('.').every(label => /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/.test(label));
}

/**
 * A cookie Domain as browsers compare it: a leading '.' ignored, in any case
 * (RFC 6265 5.2.3).
 */
export function browserCookieDomain(domain: string): string {
  return domain.replace(/^\./, '').toLowerCase();
}

/** Whether a browser sends a cookie of this Domain (as `browserCookieDomain` gives it) to the host. */
export function domainMatches(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * Whether a browser sends a cookie of this `Path` with a request for this
 * path (RFC 6265 5.1.4 path-match): the same path, or the cookie's Path is
 * a prefix of the request's that ends with '/' or is followed by '/' there.
 * `/admin` covers `/admin` and `/admin/users`, not `/` or `/administrator`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-5.1.4
 */
export function cookiePathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) {
    return true;
  }
  return requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath.charAt(cookiePath.length) === '/');
}

/**
 * A path a route matches: its requests are the path and the paths below it.
 * A regular expression (`regex`) is known only by its literal start, the
 * characters before the first that makes it an expression: its requests
 * begin with that and may go on with anything.
 */
export interface RoutedPath {
  readonly path: string;
  readonly regex: boolean;
  /**
   * Whether the path is matched element by element, as an Ingress path of
   * pathType Prefix (or a Gateway API PathPrefix) is: it is split at '/' and
   * a trailing '/' is ignored, so `/app/` also matches `/app` (the Kubernetes
   * Ingress docs: Prefix `/aaa/bbb/` matches the request `/aaa/bbb`). A
   * nginx location prefix (ingress-nginx's ImplementationSpecific) is not.
   *
   * @default false
   */
  readonly elementWise?: boolean;
}

/**
 * The least request path a routed path matches, as a cookie Path must cover
 * it: the path itself, or for an element-wise prefix the path without its
 * trailing '/' (but '/' itself).
 */
export function leastRoutedRequest(routed: RoutedPath): string {
  if (!routed.elementWise || routed.regex) {
    return routed.path;
  }
  const trimmed = routed.path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Where no routed path is a regular expression: a pattern that matches nothing. */
const NO_EXPRESSION = /(?!)/;

/**
 * The literal start of a regular expression (one alternative of it): up to
 * its first expression character, less the character before a `?`, `*` or
 * `{`, which that makes optional.
 */
function literalStart(path: string, expression: RegExp): string {
  const at = path.search(expression);
  if (at < 0) {
    return path;
  }
  return '?*{'.includes(path[at]) ? path.slice(0, Math.max(0, at - 1)) : path.slice(0, at);
}

/**
 * The top-level alternatives of a regular expression: split at each '|'
 * outside any group or class (`^/a|/b` has two; `/(a|b)` and `/[|]` one).
 */
export function topLevelAlternatives(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inClass = false;
  let from = 0;
  for (let i = 0; i < expression.length; i++) {
    const c = expression[i];
    if (c === '\\') {
      i++;
    } else if (inClass) {
      inClass = c !== ']';
    } else if (c === '[') {
      inClass = true;
      // A ']' first in a class (after an optional '^') is a literal.
      i += expression[i + 1] === '^' ? 1 : 0;
      i += expression[i + 1] === ']' ? 1 : 0;
    } else if (c === '(') {
      depth++;
    } else if (c === ')') {
      depth = Math.max(0, depth - 1);
    } else if (c === '|' && depth === 0) {
      parts.push(expression.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(expression.slice(from));
  return parts;
}

/**
 * A path that is a regular expression matched from the path's start (as
 * ingress-nginx's `~* "^<path>"`), split into its top-level alternatives,
 * each with the leading `^` taken off: the first is anchored by the
 * location, the others only where they begin with `^` (`/a|/b` also matches
 * `/x/b`). Undefined when an alternative is not anchored: it may match
 * anywhere in a path, so no literal start bounds what it routes.
 */
function anchoredAlternatives(path: string): string[] | undefined {
  const parts = topLevelAlternatives(path);
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const anchored = parts[i].startsWith('^');
    if (i > 0 && !anchored) {
      return undefined;
    }
    out.push(anchored ? parts[i].slice(1) : parts[i]);
  }
  return out;
}

/**
 * Whether a browser sends a cookie of Path `cookiePath` with every request a
 * routed path matches. A prefix route matches its path and those below it,
 * which all path-match `cookiePath` when the path itself does (for an
 * element-wise prefix, the path without its trailing '/'); a regular
 * expression matches paths that begin with its literal start and go on with
 * anything, which all path-match only where that start is below a '/' of
 * `cookiePath`.
 *
 * @param expression the characters that begin a regular expression in a path
 *   (needed only where a routed path is one)
 */
export function cookiePathCovers(cookiePath: string, routed: RoutedPath, expression: RegExp = NO_EXPRESSION): boolean {
  if (cookiePath === '/') {
    return true;
  }
  if (!routed.regex) {
    return cookiePathMatches(leastRoutedRequest(routed), cookiePath);
  }
  const alternatives = anchoredAlternatives(routed.path);
  return alternatives !== undefined && alternatives.every(alternative => {
    const start = literalStart(alternative, expression);
    // An expression that goes on only at a '/' or ends there (`/shop(/|$)(.*)`, as in
    // ingress-nginx's rewrite-target example) matches its literal start and the paths below it.
    if (SEGMENT_BOUNDARY.test(alternative.slice(start.length)) && cookiePathMatches(start, cookiePath)) {
      return true;
    }
    return start.startsWith(cookiePath.endsWith('/') ? cookiePath : `${cookiePath}/`);
  });
}

/** What begins an expression that goes on only at a '/' or ends: `(/|$)`, `($|/)`, `$`, or a '/' (not an optional one: `/?`). */
const SEGMENT_BOUNDARY = /^(\(\/\|\$\)|\(\$\|\/\)|\$|\/(?![?*{]))/;

/**
 * The longest cookie Path that covers every routed path (see
 * `cookiePathCovers`): their common leading segments, '/' when they share none.
 */
export function coveringCookiePath(routed: readonly RoutedPath[], expression: RegExp = NO_EXPRESSION): string {
  const path = commonSegments(routed.map(r => (r.regex
    // Of an expression, the segments before the one it begins in, in its every alternative.
    ? commonSegments((anchoredAlternatives(r.path) ?? ['']).map(a => literalStart(a, expression).split('/').slice(0, -1)))
    : leastRoutedRequest(r).split('/')))).join('/');
  return path.startsWith('/') ? path : '/';
}

/** The leading segments every list shares (none for no list). */
function commonSegments(lists: readonly string[][]): string[] {
  let common: string[] | undefined;
  for (const segments of lists) {
    if (common === undefined) {
      common = segments;
      continue;
    }
    let i = 0;
    while (i < common.length && i < segments.length && common[i] === segments[i]) {
      i++;
    }
    common = common.slice(0, i);
  }
  return common ?? [];
}
