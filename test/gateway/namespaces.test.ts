import { Chart, Testing } from 'cdk8s';
import { backendService } from './helpers';
import {
  BackendCookieAffinity,
  CookieAffinityRoute,
  EnvoyCookieAffinity,
  MeshCookieAffinity,
  TraefikCookieAffinityRoute,
} from '../../src';
import { crdSchemaErrors } from '../util/crd-schemas';
import { Manifest, newChart, only, synthValid } from '../util/manifests';

/** The one ReferenceGrant, validated strictly against its CRD (v1beta1) on top of synthValid's pass. */
function grantOf(manifests: Manifest[]): Manifest {
  const grant = only(manifests, 'ReferenceGrant');
  expect(crdSchemaErrors(grant)).toEqual([]);
  return grant;
}

describe('a route to a Service in another namespace', () => {
  describe.each([
    ['CookieAffinityRoute', (chart: Chart, props: any) => new CookieAffinityRoute(chart, 'Route', { gateway: 'eg', ...props })],
    ['EnvoyCookieAffinity', (chart: Chart, props: any) => new EnvoyCookieAffinity(chart, 'Route', { gateway: 'eg', ...props })],
  ])('%s', (_name, make) => {
    test('GIVEN a route in web and its backend in api THEN a ReferenceGrant in api lets HTTPRoutes from web reach that Service only', () => {
      // GIVEN
      const chart = newChart();
      const backend = backendService(chart, 'api', 'api');

      // WHEN
      const construct = make(chart, { metadata: { namespace: 'web' }, backend });

      // THEN
      const manifests = synthValid(chart);
      const route = only(manifests, 'HTTPRoute');
      expect(route.metadata.namespace).toBe('web');
      expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'api', namespace: 'api', port: 3000 }]);
      const grant = grantOf(manifests);
      expect(grant.apiVersion).toBe('gateway.networking.k8s.io/v1beta1');
      expect(grant.metadata.namespace).toBe('api');
      expect(grant.spec).toEqual({
        from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'web' }],
        to: [{ group: '', kind: 'Service', name: 'api' }],
      });
      expect(construct.referenceGrant?.name).toBe(grant.metadata.name);
      expect(manifests.filter(m => m.kind !== 'Service')).toMatchSnapshot();
    });

    test('GIVEN the route and the backend in one namespace THEN no ReferenceGrant and a short backendRef', () => {
      const chart = newChart('shop');
      const construct = make(chart, { backend: backendService(chart, 'api', null) });
      const manifests = synthValid(chart);
      expect(manifests.filter(m => m.kind === 'ReferenceGrant')).toEqual([]);
      expect(only(manifests, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([{ name: 'api', port: 3000 }]);
      expect(construct.referenceGrant).toBeUndefined();
    });

    test('GIVEN a backend with no namespace and a route in web THEN the backend is taken to be in default', () => {
      const chart = newChart();
      make(chart, { metadata: { namespace: 'web' }, backend: backendService(chart, 'api', null) });
      const manifests = synthValid(chart);
      expect(only(manifests, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([{ name: 'api', namespace: 'default', port: 3000 }]);
      const grant = grantOf(manifests);
      expect(grant.metadata.namespace).toBe('default');
      expect(grant.spec.from).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'web' }]);
    });

    test('GIVEN the backend in another chart\'s namespace THEN the route follows it, no grant needed', () => {
      const app = Testing.app();
      const api = new Chart(app, 'api', { namespace: 'api' });
      const web = new Chart(app, 'web', { namespace: 'web' });
      make(web, { backend: backendService(api, 'api', null) });
      const manifests = synthValid(web);
      expect(only(manifests, 'HTTPRoute').metadata.namespace).toBe('api');
      expect(manifests.filter(m => m.kind === 'ReferenceGrant')).toEqual([]);
    });
  });

  describe('TraefikCookieAffinityRoute', () => {
    test('GIVEN a backend in another namespace THEN refused, naming Traefik\'s allowCrossNamespace', () => {
      const chart = newChart();
      expect(() => new TraefikCookieAffinityRoute(chart, 'R', { metadata: { namespace: 'web' }, backend: backendService(chart, 'api', 'api') }))
        .toThrow('test/R: \'backend\' (api in namespace api) must be in the route\'s namespace (web): Traefik ignores an IngressRoute to a '
          + 'Service in another namespace unless its Kubernetes CRD provider runs with allowCrossNamespace: true; set \'allowCrossNamespace\' when it does');
    });

    test('GIVEN allowCrossNamespace THEN the service names the backend\'s namespace', () => {
      const chart = newChart();
      new TraefikCookieAffinityRoute(chart, 'R', { metadata: { namespace: 'web' }, backend: backendService(chart, 'api', null), allowCrossNamespace: true });
      expect(only(synthValid(chart), 'IngressRoute').spec.routes[0].services[0]).toMatchObject({ name: 'api', namespace: 'default', port: 3000 });
    });
  });

  describe('BackendCookieAffinity', () => {
    test('GIVEN a policy namespace other than the Service\'s THEN refused: targetRefs are local', () => {
      const chart = newChart();
      expect(() => new BackendCookieAffinity(chart, 'P', { metadata: { namespace: 'web' }, service: backendService(chart, 'api', 'api') }))
        .toThrow('test/P: \'metadata.namespace\' ("web") must be the Service\'s namespace (api) or left out: '
          + 'an XBackendTrafficPolicy targets a Service in its own namespace only');
    });
  });

  describe('MeshCookieAffinity', () => {
    test('GIVEN the DestinationRule in another namespace THEN its host is the Service\'s FQDN, which names the Service\'s namespace', () => {
      const chart = newChart();
      new MeshCookieAffinity(chart, 'M', { metadata: { namespace: 'istio-system' }, service: backendService(chart, 'api', 'api') });
      const rule = only(synthValid(chart), 'DestinationRule');
      expect(rule.metadata.namespace).toBe('istio-system');
      expect(rule.spec.host).toBe('api.api.svc.cluster.local');
    });
  });
});
