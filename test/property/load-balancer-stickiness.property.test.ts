import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { buildAndCheck, chartIn, check, mostly, objectName, runs, validName } from './harness';
import { AwsLoadBalancerScheme, AwsNlbTargetType, LoadBalancerStickiness, StickyService } from '../../src';
import {
  AWS_LB_SCHEME_ANNOTATION,
  AWS_LB_TYPE_ANNOTATION,
  AWS_LBC_LOAD_BALANCER_CLASS,
  AWS_NLB_TARGET_TYPE_ANNOTATION,
  AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION,
  parseAwsStringMap,
} from '../../src/facts/cloud-load-balancers';
import { followsNameRule, NameRule } from '../../src/facts/names';

/** Every factory with every option, as plain data (so a counterexample prints readably). */
const stickiness = fc.oneof(
  fc.record({
    provider: fc.constant('awsNlb' as const),
    targetType: fc.option(fc.constantFrom(...Object.values(AwsNlbTargetType)), { nil: undefined }),
    scheme: fc.option(fc.constantFrom(...Object.values(AwsLoadBalancerScheme)), { nil: undefined }),
    useLoadBalancerClass: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.record({ provider: fc.constantFrom('gcp' as const, 'azure' as const) }),
);

type Stickiness = typeof stickiness extends fc.Arbitrary<infer T> ? T : never;

function make(s: Stickiness): LoadBalancerStickiness {
  switch (s.provider) {
    case 'awsNlb': return LoadBalancerStickiness.awsNlb(s);
    case 'gcp': return LoadBalancerStickiness.gcp();
    case 'azure': return LoadBalancerStickiness.azure();
  }
}

/** Target-group attributes a user may already have: other attributes, the stickiness ones (agreeing or not), malformed lists. */
const attributes = mostly(
  fc.array(fc.constantFrom('preserve_client_ip.enabled=true', 'deregistration_delay.timeout_seconds=30', 'stickiness.enabled=true', 'stickiness.type=source_ip', ' proxy_protocol_v2.enabled = false '),
    { maxLength: 3 }).map(parts => parts.join(',')),
  fc.constantFrom('stickiness.enabled=false', 'stickiness.type=app_cookie', 'stickiness.enabled=True', 'a=1,', ',', '=x', 'novalue', '', ' '),
);

/** Annotations already on the Service: mostly none or unrelated, sometimes the ones the factory writes. */
const preexisting = fc.record({
  [AWS_LB_TYPE_ANNOTATION]: mostly(fc.constant('external'), fc.constantFrom('nlb', 'nlb-ip', 'clb', '')),
  [AWS_NLB_TARGET_TYPE_ANNOTATION]: fc.constantFrom('instance', 'ip', 'IP'),
  [AWS_LB_SCHEME_ANNOTATION]: fc.constantFrom('internal', 'internet-facing'),
  [AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION]: attributes,
  'example.com/owner': fc.constant('team-a'),
}, { requiredKeys: [] });

const cases = fc.record({
  stickiness,
  type: mostly(fc.constant(kplus.ServiceType.LOAD_BALANCER), fc.constantFrom(...Object.values(kplus.ServiceType))),
  annotations: fc.option(preexisting, { nil: undefined }),
  name: fc.option(mostly(validName, objectName), { nil: undefined }),
  namespace: fc.option(fc.constantFrom('apps', 'web'), { nil: undefined }),
  // An annotation set after construction, as a user might, to a value that may undo the stickiness.
  later: fc.option(fc.tuple(
    fc.constantFrom(AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION, AWS_NLB_TARGET_TYPE_ANNOTATION, AWS_LB_TYPE_ANNOTATION, 'example.com/later'),
    fc.constantFrom('stickiness.enabled=true,stickiness.type=source_ip', 'instance', 'external', 'x'),
  ), { nil: undefined, freq: 5 }),
});

const mix = { refused: 0, synthesized: 0 };
const byProp: Record<string, number> = {};

describe('StickyService with loadBalancerStickiness on generated props', () => {
  test('either refuses them in the library\'s format, or writes what the load balancer needs, keeping what was there', () => {
    check(cases, c => {
      const outcome = buildAndCheck(() => {
        const chart = chartIn();
        const service = new StickyService(chart, 'Service', {
          metadata: { name: c.name, namespace: c.namespace, annotations: c.annotations },
          type: c.type,
          ports: [{ port: 443, targetPort: 8443 }],
          externalName: c.type === kplus.ServiceType.EXTERNAL_NAME ? 'example.com' : undefined,
          loadBalancerStickiness: make(c.stickiness),
        });
        service.selectLabel('app', 'web');
        if (c.later) {
          service.metadata.addAnnotation(c.later[0], c.later[1]);
        }
        return chart;
      });
      if ('refused' in outcome) {
        mix.refused++;
        outcome.refused.forEach(p => { byProp[p] = (byProp[p] ?? 0) + 1; });
        const nameOk = c.name === undefined || followsNameRule(c.name, NameRule.DNS_1035_LABEL);
        if (nameOk && c.type !== kplus.ServiceType.LOAD_BALANCER && c.type !== kplus.ServiceType.EXTERNAL_NAME) {
          expect(outcome.refused).toEqual(['loadBalancerStickiness']);
        }
        return;
      }
      mix.synthesized++;
      expect(c.type).toBe(kplus.ServiceType.LOAD_BALANCER);
      const service = outcome.manifests.find(m => m.kind === 'Service')!;
      const now: Record<string, string> = service.metadata.annotations ?? {};
      expect(service.spec.sessionAffinity).toBe('ClientIP');
      const given: Record<string, string> = { ...c.annotations, ...(c.later ? { [c.later[0]]: c.later[1] } : {}) };
      if (c.stickiness.provider !== 'awsNlb') {
        // GKE and AKS follow sessionAffinity: nothing is added, nothing is lost.
        expect(now).toEqual(given);
        expect(service.spec.loadBalancerClass).toBeUndefined();
        return;
      }
      const s = c.stickiness;
      const pairs = parseAwsStringMap(now[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION])!;
      expect(pairs).toBeDefined();
      expect(pairs.filter(([k]) => k === 'stickiness.enabled')).toEqual([['stickiness.enabled', 'true']]);
      expect(pairs.filter(([k]) => k === 'stickiness.type')).toEqual([['stickiness.type', 'source_ip']]);
      // Every other attribute the user had is kept.
      for (const pair of parseAwsStringMap(given[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION] ?? '') ?? []) {
        expect(pairs).toContainEqual(pair);
      }
      expect(now[AWS_NLB_TARGET_TYPE_ANNOTATION]).toBe(s.targetType ?? 'instance');
      if (s.scheme !== undefined) {
        expect(now[AWS_LB_SCHEME_ANNOTATION]).toBe(s.scheme);
      }
      if (s.useLoadBalancerClass) {
        expect(service.spec.loadBalancerClass).toBe(AWS_LBC_LOAD_BALANCER_CLASS);
      } else {
        expect(now[AWS_LB_TYPE_ANNOTATION]).toBe('external');
      }
      // Annotations the factory does not write stay as given.
      const written = [AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION, AWS_NLB_TARGET_TYPE_ANNOTATION, AWS_LB_SCHEME_ANNOTATION, AWS_LB_TYPE_ANNOTATION];
      for (const [key, value] of Object.entries(given)) {
        if (!written.includes(key)) {
          expect(now[key]).toBe(value);
        }
      }
    }, 300);
    if (process.env.PROP_MIX) {
      console.log(`StickyService + loadBalancerStickiness: ${mix.refused} refused, ${mix.synthesized} synthesized; refused by prop: ${JSON.stringify(byProp)}`);
    }
    expect(mix.synthesized).toBeGreaterThan(runs(300) * 0.3);
  });

  test('through StickyService.exposeWorkload(), with container ports named or not, refuses in the library\'s format or writes the same', () => {
    const exposures = fc.record({
      stickiness,
      serviceType: mostly(fc.constant(kplus.ServiceType.LOAD_BALANCER),
        fc.option(fc.constantFrom(...Object.values(kplus.ServiceType)), { nil: undefined })),
      name: fc.option(mostly(validName, objectName), { nil: undefined }),
      containerPorts: mostly(
        fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), { minLength: 0, maxLength: 3 })),
      named: fc.boolean(),
      later: cases.map(c => c.later),
    });
    let synthesized = 0;
    check(exposures, e => {
      const outcome = buildAndCheck(() => {
        const chart = chartIn();
        const deployment = new kplus.Deployment(chart, 'Web', {
          containers: [{
            image: 'nginx',
            ports: e.containerPorts.map((number, i) => ({ number, ...(e.named ? { name: `p${i}` } : {}) })),
          }],
        });
        const service = StickyService.exposeWorkload(deployment, {
          name: e.name,
          serviceType: e.serviceType,
          loadBalancerStickiness: make(e.stickiness),
        });
        if (e.later) {
          service.metadata.addAnnotation(e.later[0], e.later[1]);
        }
        return chart;
      });
      if ('manifests' in outcome) {
        synthesized++;
        const service = outcome.manifests.find(m => m.kind === 'Service')!;
        expect(service.spec.type).toBe('LoadBalancer');
        if (e.stickiness.provider === 'awsNlb') {
          const pairs = parseAwsStringMap(service.metadata.annotations[AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION]);
          expect(pairs).toEqual(expect.arrayContaining([['stickiness.enabled', 'true'], ['stickiness.type', 'source_ip']]));
        }
      }
    }, 150);
    if (process.env.PROP_MIX) {
      console.log(`StickyService.exposeWorkload + loadBalancerStickiness: ${150 - synthesized} refused, ${synthesized} synthesized`);
    }
    expect(synthesized).toBeGreaterThan(runs(150) * 0.2);
  });
});
