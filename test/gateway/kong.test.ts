import { Duration, Testing } from 'cdk8s';
import { backendService } from './helpers';
import { CookieAffinityRoute, CookieLifetime, GatewayImplementation, KongCookieAffinity, SameSite } from '../../src';
import { KONG_UPSTREAM_POLICY_ANNOTATION } from '../../src/facts/kong';
import { crdSchemaErrors } from '../util/crd-schemas';
import { newChart, only, synthValid } from '../util/manifests';

describe('KongCookieAffinity', () => {
  test('GIVEN the Kong sticky-sessions guide\'s policy THEN the KongUpstreamPolicy and the Service annotation match it field for field', () => {
    // GIVEN https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/
    const chart = newChart();
    const echo = backendService(chart, 'echo', 'kong', [1027]);

    // WHEN
    new KongCookieAffinity(chart, 'Sticky', {
      metadata: { name: 'sticky-session-policy' },
      service: echo,
      cookie: { name: 'session-id', path: '/' },
    });

    // THEN
    const manifests = synthValid(chart);
    const policy = only(manifests, 'KongUpstreamPolicy');
    expect(policy.apiVersion).toBe('configuration.konghq.com/v1beta1');
    expect(policy.metadata).toEqual({ name: 'sticky-session-policy', namespace: 'kong' });
    expect(policy.spec).toEqual({
      algorithm: 'sticky-sessions',
      hashOn: { input: 'none' },
      stickySessions: { cookie: 'session-id', cookiePath: '/' },
    });
    expect(only(manifests, 'Service').metadata.annotations).toEqual({ 'konghq.com/upstream-policy': 'sticky-session-policy' });
  });

  test('GIVEN no cookie THEN INGRESSCOOKIE at / and a snapshot', () => {
    const chart = newChart();
    new KongCookieAffinity(chart, 'Sticky', { service: backendService(chart) });
    const manifests = synthValid(chart);
    expect(only(manifests, 'KongUpstreamPolicy').spec.stickySessions).toEqual({ cookie: 'INGRESSCOOKIE', cookiePath: '/' });
    expect(manifests).toMatchSnapshot();
  });

  test.each([
    ['maxAge', { maxAge: Duration.hours(1) }, '3600s'],
    ['domain', { domain: 'example.com' }, '"example.com"'],
    ['secure', { secure: true }, 'true'],
    ['httpOnly', { httpOnly: true }, 'true'],
    ['sameSite', { sameSite: SameSite.STRICT }, '"Strict"'],
  ])('GIVEN cookie.%s THEN refused, naming it: Kong\'s cookie has a name and a path only', (field, cookie, shown) => {
    const chart = newChart();
    expect(() => new KongCookieAffinity(chart, 'Sticky', { service: backendService(chart), cookie })).toThrow(
      `test/Sticky: 'cookie.${field}' (${shown}) cannot be written in a KongUpstreamPolicy, whose sticky-session cookie has a name and a path only`);
  });

  test('GIVEN the rendered policy without hashOn.input none THEN the CRD\'s own CEL rule refuses it (what the construct always writes)', () => {
    const chart = newChart();
    new KongCookieAffinity(chart, 'Sticky', { service: backendService(chart) });
    const policy = only(synthValid(chart), 'KongUpstreamPolicy');
    expect(crdSchemaErrors(policy)).toEqual([]);
    const { hashOn: _dropped, ...spec } = policy.spec;
    const withoutHashOn = { ...policy, spec };
    expect(crdSchemaErrors(withoutHashOn).join('\n')).toMatch(/hashOn/);
  });

  test('GIVEN a Service already attached to another policy THEN refused, naming both', () => {
    const chart = newChart();
    const service = backendService(chart);
    service.metadata.addAnnotation(KONG_UPSTREAM_POLICY_ANNOTATION, 'other');
    expect(() => new KongCookieAffinity(chart, 'Sticky', { service })).toThrow(
      /^test\/Sticky: 'service' \(backend\) already has the annotation konghq.com\/upstream-policy: other;/);
  });

  test('GIVEN a policy namespace other than the Service\'s THEN refused: the annotation looks in the Service\'s namespace', () => {
    const chart = newChart();
    expect(() => new KongCookieAffinity(chart, 'Sticky', { service: backendService(chart), metadata: { namespace: 'kong' } })).toThrow(
      'test/Sticky: \'metadata.namespace\' ("kong") must be left out or be the Service\'s namespace (default)');
  });
});

describe('CookieAffinityRoute with GatewayImplementation.kong()', () => {
  test('GIVEN a Kong Gateway THEN an HTTPRoute without sessionPersistence, the policy, and the annotation on the backend', () => {
    const chart = newChart();
    const backend = backendService(chart);
    const route = new CookieAffinityRoute(chart, 'Shop', {
      gateway: 'kong', backend, implementation: GatewayImplementation.kong(), pathPrefix: '/shop', cookie: { name: 'SHOP', path: '/shop' },
    });
    const manifests = synthValid(chart);
    const httpRoute = only(manifests, 'HTTPRoute');
    expect(httpRoute.spec.rules[0].sessionPersistence).toBeUndefined();
    expect(httpRoute.spec.rules[0].backendRefs).toEqual([{ name: 'backend', port: 3000 }]);
    const policy = only(manifests, 'KongUpstreamPolicy');
    expect(policy.spec.stickySessions).toEqual({ cookie: 'SHOP', cookiePath: '/shop' });
    expect(only(manifests, 'Service').metadata.annotations).toEqual({ 'konghq.com/upstream-policy': policy.metadata.name });
    expect(route.name).toBe(httpRoute.metadata.name);
    expect(Testing.synth(chart)).toMatchSnapshot();
  });

  test('GIVEN lifetime or sessionTimeout THEN refused: Kong reads no sessionPersistence', () => {
    const chart = newChart();
    expect(() => new CookieAffinityRoute(chart, 'Shop', {
      gateway: 'kong', backend: backendService(chart), implementation: GatewayImplementation.kong(), lifetime: CookieLifetime.SESSION,
    })).toThrow('test/Shop: \'lifetime\' (SESSION) applies to Gateway API sessionPersistence, which the kong implementation does not read');
    const other = newChart();
    expect(() => new CookieAffinityRoute(other, 'Shop', {
      gateway: 'kong', backend: backendService(other), implementation: GatewayImplementation.kong(), sessionTimeout: Duration.hours(1),
    })).toThrow('test/Shop: \'sessionTimeout\' (3600s) applies to Gateway API sessionPersistence');
  });

  test('GIVEN two Kong routes to one Service THEN refused: a Service takes one upstream policy', () => {
    const chart = newChart();
    const backend = backendService(chart);
    new CookieAffinityRoute(chart, 'A', { gateway: 'kong', backend, implementation: GatewayImplementation.kong() });
    expect(() => new CookieAffinityRoute(chart, 'B', { gateway: 'kong', backend, implementation: GatewayImplementation.kong() }))
      .toThrow(/^test\/B: 'backend' \(backend\) already has the annotation konghq.com\/upstream-policy/);
  });
});
