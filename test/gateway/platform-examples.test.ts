import { AffinityDoctor } from '../../src';
import { synthExample } from '../util/examples';
import { only, validateManifests } from '../util/manifests';

describe('Kong, GKE Gateway, Contour and NGINX Plus examples', () => {
  test('kong-gateway: a sticky policy per Service, attached by annotation, for the HTTPRoute and for the kong Ingress', () => {
    const manifests = synthExample('kong-gateway');
    validateManifests(manifests);
    expect(only(manifests, 'HTTPRoute', 'shop').spec.rules[0].sessionPersistence).toBeUndefined();
    const policies = manifests.filter(m => m.kind === 'KongUpstreamPolicy');
    expect(policies.map(p => p.spec.stickySessions)).toEqual(expect.arrayContaining([
      { cookie: 'SHOP_AFFINITY', cookiePath: '/' }, { cookie: 'ADMIN_AFFINITY', cookiePath: '/' },
    ]));
    expect(only(manifests, 'Service', 'admin').metadata.annotations).toEqual({ 'konghq.com/upstream-policy': 'admin-sticky' });
    const shopPolicy = policies.find(p => p.spec.stickySessions.cookie === 'SHOP_AFFINITY')!;
    expect(only(manifests, 'Service', 'shop').metadata.annotations).toEqual({ 'konghq.com/upstream-policy': shopPolicy.metadata.name });
    expect(AffinityDoctor.check(manifests)).toEqual([]);
  });

  test('gke-gateway: a GENERATED_COOKIE GCPBackendPolicy on Grafana\'s Service for 3 hours', () => {
    const manifests = synthExample('gke-gateway');
    validateManifests(manifests);
    const policyOf = (service: string) => manifests.filter(m => m.kind === 'GCPBackendPolicy' && m.spec.targetRef.name === service);
    expect(policyOf('grafana').map(p => p.spec)).toEqual([{
      default: { sessionAffinity: { type: 'GENERATED_COOKIE', cookieTtlSec: 10800 } },
      targetRef: { group: '', kind: 'Service', name: 'grafana' },
    }]);
    // GkeGatewayCookieAffinity on its own, for a Service routed elsewhere.
    expect(policyOf('grafana-api').map(p => p.spec)).toEqual([{
      default: { sessionAffinity: { type: 'GENERATED_COOKIE', cookieTtlSec: 3600 } },
      targetRef: { group: '', kind: 'Service', name: 'grafana-api' },
    }]);
    expect(AffinityDoctor.check(manifests)).toEqual([]);
  });

  test('contour-httpproxy: the Cookie strategy and a Secure, Strict rewrite of Contour\'s cookie', () => {
    const manifests = synthExample('contour-httpproxy');
    validateManifests(manifests);
    const route = only(manifests, 'HTTPProxy', 'legacy-app').spec.routes[0];
    expect(route.loadBalancerPolicy).toEqual({ strategy: 'Cookie' });
    expect(route.cookieRewritePolicies).toEqual([{ name: 'X-Contour-Session-Affinity', secure: true, sameSite: 'Strict' }]);
    expect(AffinityDoctor.check(manifests)).toEqual([]);
  });

  test('nginx-plus-virtualserver: an 8-hour, Secure sticky cookie on the upstream', () => {
    const manifests = synthExample('nginx-plus-virtualserver');
    validateManifests(manifests);
    expect(only(manifests, 'VirtualServer', 'shop').spec.upstreams[0].sessionCookie).toEqual({
      enable: true, name: 'SHOP_AFFINITY', path: '/', expires: '28800s', httpOnly: true, secure: true, samesite: 'lax',
    });
    expect(AffinityDoctor.check(manifests)).toEqual([]);
  });
});
