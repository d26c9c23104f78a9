import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { backendService } from './helpers';
import { MeshCookieAffinity, SameSite } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('MeshCookieAffinity', () => {
  test('GIVEN the Istio LoadBalancerSettings example THEN the DestinationRule matches it field for field', () => {
    // GIVEN https://istio.io/latest/docs/reference/config/networking/destination-rule/#LoadBalancerSettings
    const chart = newChart();
    const ratings = backendService(chart, 'ratings', 'prod', [9080]);

    // WHEN
    const mesh = new MeshCookieAffinity(chart, 'Ratings', {
      metadata: { name: 'bookinfo-ratings' },
      service: ratings,
      cookie: { name: 'user' },
    });

    // THEN
    const rule = only(synthValid(chart), 'DestinationRule');
    expect(rule.apiVersion).toBe('networking.istio.io/v1');
    expect(rule.metadata).toEqual({ name: 'bookinfo-ratings', namespace: 'prod' });
    expect(rule.spec).toEqual({
      host: 'ratings.prod.svc.cluster.local',
      trafficPolicy: {
        loadBalancer: {
          consistentHash: {
            httpCookie: {
              name: 'user',
              ttl: '0s',
              // Beyond the example: the model's Path=/ and SameSite=Lax, written rather than left to the proxy.
              path: '/',
              attributes: [{ name: 'SameSite', value: 'Lax' }],
            },
          },
        },
      },
    });
    expect(mesh.host).toBe('ratings.prod.svc.cluster.local');
  });

  test('GIVEN a full cookie over TLS THEN ttl in protobuf seconds, Secure bare, and a snapshot', () => {
    const chart = newChart();
    new MeshCookieAffinity(chart, 'Shop', {
      service: backendService(chart, 'shop', 'shop'),
      tls: true,
      clusterDomain: 'corp.internal',
      cookie: { name: 'SHOP', maxAge: Duration.minutes(30), path: '/cart', domain: 'shop.example.com', sameSite: SameSite.STRICT },
    });
    const manifests = synthValid(chart);
    const rule = only(manifests, 'DestinationRule');
    expect(rule.spec.host).toBe('shop.shop.svc.corp.internal');
    expect(rule.spec.trafficPolicy.loadBalancer.consistentHash.httpCookie).toEqual({
      name: 'SHOP',
      path: '/cart',
      ttl: '1800s',
      attributes: [{ name: 'SameSite', value: 'Strict' }, { name: 'Domain', value: 'shop.example.com' }, { name: 'Secure' }],
    });
    expect(manifests).toMatchSnapshot();
  });

  test('GIVEN useSourceIp THEN ClientIP affinity in the mesh', () => {
    const chart = newChart();
    new MeshCookieAffinity(chart, 'Api', { service: backendService(chart, 'api', 'api'), useSourceIp: true });
    expect(only(synthValid(chart), 'DestinationRule').spec.trafficPolicy.loadBalancer.consistentHash).toEqual({ useSourceIp: true });
  });

  test('GIVEN a Service in a namespaced chart THEN the chart\'s namespace names the host', () => {
    const chart = newChart('payments');
    new MeshCookieAffinity(chart, 'Pay', { service: new kplus.Service(chart, 'Svc', { metadata: { name: 'pay' }, ports: [{ port: 80 }] }) });
    expect(only(synthValid(chart), 'DestinationRule').spec.host).toBe('pay.payments.svc.cluster.local');
  });

  describe('refuses', () => {
    test('two hash keys in one DestinationRule', () => {
      const chart = newChart();
      expect(() => new MeshCookieAffinity(chart, 'Api', { service: backendService(chart), useSourceIp: true, cookie: { name: 'user' } })).toThrow(
        'test/Api: \'useSourceIp\' (true) cannot be set with \'cookie\': a DestinationRule\'s consistentHash takes exactly one hash key (httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName)');
    });
    test('a Service without a namespace', () => {
      const chart = newChart();
      expect(() => new MeshCookieAffinity(chart, 'Api', { service: backendService(chart, 'api', null) })).toThrow(
        'test/Api: \'service\' (api) must have a namespace (its own or its chart\'s): the DestinationRule\'s host is the Service\'s FQDN, which names it');
    });
    test('a bad cluster domain', () => {
      const chart = newChart();
      expect(() => new MeshCookieAffinity(chart, 'Api', { service: backendService(chart), clusterDomain: 'Cluster.Local' })).toThrow(
        'test/Api: \'clusterDomain\' ("Cluster.Local") must be a lowercase DNS name such as \'cluster.local\'');
    });
    test('httpOnly false', () => {
      const chart = newChart();
      expect(() => new MeshCookieAffinity(chart, 'Api', { service: backendService(chart), cookie: { httpOnly: false } })).toThrow(
        'test/Api: \'cookie.httpOnly\' (false) must be true or left out: the proxy marks the cookie it generates for hashing HttpOnly, always');
    });
  });
});
