import {
  GATEWAY_DURATION_MAX_SECONDS,
  GATEWAY_DURATION_PATTERN,
  gatewayDuration,
  isGatewayHostname,
  isRouteHostname,
  isSectionName,
  SESSION_PERSISTENCE_CEL_MESSAGES,
  sessionPersistenceProblem,
} from '../../src/facts/gateway-api';

describe('gatewayDuration', () => {
  test.each([
    [0, '0s'],
    [10, '10s'],
    [60, '1m'],
    [3600, '1h'],
    [5400, '1h30m'],
    [3661.5, '1h1m1s500ms'],
    [0.001, '1ms'],
    [400 * 24 * 3600, '9600h'],
    [GATEWAY_DURATION_MAX_SECONDS, '99999h59m59s999ms'],
  ])('GIVEN %p s THEN writes %p, which the CRD pattern accepts', (seconds, text) => {
    expect(gatewayDuration(seconds)).toBe(text);
    expect(GATEWAY_DURATION_PATTERN.test(text)).toBe(true);
  });

  test.each([
    ['negative', -1],
    ['finer than a millisecond', 1.0005],
    ['100000 hours: six digits in one part', 100000 * 3600],
    ['not a number', NaN],
    ['infinite', Infinity],
  ])('GIVEN %s THEN refuses it (undefined)', (_what, seconds) => {
    expect(gatewayDuration(seconds)).toBeUndefined();
  });
});

describe('sessionPersistenceProblem (the CRD CEL rules)', () => {
  test('GIVEN Permanent without absoluteTimeout THEN the CRD message', () => {
    expect(sessionPersistenceProblem({ type: 'Cookie', cookieConfig: { lifetimeType: 'Permanent' } }))
      .toBe(SESSION_PERSISTENCE_CEL_MESSAGES.permanentNeedsTimeout);
  });
  test('GIVEN cookieConfig on a Header type THEN the CRD message', () => {
    expect(sessionPersistenceProblem({ type: 'Header', cookieConfig: { lifetimeType: 'Session' } }))
      .toBe(SESSION_PERSISTENCE_CEL_MESSAGES.cookieConfigNeedsCookie);
  });
  test.each([
    [{ type: 'Cookie', absoluteTimeout: '1h', cookieConfig: { lifetimeType: 'Permanent' } }],
    [{ type: 'Cookie', cookieConfig: { lifetimeType: 'Session' } }],
    [{ cookieConfig: { lifetimeType: 'Session' } }],
    [{ type: 'Header' }],
  ])('GIVEN %j THEN no problem', (sp) => {
    expect(sessionPersistenceProblem(sp)).toBeUndefined();
  });
});

describe('route names', () => {
  test.each(['shop.example.com', '*.example.com', 'localhost'])('%p is a route host name', (h) => {
    expect(isRouteHostname(h)).toBe(true);
  });
  test.each(['Shop.example.com', 'shop.example.com:443', '*', 'a..b', `${'a'.repeat(254)}`])('%p is not', (h) => {
    expect(isRouteHostname(h)).toBe(false);
  });
  test.each(['10.0.0.1', '*.10.0.0.1'])('%p matches the CRD pattern but is no Gateway API Hostname (an IP address)', (h) => {
    expect(isRouteHostname(h)).toBe(true);
    expect(isGatewayHostname(h)).toBe(false);
  });
  test.each(['shop.example.com', '10.0.0.1.example.com', 'a1.b2.c3.d4', '1.2.3'])('%p is a Gateway API Hostname', (h) => {
    expect(isGatewayHostname(h)).toBe(true);
  });
  test('section names are DNS subdomains', () => {
    expect(isSectionName('https')).toBe(true);
    expect(isSectionName('web.secure')).toBe(true);
    expect(isSectionName('')).toBe(false);
    expect(isSectionName('HTTPS')).toBe(false);
  });
});

describe('gatewayDuration of long durations: what the property tests found', () => {
  test.each([
    [34_064_135.707, '9462h15m35s707ms'],
    [359_999_999.999, '99999h59m59s999ms'],
  ])('GIVEN %p s THEN %p (the float error of seconds * 1000 is not a fraction of a millisecond)', (seconds, text) => {
    // 34064135.707 s used to be refused as "not whole milliseconds". Found by test/property/gateway.property.test.ts.
    expect(gatewayDuration(seconds)).toBe(text);
  });
  test('GIVEN half a millisecond THEN still undefined', () => {
    expect(gatewayDuration(1.0005)).toBeUndefined();
    expect(gatewayDuration(34_064_135.7075)).toBeUndefined();
  });
});
