import { cookiePathCovers, cookiePathMatches, coveringCookiePath, leastRoutedRequest } from '../../src/facts/cookie';
import { REGEX_PATH_CHARACTERS } from '../../src/facts/ingress-nginx';

describe('cookie Path facts (RFC 6265 5.1.4 path-match)', () => {
  test.each([
    ['/app', '/app', true],
    ['/app/x', '/app', true],
    ['/app/x', '/app/', true],
    ['/anything', '/', true],
    ['/application', '/app', false],
    ['/app', '/app/', false],
    ['/', '/admin', false],
    ['/App', '/app', false],
  ])('GIVEN request path %s and cookie Path %s THEN path-match is %s', (request, cookie, expected) => {
    expect(cookiePathMatches(request, cookie)).toBe(expected);
  });

  test.each([
    // A regular expression's requests begin with its literal start and go on with anything,
    // unless it goes on only at a '/' or ends there.
    ['/api', '/api/v[0-9]+', true],
    ['/api/', '/api/v[0-9]+', true],
    ['/api/v', '/api/v[0-9]+', false],
    ['/api', '/api(/|$)', true],
    ['/api', '/api(/|$)(.*)', true],
    ['/api', '/api$', true],
    ['/api', '/api.*', false],
    ['/ap', '/api(/|$)', false],
    ['/api/', '/api(/|$)', false],
    ['/', '^/anything', true],
    // ingress-nginx anchors the path itself (`^^/cart` is `^/cart`).
    ['/cart', '^/cart/.*', true],
    // Alternatives: ingress-nginx anchors only the first; one without '^' matches anywhere in the path.
    ['/shop', '/shop/a|/b', false],
    ['/shop', '/shop/a|/shop/b', false],
    ['/shop', '/shop/a|^/shop/b', true],
    ['/shop', '/shop/(a|b)', true],
    ['/shop', '/shop/[|]x', true],
    // A quantifier makes the character before it optional: `/shop/a/?` also routes /shop/a and /shop/abc.
    ['/shop/a/', '/shop/a/?', false],
    ['/shop/a', '/shop/a/?', false],
    ['/shop', '/shop/a/?', true],
    ['/shop/ab', '/shop/ab*', false],
  ])('GIVEN cookie Path %s and the regular expression %s THEN it covers it: %s', (cookie, path, expected) => {
    expect(cookiePathCovers(cookie, { path, regex: true }, REGEX_PATH_CHARACTERS)).toBe(expected);
  });

  test.each([
    // An element-wise prefix (Kubernetes Prefix, Gateway API PathPrefix) ignores a trailing '/'.
    ['/app/', '/app/', true, false],
    ['/app', '/app/', true, true],
    ['/', '/', true, true],
    ['/app/', '/app/', false, true],
  ])('GIVEN cookie Path %s and the path %s (element-wise: %s) THEN it covers it: %s', (cookie, path, elementWise, expected) => {
    expect(cookiePathCovers(cookie, { path, regex: false, elementWise })).toBe(expected);
  });

  test('GIVEN an element-wise prefix /app/ THEN its least request is /app, and the covering Path is /app', () => {
    expect(leastRoutedRequest({ path: '/app/', regex: false, elementWise: true })).toBe('/app');
    expect(leastRoutedRequest({ path: '/', regex: false, elementWise: true })).toBe('/');
    expect(coveringCookiePath([{ path: '/app/', regex: false, elementWise: true }])).toBe('/app');
    expect(coveringCookiePath([{ path: '/app/', regex: false }])).toBe('/app/');
  });

  test.each([
    [['/'], '/'],
    [['/app/a', '/app/b'], '/app'],
    [['/app/'], '/app/'],
    [['/a', '/b'], '/'],
    [['/api/v[0-9]+/.*'], '/api'],
  ])('GIVEN routed paths %j THEN the longest Path covering them is %s, and it covers each', (paths, expected) => {
    const routed = paths.map(path => ({ path, regex: REGEX_PATH_CHARACTERS.test(path) }));
    const covering = coveringCookiePath(routed, REGEX_PATH_CHARACTERS);
    expect(covering).toBe(expected);
    expect(routed.every(r => cookiePathCovers(covering, r, REGEX_PATH_CHARACTERS))).toBe(true);
  });
});
