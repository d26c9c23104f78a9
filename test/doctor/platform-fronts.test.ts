import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { workload } from './fixtures';
import {
  AffinityDoctor,
  ContourCookieAffinityProxy,
  CookieAffinityRoute,
  GatewayApiRelease,
  GatewayImplementation,
  GkeGatewayCookieAffinity,
  KongCookieAffinity,
  NginxPlusCookieAffinity,
} from '../../src';

/**
 * Every front this library renders for Kong, GKE Gateway, Contour, NGINX
 * Plus and Gateway API main, in front of three pods that keep sessions
 * locally: the doctor must see the cookie affinity (no
 * local-sessions-without-affinity); without the front, it must report it.
 */

type Build = (chart: Chart, service: kplus.Service) => void;

const FRONTS: Record<string, Build> = {
  'KongCookieAffinity behind an Ingress of class kong': (chart, service) => {
    new KongCookieAffinity(chart, 'Front', { service });
    new kplus.Ingress(chart, 'Ingress', { className: 'kong', defaultBackend: kplus.IngressBackend.fromService(service) });
  },
  'CookieAffinityRoute, GatewayImplementation.kong()': (chart, service) => {
    new CookieAffinityRoute(chart, 'Front', { gateway: 'kong', backend: service, implementation: GatewayImplementation.kong() });
  },
  'CookieAffinityRoute, GatewayImplementation.gkeGateway()': (chart, service) => {
    new CookieAffinityRoute(chart, 'Front', { gateway: 'gke', backend: service, implementation: GatewayImplementation.gkeGateway(), cookie: { maxAge: Duration.hours(1) } });
  },
  'GkeGatewayCookieAffinity': (chart, service) => {
    new GkeGatewayCookieAffinity(chart, 'Front', { service });
  },
  'ContourCookieAffinityProxy': (chart, service) => {
    new ContourCookieAffinityProxy(chart, 'Front', { fqdn: 'shop.example.com', backend: service });
  },
  'NginxPlusCookieAffinity': (chart, service) => {
    new NginxPlusCookieAffinity(chart, 'Front', { host: 'shop.example.com', backend: service });
  },
  'CookieAffinityRoute, Gateway API main': (chart, service) => {
    new CookieAffinityRoute(chart, 'Front', { gateway: 'eg', backend: service, gatewayApiRelease: GatewayApiRelease.MAIN });
  },
};

/** Three pods of `shop` keeping sessions on an emptyDir, a Service selecting them, and the front. */
function manifests(build?: Build): any[] {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'default' });
  const service = new kplus.Service(chart, 'Service', { metadata: { name: 'shop' }, selector: kplus.Pods.select(chart, 'Pods', { labels: { app: 'shop' } }), ports: [{ port: 80, targetPort: 8080 }] });
  build?.(chart, service);
  const shop = workload('shop', {
    replicas: 3,
    namespace: 'default',
    volumes: [{ name: 'sessions', emptyDir: {} }],
    volumeMounts: [{ name: 'sessions', mountPath: '/var/lib/app/sessions' }],
  } as any);
  return [...Testing.synth(chart), shop];
}

const rulesOf = (objs: any[]) => AffinityDoctor.check(objs).map(f => f.rule);

describe('the doctor recognises each new front as cookie affinity', () => {
  test('GIVEN no front THEN local-sessions-without-affinity (the baseline the fronts must clear)', () => {
    expect(rulesOf(manifests())).toContain('local-sessions-without-affinity');
  });

  test.each(Object.entries(FRONTS))('GIVEN %s THEN no local-sessions-without-affinity and no error', (_name, build) => {
    const findings = AffinityDoctor.check(manifests(build));
    expect(findings.map(f => f.rule)).not.toContain('local-sessions-without-affinity');
    expect(findings.filter(f => f.severity === 'error')).toEqual([]);
  });

  test('GIVEN a Kong sticky policy on a Service no route reaches THEN kong-sticky-policy-unused, naming both', () => {
    const findings = AffinityDoctor.check(manifests((chart, service) => new KongCookieAffinity(chart, 'Front', { service })));
    const finding = findings.find(f => f.rule === 'kong-sticky-policy-unused');
    expect(finding?.message).toMatch(/^Service default\/shop carries the sticky-sessions KongUpstreamPolicy test-front-c8[0-9a-f]+, but no Ingress or route among the manifests reaches it/);
  });
});
