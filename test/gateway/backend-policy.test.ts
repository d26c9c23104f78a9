import { Duration } from 'cdk8s';
import { backendService } from './helpers';
import { BackendCookieAffinity, CookieLifetime } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('BackendCookieAffinity', () => {
  test('GIVEN the Gateway API v1.2 release example THEN the XBackendTrafficPolicy matches it, in today\'s form', () => {
    // GIVEN https://kubernetes.io/blog/2024/11/21/gateway-api-v1-2/ (BackendLBPolicy lb-policy).
    // Since then: BackendLBPolicy became XBackendTrafficPolicy (v1.3), idleTimeout was removed
    // (v1.6.0), and a core Service is written group "" kind Service.
    const chart = newChart();
    const foo = backendService(chart, 'foo', 'foo-ns');

    // WHEN
    new BackendCookieAffinity(chart, 'Policy', {
      metadata: { name: 'lb-policy' },
      service: foo,
      cookie: { name: 'foo-session' },
      sessionTimeout: Duration.hours(1),
    });

    // THEN
    const policy = only(synthValid(chart), 'XBackendTrafficPolicy');
    expect(policy.apiVersion).toBe('gateway.networking.x-k8s.io/v1alpha1');
    expect(policy.metadata).toEqual({ name: 'lb-policy', namespace: 'foo-ns' });
    expect(policy.spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'foo' }],
      sessionPersistence: {
        sessionName: 'foo-session',
        absoluteTimeout: '1h',
        type: 'Cookie',
        cookieConfig: { lifetimeType: 'Session' },
      },
    });
  });

  test('GIVEN a Permanent cookie THEN a snapshot', () => {
    const chart = newChart();
    new BackendCookieAffinity(chart, 'Policy', {
      service: backendService(chart, 'cart', 'shop'),
      cookie: { name: 'CART', maxAge: Duration.days(7) },
    });
    const manifests = synthValid(chart);
    expect(only(manifests, 'XBackendTrafficPolicy').spec.sessionPersistence).toEqual({
      sessionName: 'CART', type: 'Cookie', absoluteTimeout: '168h', cookieConfig: { lifetimeType: 'Permanent' },
    });
    expect(manifests).toMatchSnapshot();
  });

  test('GIVEN a Permanent cookie without maxAge THEN refused as on the route', () => {
    const chart = newChart();
    expect(() => new BackendCookieAffinity(chart, 'Policy', { service: backendService(chart), lifetime: CookieLifetime.PERMANENT })).toThrow(
      'test/Policy: \'lifetime\' (PERMANENT) needs \'cookie.maxAge\': a Permanent cookie\'s lifetime is its absoluteTimeout (the CRD: "AbsoluteTimeout must be specified when cookie lifetimeType is Permanent")');
  });
});
