import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { backendService } from './helpers';
import { BackendCookieAffinity, CookieAffinityRoute, EnvoyCookieAffinity, MeshCookieAffinity, TraefikCookieAffinityRoute } from '../../src';
import { newChart, synthValid } from '../util/manifests';

// Found by test/property/gateway.property.test.ts.
describe('Gateway constructs: what the property tests found', () => {
  test('GIVEN metadata with name: undefined THEN every object keeps the name cdk8s generates', () => {
    // cdk8s's ApiObject spreads the given metadata over its generated name, so
    // `{ name: undefined }` used to write objects with no name at all.
    const chart = newChart();
    const backend = backendService(chart);
    const metadata = { name: undefined, namespace: undefined };
    new CookieAffinityRoute(chart, 'Route', { metadata, gateway: 'eg', backend });
    new BackendCookieAffinity(chart, 'Policy', { metadata, service: backend });
    new EnvoyCookieAffinity(chart, 'Envoy', { metadata, gateway: 'eg', backend });
    new MeshCookieAffinity(chart, 'Mesh', { metadata, service: backend });
    new TraefikCookieAffinityRoute(chart, 'Traefik', { metadata, backend });

    const manifests = synthValid(chart).filter(m => m.kind !== 'Service');
    expect(manifests.map(m => [m.kind, m.metadata.name])).toEqual([
      ['HTTPRoute', 'test-route-c8b82e64'],
      ['XBackendTrafficPolicy', 'test-policy-c89ef47f'],
      ['HTTPRoute', 'test-envoy-route-c8db5f87'],
      ['BackendTrafficPolicy', 'test-envoy-route-c8db5f87'],
      ['DestinationRule', 'test-mesh-c87c7c3c'],
      ['IngressRoute', 'test-traefik-c807bbf8'],
    ]);
    expect(manifests.every(m => m.metadata.namespace === 'default')).toBe(true);
  });

  function otherChart(namespace: string, name = 'backend'): kplus.Service {
    const chart = new Chart(Testing.app(), 'backends', { namespace });
    return new kplus.Service(chart, 'Backend', { metadata: { name }, ports: [{ port: 3000 }] });
  }

  test('GIVEN a backend Service in a namespace the API server refuses THEN the route refuses it, naming backend.metadata.namespace', () => {
    // It used to be written into backendRefs[].namespace, which the HTTPRoute CRD refuses.
    const backend = otherChart('Shop_NS');
    expect(() => new CookieAffinityRoute(newChart(), 'Route', { metadata: { namespace: 'web' }, gateway: 'eg', backend }))
      .toThrow('test/Route: \'backend.metadata.namespace\' ("Shop_NS") must be a DNS-1123 label: lowercase letters, digits and \'-\', starting and ending with a letter or digit, at most 63 characters');
  });

  test('GIVEN a Service whose name the API server refuses THEN the policy refuses it, naming service.metadata.name', () => {
    // It used to be written into targetRefs[].name, which the CRD refuses when empty.
    const service = otherChart('shop', '');
    expect(() => new BackendCookieAffinity(newChart(), 'Policy', { service }))
      .toThrow(/^test\/Policy: 'service\.metadata\.name' \(""\) must be /);
    expect(() => new MeshCookieAffinity(newChart(), 'Mesh', { service }))
      .toThrow(/^test\/Mesh: 'service\.metadata\.name' \(""\) must be /);
    expect(() => new TraefikCookieAffinityRoute(newChart(), 'Traefik', { backend: service }))
      .toThrow(/^test\/Traefik: 'backend\.metadata\.name' \(""\) must be /);
  });
});
