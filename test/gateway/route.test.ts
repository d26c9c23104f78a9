import { App, Chart, Duration, IResolver, JsonPatch, ResolutionContext, Testing } from 'cdk8s';
import { backendService } from './helpers';
import { CookieAffinityRoute, CookieLifetime, GatewayApiRelease, SameSite } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('CookieAffinityRoute', () => {
  test('GIVEN the Envoy Gateway session-persistence example THEN the HTTPRoute matches it field for field', () => {
    // GIVEN https://gateway.envoyproxy.io/docs/tasks/traffic/session-persistence/ (cookie-based)
    const chart = newChart();
    const backend = backendService(chart);

    // WHEN
    new CookieAffinityRoute(chart, 'Route', {
      metadata: { name: 'cookie' },
      gateway: 'eg',
      backend,
      cookie: { name: 'Session-A', maxAge: Duration.seconds(10) },
    });

    // THEN (the example is written as v1beta1; v1 is the same schema, served and stored)
    const route = only(synthValid(chart), 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.metadata).toEqual({ name: 'cookie', namespace: 'default' });
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'eg' }],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [{ name: 'backend', port: 3000 }],
        sessionPersistence: {
          sessionName: 'Session-A',
          type: 'Cookie',
          absoluteTimeout: '10s',
          cookieConfig: { lifetimeType: 'Permanent' },
        },
      }],
    });
  });

  test('GIVEN an app with resolvers of its own THEN the route synthesizes, they resolve its spec, and its session persistence is added', () => {
    // A resolver that writes every Gateway name in upper case: the app's own rule for its fields.
    const upper: IResolver = {
      resolve: (context: ResolutionContext) => {
        if (context.key.join('/') === 'spec/parentRefs/0/name' && typeof context.value === 'string' && context.value !== context.value.toUpperCase()) context.replaceValue(context.value.toUpperCase());
      },
    };
    const chart = new Chart(new App({ resolvers: [upper] }), 'test');
    new CookieAffinityRoute(chart, 'Route', { metadata: { name: 'cookie' }, gateway: 'eg', backend: backendService(chart), cookie: { name: 'Session-A' } });
    const route = only(synthValid(chart), 'HTTPRoute');
    expect(route.spec.parentRefs).toEqual([{ name: 'EG' }]);
    expect(route.spec.rules[0].sessionPersistence).toEqual({ sessionName: 'Session-A', type: 'Cookie', cookieConfig: { lifetimeType: 'Session' } });
  });

  test.each([['sorted', undefined], ['CDK8S_DISABLE_SORT', '1'], ['CDK8S_DISABLE_SORT, main', '1']])(
    'GIVEN session persistence (%s) THEN it is the rule\'s last field, its keys sorted in either mode, and a user\'s JSON patch applies to it', (name, disableSort) => {
      const before = process.env.CDK8S_DISABLE_SORT;
      if (disableSort) process.env.CDK8S_DISABLE_SORT = disableSort; else delete process.env.CDK8S_DISABLE_SORT;
      try {
        const chart = newChart();
        const main = name.endsWith('main');
        const route = new CookieAffinityRoute(chart, 'Route', {
          gateway: 'eg',
          backend: backendService(chart),
          cookie: { name: 'SHOP', maxAge: Duration.hours(8), path: main ? '/' : undefined },
          gatewayApiRelease: main ? GatewayApiRelease.MAIN : undefined,
        });
        // The main release's HTTPRoute is validated against its own CRD in gateway-api-main.test.ts.
        const synth = () => only(main ? Testing.synth(chart) : synthValid(chart), 'HTTPRoute');
        const rule = synth().spec.rules[0];
        expect(Object.keys(rule)).toEqual(disableSort ? ['matches', 'backendRefs', 'sessionPersistence'] : ['backendRefs', 'matches', 'sessionPersistence']);
        if (main) {
          expect(JSON.stringify(rule.sessionPersistence)).toBe(JSON.stringify({ absoluteTimeout: '8h', cookie: { lifetimeType: 'Permanent', name: 'SHOP', path: '/' }, type: 'Cookie' }));
        } else {
          expect(JSON.stringify(rule.sessionPersistence)).toBe(JSON.stringify({ absoluteTimeout: '8h', cookieConfig: { lifetimeType: 'Permanent' }, sessionName: 'SHOP', type: 'Cookie' }));
        }
        route.resource.addJsonPatch(JsonPatch.replace('/spec/rules/0/sessionPersistence/absoluteTimeout', '4h'));
        expect(synth().spec.rules[0].sessionPersistence.absoluteTimeout).toBe('4h');
      } finally {
        if (before === undefined) delete process.env.CDK8S_DISABLE_SORT; else process.env.CDK8S_DISABLE_SORT = before;
      }
    });

  test('GIVEN the host names changed after construction THEN the route keeps those it checked (a JSON patch changes them)', () => {
    const chart = newChart();
    const hostnames = ['shop.example.com'];
    const route = new CookieAffinityRoute(chart, 'Route', { gateway: 'eg', backend: backendService(chart), hostnames });
    hostnames.push('NOT A HOST');
    expect(only(synthValid(chart), 'HTTPRoute').spec.hostnames).toEqual(['shop.example.com']);
    route.resource.addJsonPatch(JsonPatch.add('/spec/hostnames/-', 'b.example.com'));
    expect(only(synthValid(chart), 'HTTPRoute').spec.hostnames).toEqual(['shop.example.com', 'b.example.com']);
  });

  test('GIVEN every option THEN a snapshot, and a session cookie with a gateway-side timeout', () => {
    const chart = newChart();
    const backend = backendService(chart, 'shop', 'shop', [80, 8080]);
    const route = new CookieAffinityRoute(chart, 'Shop', {
      gateway: 'public',
      gatewayNamespace: 'gateways',
      sectionName: 'https',
      hostnames: ['shop.example.com', '*.shop.example.com'],
      pathPrefix: '/cart',
      backend,
      port: 8080,
      cookie: { name: 'SHOP' },
      sessionTimeout: Duration.hours(12),
    });
    const manifests = synthValid(chart);
    const rendered = only(manifests, 'HTTPRoute');
    expect(rendered.metadata.namespace).toBe('shop');
    expect(rendered.spec.parentRefs).toEqual([{ name: 'public', namespace: 'gateways', sectionName: 'https' }]);
    expect(rendered.spec.rules[0].sessionPersistence).toEqual({
      sessionName: 'SHOP', type: 'Cookie', absoluteTimeout: '12h', cookieConfig: { lifetimeType: 'Session' },
    });
    expect(route.name).toBe(rendered.metadata.name);
    expect(manifests).toMatchSnapshot();
  });

  test('GIVEN no cookie THEN a session cookie the implementation names', () => {
    const chart = newChart();
    new CookieAffinityRoute(chart, 'Route', { gateway: 'eg', backend: backendService(chart) });
    expect(only(synthValid(chart), 'HTTPRoute').spec.rules[0].sessionPersistence)
      .toEqual({ type: 'Cookie', cookieConfig: { lifetimeType: 'Session' } });
  });

  test('GIVEN a backend in another namespace THEN the route stays in its own and names the backend\'s', () => {
    const chart = newChart();
    new CookieAffinityRoute(chart, 'Route', {
      metadata: { namespace: 'web' }, gateway: 'eg', backend: backendService(chart, 'api', 'api'),
    });
    const route = only(synthValid(chart), 'HTTPRoute');
    expect(route.metadata.namespace).toBe('web');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'api', namespace: 'api', port: 3000 }]);
  });

  describe('refuses', () => {
    const attempt = (props: Record<string, unknown>, ports: number[] = [3000]) => () => {
      const chart = newChart();
      new CookieAffinityRoute(chart, 'Route', { gateway: 'eg', backend: backendService(chart, 'backend', 'default', ports), ...props });
    };

    test('a 129-character session name', () => {
      expect(attempt({ cookie: { name: 'a'.repeat(129) } })).toThrow(
        'test/Route: \'cookie.name\' (129 characters: "aaaaaaaaaaaaaaaaaaaa"...) must be at most 128 characters (sessionPersistence.sessionName)');
    });
    test('but takes 128', () => {
      expect(attempt({ cookie: { name: 'a'.repeat(128) } })).not.toThrow();
    });
    test('a Permanent cookie without a timeout (the CRD CEL rule)', () => {
      expect(attempt({ lifetime: CookieLifetime.PERMANENT })).toThrow(
        'test/Route: \'lifetime\' (PERMANENT) needs \'cookie.maxAge\': a Permanent cookie\'s lifetime is its absoluteTimeout (the CRD: "AbsoluteTimeout must be specified when cookie lifetimeType is Permanent")');
    });
    test('a Session cookie with a Max-Age', () => {
      expect(attempt({ lifetime: CookieLifetime.SESSION, cookie: { maxAge: Duration.hours(1) } })).toThrow(
        'test/Route: \'cookie.maxAge\' (3600s) must be left out for a SESSION cookie, which has no Max-Age: use \'sessionTimeout\' to end sessions on the gateway, or lifetime PERMANENT');
    });
    test('a sessionTimeout on a Permanent cookie', () => {
      expect(attempt({ cookie: { maxAge: Duration.hours(1) }, sessionTimeout: Duration.hours(2) })).toThrow(
        'test/Route: \'sessionTimeout\' (7200s) applies to SESSION cookies only: a Permanent cookie\'s absoluteTimeout is its \'cookie.maxAge\'');
    });
    test('a duration the format cannot hold', () => {
      expect(attempt({ sessionTimeout: Duration.hours(100000) })).toThrow(
        'test/Route: \'sessionTimeout\' (360000000s) must be more than 0 and fit the Gateway API duration format ^([0-9]{1,5}(h|m|s|ms)){1,4}$: whole milliseconds, at most 99999h59m59s999ms');
      expect(attempt({ sessionTimeout: Duration.millis(0.4) })).toThrow(
        'test/Route: \'sessionTimeout\' (0s) must be more than 0 and fit the Gateway API duration format');
    });
    test.each([
      ['path', { path: '/app' }, '"/app"', 'path'],
      ['domain', { domain: 'example.com' }, '"example.com"', 'domain'],
      ['secure', { secure: true }, 'true', 'Secure attribute'],
      ['httpOnly', { httpOnly: true }, 'true', 'HttpOnly attribute'],
      ['sameSite', { sameSite: SameSite.STRICT }, '"Strict"', 'SameSite attribute'],
    ])('cookie.%s, which sessionPersistence cannot write', (field, cookie, shown, what) => {
      expect(attempt({ cookie })).toThrow(
        `test/Route: 'cookie.${field}' (${shown}) cannot be written in Gateway API v1.6.1 sessionPersistence, which has no cookie ${what}: the implementation chooses it; leave it out, or use EnvoyCookieAffinity or MeshCookieAffinity, which write it`);
    });
    test('a cookie name that is no RFC 6265 token (the shared model)', () => {
      expect(attempt({ cookie: { name: 'a b' } })).toThrow('test/Route: \'cookie.name\' ("a b") must be an RFC 6265 token');
    });
    test('a bad Gateway reference', () => {
      expect(attempt({ gateway: 'My_Gateway' })).toThrow('test/Route: \'gateway\' ("My_Gateway") must be a DNS-1123 subdomain');
      expect(attempt({ gatewayNamespace: 'Gateways' })).toThrow('test/Route: \'gatewayNamespace\' ("Gateways") must be a DNS-1123 label');
      expect(attempt({ sectionName: 'HTTPS' })).toThrow(
        'test/Route: \'sectionName\' ("HTTPS") must be a listener name: lowercase letters, digits, \'-\' and \'.\', each part starting and ending with a letter or digit, at most 253 characters');
    });
    test('bad host names and too many', () => {
      expect(attempt({ hostnames: ['Shop.example.com'] })).toThrow(
        'test/Route: \'hostnames\' ("Shop.example.com") must be lowercase DNS names (an optional leading \'*.\' label), at most 253 characters, with no port or IP address');
      expect(attempt({ hostnames: Array.from({ length: 17 }, (_, i) => `h${i}.example.com`) })).toThrow(
        'test/Route: \'hostnames\' (17 host names) must hold at most 16');
    });
    test.each(['10.0.0.1', '*.10.0.0.1', '192.168.001.010'])('an IP address as a host name (%s): Gateway API forbids it, though the CRD pattern lets it through', (ip) => {
      expect(attempt({ hostnames: ['shop.example.com', ip] })).toThrow(
        `test/Route: 'hostnames' (${JSON.stringify(ip)}) must be DNS names, not IP addresses: Gateway API forbids an IP as a hostname, and no request's host would match it; name the host, or leave 'hostnames' out for every host of the listener`);
    });
    test('a host name that is not a string (plain JavaScript)', () => {
      expect(attempt({ hostnames: [8080] })).toThrow('test/Route: \'hostnames\' (8080) must be lowercase DNS names');
    });
    test('a path prefix that is no path', () => {
      expect(attempt({ pathPrefix: 'cart' })).toThrow(
        'test/Route: \'pathPrefix\' ("cart") must be an absolute path and start with \'/\'');
    });
    test('a path the HTTPRoute CRD\'s CEL rules refuse (found by the CEL check of the tests)', () => {
      expect(attempt({ pathPrefix: '/`x`' })).toThrow(
        'test/Route: \'pathPrefix\' ("/`x`") must only contain valid characters (letters, digits, -/._~!$&\'()*+,;=:@ and %XX escapes)');
      expect(attempt({ pathPrefix: '/a//b' })).toThrow('test/Route: \'pathPrefix\' ("/a//b") must not contain \'//\'');
      expect(attempt({ pathPrefix: '/a/..' })).toThrow('test/Route: \'pathPrefix\' ("/a/..") must not end with \'/..\'');
    });
    test('a port the Service does not have, or none when it has several', () => {
      expect(attempt({ port: 8080 })).toThrow('test/Route: \'port\' (8080) must be a port of the backend Service backend (3000)');
      expect(attempt({ port: 0 })).toThrow('test/Route: \'port\' (0) must be a whole number from 1 to 65535');
      expect(attempt({}, [80, 443])).toThrow('test/Route: \'port\' (not given) must be given when the backend Service backend has several ports (80, 443)');
      expect(attempt({}, [])).toThrow('test/Route: \'port\' (not given) must be given when the backend Service backend has no ports yet');
    });
    test('a route name the API server refuses', () => {
      expect(attempt({ metadata: { name: 'Cookie_Route' } })).toThrow(
        'test/Route: \'metadata.name\' ("Cookie_Route") must be a DNS-1123 subdomain');
    });
  });
});
