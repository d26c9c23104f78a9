import { Duration, Testing } from 'cdk8s';
import { backendService } from './helpers';
import { BackendCookieAffinity, CookieAffinityRoute, GatewayApiRelease, SameSite } from '../../src';
import { GATEWAY_API_MAIN_CRD_DIR } from '../util/cel';
import { crdSchemaErrors } from '../util/crd-schemas';
import { Manifest, newChart, only, validateManifests } from '../util/manifests';

/** Synthesizes and validates: Gateway API kinds against the main-branch CRDs (schema and CEL), the rest as usual. */
function synthMain(chart: ReturnType<typeof newChart>): Manifest[] {
  const manifests = Testing.synth(chart) as Manifest[];
  const gateway = manifests.filter(m => m.apiVersion.startsWith('gateway.networking.'));
  validateManifests(manifests.filter(m => !gateway.includes(m)));
  const problems = gateway.flatMap(m => crdSchemaErrors(m, GATEWAY_API_MAIN_CRD_DIR).map(e => `${m.kind}: ${e}`));
  expect(problems).toEqual([]);
  return manifests;
}

describe('Gateway API main shape (gatewayApiRelease: MAIN)', () => {
  test('GIVEN a cookie with name, path and Max-Age THEN cookie.name, cookie.path, Permanent; no sessionName or cookieConfig', () => {
    const chart = newChart();
    new CookieAffinityRoute(chart, 'Shop', {
      gateway: 'eg',
      backend: backendService(chart),
      gatewayApiRelease: GatewayApiRelease.MAIN,
      pathPrefix: '/shop',
      cookie: { name: 'SHOP', path: '/shop', maxAge: Duration.hours(8) },
    });
    const manifests = synthMain(chart);
    expect(only(manifests, 'HTTPRoute').spec.rules[0].sessionPersistence).toEqual({
      type: 'Cookie', absoluteTimeout: '8h', cookie: { name: 'SHOP', path: '/shop', lifetimeType: 'Permanent' },
    });
    expect(manifests).toMatchSnapshot();
  });

  test('GIVEN no cookie THEN the shortest valid form: cookie {lifetimeType: Session} (main refuses an empty sessionPersistence)', () => {
    const chart = newChart();
    new CookieAffinityRoute(chart, 'Shop', { gateway: 'eg', backend: backendService(chart), gatewayApiRelease: GatewayApiRelease.MAIN });
    expect(only(synthMain(chart), 'HTTPRoute').spec.rules[0].sessionPersistence).toEqual({ type: 'Cookie', cookie: { lifetimeType: 'Session' } });
  });

  test('GIVEN the same route at v1.6.1 THEN a cookie path is still refused there, naming the release', () => {
    const chart = newChart();
    expect(() => new CookieAffinityRoute(chart, 'Shop', { gateway: 'eg', backend: backendService(chart), cookie: { path: '/shop' } })).toThrow(
      'test/Shop: \'cookie.path\' ("/shop") cannot be written in Gateway API v1.6.1 sessionPersistence');
  });

  test('GIVEN cookie fields main has no field for THEN refused, naming main', () => {
    const chart = newChart();
    expect(() => new CookieAffinityRoute(chart, 'Shop', {
      gateway: 'eg', backend: backendService(chart), gatewayApiRelease: GatewayApiRelease.MAIN, cookie: { sameSite: SameSite.STRICT },
    })).toThrow('test/Shop: \'cookie.sameSite\' ("Strict") cannot be written in Gateway API main sessionPersistence');
  });

  test('GIVEN a name of 129 characters THEN accepted on main (up to 256), refused at v1.6.1 (128)', () => {
    const name = 'a'.repeat(129);
    const chart = newChart();
    new CookieAffinityRoute(chart, 'Shop', { gateway: 'eg', backend: backendService(chart), gatewayApiRelease: GatewayApiRelease.MAIN, cookie: { name } });
    expect(only(synthMain(chart), 'HTTPRoute').spec.rules[0].sessionPersistence.cookie.name).toBe(name);
    const old = newChart();
    expect(() => new CookieAffinityRoute(old, 'Shop', { gateway: 'eg', backend: backendService(old), cookie: { name } })).toThrow(
      'must be at most 128 characters (sessionPersistence.sessionName)');
  });

  test('GIVEN BackendCookieAffinity on main THEN the XBackendTrafficPolicy has the main shape', () => {
    const chart = newChart();
    new BackendCookieAffinity(chart, 'Policy', {
      service: backendService(chart), gatewayApiRelease: GatewayApiRelease.MAIN, cookie: { name: 'SID' }, sessionTimeout: Duration.hours(1),
    });
    expect(only(synthMain(chart), 'XBackendTrafficPolicy').spec.sessionPersistence).toEqual({
      type: 'Cookie', absoluteTimeout: '1h', cookie: { name: 'SID', lifetimeType: 'Session' },
    });
  });

  test('GIVEN the main-shape route THEN the v1.6.1 CRD refuses it, and the v1.6.1 route the main CRD: load one set or the other', () => {
    const chart = newChart();
    new CookieAffinityRoute(chart, 'Main', { gateway: 'eg', backend: backendService(chart), gatewayApiRelease: GatewayApiRelease.MAIN });
    new CookieAffinityRoute(chart, 'Old', { gateway: 'eg', backend: backendService(chart, 'b2') });
    const routes = (Testing.synth(chart) as Manifest[]).filter(m => m.kind === 'HTTPRoute');
    expect(crdSchemaErrors(routes[0]).join('\n')).toMatch(/additional properties 'cookie'/);
    expect(crdSchemaErrors(routes[1], GATEWAY_API_MAIN_CRD_DIR).join('\n')).toMatch(/additional properties '(sessionName|cookieConfig)'|cookie must be specified/);
  });
});
