import { Chart, Testing } from 'cdk8s';
import { backendService } from './helpers';
import {
  AffinityCookie, ContourCookieAffinityProxy, CookieAffinityRoute, EnvoyCookieAffinity, GatewayApiRelease, GatewayImplementation,
  NginxPlusCookieAffinity, TraefikCookieAffinityRoute,
} from '../../src';
import { newChart } from '../util/manifests';

/** Every construct that writes a cookie Path for a route with a path prefix. */
const ROUTES: Array<{ name: string; elementWise?: boolean; make: (chart: Chart, pathPrefix: string, cookie: AffinityCookie) => void }> = [
  { name: 'CookieAffinityRoute (Gateway API main)', elementWise: true, make: (chart, pathPrefix, cookie) => new CookieAffinityRoute(chart, 'R', { gateway: 'g', backend: backendService(chart), pathPrefix, cookie, gatewayApiRelease: GatewayApiRelease.MAIN }) },
  { name: 'CookieAffinityRoute (Kong)', elementWise: true, make: (chart, pathPrefix, cookie) => new CookieAffinityRoute(chart, 'R', { gateway: 'g', backend: backendService(chart), pathPrefix, cookie, implementation: GatewayImplementation.kong() }) },
  { name: 'EnvoyCookieAffinity', elementWise: true, make: (chart, pathPrefix, cookie) => new EnvoyCookieAffinity(chart, 'R', { gateway: 'g', backend: backendService(chart), pathPrefix, cookie }) },
  { name: 'TraefikCookieAffinityRoute', make: (chart, pathPrefix, cookie) => new TraefikCookieAffinityRoute(chart, 'R', { backend: backendService(chart), pathPrefix, cookie }) },
  { name: 'ContourCookieAffinityProxy', make: (chart, pathPrefix, cookie) => new ContourCookieAffinityProxy(chart, 'R', { backend: backendService(chart), pathPrefix, cookie }) },
  { name: 'NginxPlusCookieAffinity', make: (chart, pathPrefix, cookie) => new NginxPlusCookieAffinity(chart, 'R', { host: 'a.example.com', backend: backendService(chart), pathPrefix, cookie }) },
];

describe.each(ROUTES)('$name: a given cookie Path must cover the route\'s path prefix', ({ make, elementWise }) => {
  // A Gateway API PathPrefix ignores a trailing '/' (`/app/` matches `/app`); Traefik's PathPrefix,
  // Contour's prefix condition and an nginx location `/app/` are read as written.
  test(`GIVEN pathPrefix /app/ and cookie.path /app/ THEN it is ${elementWise ? 'refused: the route also matches /app' : 'valid'}`, () => {
    const chart = newChart();
    if (elementWise) {
      expect(() => make(chart, '/app/', { path: '/app/' })).toThrow(
        'so requests to "/app" (which the prefix "/app/" matches too: a prefix match ignores a trailing \'/\') would not stay on one pod; use "/app" or "/", or leave \'cookie.path\' out');
    } else {
      make(chart, '/app/', { path: '/app/' });
      expect(() => Testing.synth(chart)).not.toThrow();
    }
  });

  test('GIVEN pathPrefix /app/ and cookie.path /app THEN the route is valid', () => {
    const chart = newChart();
    make(chart, '/app/', { path: '/app' });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('GIVEN pathPrefix /app and cookie.path /other THEN it is refused, naming cookie.path, its value and the prefix', () => {
    // GIVEN
    const chart = newChart();
    // WHEN / THEN
    expect(() => make(chart, '/app', { path: '/other' })).toThrow(
      'test/R: \'cookie.path\' ("/other") must cover every path \'pathPrefix\' matches ("/app"): browsers send the cookie back only with requests at or below its Path (RFC 6265 path-match), '
      + 'so requests to "/app" would not stay on one pod; use "/app" or "/", or leave \'cookie.path\' out');
  });

  test('GIVEN pathPrefix /app and cookie.path /app/admin (narrower than the prefix) THEN it is refused', () => {
    expect(() => make(newChart(), '/app', { path: '/app/admin' })).toThrow('\'cookie.path\' ("/app/admin") must cover every path \'pathPrefix\' matches ("/app")');
  });

  test.each(['/', '/app', '/app/'])('GIVEN pathPrefix /app/x and cookie.path %s THEN the route is valid', (cookiePath) => {
    const chart = newChart();
    make(chart, '/app/x', { path: cookiePath });
    // (The schemas are checked by each construct's own tests: Gateway API main's differ.)
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('GIVEN pathPrefix /app and no cookie.path THEN the route is valid (the default covers it)', () => {
    const chart = newChart();
    make(chart, '/app', {});
    // (The schemas are checked by each construct's own tests: Gateway API main's differ.)
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
