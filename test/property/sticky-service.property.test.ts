import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { buildAndCheck, chartIn, check, mostly, objectName, seconds } from './harness';
import { ExternalTrafficPolicy, InternalTrafficPolicy, StickyService } from '../../src';

/** Ports a Service can have: unique numbers, named when there are several. */
const validPorts = fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), { minLength: 1, maxLength: 4 })
  .map(numbers => numbers.map((port, i) => ({ port, targetPort: 8000 + i, ...(numbers.length > 1 ? { name: `p${i}` } : {}) })));

/** Ports the API server refuses, or none at all. */
const invalidPorts = fc.oneof(
  fc.constant<kplus.ServicePort[]>([]),
  fc.array(fc.record({
    port: fc.oneof(fc.integer({ min: 1, max: 65_535 }), fc.constantFrom(0, -1, 65_536, 80.5)),
    targetPort: fc.option(fc.oneof(fc.integer({ min: 1, max: 65_535 }), fc.constant(70_000)), { nil: undefined }),
    nodePort: fc.option(fc.integer({ min: 30_000, max: 32_767 }), { nil: undefined }),
    name: fc.option(fc.oneof(fc.constantFrom('http', 'web', 'Http', 'a_b', 'metrics'), fc.string({ maxLength: 8 })), { nil: undefined }),
    protocol: fc.option(fc.constantFrom(kplus.Protocol.TCP, kplus.Protocol.UDP), { nil: undefined }),
  }, { requiredKeys: ['port'] }), { minLength: 1, maxLength: 6 }),
);

const props = fc.record({
  name: fc.option(objectName, { nil: undefined }),
  namespace: fc.option(objectName, { nil: undefined }),
  type: fc.option(fc.constantFrom(...Object.values(kplus.ServiceType)), { nil: undefined }),
  timeout: fc.option(mostly(fc.integer({ min: 1, max: 86_400 }), seconds), { nil: undefined }),
  ports: mostly<kplus.ServicePort[]>(validPorts, invalidPorts),
  externalTrafficPolicy: fc.option(fc.constantFrom(...Object.values(ExternalTrafficPolicy)), { nil: undefined }),
  internalTrafficPolicy: fc.option(fc.constantFrom(...Object.values(InternalTrafficPolicy)), { nil: undefined }),
  externalIPs: fc.option(fc.constant<string[]>(['203.0.113.10']), { nil: undefined }),
  clusterIP: fc.option(fc.constantFrom('None', '10.96.0.20'), { nil: undefined, freq: 8 }),
  chartNamespace: fc.option(objectName, { nil: undefined }),
});

describe('StickyService on generated props', () => {
  test('either refuses them in the library\'s format, or synthesizes a valid sticky Service', () => {
    check(props, p => {
      const outcome = buildAndCheck(() => {
        const chart = chartIn(p.chartNamespace);
        const service = new StickyService(chart, 'Service', {
          metadata: { name: p.name, namespace: p.namespace },
          type: p.type,
          affinityTimeout: p.timeout === undefined ? undefined : Duration.seconds(p.timeout),
          ports: p.ports,
          externalTrafficPolicy: p.externalTrafficPolicy,
          internalTrafficPolicy: p.internalTrafficPolicy,
          externalIPs: p.externalIPs,
          clusterIP: p.clusterIP,
          externalName: p.type === kplus.ServiceType.EXTERNAL_NAME ? 'example.com' : undefined,
        });
        service.selectLabel('app', 'web');
        return chart;
      });
      if ('manifests' in outcome) {
        const service = outcome.manifests.find(m => m.kind === 'Service')!;
        expect(service.spec.sessionAffinity).toBe('ClientIP');
        expect(service.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toBe(p.timeout ?? 10_800);
      }
    });
  });

  test('refuses a timeout Kubernetes rejects, naming affinityTimeout', () => {
    // Durations are rounded to the millisecond first (so 86398.9995 s is 86399 s):
    // a fraction of a second means whole milliseconds that are not whole seconds.
    const fraction = fc.tuple(fc.integer({ min: 1, max: 86_399 }), fc.integer({ min: 1, max: 999 })).map(([s, ms]) => s + ms / 1000);
    check(fc.oneof(fc.integer({ min: 86_401, max: 10_000_000 }), fc.constant(0), fraction), timeout => {
      const outcome = buildAndCheck(() => {
        const chart = chartIn();
        new StickyService(chart, 'Service', { ports: [{ port: 80 }], affinityTimeout: Duration.seconds(timeout) });
        return chart;
      });
      expect(outcome).toEqual({ refused: ['affinityTimeout'] });
    }, 100);
  });
});
