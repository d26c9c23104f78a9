import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { backendService } from './helpers';
import { NginxPlusCookieAffinity, SameSite } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('NginxPlusCookieAffinity', () => {
  test('GIVEN the VirtualServer docs\' sessionCookie example THEN the upstream carries the same cookie', () => {
    // GIVEN https://docs.nginx.com/nginx-ingress-controller/configuration/virtualserver-and-virtualserverroute-resources/#upstreamsessioncookie
    const chart = newChart();
    const tea = backendService(chart, 'tea-svc', 'default', [80]);

    // WHEN
    new NginxPlusCookieAffinity(chart, 'Cafe', {
      metadata: { name: 'cafe' },
      host: 'cafe.example.com',
      pathPrefix: '/tea',
      backend: tea,
      cookie: { name: 'srv_id', path: '/', maxAge: Duration.hours(1), domain: '.example.com', httpOnly: false, secure: true },
    });

    // THEN
    const vs = only(synthValid(chart), 'VirtualServer');
    expect(vs.apiVersion).toBe('k8s.nginx.org/v1');
    expect(vs.metadata).toEqual({ name: 'cafe', namespace: 'default' });
    expect(vs.spec).toEqual({
      host: 'cafe.example.com',
      upstreams: [{
        name: 'backend',
        service: 'tea-svc',
        port: 80,
        sessionCookie: {
          enable: true,
          name: 'srv_id',
          path: '/',
          // The example's 1h, as whole seconds (the same NGINX time).
          expires: '3600s',
          domain: '.example.com',
          httpOnly: false,
          secure: true,
          // Not in the example: the model's default, written out.
          samesite: 'lax',
        },
      }],
      routes: [{ path: '/tea', action: { pass: 'backend' } }],
    });
  });

  test('GIVEN no cookie and TLS THEN a named session cookie, Secure, and a snapshot', () => {
    const chart = newChart();
    new NginxPlusCookieAffinity(chart, 'Cafe', {
      host: 'cafe.example.com',
      backend: backendService(chart),
      tlsSecret: kplus.Secret.fromSecretName(chart, 'Tls', 'cafe-secret'),
      ingressClassName: 'nginx-plus',
    });
    const manifests = synthValid(chart);
    const vs = only(manifests, 'VirtualServer');
    expect(vs.spec.tls).toEqual({ secret: 'cafe-secret' });
    expect(vs.spec.ingressClassName).toBe('nginx-plus');
    expect(vs.spec.upstreams[0].sessionCookie).toEqual({ enable: true, name: 'INGRESSCOOKIE', path: '/', httpOnly: true, secure: true, samesite: 'lax' });
    expect(manifests).toMatchSnapshot();
  });

  test('GIVEN SameSite None THEN lowercase none and Secure', () => {
    const chart = newChart();
    new NginxPlusCookieAffinity(chart, 'Cafe', { host: 'cafe.example.com', backend: backendService(chart), cookie: { sameSite: SameSite.NONE } });
    expect(only(synthValid(chart), 'VirtualServer').spec.upstreams[0].sessionCookie).toMatchObject({ samesite: 'none', secure: true });
  });

  test('GIVEN a bad host THEN refused', () => {
    const chart = newChart();
    expect(() => new NginxPlusCookieAffinity(chart, 'Cafe', { host: 'Cafe.Example.com', backend: backendService(chart) })).toThrow(
      'test/Cafe: \'host\' ("Cafe.Example.com") must be a lowercase DNS name');
  });
});
