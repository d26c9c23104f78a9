import { Duration } from 'cdk8s';
import { backendService } from './helpers';
import { CookieAffinityRoute, GatewayImplementation, GkeGatewayCookieAffinity, SameSite } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('GkeGatewayCookieAffinity', () => {
  test('GIVEN GKE\'s session-affinity example THEN the GCPBackendPolicy matches it field for field', () => {
    // GIVEN https://cloud.google.com/kubernetes-engine/docs/how-to/configure-gateway-resources#session_affinity
    const chart = newChart();
    const service = backendService(chart, 'lb-service', 'lb-service-namespace');

    // WHEN
    new GkeGatewayCookieAffinity(chart, 'Affinity', {
      metadata: { name: 'my-backend-policy' },
      service,
      cookie: { maxAge: Duration.seconds(50) },
    });

    // THEN
    const policy = only(synthValid(chart), 'GCPBackendPolicy');
    expect(policy.apiVersion).toBe('networking.gke.io/v1');
    expect(policy.metadata).toEqual({ name: 'my-backend-policy', namespace: 'lb-service-namespace' });
    expect(policy.spec).toEqual({
      default: { sessionAffinity: { type: 'GENERATED_COOKIE', cookieTtlSec: 50 } },
      targetRef: { group: '', kind: 'Service', name: 'lb-service' },
    });
  });

  test('GIVEN no cookie THEN a session cookie (cookieTtlSec 0) and a snapshot', () => {
    const chart = newChart();
    new GkeGatewayCookieAffinity(chart, 'Affinity', { service: backendService(chart) });
    const manifests = synthValid(chart);
    expect(only(manifests, 'GCPBackendPolicy').spec.default.sessionAffinity).toEqual({ type: 'GENERATED_COOKIE', cookieTtlSec: 0 });
    expect(manifests).toMatchSnapshot();
  });

  test.each([
    ['name', { name: 'SID' }, '"SID"'],
    ['path', { path: '/app' }, '"/app"'],
    ['domain', { domain: 'example.com' }, '"example.com"'],
    ['secure', { secure: true }, 'true'],
    ['httpOnly', { httpOnly: true }, 'true'],
    ['sameSite', { sameSite: SameSite.LAX }, '"Lax"'],
  ])('GIVEN cookie.%s THEN refused, naming it: the load balancer generates its own GCLB cookie', (field, cookie, shown) => {
    const chart = newChart();
    expect(() => new GkeGatewayCookieAffinity(chart, 'Affinity', { service: backendService(chart), cookie })).toThrow(
      `test/Affinity: 'cookie.${field}' (${shown}) cannot be written in a GCPBackendPolicy: the load balancer generates its own cookie (GCLB)`);
  });

  test('GIVEN a Max-Age over two weeks THEN refused with the CRD\'s bound', () => {
    const chart = newChart();
    expect(() => new GkeGatewayCookieAffinity(chart, 'Affinity', { service: backendService(chart), cookie: { maxAge: Duration.days(15) } })).toThrow(
      'test/Affinity: \'cookie.maxAge\' (1296000s) must be at most 1209600 seconds');
    expect(() => new GkeGatewayCookieAffinity(newChart(), 'Affinity', { service: backendService(newChart()), cookie: { maxAge: Duration.days(14) } })).not.toThrow();
  });
});

describe('CookieAffinityRoute with GatewayImplementation.gkeGateway()', () => {
  test('GIVEN a GKE Gateway THEN an HTTPRoute without sessionPersistence and a GCPBackendPolicy on the backend', () => {
    const chart = newChart();
    new CookieAffinityRoute(chart, 'Shop', {
      gateway: 'external-http',
      backend: backendService(chart),
      implementation: GatewayImplementation.gkeGateway(),
      cookie: { maxAge: Duration.hours(8) },
    });
    const manifests = synthValid(chart);
    expect(only(manifests, 'HTTPRoute').spec.rules[0].sessionPersistence).toBeUndefined();
    expect(only(manifests, 'GCPBackendPolicy').spec).toEqual({
      default: { sessionAffinity: { type: 'GENERATED_COOKIE', cookieTtlSec: 28800 } },
      targetRef: { group: '', kind: 'Service', name: 'backend' },
    });
    expect(manifests).toMatchSnapshot();
  });
});
