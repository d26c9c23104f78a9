import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { backendService } from './helpers';
import { ContourCookieAffinityProxy, SameSite } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('ContourCookieAffinityProxy', () => {
  test('GIVEN Contour\'s session-affinity example THEN the HTTPProxy matches it, with the model\'s SameSite as a cookie rewrite', () => {
    // GIVEN https://projectcontour.io/docs/1.33/config/request-routing/#session-affinity
    const chart = newChart();
    const httpbin = backendService(chart, 'httpbin', 'default', [8080]);

    // WHEN
    new ContourCookieAffinityProxy(chart, 'Proxy', { metadata: { name: 'httpbin' }, fqdn: 'httpbin.davecheney.com', backend: httpbin });

    // THEN
    const proxy = only(synthValid(chart), 'HTTPProxy');
    expect(proxy.apiVersion).toBe('projectcontour.io/v1');
    expect(proxy.metadata).toEqual({ name: 'httpbin', namespace: 'default' });
    expect(proxy.spec).toEqual({
      virtualhost: { fqdn: 'httpbin.davecheney.com' },
      routes: [{
        // The example has no condition: '/' is the same match, written out.
        conditions: [{ prefix: '/' }],
        services: [{ name: 'httpbin', port: 8080 }],
        loadBalancerPolicy: { strategy: 'Cookie' },
        cookieRewritePolicies: [{ name: 'X-Contour-Session-Affinity', sameSite: 'Lax' }],
      }],
    });
  });

  test('GIVEN Contour\'s cookie-rewriting example (Secure, SameSite=Strict on its affinity cookie) THEN the same rewrite policy', () => {
    // GIVEN https://projectcontour.io/docs/1.33/config/cookie-rewriting/
    const chart = newChart();
    new ContourCookieAffinityProxy(chart, 'Proxy', {
      fqdn: 'echo.example.com',
      pathPrefix: '/cookie-lb',
      backend: backendService(chart, 'echo', 'default', [80]),
      cookie: { secure: true, sameSite: SameSite.STRICT },
    });
    const route = only(synthValid(chart), 'HTTPProxy').spec.routes[0];
    expect(route.conditions).toEqual([{ prefix: '/cookie-lb' }]);
    expect(route.cookieRewritePolicies).toEqual([{ name: 'X-Contour-Session-Affinity', secure: true, sameSite: 'Strict' }]);
  });

  test('GIVEN TLS, a path and a domain THEN rewritten on the cookie, Secure by TLS; and a snapshot', () => {
    const chart = newChart();
    const tls = kplus.Secret.fromSecretName(chart, 'Tls', 'shop-tls');
    new ContourCookieAffinityProxy(chart, 'Proxy', {
      fqdn: 'shop.example.com', backend: backendService(chart), tlsSecret: tls, pathPrefix: '/shop', cookie: { path: '/shop', domain: 'example.com' },
    });
    const manifests = synthValid(chart);
    const proxy = only(manifests, 'HTTPProxy');
    expect(proxy.spec.virtualhost).toEqual({ fqdn: 'shop.example.com', tls: { secretName: 'shop-tls' } });
    expect(proxy.spec.routes[0].cookieRewritePolicies).toEqual([{
      name: 'X-Contour-Session-Affinity', pathRewrite: { value: '/shop' }, domainRewrite: { value: 'example.com' }, secure: true, sameSite: 'Lax',
    }]);
    expect(manifests).toMatchSnapshot();
  });

  test.each([
    ['name', { name: 'SID' }, '"SID"', 'cannot be written in an HTTPProxy: Contour always names its affinity cookie X-Contour-Session-Affinity'],
    ['maxAge', { maxAge: Duration.hours(1) }, '3600s', 'cannot be written in an HTTPProxy: Contour\'s affinity cookie has no Max-Age'],
    ['httpOnly', { httpOnly: false }, 'false', 'must be true or left out: Envoy marks the cookie Contour asks it to generate HttpOnly'],
  ])('GIVEN cookie.%s THEN refused, naming it', (field, cookie, shown, message) => {
    const chart = newChart();
    expect(() => new ContourCookieAffinityProxy(chart, 'Proxy', { fqdn: 'a.example.com', backend: backendService(chart), cookie })).toThrow(
      `test/Proxy: 'cookie.${field}' (${shown}) ${message}`);
  });

  test('GIVEN Contour\'s own cookie name THEN accepted', () => {
    const chart = newChart();
    expect(() => new ContourCookieAffinityProxy(chart, 'Proxy', { backend: backendService(chart), cookie: { name: ContourCookieAffinityProxy.COOKIE_NAME } })).not.toThrow();
    expect(only(synthValid(chart), 'HTTPProxy').spec.virtualhost).toBeUndefined();
  });

  test('GIVEN TLS without fqdn, or another namespace THEN refused', () => {
    const chart = newChart();
    const tls = kplus.Secret.fromSecretName(chart, 'Tls', 'shop-tls');
    expect(() => new ContourCookieAffinityProxy(chart, 'Proxy', { backend: backendService(chart), tlsSecret: tls })).toThrow(
      'test/Proxy: \'tlsSecret\' (shop-tls) needs \'fqdn\'');
    expect(() => new ContourCookieAffinityProxy(chart, 'Other', { backend: backendService(chart, 'b2'), metadata: { namespace: 'web' } })).toThrow(
      'test/Other: \'metadata.namespace\' ("web") must be the backend Service\'s namespace (default)');
  });
});
