import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { buildAndCheck, check, minSynthShare, mostly, objectName, seconds, validName } from './harness';
import { doctorErrors, imageProblems, mixes as mixesOf } from './outcomes';
import { AffinityProbe, ProbeIdentity, StickyService } from '../../src';

const mixes = mixesOf();

/** `undefined` most of the time (4 in 5), else a value: for the props users seldom set. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
}

const common = {
  chartId: mostly(fc.constantFrom('test', 'probe-chart'), fc.constantFrom('My_App', 'Probe', 'x'.repeat(70))),
  id: mostly(fc.constantFrom('Probe', 'affinity', 'p1'), fc.constantFrom('Affinity_Probe', 'a.b', 'é')),
  chartNamespace: fc.option(objectName, { nil: undefined }),
  requests: sometimes(fc.constantFrom(0, 1, 2, 10, 20, 21, 50, 1000, 1001, 21.5, -3)),
  interval: sometimes(fc.oneof(seconds, fc.constantFrom(0, 1, 60, 61))),
  path: sometimes(mostly(fc.constantFrom('/', '/healthz', '/a?b=c'), fc.constantFrom('', 'x', '/a b', '/\u00e9', '/\n'))),
  port: sometimes(fc.constantFrom(80, 8080, 443)),
};

describe('AffinityProbe on generated props', () => {
  test('its own echo app: refused in the library\'s format, or a valid sticky Service, Deployment and Job', () => {
    const props = fc.record({
      ...common,
      replicas: sometimes(fc.constantFrom(0, 1, 2, 3, 10, 2.5, -1)),
      affinityTimeout: sometimes(mostly(fc.integer({ min: 1, max: 86_400 }), seconds)),
      echoImage: sometimes(mostly(fc.constantFrom('hashicorp/http-echo:1.0', 'registry.example.com/echo@sha256:abc'), fc.constantFrom('', ' echo', 'a b'))),
      curlImage: sometimes(mostly(fc.constant('curlimages/curl:8.11.1'), fc.constantFrom('', 'curl\t'))),
    });
    check(props, p => {
      const outcome = mixes.of('AffinityProbe (echo app)').add(buildAndCheck(() => {
        const chart = new Chart(Testing.app(), p.chartId, { namespace: p.chartNamespace });
        new AffinityProbe(chart, p.id, {
          replicas: p.replicas,
          affinityTimeout: p.affinityTimeout === undefined ? undefined : Duration.seconds(p.affinityTimeout),
          requests: p.requests,
          interval: p.interval === undefined ? undefined : Duration.seconds(p.interval),
          path: p.path,
          port: p.port,
          echoImage: p.echoImage,
          curlImage: p.curlImage,
        });
        return chart;
      }));
      if (!('manifests' in outcome)) {
        return;
      }
      const { manifests } = outcome;
      const [service, spread] = manifests.filter(m => m.kind === 'Service');
      expect(spread.spec.sessionAffinity).toBeUndefined();
      const deployment = manifests.find(m => m.kind === 'Deployment')!;
      const job = manifests.find(m => m.kind === 'Job')!;
      expect(service.spec.sessionAffinity).toBe('ClientIP');
      expect(deployment.spec.replicas).toBe(p.replicas ?? 3);
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
      expect(env.PROBE_URL).toBe(`http://${service.metadata.name}:80${p.path ?? '/'}`);
      expect(Number(env.PROBE_REQUESTS)).toBe(p.requests ?? 21);
      expect(Number(env.PROBE_REQUESTS)).toBeGreaterThanOrEqual(21);
      expect(Number(env.PROBE_INTERVAL_SECONDS)).toBeLessThan(service.spec.sessionAffinityConfig.clientIP.timeoutSeconds);
      expect(job.spec.backoffLimit).toBe(0);
      expect(doctorErrors(manifests)).toEqual([]);
      expect(imageProblems(manifests)).toEqual([]);
    }, 300);
  });

  test('an existing Service: refused in the library\'s format, or a valid Job that probes it', () => {
    const props = fc.record({
      ...common,
      sticky: fc.boolean(),
      serviceName: mostly(validName, objectName),
      servicePorts: fc.oneof(
        { arbitrary: fc.constant([80]), weight: 4 },
        { arbitrary: fc.constant([80, 8080]), weight: 1 },
        { arbitrary: fc.constant([]), weight: 1 },
      ),
      serviceTimeout: sometimes(fc.constantFrom(1, 2, 30, 10_800)),
      echoOnly: sometimes(fc.constantFrom('replicas', 'affinityTimeout', 'echoImage')),
    });
    check(props, p => {
      const outcome = mixes.of('AffinityProbe (existing Service)').add(buildAndCheck(() => {
        const app = Testing.app();
        // The Service is the user's: in a chart of its own, so only the probe's output is checked.
        const apps = new Chart(app, 'apps', { namespace: p.chartNamespace });
        const ports = p.servicePorts.map(port => ({ port, name: `p${port}` }));
        const service = p.sticky
          ? new StickyService(apps, 'Svc', {
            metadata: { name: p.serviceName },
            ports: ports.length ? ports : [{ port: 80 }],
            affinityTimeout: p.serviceTimeout === undefined ? undefined : Duration.seconds(p.serviceTimeout),
          })
          : new kplus.Service(apps, 'Svc', { metadata: { name: p.serviceName }, ports });
        // The probe reaches the Service's pods by its selector; one without is refused, and tested on its own.
        service.selectLabel('app', 'api');
        const chart = new Chart(app, p.chartId);
        new AffinityProbe(chart, p.id, {
          service,
          podIdentity: ProbeIdentity.responseHeader('X-Pod-Name'),
          requests: p.requests,
          interval: p.interval === undefined ? undefined : Duration.seconds(p.interval),
          path: p.path,
          port: p.port,
          replicas: p.echoOnly === 'replicas' ? 3 : undefined,
          affinityTimeout: p.echoOnly === 'affinityTimeout' ? Duration.minutes(5) : undefined,
          echoImage: p.echoOnly === 'echoImage' ? 'hashicorp/http-echo:1.0' : undefined,
        });
        return chart;
      }));
      if (!('manifests' in outcome)) {
        return;
      }
      const { manifests } = outcome;
      expect(manifests.map(m => m.kind)).toEqual(['Service', 'Job']);
      const [spread, job] = manifests;
      expect(spread.spec.selector).toEqual({ app: 'api' });
      expect(spread.spec.sessionAffinity).toBeUndefined();
      expect(spread.metadata.namespace).toBe(p.chartNamespace);
      const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
      expect([80, 8080].map(port => `http://${p.serviceName}:${port}${p.path ?? '/'}`)).toContain(env.PROBE_URL);
      expect(job.metadata.namespace).toBe(p.chartNamespace);
      expect(doctorErrors(manifests)).toEqual([]);
      expect(imageProblems(manifests)).toEqual([]);
    }, 300);
  });

  test('a good share of the generated cases reaches synth', () => {
    for (const [name, m] of mixes.all()) {
      expect({ name, share: m.synthesized / m.total > minSynthShare() }).toEqual({ name, share: true });
    }
  });
});
