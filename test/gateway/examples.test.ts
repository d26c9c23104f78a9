import { synthExample } from '../util/examples';
import { only, validateManifests } from '../util/manifests';

describe('gateway, mesh and Traefik examples', () => {
  test('gateway-route: the shop route and the cart policy carry the ingress-nginx cookie settings', () => {
    const manifests = synthExample('gateway-route');
    validateManifests(manifests);
    expect(only(manifests, 'HTTPRoute', 'shop').spec.rules[0].sessionPersistence).toEqual({
      sessionName: 'SHOP_AFFINITY', type: 'Cookie', absoluteTimeout: '8h', cookieConfig: { lifetimeType: 'Permanent' },
    });
    expect(only(manifests, 'XBackendTrafficPolicy', 'cart').spec).toEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'cart' }],
      sessionPersistence: { sessionName: 'CART_AFFINITY', type: 'Cookie', absoluteTimeout: '12h', cookieConfig: { lifetimeType: 'Session' } },
    });
  });

  test('gateway-route: the route from namespace web reaches the shop Service through one ReferenceGrant in shop', () => {
    const manifests = synthExample('gateway-route');
    const route = only(manifests, 'HTTPRoute', 'shop-from-web');
    expect(route.metadata.namespace).toBe('web');
    expect(route.spec.rules[0].backendRefs).toEqual([{ name: 'shop', namespace: 'shop', port: 80 }]);
    const grant = only(manifests, 'ReferenceGrant');
    expect(grant.metadata.namespace).toBe('shop');
    expect(grant.spec).toEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'web' }],
      to: [{ group: '', kind: 'Service', name: 'shop' }],
    });
  });

  test('envoy-gateway: the policy targets the route and writes a Secure, Strict cookie for 3 hours', () => {
    const manifests = synthExample('envoy-gateway');
    validateManifests(manifests);
    const policy = only(manifests, 'BackendTrafficPolicy', 'grafana');
    expect(policy.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'grafana' }]);
    expect(policy.spec.loadBalancer.consistentHash.cookie).toEqual({
      name: 'GRAFANA_AFFINITY', ttl: '3h', attributes: { Path: '/', SameSite: 'Strict', Secure: '' },
    });
    expect(only(manifests, 'HTTPRoute', 'grafana').spec.parentRefs).toEqual([{ name: 'eg', namespace: 'envoy-gateway-system' }]);
  });

  test('istio-mesh: one cookie rule, one source-IP rule, hosts by FQDN', () => {
    const manifests = synthExample('istio-mesh');
    validateManifests(manifests);
    const ratings = only(manifests, 'DestinationRule', 'bookinfo-ratings');
    expect(ratings.spec.host).toBe('ratings.prod.svc.cluster.local');
    expect(ratings.spec.trafficPolicy.loadBalancer.consistentHash.httpCookie).toMatchObject({ name: 'user', ttl: '0s' });
    expect(only(manifests, 'DestinationRule', 'quotes').spec).toEqual({
      host: 'quotes.prod.svc.cluster.local',
      trafficPolicy: { loadBalancer: { consistentHash: { useSourceIp: true } } },
    });
  });

  test('traefik-ingressroute: sticky cookie on the route\'s service, Secure behind TLS', () => {
    const manifests = synthExample('traefik-ingressroute');
    validateManifests(manifests);
    const route = only(manifests, 'IngressRoute', 'legacy-app');
    expect(route.spec.tls).toEqual({ secretName: 'legacy-example-com-tls' });
    expect(route.spec.routes[0].services[0]).toEqual({
      name: 'legacy-app',
      port: 80,
      sticky: { cookie: { name: 'LEGACY_SESSION', secure: true, httpOnly: true, sameSite: 'lax', maxAge: 3600, path: '/' } },
    });
  });
});
