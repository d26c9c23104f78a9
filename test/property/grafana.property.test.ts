import { Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { buildAndCheck, chartIn, check, minSynthShare, mostly, objectName, seconds } from './harness';
import { doctorErrors, imageProblems, mixes as mixesOf } from './outcomes';
import { ExternalTrafficPolicy, GrafanaSessions, KedaScaledObject, KedaTrigger, MultiPodGrafana, SessionStore, SqlSessionStore } from '../../src';
import { GRAFANA_CREDENTIAL_ENV, GRAFANA_ENV } from '../../src/facts/grafana';

const mixes = mixesOf();

/** `undefined` most of the time (4 in 5), else a value: for the props users seldom set. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
}

function secretRef(chart: Chart, id: string) {
  return { secret: kplus.Secret.fromSecretName(chart, id, `grafana-${id.toLowerCase()}`), key: 'value' };
}

/** A store as a plain description, built in the chart when the case runs. */
const store = fc.oneof(
  { arbitrary: fc.constant({ kind: 'postgres' as const }), weight: 4 },
  {
    arbitrary: fc.constantFrom('postgres://grafana@db.example.com:5432/grafana', 'postgres://grafana@db.example.com:5432/grafana?sslmode=verify-full',
      'postgres://grafana@db.example.com/grafana?sslmode=bogus', 'postgresql://db.example.com/grafana', 'redis://db.example.com:6379').map(url => ({ kind: 'postgres-url' as const, url })),
    weight: 2,
  },
  { arbitrary: fc.constantFrom('redis' as const, 'memcached' as const).map(kind => ({ kind })), weight: 1 },
);
const cache = fc.oneof(
  fc.constant({ kind: 'redis' as const, password: true }),
  fc.constant({ kind: 'redis' as const, password: false }),
  fc.constant({ kind: 'memcached' as const }),
  fc.constant({ kind: 'postgres' as const }),
  fc.constantFrom('redis://cache.example.com:6379', 'rediss://cache.example.com:6380', 'memcached://cache.example.com:11211')
    .map(url => ({ kind: url.startsWith('memcached') ? 'memcached-url' as const : 'redis-url' as const, url })),
);
type StoreSpec = { kind: 'postgres' | 'redis' | 'memcached' | 'postgres-url' | 'redis-url' | 'memcached-url'; url?: string; password?: boolean };

function storeOf(chart: Chart, id: string, spec: StoreSpec): SessionStore {
  switch (spec.kind) {
    case 'postgres': return SessionStore.postgres({ password: secretRef(chart, `${id}Password`), name: `grafana-${id.toLowerCase()}` });
    case 'postgres-url': return SessionStore.postgres({ password: secretRef(chart, `${id}Password`), url: spec.url });
    case 'redis': return SessionStore.redis({ password: spec.password ? secretRef(chart, `${id}Password`) : undefined, name: `grafana-${id.toLowerCase()}` });
    case 'redis-url': return SessionStore.redis({ url: spec.url });
    case 'memcached': return SessionStore.memcached({ name: `grafana-${id.toLowerCase()}` });
    case 'memcached-url': return SessionStore.memcached({ url: spec.url });
  }
}

const sessions = fc.oneof(
  fc.constant({ mode: 'default' as const }),
  fc.record({
    mode: fc.constant('clientIpAffinity' as const),
    affinityTimeout: fc.option(mostly(fc.integer({ min: 1, max: 86_400 }), seconds), { nil: undefined }),
    externalTrafficPolicy: fc.option(fc.constantFrom(...Object.values(ExternalTrafficPolicy)), { nil: undefined }),
  }),
  fc.record({
    mode: fc.constant('persistentVolume' as const),
    claimName: sometimes(objectName),
    accessMode: fc.option(fc.constantFrom(...Object.values(kplus.PersistentVolumeAccessMode)), { nil: undefined }),
    storageGi: sometimes(fc.constantFrom(1, 10)),
    storageClassName: sometimes(fc.constantFrom('standard', 'efs-sc')),
  }),
  fc.record({
    mode: fc.constant('sharedDatabase' as const),
    database: store,
    remoteCache: sometimes(cache),
    alertingHighAvailability: fc.option(fc.boolean(), { nil: undefined }),
  }),
);

const triggers = fc.option(fc.array(fc.oneof(
  fc.integer({ min: -5, max: 120 }).map(p => ({ kind: 'cpu', percent: p })),
  fc.integer({ min: 1, max: 100 }).map(p => ({ kind: 'memory', percent: p })),
  fc.constant({ kind: 'cron', percent: 0 }),
), { maxLength: 3 }), { nil: undefined });

const props = fc.record({
  name: sometimes(objectName),
  chartNamespace: fc.option(objectName, { nil: undefined }),
  replicas: sometimes(fc.constantFrom(0, 1, 2, 4, 10, 1.5, -1)),
  serviceType: fc.option(fc.constantFrom(kplus.ServiceType.CLUSTER_IP, kplus.ServiceType.LOAD_BALANCER, kplus.ServiceType.NODE_PORT),
    { nil: undefined }),
  sessions,
  autoscaling: sometimes(fc.record({
    minReplicas: fc.constantFrom(0, 1, 2, 5, 10, -1, 1.5),
    maxReplicas: fc.constantFrom(0, 1, 2, 5, 10, 20, 2.5),
    triggers,
  })),
  resources: fc.constantFrom('default', 'no-cpu-request', 'memory-only'),
  image: sometimes(mostly(fc.constantFrom('grafana/grafana:11.3.0', 'grafana/grafana-enterprise@sha256:0123abcd'), fc.constantFrom('', ' grafana/grafana', 'grafana grafana', 'grafana\n'))),
});

describe('MultiPodGrafana on generated props', () => {
  test('refused in the library\'s format, or valid manifests with no session env, credentials from Secrets, and a ScaledObject exactly when autoscaling', () => {
    check(props, p => {
      const outcome = mixes.of('MultiPodGrafana').add(buildAndCheck(() => {
        const chart = chartIn(p.chartNamespace);
        const s = p.sessions;
        const modes = {
          default: () => undefined,
          clientIpAffinity: () => s.mode === 'clientIpAffinity' ? GrafanaSessions.clientIpAffinity({
            affinityTimeout: s.affinityTimeout === undefined ? undefined : Duration.seconds(s.affinityTimeout),
            externalTrafficPolicy: s.externalTrafficPolicy,
          }) : undefined,
          persistentVolume: () => s.mode === 'persistentVolume' ? GrafanaSessions.persistentVolume({
            claimName: s.claimName,
            accessMode: s.accessMode,
            storage: s.storageGi === undefined ? undefined : Size.gibibytes(s.storageGi),
            storageClassName: s.storageClassName,
          }) : undefined,
          sharedDatabase: () => s.mode === 'sharedDatabase' ? GrafanaSessions.sharedDatabase({
            // Any store, as plain JavaScript may pass one: a store SQL cannot
            // hold must be refused at run time, which the outcome checks.
            database: storeOf(chart, 'Db', s.database) as SqlSessionStore,
            secretKey: secretRef(chart, 'SecretKey'),
            remoteCache: s.remoteCache === undefined ? undefined : storeOf(chart, 'Cache', s.remoteCache),
            alertingHighAvailability: s.alertingHighAvailability,
          }) : undefined,
        };
        new MultiPodGrafana(chart, 'Grafana', {
          adminPassword: secretRef(chart, 'Admin'),
          name: p.name,
          replicas: p.replicas,
          serviceType: p.serviceType,
          image: p.image,
          sessions: modes[s.mode](),
          autoscaling: p.autoscaling === undefined ? undefined : {
            minReplicas: p.autoscaling.minReplicas,
            maxReplicas: p.autoscaling.maxReplicas,
            triggers: p.autoscaling.triggers?.map(t => t.kind === 'cpu' ? KedaTrigger.cpuUtilization(t.percent)
              : t.kind === 'memory' ? KedaTrigger.memoryUtilization(t.percent)
                : KedaTrigger.custom({ type: 'cron', metadata: { timezone: 'Etc/UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '2' } })),
          },
          resources: p.resources === 'default' ? undefined
            : p.resources === 'memory-only' ? { memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) } }
              : { cpu: { limit: kplus.Cpu.units(1) }, memory: { request: Size.mebibytes(256) } },
        });
        return chart;
      }));
      if (!('manifests' in outcome)) {
        return;
      }
      const manifests = outcome.manifests;
      const name = p.name ?? 'grafana';
      const deployment = manifests.find(m => m.kind === 'Deployment' && m.metadata.name === name)!;
      const env: Array<{ name: string; value?: string; valueFrom?: any }> = deployment.spec.template.spec.containers[0].env ?? [];
      expect(env.filter(e => e.name.toUpperCase().startsWith('GF_SESSION_'))).toEqual([]);
      for (const e of env.filter(v => GRAFANA_CREDENTIAL_ENV.includes(v.name))) {
        if (e.name === GRAFANA_ENV.REMOTE_CACHE_CONNSTR) {
          // A connection string: any password in it is a $(VAR) taken from a Secret.
          expect(e.value).not.toMatch(/password=(?!\$\()/);
        } else {
          expect(e.valueFrom?.secretKeyRef).toBeDefined();
        }
      }
      const service = manifests.find(m => m.kind === 'Service' && m.metadata.name === name)!;
      if (p.sessions.mode === 'sharedDatabase' || p.sessions.mode === 'persistentVolume') {
        expect(service.spec.sessionAffinity ?? 'None').toBe('None');
      } else {
        expect(service.spec.sessionAffinity).toBe('ClientIP');
      }
      const scaledObjects = manifests.filter(m => m.kind === 'ScaledObject');
      expect(scaledObjects).toHaveLength(p.autoscaling === undefined ? 0 : 1);
      if (p.autoscaling !== undefined) {
        expect(deployment.spec.replicas).toBeUndefined();
        expect(scaledObjects[0].spec.scaleTargetRef.name).toBe(name);
        expect(scaledObjects[0].spec.minReplicaCount).toBeLessThanOrEqual(scaledObjects[0].spec.maxReplicaCount);
      } else {
        expect(deployment.spec.replicas).toBe(p.replicas ?? 4);
      }
      expect(doctorErrors(manifests)).toEqual([]);
      expect(imageProblems(manifests)).toEqual([]);
    }, 400);
  });

  test('KedaScaledObject: refused in the library\'s format, or a valid ScaledObject whose bounds KEDA\'s CEL rule accepts', () => {
    const scaled = fc.record({
      metadata: sometimes(fc.record({ name: fc.option(objectName, { nil: undefined }), namespace: fc.option(objectName, { nil: undefined }) })),
      deploymentReplicas: sometimes(fc.constantFrom(1, 3)),
      cpuRequest: mostly(fc.constant(true), fc.constant(false)),
      minReplicas: mostly(fc.constantFrom(1, 2), fc.constantFrom(0, 5, -1, 1.5)),
      maxReplicas: mostly(fc.constantFrom(2, 5, 100), fc.constantFrom(0, 1, 2.5)),
      triggers,
      pollingInterval: sometimes(seconds),
      cooldownPeriod: sometimes(seconds),
      chartNamespace: fc.option(objectName, { nil: undefined }),
    });
    check(scaled, p => {
      const outcome = mixes.of('KedaScaledObject').add(buildAndCheck(() => {
        const chart = chartIn(p.chartNamespace);
        const deployment = new kplus.Deployment(chart, 'App', { replicas: p.deploymentReplicas });
        deployment.addContainer({
          image: 'nginx:1.27',
          resources: { cpu: p.cpuRequest ? { request: kplus.Cpu.millis(100) } : undefined, memory: { request: Size.mebibytes(64) } },
        });
        new KedaScaledObject(chart, 'Scaling', {
          target: deployment,
          metadata: p.metadata,
          minReplicas: p.minReplicas,
          maxReplicas: p.maxReplicas,
          triggers: p.triggers?.map(t => t.kind === 'cpu' ? KedaTrigger.cpuUtilization(t.percent)
            : t.kind === 'memory' ? KedaTrigger.memoryUtilization(t.percent)
              : KedaTrigger.custom({ type: 'cron', metadata: { timezone: 'Etc/UTC', start: '0 8 * * *', end: '0 18 * * *', desiredReplicas: '2' } })),
          pollingInterval: p.pollingInterval === undefined ? undefined : Duration.seconds(p.pollingInterval),
          cooldownPeriod: p.cooldownPeriod === undefined ? undefined : Duration.seconds(p.cooldownPeriod),
        });
        return chart;
      }));
      if ('manifests' in outcome) {
        const so = outcome.manifests.find(m => m.kind === 'ScaledObject')!;
        const deployment = outcome.manifests.find(m => m.kind === 'Deployment')!;
        // KEDA's CEL rule: minReplicaCount <= maxReplicaCount.
        expect(so.spec.minReplicaCount).toBeLessThanOrEqual(so.spec.maxReplicaCount);
        expect(so.spec.scaleTargetRef.name).toBe(deployment.metadata.name);
        expect(deployment.spec.replicas).toBeUndefined();
        expect(so.metadata.namespace ?? null).toBe(deployment.metadata.namespace ?? null);
      }
    }, 300);
  });

  test('a good share of the generated cases reaches synth', () => {
    for (const [name, m] of mixes.all()) {
      expect({ name, share: m.synthesized / m.total > minSynthShare() }).toEqual({ name, share: true });
    }
  });
});
