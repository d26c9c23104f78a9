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
import {
  MAIN_COOKIE_NAME_MAX_LENGTH,
  MAIN_COOKIE_NAME_PATTERN,
  mainSessionPersistenceProblem,
} from '../facts/gateway-api-main';
import { describeSeconds, secondsOf } from '../units';

/**
 * The Gateway API release whose `sessionPersistence` shape a construct writes.
 * The two are not compatible: load the matching HTTPRoute (and
 * XBackendTrafficPolicy) CRDs in the cluster.
 */
export enum GatewayApiRelease {
  /**
   * v1.6.1, experimental channel: `sessionName` names the cookie and
   * `cookieConfig.lifetimeType` sets its lifetime; no cookie path.
   */
  V1_6_1 = 'v1.6.1',
  /**
   * Gateway API's `main` branch (after v1.6.1, in no release yet):
   * `cookie.name`, `cookie.path` and `cookie.lifetimeType`; no `sessionName`
   * or `cookieConfig`.
   */
  MAIN = 'main',
}

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

  /**
   * The Gateway API release whose `sessionPersistence` shape is written.
   * `MAIN` also writes the cookie's `path`, which v1.6.1 cannot.
   *
   * @default GatewayApiRelease.V1_6_1
   */
  readonly gatewayApiRelease?: GatewayApiRelease;
}

/** `sessionPersistence` as written in the HTTPRoute rule and the XBackendTrafficPolicy. */
export interface RenderedSessionPersistence {
  readonly sessionName?: string;
  readonly type: 'Cookie';
  readonly absoluteTimeout?: string;
  readonly cookieConfig: { readonly lifetimeType: string };
}

/** `sessionPersistence` in the shape of Gateway API's `main` branch. */
export interface RenderedMainSessionPersistence {
  readonly type: 'Cookie';
  readonly absoluteTimeout?: string;
  readonly cookie: { readonly name?: string; readonly path?: string; readonly lifetimeType: string };
}

const NO_FIELD = (field: string, release: string = GATEWAY_API_RELEASE) => () =>
  `cannot be written in Gateway API ${release} sessionPersistence, which has no cookie ${field}: the implementation chooses it; leave it out, or use EnvoyCookieAffinity or MeshCookieAffinity, which write it`;

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
 * Turns the cookie model into Gateway API v1.6.1 `sessionPersistence`,
 * enforcing the CRD's CEL rules here, since API servers without CEL (before
 * 1.25) would store a broken object.
 */
export function renderSessionPersistence(scope: IConstruct, options: SessionPersistenceOptions): RenderedSessionPersistence {
  const cookie = options.cookie ?? {};
  const resolved = resolveCookie(scope, 'cookie', cookie, { tls: false });
  refuseGiven(scope, 'cookie', cookie, resolved, UNWRITABLE_COOKIE_FIELDS);
  if (resolved.name !== undefined && resolved.name.length > SESSION_NAME_MAX_LENGTH) {
    throw propError(scope, 'cookie.name', `${resolved.name.length} characters: ${JSON.stringify(resolved.name.slice(0, 20))}...`,
      `must be at most ${SESSION_NAME_MAX_LENGTH} characters (sessionPersistence.sessionName)`);
  }
  const { lifetime, absoluteTimeout } = lifetimeOf(scope, options);
  // Keys in the order cdk8s sorts them, so the object is written the same with CDK8S_DISABLE_SORT.
  const rendered: RenderedSessionPersistence = {
    absoluteTimeout,
    cookieConfig: { lifetimeType: lifetime },
    sessionName: resolved.name,
    type: 'Cookie',
  };
  const problem = sessionPersistenceProblem(rendered);
  if (problem !== undefined) {
    // Unreachable by the checks above; kept so a later change cannot write what the CRD's CEL refuses.
    throw propError(scope, 'cookie', JSON.stringify(rendered), `breaks the HTTPRoute CRD's rule: ${problem}`);
  }
  return rendered;
}

/**
 * Turns the cookie model into `sessionPersistence` in the shape of Gateway
 * API's `main` branch (`cookie.name`, `cookie.path`), enforcing its five CEL
 * rules here.
 */
export function renderMainSessionPersistence(scope: IConstruct, options: SessionPersistenceOptions): RenderedMainSessionPersistence {
  const cookie = options.cookie ?? {};
  const resolved = resolveCookie(scope, 'cookie', cookie, { tls: false });
  refuseGiven(scope, 'cookie', cookie, resolved, {
    domain: NO_FIELD('domain', 'main'),
    secure: NO_FIELD('Secure attribute', 'main'),
    httpOnly: NO_FIELD('HttpOnly attribute', 'main'),
    sameSite: NO_FIELD('SameSite attribute', 'main'),
  });
  if (resolved.name !== undefined && (resolved.name.length > MAIN_COOKIE_NAME_MAX_LENGTH || !MAIN_COOKIE_NAME_PATTERN.test(resolved.name))) {
    throw propError(scope, 'cookie.name', `${resolved.name.length} characters: ${JSON.stringify(resolved.name.slice(0, 20))}...`,
      `must be at most ${MAIN_COOKIE_NAME_MAX_LENGTH} characters (sessionPersistence.cookie.name)`);
  }
  const { lifetime, absoluteTimeout } = lifetimeOf(scope, options);
  // Keys in the order cdk8s sorts them, as in renderSessionPersistence.
  const rendered: RenderedMainSessionPersistence = {
    absoluteTimeout,
    cookie: { lifetimeType: lifetime, name: resolved.name, path: resolved.given.path ? resolved.path : undefined },
    type: 'Cookie',
  };
  const problem = mainSessionPersistenceProblem(rendered);
  if (problem !== undefined) {
    // Unreachable by the checks above; kept so a later change cannot write what the CRD's CEL refuses.
    throw propError(scope, 'cookie', JSON.stringify(rendered), `breaks the HTTPRoute CRD's rule: ${problem}`);
  }
  return rendered;
}

/** Refuses lifetime options given to a construct that writes no Gateway API `sessionPersistence`. */
export function refuseSessionPersistenceOptions(scope: IConstruct, options: SessionPersistenceOptions, why: string): void {
  if (options.lifetime !== undefined) {
    throw propError(scope, 'lifetime', options.lifetime.toUpperCase(), why);
  }
  if (options.sessionTimeout !== undefined) {
    throw propError(scope, 'sessionTimeout', describeSeconds(options.sessionTimeout), why);
  }
}

/** The lifetime type and `absoluteTimeout`, with the CRD's rules on them (the same in both releases). */
function lifetimeOf(scope: IConstruct, options: SessionPersistenceOptions): { lifetime: string; absoluteTimeout?: string } {
  const cookie = options.cookie ?? {};
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
  return { lifetime: lifetime === CookieLifetime.PERMANENT ? LIFETIME_PERMANENT : LIFETIME_SESSION, absoluteTimeout };
}
