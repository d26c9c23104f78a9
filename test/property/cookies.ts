import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { charRange, charString, mostly } from './harness';
import { AffinityCookie, SameSite } from '../../src';
import { COOKIE_MAX_AGE_MAX_SECONDS, COOKIE_NAME_SEPARATORS } from '../../src/facts/cookie';

/** Generators of cookies for the cookie, ingress and contract properties. */

/** RFC 6265 token characters: printable US-ASCII minus the separators. */
export const TOKEN_CHARS = Array.from({ length: 0x7f - 0x21 }, (_, i) => String.fromCharCode(0x21 + i))
  .filter(c => !COOKIE_NAME_SEPARATORS.includes(c));

/** Cookie names: mostly tokens, and every separator, control, unicode, empty and huge. */
export const cookieName: fc.Arbitrary<string> = mostly(
  fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 24 }),
  fc.oneof(
    fc.constantFrom('', ' ', 'SID ', 'a\u0000b', 'a\u007fb', 'caf\u00e9', '\u{1F36A}', 'x'.repeat(4095), 'x'.repeat(4096), 'x'.repeat(5000)),
    fc.tuple(fc.constantFrom(...TOKEN_CHARS), fc.constantFrom(...COOKIE_NAME_SEPARATORS), fc.constantFrom(...TOKEN_CHARS))
      .map(([a, s, b]) => a + s + b),
    fc.tuple(fc.constantFrom('SID', 'x'), fc.integer({ min: 0, max: 0x1f })).map(([a, c]) => a + String.fromCharCode(c)),
    fc.string({ maxLength: 10 }),
    fc.string({ unit: 'binary', maxLength: 6 }),
  ),
);

/** Max-Age around 0, 1 and 400 days, fractions of a second included (milliseconds, as cdk8s keeps them). */
export const maxAgeMillis: fc.Arbitrary<number> = mostly(
  fc.integer({ min: 1, max: 400 * 86400 }).map(s => s * 1000),
  fc.oneof(
    fc.constantFrom(0, 1, 500, 999, 1000, 1001, 1500,
      (COOKIE_MAX_AGE_MAX_SECONDS - 1) * 1000, COOKIE_MAX_AGE_MAX_SECONDS * 1000,
      COOKIE_MAX_AGE_MAX_SECONDS * 1000 + 1, (COOKIE_MAX_AGE_MAX_SECONDS + 1) * 1000),
    fc.integer({ min: 0, max: 2 * COOKIE_MAX_AGE_MAX_SECONDS * 1000 }),
  ),
);

export const cookiePath: fc.Arbitrary<string> = mostly(
  charString(`${charRange('a', 'z')}${charRange('A', 'Z')}${charRange('0', '9')}/_.~-`, 0, 20).map(rest => `/${rest}`),
  fc.oneof(fc.constantFrom('', 'app', '/a;b', '/caf\u00e9', '/a\nb', '/a b', '/?x=1&y=:2', 'x'.repeat(300), `/${'a'.repeat(1023)}`, `/${'a'.repeat(1024)}`), fc.string({ maxLength: 8 })),
);

export const cookieDomain: fc.Arbitrary<string> = mostly(
  fc.tuple(fc.boolean(), fc.domain()).map(([dot, d]) => (dot ? `.${d}` : d)),
  fc.oneof(fc.constantFrom('', '.', '..', 'a..b', '-a.com', 'a-.com', 'caf\u00e9.com', 'a_b.com', 'x'.repeat(64) + '.com', `${'a.'.repeat(127)}a`, 'a.com:80'), fc.string({ maxLength: 8 })),
);

/** Every field optional; every SameSite with and without secure. */
export const affinityCookie: fc.Arbitrary<AffinityCookie> = fc.record({
  name: cookieName,
  maxAge: maxAgeMillis.map(ms => Duration.millis(ms)),
  path: cookiePath,
  domain: cookieDomain,
  secure: fc.boolean(),
  httpOnly: fc.boolean(),
  sameSite: fc.constantFrom(...Object.values(SameSite)),
}, { requiredKeys: [] });


/** Characters ingress-nginx keeps in a cookie name that RFC 6265 also allows. */
const NGINX_NAME_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~'];

/** A cookie every field of which is valid for the model (not for every controller). */
export const validCookieFields = {
  name: fc.string({ unit: fc.constantFrom(...NGINX_NAME_CHARS), minLength: 1, maxLength: 16 }),
  rfcName: fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 16 }),
  maxAgeSeconds: (max: number) => fc.oneof(fc.integer({ min: 1, max }), fc.constantFrom(1, max)),
  path: charString(`${charRange('a', 'z')}${charRange('0', '9')}/_.~-`, 0, 12).map(rest => `/${rest}`),
  /** Any path RFC 6265 allows: printable US-ASCII but ';'. */
  rfcPath: charString(`${charRange('\x20', '\x3a')}${charRange('\x3c', '\x7e')}`, 0, 10).map(rest => `/${rest}`),
  domain: fc.tuple(fc.boolean(), fc.domain()).map(([dot, d]) => (dot ? `.${d}` : d)),
  sameSite: fc.constantFrom(...Object.values(SameSite)),
};
