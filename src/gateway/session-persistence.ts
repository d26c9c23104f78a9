import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { refuseGiven } from './common';
import { AffinityCookie, resolveCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import {
  GATEWAY_API_RELEASE,
  gatewayDuration,
  LIFETIME_PERMANENT,
  LIFETIME_SESSION,
  SESSION_NAME_MAX_LENGTH,
  sessionPersistenceProblem,
} from '../facts/gateway-api';
import { describeSeconds, secondsOf } from '../units';

/**
 * How long the browser keeps a Gateway API session-persistence cookie
 * (`sessionPersistence.cookieConfig.lifetimeType`).
 */
export enum CookieLifetime {
  /** Kept until `Max-Age` runs out (the cookie's `maxAge`, written as `absoluteTimeout`). */
  PERMANENT = 'Permanent',
  /** Dropped when the browser closes; the gateway may still end it after `sessionTimeout`. */
  SESSION = 'Session',
}

/**
 * The cookie settings of Gateway API session persistence, shared by the
 * HTTPRoute rule (`CookieAffinityRoute`) and the XBackendTrafficPolicy
 * (`BackendCookieAffinity`).
 */
export interface SessionPersistenceOptions {
  /**
   * The affinity cookie. Its `name` becomes `sessionName` (at most 128
   * characters) and its `maxAge` the `absoluteTimeout` of a `Permanent`
   * cookie. Gateway API v1.6.1 has no field for `path`, `domain`, `secure`,
   * `httpOnly` or `sameSite`: the implementation chooses them, so setting
   * any of them is an error rather than a silent no-op.
   *
   * @default - a session cookie named by the implementation
   */
  readonly cookie?: AffinityCookie;

  /**
   * `cookieConfig.lifetimeType`.
   *
   * @default - `PERMANENT` when `cookie.maxAge` is set, `SESSION` otherwise
   */
  readonly lifetime?: CookieLifetime;

  /**
   * For a `SESSION` cookie: how long after it was issued the gateway stops
   * honouring it (`absoluteTimeout`), whatever the browser does.
   *
   * @default - no limit
   */
  readonly sessionTimeout?: Duration;
}

/** `sessionPersistence` as written in the HTTPRoute rule and the XBackendTrafficPolicy. */
export interface RenderedSessionPersistence {
  readonly sessionName?: string;
  readonly type: 'Cookie';
  readonly absoluteTimeout?: string;
  readonly cookieConfig: { readonly lifetimeType: string };
}

const NO_FIELD = (field: string) => () =>
  `cannot be written in Gateway API ${GATEWAY_API_RELEASE} sessionPersistence, which has no cookie ${field}: the implementation chooses it; leave it out, or use EnvoyCookieAffinity or MeshCookieAffinity, which write it`;

/** The cookie fields sessionPersistence cannot write, and why: made once, not per route. */
const UNWRITABLE_COOKIE_FIELDS = {
  path: NO_FIELD('path'),
  domain: NO_FIELD('domain'),
  secure: NO_FIELD('Secure attribute'),
  httpOnly: NO_FIELD('HttpOnly attribute'),
  sameSite: NO_FIELD('SameSite attribute'),
};

function durationIn(scope: IConstruct, prop: string, duration: Duration): string {
  const seconds = secondsOf(duration);
  const text = seconds > 0 ? gatewayDuration(seconds) : undefined;
  if (text === undefined) {
    throw propError(scope, prop, describeSeconds(duration),
      'must be more than 0 and fit the Gateway API duration format ^([0-9]{1,5}(h|m|s|ms)){1,4}$: whole milliseconds, at most 99999h59m59s999ms');
  }
  return text;
}

/**
 * Turns the cookie model into Gateway API `sessionPersistence`, enforcing the
 * CRD's CEL rules here, since API servers without CEL (before 1.25) would
 * store a broken object.
 */
export function renderSessionPersistence(scope: IConstruct, options: SessionPersistenceOptions): RenderedSessionPersistence {
  const cookie = options.cookie ?? {};
  const resolved = resolveCookie(scope, 'cookie', cookie, { tls: false });
  refuseGiven(scope, 'cookie', cookie, resolved, UNWRITABLE_COOKIE_FIELDS);
  if (resolved.name !== undefined && resolved.name.length > SESSION_NAME_MAX_LENGTH) {
    throw propError(scope, 'cookie.name', `${resolved.name.length} characters: ${JSON.stringify(resolved.name.slice(0, 20))}...`,
      `must be at most ${SESSION_NAME_MAX_LENGTH} characters (sessionPersistence.sessionName)`);
  }
  const lifetime = options.lifetime ?? (cookie.maxAge !== undefined ? CookieLifetime.PERMANENT : CookieLifetime.SESSION);
  let absoluteTimeout: string | undefined;
  if (lifetime === CookieLifetime.PERMANENT) {
    if (cookie.maxAge === undefined) {
      throw propError(scope, 'lifetime', 'PERMANENT',
        'needs \'cookie.maxAge\': a Permanent cookie\'s lifetime is its absoluteTimeout (the CRD: "AbsoluteTimeout must be specified when cookie lifetimeType is Permanent")');
    }
    if (options.sessionTimeout !== undefined) {
      throw propError(scope, 'sessionTimeout', describeSeconds(options.sessionTimeout),
        'applies to SESSION cookies only: a Permanent cookie\'s absoluteTimeout is its \'cookie.maxAge\'');
    }
    absoluteTimeout = durationIn(scope, 'cookie.maxAge', cookie.maxAge);
  } else {
    if (cookie.maxAge !== undefined) {
      throw propError(scope, 'cookie.maxAge', describeSeconds(cookie.maxAge),
        'must be left out for a SESSION cookie, which has no Max-Age: use \'sessionTimeout\' to end sessions on the gateway, or lifetime PERMANENT');
    }
    if (options.sessionTimeout !== undefined) {
      absoluteTimeout = durationIn(scope, 'sessionTimeout', options.sessionTimeout);
    }
  }
  const rendered: RenderedSessionPersistence = {
    sessionName: resolved.name,
    type: 'Cookie',
    absoluteTimeout,
    cookieConfig: { lifetimeType: lifetime === CookieLifetime.PERMANENT ? LIFETIME_PERMANENT : LIFETIME_SESSION },
  };
  const problem = sessionPersistenceProblem(rendered);
  if (problem !== undefined) {
    // Unreachable by the checks above; kept so a later change cannot write what the CRD's CEL refuses.
    throw propError(scope, 'cookie', JSON.stringify(rendered), `breaks the HTTPRoute CRD's rule: ${problem}`);
  }
  return rendered;
}
