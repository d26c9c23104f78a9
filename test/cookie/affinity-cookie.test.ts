import { Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { AffinityCookie, resolveCookie, SameSite } from '../../src/cookie/affinity-cookie';
import { COOKIE_NAME_SEPARATORS, isCookieDomain, isCookieName, isCookiePath } from '../../src/facts/cookie';

const NAME_RULE = 'must be an RFC 6265 token: one or more US-ASCII characters, with no spaces, controls or separators ( ) < > @ , ; : \\ " / [ ] ? = { }';
const PATH_RULE = 'must start with \'/\' and hold only printable US-ASCII other than \';\'';
const DOMAIN_RULE = 'must be a DNS host name (labels of letters, digits and \'-\', optionally after a leading \'.\')';
const MAX_AGE_RULE = 'must be a whole number of seconds from 1 to 34560000 (400 days, the most browsers keep); leave it out for a session cookie';

function owner(): Construct {
  return new Construct(Testing.chart(), 'Owner');
}

function resolve(cookie: AffinityCookie, tls = false) {
  return resolveCookie(owner(), 'cookie', cookie, { tls });
}

describe('resolveCookie applies the defaults a careful engineer picks', () => {
  test('GIVEN no fields WHEN resolved without TLS THEN HttpOnly, Path=/, SameSite=Lax, not Secure, a session cookie', () => {
    expect(resolve({})).toEqual({
      name: undefined,
      maxAgeSeconds: undefined,
      path: '/',
      domain: undefined,
      secure: false,
      httpOnly: true,
      sameSite: SameSite.LAX,
      given: { name: false, maxAge: false, path: false, domain: false, secure: false, httpOnly: false, sameSite: false },
    });
  });

  test('GIVEN no secure WHEN the traffic is TLS THEN the cookie is Secure', () => {
    expect(resolve({}, true).secure).toBe(true);
  });

  test('GIVEN SameSite=None without secure WHEN resolved without TLS THEN it is Secure, as browsers require', () => {
    expect(resolve({ sameSite: SameSite.NONE }).secure).toBe(true);
  });

  test('GIVEN every field WHEN resolved THEN each is kept and marked given', () => {
    const resolved = resolve({
      name: 'app-affinity',
      maxAge: Duration.hours(1),
      path: '/app',
      domain: '.example.com',
      secure: false,
      httpOnly: false,
      sameSite: SameSite.STRICT,
    }, true);
    expect(resolved).toEqual({
      name: 'app-affinity',
      maxAgeSeconds: 3600,
      path: '/app',
      domain: '.example.com',
      secure: false,
      httpOnly: false,
      sameSite: SameSite.STRICT,
      given: { name: true, maxAge: true, path: true, domain: true, secure: true, httpOnly: true, sameSite: true },
    });
  });

  test('GIVEN Duration.minutes(4.1) WHEN resolved THEN it is 246 whole seconds, not a float artefact', () => {
    expect(resolve({ maxAge: Duration.minutes(4.1) }).maxAgeSeconds).toBe(246);
  });

  test('GIVEN the longest max age browsers keep WHEN resolved THEN it is accepted', () => {
    expect(resolve({ maxAge: Duration.days(400) }).maxAgeSeconds).toBe(34560000);
  });
});

describe('resolveCookie refuses every bad cookie, naming prop, value and rule', () => {
  test.each([...COOKIE_NAME_SEPARATORS].map(ch => [JSON.stringify(ch), ch]))('a name with the separator %s', (_label, ch) => {
    const name = `app${ch}affinity`;
    expect(() => resolve({ name })).toThrow(`test/Owner: 'cookie.name' (${JSON.stringify(name)}) ${NAME_RULE}`);
  });

  test.each([
    ['empty', ''],
    ['non-ASCII letters', 'café'],
    ['an emoji', 'cookie🍪'],
    ['NUL', 'a\u0000b'],
    ['a control', 'a\u001fb'],
    ['DEL', 'a\u007fb'],
    ['a newline', 'a\nb'],
  ])('a name with %s', (_label, name) => {
    expect(() => resolve({ name })).toThrow(`test/Owner: 'cookie.name' (${JSON.stringify(name)}) ${NAME_RULE}`);
  });

  test.each([
    ['relative', 'app'],
    ['empty', ''],
    ['with a semicolon', '/app;Secure'],
    ['with a control', '/app\u0001'],
    ['non-ASCII', '/café'],
  ])('a path that is %s', (_label, path) => {
    expect(() => resolve({ path })).toThrow(`test/Owner: 'cookie.path' (${JSON.stringify(path)}) ${PATH_RULE}`);
  });

  test.each([
    ['empty', ''],
    ['a bare dot', '.'],
    ['an empty label', 'a..example.com'],
    ['a label starting with -', '-app.example.com'],
    ['a label ending with -', 'app-.example.com'],
    ['a space', 'app example.com'],
    ['an underscore', 'app_x.example.com'],
    ['a port', 'example.com:443'],
    ['a label over 63 characters', `${'a'.repeat(64)}.com`],
    ['over 253 characters', Array(64).fill('abc').join('.')],
  ])('a domain with %s', (_label, domain) => {
    expect(() => resolve({ domain })).toThrow(`test/Owner: 'cookie.domain' (${JSON.stringify(domain)}) ${DOMAIN_RULE}`);
  });

  test('SameSite=None with secure: false', () => {
    expect(() => resolve({ sameSite: SameSite.NONE, secure: false }, true)).toThrow(
      'test/Owner: \'cookie.secure\' (false) must be true when \'sameSite\' is NONE: browsers reject a SameSite=None cookie without Secure');
  });

  test.each([
    ['0', Duration.seconds(0), '0s'],
    ['fractional', Duration.millis(1500), '1.5s'],
    ['over 400 days', Duration.days(401), '34646400s'],
  ])('a max age that is %s', (_label, maxAge, shown) => {
    expect(() => resolve({ maxAge })).toThrow(`test/Owner: 'cookie.maxAge' (${shown}) ${MAX_AGE_RULE}`);
  });
});

describe('cookie facts', () => {
  test('a name is one or more token characters', () => {
    expect(['INGRESSCOOKIE', 'app-affinity', 'a.b_c~d!#$%&\'*+^`|', 'X'].every(isCookieName)).toBe(true);
  });

  test('paths and domains that browsers take', () => {
    expect(['/', '/app', '/a/b?c=d&e', '/~user'].every(isCookiePath)).toBe(true);
    expect(['example.com', '.example.com', 'a-b.c', 'localhost', 'x'.repeat(63)].every(isCookieDomain)).toBe(true);
  });
});

describe('resolveCookie refuses what browsers would ignore without a word', () => {
  // Found by the property tests: a 5000-character name and a 1100-character
  // path resolved, and browsers drop the first cookie and the second Path.
  test('GIVEN the longest name that leaves room for a value THEN it resolves', () => {
    expect(resolve({ name: 'x'.repeat(4095) }).name).toHaveLength(4095);
  });

  test('GIVEN a name of 4096 characters THEN it is refused, shown by its length', () => {
    expect(() => resolve({ name: 'x'.repeat(4096) })).toThrow(
      'test/Owner: \'cookie.name\' (4096 characters: "xxxxxxxxxxxxxxxxxxxx"...) must be at most 4095 characters: browsers ignore a cookie whose name and value together exceed 4096 octets');
  });

  test('GIVEN a path of 1024 characters THEN it resolves; of 1025, it is refused', () => {
    expect(resolve({ path: `/${'a'.repeat(1023)}` }).path).toHaveLength(1024);
    expect(() => resolve({ path: `/${'a'.repeat(1024)}` })).toThrow(
      'test/Owner: \'cookie.path\' (1025 characters: "/aaaaaaaaaaaaaaaaaaa"...) must be at most 1024 characters: browsers ignore a longer Path and give the cookie the default path');
  });
});
