import { Duration } from 'cdk8s';
import { backendService } from './helpers';
import { CookieAffinityRoute, CookieLifetime, EnvoyCookieAffinity, GatewayImplementation, SameSite } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('EnvoyCookieAffinity', () => {
  test('GIVEN an IP address in hostnames THEN it is refused, as for every Gateway API route', () => {
    const chart = newChart();
    expect(() => new EnvoyCookieAffinity(chart, 'E', { gateway: 'eg', hostnames: ['10.0.0.1'], backend: backendService(chart) })).toThrow(
      'test/E: \'hostnames\' ("10.0.0.1") must be DNS names, not IP addresses');
  });

  test('GIVEN the Envoy Gateway load-balancing cookie example THEN route and policy match it field for field', () => {
    // GIVEN https://gateway.envoyproxy.io/docs/tasks/traffic/load-balancing/#cookie
    const chart = newChart();
    const backend = backendService(chart);

    // WHEN
    const affinity = new EnvoyCookieAffinity(chart, 'Cookie', {
      metadata: { name: 'cookie-route' },
      gateway: 'eg',
      hostnames: ['www.example.com'],
      pathPrefix: '/cookie',
      backend,
      cookie: { name: 'FooBar', maxAge: Duration.seconds(60), sameSite: SameSite.STRICT },
    });

    // THEN
    const manifests = synthValid(chart);
    const route = only(manifests, 'HTTPRoute');
    expect(route.metadata).toEqual({ name: 'cookie-route', namespace: 'default' });
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'eg' }],
      hostnames: ['www.example.com'],
      rules: [{
        matches: [{ path: { type: 'PathPrefix', value: '/cookie' } }],
        backendRefs: [{ name: 'backend', port: 3000 }],
      }],
    });
    const policy = only(manifests, 'BackendTrafficPolicy');
    expect(policy.apiVersion).toBe('gateway.envoyproxy.io/v1alpha1');
    // The example names the policy cookie-policy; here it shares the route's name.
    expect(policy.metadata).toEqual({ name: 'cookie-route', namespace: 'default' });
    expect(policy.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'cookie-route' }],
      loadBalancer: {
        type: 'ConsistentHash',
        consistentHash: {
          type: 'Cookie',
          cookie: {
            name: 'FooBar',
            // The example's 60s, in the fewest parts of the same format.
            ttl: '1m',
            // The example's SameSite, and the model's Path=/ (Envoy Gateway has no path field,
            // and without it the browser scopes the cookie to the request's directory).
            attributes: { SameSite: 'Strict', Path: '/' },
          },
        },
      },
    });
    expect(affinity.route.name).toBe('cookie-route');
    expect(affinity.resource.name).toBe('cookie-route');
  });

  test('GIVEN no cookie THEN a session cookie (ttl 0s, without which Envoy sets none) and a snapshot', () => {
    const chart = newChart();
    new EnvoyCookieAffinity(chart, 'Affinity', { gateway: 'eg', backend: backendService(chart) });
    const manifests = synthValid(chart);
    expect(only(manifests, 'BackendTrafficPolicy').spec.loadBalancer.consistentHash.cookie).toEqual({
      name: 'INGRESSCOOKIE', ttl: '0s', attributes: { Path: '/', SameSite: 'Lax' },
    });
    expect(manifests).toMatchSnapshot();
  });

  test('GIVEN TLS, a domain and a path THEN they become cookie attributes, Secure bare', () => {
    const chart = newChart();
    new EnvoyCookieAffinity(chart, 'Affinity', {
      gateway: 'eg',
      backend: backendService(chart),
      tls: true,
      pathPrefix: '/app',
      cookie: { path: '/app', domain: 'example.com', sameSite: SameSite.NONE, maxAge: Duration.hours(2) },
    });
    expect(only(synthValid(chart), 'BackendTrafficPolicy').spec.loadBalancer.consistentHash.cookie).toEqual({
      name: 'INGRESSCOOKIE', ttl: '2h', attributes: { Path: '/app', Domain: 'example.com', SameSite: 'None', Secure: '' },
    });
  });

  test('GIVEN httpOnly false THEN refused: Envoy always writes HttpOnly', () => {
    const chart = newChart();
    expect(() => new EnvoyCookieAffinity(chart, 'Affinity', { gateway: 'eg', backend: backendService(chart), cookie: { httpOnly: false } })).toThrow(
      'test/Affinity: \'cookie.httpOnly\' (false) must be true or left out: Envoy marks the cookie it generates for hashing HttpOnly, always');
    expect(() => new EnvoyCookieAffinity(newChart(), 'Affinity', { gateway: 'eg', backend: backendService(newChart()), cookie: { httpOnly: true } })).not.toThrow();
  });
});

describe('CookieAffinityRoute with GatewayImplementation.envoyGateway()', () => {
  test('GIVEN the same route and cookie THEN the same HTTPRoute and BackendTrafficPolicy as EnvoyCookieAffinity', () => {
    const props = {
      metadata: { name: 'cookie-route' },
      gateway: 'eg',
      hostnames: ['www.example.com'],
      pathPrefix: '/cookie',
      cookie: { name: 'FooBar', maxAge: Duration.seconds(60), sameSite: SameSite.STRICT },
    };
    const viaConstruct = newChart();
    new EnvoyCookieAffinity(viaConstruct, 'Cookie', { ...props, backend: backendService(viaConstruct), tls: true });
    const viaImplementation = newChart();
    new CookieAffinityRoute(viaImplementation, 'Cookie', {
      ...props, backend: backendService(viaImplementation), implementation: GatewayImplementation.envoyGateway({ tls: true }),
    });
    const a = synthValid(viaConstruct);
    const b = synthValid(viaImplementation);
    for (const kind of ['HTTPRoute', 'BackendTrafficPolicy']) {
      expect(only(b, kind).metadata).toEqual(only(a, kind).metadata);
      expect(only(b, kind).spec).toEqual(only(a, kind).spec);
    }
  });

  test('GIVEN lifetime THEN refused: Envoy Gateway\'s cookie hash is not sessionPersistence', () => {
    const chart = newChart();
    expect(() => new CookieAffinityRoute(chart, 'Route', {
      gateway: 'eg', backend: backendService(chart), implementation: GatewayImplementation.envoyGateway(), lifetime: CookieLifetime.SESSION,
    })).toThrow('test/Route: \'lifetime\' (SESSION) applies to Gateway API sessionPersistence, which the envoy-gateway implementation does not read');
  });
});
