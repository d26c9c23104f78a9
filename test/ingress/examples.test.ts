import { SEED_INGRESS } from './util';
import { synthExample } from '../util/examples';
import { Manifest, only, validateManifests } from '../util/manifests';

/** The cookie examples, synthesized once each. */
const cache = new Map<string, Manifest[]>();
function example(name: string): Manifest[] {
  if (!cache.has(name)) {
    const manifests = synthExample(name);
    validateManifests(manifests);
    cache.set(name, manifests);
  }
  return cache.get(name)!;
}

describe('cookie affinity examples', () => {
  test('cookie-nginx: the seed\'s Ingress, exactly, routing to a Service that selects the app', () => {
    const manifests = example('cookie-nginx');
    expect(only(manifests, 'Ingress')).toEqual(SEED_INGRESS);
    const service = only(manifests, 'Service', 'app-service');
    expect(service.spec.ports).toEqual([{ port: 80, targetPort: 8080 }]);
    expect(only(manifests, 'Deployment').spec.template.metadata.labels).toMatchObject(service.spec.selector);
  });

  test('cookie-traefik: the Service carries a Secure, Strict cookie because the Ingress has TLS', () => {
    const manifests = example('cookie-traefik');
    expect(only(manifests, 'Service', 'cart').metadata.annotations).toEqual({
      'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.name': 'cart-affinity',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.maxage': '28800',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.secure': 'true',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.httponly': 'true',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.samesite': 'strict',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.path': '/',
    });
    const ingress = only(manifests, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('traefik');
    expect(ingress.spec.tls).toEqual([{ hosts: ['shop.example.com'], secretName: 'shop-tls' }]);
  });

  test('cookie-haproxy: cookie-persistence on the Service', () => {
    expect(only(example('cookie-haproxy'), 'Service', 'web').metadata.annotations).toEqual({ 'haproxy.org/cookie-persistence': 'mycookie' });
  });

  test('cookie-aws-alb: stickiness for 3 hours on pod IPs, the user\'s own ALB annotation kept', () => {
    const ingress = only(example('cookie-aws-alb'), 'Ingress');
    expect(ingress.metadata.annotations).toEqual({
      'alb.ingress.kubernetes.io/scheme': 'internet-facing',
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=10800',
    });
    expect(ingress.spec.ingressClassName).toBe('alb');
  });

  test('cookie-gke: a BackendConfig with a 30-minute generated cookie, named by the Service', () => {
    const manifests = example('cookie-gke');
    const backendConfig = only(manifests, 'BackendConfig');
    expect(backendConfig.spec).toEqual({ sessionAffinity: { affinityType: 'GENERATED_COOKIE', affinityCookieTtlSec: 1800 } });
    expect(only(manifests, 'Service', 'web').metadata.annotations).toEqual({
      'cloud.google.com/backend-config': JSON.stringify({ default: backendConfig.metadata.name }),
      'cloud.google.com/neg': '{"ingress": true}',
    });
  });
});
