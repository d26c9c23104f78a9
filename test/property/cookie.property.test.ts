import { Duration, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { affinityCookie } from './cookies';
import { check, propsNamedBy, runs } from './harness';
import { AffinityCookie, SameSite } from '../../src';
import { resolveCookie } from '../../src/cookie/affinity-cookie';
import { COOKIE_MAX_AGE_MAX_SECONDS, COOKIE_NAME_SEPARATORS, isCookieDomain, isCookieName, isCookiePath } from '../../src/facts/cookie';

const FIELDS = ['name', 'maxAge', 'path', 'domain', 'secure', 'httpOnly', 'sameSite'];

describe('resolveCookie on generated cookies', () => {
  test('refuses one field in the library\'s format, or resolves a cookie every browser takes as given', () => {
    let refused = 0;
    check(fc.tuple(affinityCookie, fc.boolean()), ([cookie, tls]) => {
      const scope = Testing.chart();
      let resolved;
      try {
        resolved = resolveCookie(scope, 'cookie', cookie, { tls });
      } catch (e) {
        const props = propsNamedBy(e);
        expect(props).toHaveLength(1);
        expect(props![0]).toMatch(/^cookie\./);
        expect(FIELDS).toContain(props![0].slice('cookie.'.length));
        expect((e as Error).message.startsWith(`${scope.node.path}: 'cookie.`)).toBe(true);
        refused++;
        return;
      }
      // Whatever resolved is what the browser gets: RFC 6265 and the browsers' limits.
      if (resolved.name !== undefined) {
        expect(isCookieName(resolved.name)).toBe(true);
        // Browsers ignore a cookie whose name and (non-empty) value exceed 4096 octets.
        expect(resolved.name.length).toBeLessThanOrEqual(4095);
        expect(resolved.name).toBe(cookie.name);
      }
      expect(isCookiePath(resolved.path)).toBe(true);
      // Browsers ignore a Path attribute longer than 1024 octets, and use the default path.
      expect(resolved.path.length).toBeLessThanOrEqual(1024);
      expect(resolved.path).toBe(cookie.path ?? '/');
      if (resolved.domain !== undefined) {
        expect(isCookieDomain(resolved.domain)).toBe(true);
      }
      if (resolved.maxAgeSeconds !== undefined) {
        expect(Number.isInteger(resolved.maxAgeSeconds)).toBe(true);
        expect(resolved.maxAgeSeconds).toBeGreaterThanOrEqual(1);
        expect(resolved.maxAgeSeconds).toBeLessThanOrEqual(COOKIE_MAX_AGE_MAX_SECONDS);
      }
      expect(resolved.maxAgeSeconds === undefined).toBe(cookie.maxAge === undefined);
      if (resolved.sameSite === SameSite.NONE) {
        expect(resolved.secure).toBe(true);
      }
      expect(resolved.secure).toBe(cookie.secure ?? (tls || resolved.sameSite === SameSite.NONE));
      expect(resolved.httpOnly).toBe(cookie.httpOnly ?? true);
      expect(resolved.sameSite).toBe(cookie.sameSite ?? SameSite.LAX);
      for (const field of FIELDS) {
        expect(resolved.given[field as keyof AffinityCookie]).toBe((cookie as any)[field] !== undefined);
      }
    }, 500);
    if (process.env.PROP_MIX) {
      console.log(`resolveCookie: ${refused} refused, ${500 - refused} resolved`);
    }
    // A good share of the cases must get through to a resolved cookie.
    expect(refused).toBeLessThan(runs(500) * 0.7);
  });

  test('refuses every name that is no RFC 6265 token, naming cookie.name', () => {
    const bad = fc.oneof(
      fc.constant(''),
      fc.tuple(fc.string({ maxLength: 4 }), fc.constantFrom(...COOKIE_NAME_SEPARATORS, '\u0000', '\u007f', '\u00e9', '\u{1F36A}'), fc.string({ maxLength: 4 })).map(([a, s, b]) => a + s + b),
    );
    check(bad, name => {
      const scope = Testing.chart();
      expect(() => resolveCookie(scope, 'cookie', { name }, { tls: false })).toThrow(`${scope.node.path}: 'cookie.name' (${JSON.stringify(name)}) must be an RFC 6265 token`);
    }, 200);
  });

  test('takes Max-Age of whole seconds from 1 s to 400 days, and nothing else', () => {
    check(fc.integer({ min: 0, max: 2 * COOKIE_MAX_AGE_MAX_SECONDS * 1000 }), ms => {
      const scope = Testing.chart();
      const ok = ms % 1000 === 0 && ms >= 1000 && ms <= COOKIE_MAX_AGE_MAX_SECONDS * 1000;
      const run = () => resolveCookie(scope, 'cookie', { maxAge: Duration.millis(ms) }, { tls: false });
      if (ok) {
        expect(run().maxAgeSeconds).toBe(ms / 1000);
      } else {
        expect(run).toThrow(`${scope.node.path}: 'cookie.maxAge' (`);
      }
    }, 300);
  });
});
