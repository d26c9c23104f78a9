import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { backendService } from './helpers';
import { SameSite, TraefikCookieAffinityRoute } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('TraefikCookieAffinityRoute', () => {
  test('GIVEN the entry points changed after construction THEN the IngressRoute keeps those given', () => {
    const chart = newChart();
    const entryPoints = ['websecure'];
    new TraefikCookieAffinityRoute(chart, 'Shop', { backend: backendService(chart), entryPoints });
    entryPoints.push('web');
    expect(only(synthValid(chart), 'IngressRoute').spec.entryPoints).toEqual(['websecure']);
  });

  test('GIVEN the Traefik sticky-sessions guide THEN the IngressRoute service matches it field for field', () => {
    // GIVEN https://doc.traefik.io/traefik/expose/kubernetes/advanced/ (sticky_cookie on whoami:80,
    // there through a TraefikService; an IngressRoute service takes the same sticky block).
    const chart = newChart();
    const whoami = backendService(chart, 'whoami', 'default', [80]);

    // WHEN
    new TraefikCookieAffinityRoute(chart, 'Whoami', {
      metadata: { name: 'whoami' },
      entryPoints: ['websecure'],
      hostnames: ['whoami.docker.localhost'],
      backend: whoami,
      cookie: { name: 'sticky_cookie', secure: true, httpOnly: true },
    });

    // THEN
    const route = only(synthValid(chart), 'IngressRoute');
    expect(route.apiVersion).toBe('traefik.io/v1alpha1');
    expect(route.metadata).toEqual({ name: 'whoami', namespace: 'default' });
    expect(route.spec).toEqual({
      entryPoints: ['websecure'],
      routes: [{
        match: 'Host(`whoami.docker.localhost`)',
        kind: 'Rule',
        services: [{
          name: 'whoami',
          port: 80,
          sticky: {
            cookie: {
              name: 'sticky_cookie',
              secure: true,
              httpOnly: true,
              // Beyond the guide: the model's defaults, written rather than left to Traefik.
              sameSite: 'lax',
              path: '/',
            },
          },
        }],
      }],
    });
  });

  test('GIVEN every option THEN lowercase sameSite, maxAge in seconds, TLS and a snapshot', () => {
    const chart = newChart();
    const cert = kplus.Secret.fromSecretName(chart, 'Cert', 'shop-tls');
    new TraefikCookieAffinityRoute(chart, 'Shop', {
      hostnames: ['shop.example.com', 'www.shop.example.com'],
      pathPrefix: '/cart',
      backend: backendService(chart, 'shop', 'shop', [80, 8080]),
      port: 8080,
      tlsSecret: cert,
      cookie: { name: 'SHOP', maxAge: Duration.hours(8), domain: 'shop.example.com', sameSite: SameSite.NONE },
    });
    const manifests = synthValid(chart);
    const route = only(manifests, 'IngressRoute');
    expect(route.spec.routes[0].match).toBe('(Host(`shop.example.com`) || Host(`www.shop.example.com`)) && PathPrefix(`/cart`)');
    expect(route.spec.routes[0].services[0].sticky.cookie).toEqual({
      name: 'SHOP', secure: true, httpOnly: true, sameSite: 'none', maxAge: 28800, path: '/', domain: 'shop.example.com',
    });
    expect(route.spec.tls).toEqual({ secretName: 'shop-tls' });
    expect(manifests).toMatchSnapshot();
  });

  test('GIVEN a backend in another namespace and allowCrossNamespace THEN the service names it', () => {
    const chart = newChart();
    new TraefikCookieAffinityRoute(chart, 'R', { metadata: { namespace: 'web' }, backend: backendService(chart, 'api', 'api'), allowCrossNamespace: true });
    const route = only(synthValid(chart), 'IngressRoute');
    expect(route.spec.routes[0].match).toBe('PathPrefix(`/`)');
    expect(route.spec.routes[0].services[0]).toMatchObject({ name: 'api', namespace: 'api', port: 3000 });
  });

  test.each([
    [{ hostnames: ['*.example.com'] }, '\'hostnames\' ("*.example.com") must be lowercase DNS names without wildcards, at most 253 characters'],
    [{ hostnames: ['a`b'] }, '\'hostnames\' ("a`b") must be lowercase DNS names without wildcards'],
    [{ pathPrefix: '/a`) || Host(`evil' }, '\'pathPrefix\' ("/a`) || Host(`evil") must start with \'/\' and hold no spaces or backquotes'],
  ])('GIVEN %j THEN refused', (props, message) => {
    const chart = newChart();
    expect(() => new TraefikCookieAffinityRoute(chart, 'R', { backend: backendService(chart), ...props })).toThrow(`test/R: ${message}`);
  });
});
