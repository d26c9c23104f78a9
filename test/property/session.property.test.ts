import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { buildAndCheck, charRange, charString, chartIn, check, minSynthShare, mostly, objectName, validName } from './harness';
import { doctorErrors, imageProblems, mixes as mixesOf } from './outcomes';
import { SessionStore, SharedSessionApp } from '../../src';
import { followsNameRule, NameRule } from '../../src/facts/names';
import { KUBERNETES_ENV_NAME } from '../../src/facts/session-stores';
import { Manifest } from '../util/manifests';

const mixes = mixesOf();

/** `undefined` most of the time (3 in 4), else a value: for the props users seldom set. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight: 1 });
}

/** Almost always `valid` (12 in 13): for the app's own props, so the store's options still reach synth often. */
function rarelyInvalid<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
}

type SecretSpec = { kind: 'chart' | 'chart-missing' | 'named'; key: string; value?: string; name?: string };

/** How the store's Secret is given: made in the chart (good or broken), or named. */
const secretSpec = mostly<SecretSpec>(
  fc.oneof(
    fc.constant({ kind: 'chart' as const, key: 'password', value: 'correct-horse-battery-staple' }),
    charString(`${charRange('A', 'Z')}${charRange('a', 'z')}${charRange('0', '9')}._~-`, 1, 40).map(value => ({ kind: 'chart' as const, key: 'password', value })),
    validName.map(name => ({ kind: 'named' as const, key: 'password', name })),
  ),
  fc.oneof(
    fc.constantFrom('', 'pass word', 'pass/word', 'ключ').map(key => ({ kind: 'chart' as const, key, value: 'hunter2' })),
    fc.constant({ kind: 'chart-missing' as const, key: 'password', value: 'hunter2' }),
    fc.constantFrom('p@ss', 'a:b', 'with space', 'sl/ash', '$(HOME)', '%41', 'x#y', '').map(value => ({ kind: 'chart' as const, key: 'password', value })),
    objectName.map(name => ({ kind: 'named' as const, key: 'password', name })),
  ),
);

const envName = mostly(
  fc.tuple(charString(`${charRange('A', 'Z')}_`, 1, 1), charString(`${charRange('A', 'Z')}${charRange('0', '9')}_`, 0, 15)).map(([first, rest]) => first + rest),
  fc.constantFrom('', 'bad-name', '1ST', 'with space', 'SESSION_STORE', 'SESSION_DATABASE', 'JWT_SECRET', 'REDISCLI_AUTH', 'LOG_LEVEL', 'PGDATA'),
);

const image = mostly(fc.constantFrom('registry.example.com/store:1.0', 'mirror.gcr.io/library/redis@sha256:0123abcd'),
  fc.constantFrom('', ' ', ' redis:7', 'redis 7', 'redis:7\n', '\t'));

const size = fc.constantFrom(0, 0.5, 1, 64, 512, 1024, 1536, 10_240, 1_048_576);

const memoryLimit = sometimes(fc.constantFrom('none', 'tiny', 'small', 'big'));

const urls = {
  redis: fc.constantFrom('redis://cache.example.com', 'redis://cache.example.com:6380', 'rediss://cache.example.com:6380',
    'redis://user@cache.example.com:6379', 'redis://user:pw@cache.example.com:6379', 'redis://:pw@cache.example.com',
    'redis://cache.example.com:0', 'redis://cache.example.com:99999', 'redis://cache.example.com:abc', 'redis://', 'redis://bad host:6379',
    'redis://cache.example.com:6379/2', 'redis://cache.example.com:6379/0?timeout=5', 'http://cache.example.com', 'cache.example.com:6379',
    'redis://[::1]:6379', 'redis://10.0.0.5:6379', 'redis://cache.example.com:6379/ws pace'),
  memcached: fc.constantFrom('memcached://cache.example.com', 'memcached://cache.example.com:11212', 'memcached://u@cache.example.com',
    'memcached://u:p@cache.example.com', 'memcached://cache.example.com:0', 'memcached://cache.example.com:70000',
    'http://cache.example.com:11211', 'memcached://', 'memcached://cache.example.com/path', 'memcached://cache.example.com?x=1'),
  postgres: fc.constantFrom('postgresql://db.example.com/sessions', 'postgres://app@db.example.com:5433/app?sslmode=require',
    'postgresql://app:pw@db.example.com/app', 'postgresql://db.example.com', 'postgresql://db.example.com:0/app',
    'postgresql://db.example.com:65536/app', 'postgresql://Bad%20User@db.example.com/app', 'postgresql://db.example.com/Bad-DB',
    'http://db.example.com/app', 'postgresql://', 'postgresql://db.example.com/app?sslmode=verify-full&application_name=x',
    'postgresql://db.example.com/a/b', 'postgresql://db.example.com/app#frag'),
};

const inChart = {
  name: sometimes(objectName),
  image: sometimes(image),
  clusterDomain: sometimes(mostly(fc.constantFrom('cluster.local', 'corp.internal'), fc.constantFrom('', 'bad domain', 'Cluster.Local', '.local'))),
  memoryLimit,
};

const store = fc.oneof(
  fc.record({
    kind: fc.constant('redis' as const),
    url: sometimes(urls.redis),
    secret: fc.option(secretSpec, { nil: undefined, freq: 6 }),
    storage: sometimes(size),
    storageClassName: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: fc.constantFrom('standard', 'Bad_Class', ''), weight: 1 }),
    urlEnv: sometimes(envName),
    passwordEnv: sometimes(envName),
    ...inChart,
  }),
  fc.record({
    kind: fc.constant('memcached' as const),
    url: sometimes(urls.memcached),
    memory: sometimes(size),
    urlEnv: sometimes(envName),
    ...inChart,
  }),
  fc.record({
    kind: fc.constant('postgres' as const),
    url: sometimes(urls.postgres),
    secret: fc.option(secretSpec, { nil: undefined, freq: 12 }),
    user: sometimes(mostly(fc.constantFrom('app', 'sessions', 'shop_user'), fc.constantFrom('', 'App', 'user-name', '1user', 'a'.repeat(64)))),
    database: sometimes(mostly(fc.constantFrom('app', 'sessions'), fc.constantFrom('', 'Sessions', 'db-name', 'a b'))),
    storage: sometimes(size),
    storageClassName: fc.oneof({ arbitrary: fc.constant(undefined), weight: 8 }, { arbitrary: fc.constantFrom('standard', 'Bad_Class', ''), weight: 1 }),
    urlEnv: sometimes(envName),
    passwordEnv: sometimes(envName),
    ...inChart,
  }),
  fc.record({
    kind: fc.constant('jwt' as const),
    secret: secretSpec,
    env: sometimes(envName),
  }),
);
type StoreSpec = typeof store extends fc.Arbitrary<infer T> ? T : never;

function secretOf(chart: Chart, spec: SecretSpec, namespace: string | undefined): { secret: kplus.ISecret; key: string } {
  if (spec.kind === 'named') {
    return { secret: kplus.Secret.fromSecretName(chart, 'Auth', spec.name!), key: spec.key };
  }
  const data = spec.kind === 'chart-missing' ? { other: spec.value! } : { [spec.key]: spec.value! };
  return { secret: new kplus.Secret(chart, 'Auth', { metadata: { ...(namespace !== undefined ? { namespace } : {}) }, stringData: data }), key: spec.key };
}

function resourcesOf(limit: string | undefined): kplus.ContainerResources | undefined {
  switch (limit) {
    case undefined: return undefined;
    case 'none': return { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(64) } };
    case 'tiny': return { memory: { request: Size.kibibytes(512), limit: Size.kibibytes(512) } };
    case 'small': return { memory: { request: Size.mebibytes(16), limit: Size.mebibytes(16) } };
    default: return { cpu: { request: kplus.Cpu.units(1) }, memory: { request: Size.gibibytes(1), limit: Size.gibibytes(2) } };
  }
}

function storeOf(chart: Chart, spec: StoreSpec, secretNamespace: string | undefined): SessionStore {
  // Every kind but jwt has the in-chart knobs; jwt ignores them.
  const s: any = spec;
  const common = { name: s.name, image: s.image, clusterDomain: s.clusterDomain, resources: resourcesOf(s.memoryLimit) };
  const password = s.secret === undefined ? undefined : secretOf(chart, s.secret, secretNamespace);
  switch (s.kind) {
    case 'redis':
      return SessionStore.redis({
        ...common,
        url: s.url,
        password,
        storage: s.storage === undefined ? undefined : Size.mebibytes(s.storage),
        storageClassName: s.storageClassName,
        urlEnv: s.urlEnv,
        passwordEnv: s.passwordEnv,
      });
    case 'memcached':
      return SessionStore.memcached({
        ...common,
        url: s.url,
        memory: s.memory === undefined ? undefined : Size.mebibytes(s.memory),
        urlEnv: s.urlEnv,
      });
    case 'postgres':
      return SessionStore.postgres({
        ...common,
        url: s.url,
        password: password!,
        user: s.user,
        database: s.database,
        storage: s.storage === undefined ? undefined : Size.mebibytes(s.storage),
        storageClassName: s.storageClassName,
        urlEnv: s.urlEnv,
        passwordEnv: s.passwordEnv,
      });
    default:
      return SessionStore.jwt({ secret: password!.secret, key: password!.key, env: s.env });
  }
}

const port = rarelyInvalid(fc.integer({ min: 1, max: 65_535 }), fc.constantFrom(0, -1, 65_536, 80.5));

const props = fc.record({
  chartNamespace: fc.option(rarelyInvalid(validName, objectName), { nil: undefined }),
  name: sometimes(objectName),
  namespace: sometimes(rarelyInvalid(validName, objectName)),
  replicas: sometimes(rarelyInvalid(fc.constantFrom(1, 2, 3, 50), fc.constantFrom(0, 1.5, -1))),
  port,
  servicePort: sometimes(port),
  image: rarelyInvalid(fc.constantFrom('ghcr.io/example/shop:1.4.2'), fc.constantFrom('', ' shop', 'shop app', 'shop\n')),
  appEnv: sometimes(fc.uniqueArray(envName, { maxLength: 3 })),
  store,
  secretWithApp: mostly(fc.constant(true), fc.constant(false)),
});

type Env = { name: string; value?: string; valueFrom?: any };

/** Every `$(VAR)` a value refers to. */
function references(value: string): string[] {
  return [...value.matchAll(/\$\(([^)]*)\)/g)].map(m => m[1]);
}

/** Whether `labels` satisfy a label selector's matchLabels. */
function selects(selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string> | undefined): boolean {
  const wanted = Object.entries(selector?.matchLabels ?? {});
  return wanted.length > 0 && wanted.every(([k, v]) => labels?.[k] === v);
}

function checkSynthesized(p: any, manifests: Manifest[]): void {
  const app = manifests.find(m => m.kind === 'Deployment' && m.spec.template.spec.containers[0].name === 'app')!;
  const appNamespace = app.metadata.namespace;
  const appLabels = app.spec.template.metadata.labels;
  const service = manifests.find(m => m.kind === 'Service' && m.metadata.name === app.metadata.name && (m.metadata.namespace === appNamespace))!;
  expect(service).toBeDefined();
  expect(service.spec.sessionAffinity ?? 'None').toBe('None');
  expect(service.spec.sessionAffinityConfig).toBeUndefined();

  const env: Env[] = app.spec.template.spec.containers[0].env ?? [];
  // No duplicate names: the later would silently shadow the earlier.
  expect(new Set(env.map(e => e.name)).size).toBe(env.length);
  for (const e of env) {
    expect(e.name).toMatch(KUBERNETES_ENV_NAME);
  }
  // Every $(VAR) is a variable defined earlier (Kubernetes expands only those), from a Secret.
  env.forEach((e, i) => {
    for (const ref of references(e.value ?? '')) {
      const defined = env.slice(0, i).find(d => d.name === ref);
      expect({ env: e.name, ref, fromSecret: defined?.valueFrom?.secretKeyRef !== undefined }).toEqual({ env: e.name, ref, fromSecret: true });
    }
  });
  // The credential reaches the app by secretKeyRef, and the URL uses it by $(VAR).
  const s = p.store;
  const secretRefs = env.filter(e => e.valueFrom?.secretKeyRef);
  for (const e of secretRefs) {
    expect(followsNameRule(e.valueFrom.secretKeyRef.name, NameRule.DNS_1123_SUBDOMAIN)).toBe(true);
  }
  if (s.secret !== undefined) {
    expect(secretRefs.map(e => e.valueFrom.secretKeyRef.key)).toContain(s.secret.key);
    if (s.kind !== 'jwt') {
      const urlEnv = env.find(e => e.value !== undefined && /^[a-z]+:\/\//.test(e.value))!;
      expect(references(urlEnv.value!)).toHaveLength(1);
    }
  }
  // In-chart Secrets' names are what the app refers to.
  for (const e of secretRefs) {
    const made = manifests.find(m => m.kind === 'Secret' && m.metadata.name === e.valueFrom.secretKeyRef.name);
    if (made !== undefined) {
      if (made.metadata.namespace !== undefined && appNamespace !== undefined) {
        expect(made.metadata.namespace).toBe(appNamespace);
      }
      expect(Object.keys(made.stringData ?? made.data ?? {})).toContain(e.valueFrom.secretKeyRef.key);
    }
  }

  const storeRuns = s.kind !== 'jwt' && s.url === undefined;
  if (storeRuns) {
    const workload = manifests.find(m => ['StatefulSet', 'Deployment'].includes(m.kind) && m !== app)!;
    const podLabels = workload.spec.template.metadata.labels;
    const storeServices = manifests.filter(m => m.kind === 'Service' && m !== service && m.spec.clusterIP !== 'None');
    expect(storeServices).toHaveLength(1);
    // A StatefulSet is governed by a headless Service selecting its pod; nothing forbids evicting the one pod.
    if (workload.kind === 'StatefulSet') {
      const governing = manifests.filter(m => m.kind === 'Service' && m.metadata.name === workload.spec.serviceName);
      expect(governing).toHaveLength(1);
      expect(governing[0].spec.clusterIP).toBe('None');
      expect(selects({ matchLabels: governing[0].spec.selector }, podLabels)).toBe(true);
    }
    expect(manifests.filter(m => m.kind === 'PodDisruptionBudget')).toEqual([]);
    const storeService = storeServices[0];
    expect(selects({ matchLabels: storeService.spec.selector }, podLabels)).toBe(true);
    expect(storeService.metadata.namespace).toBe(appNamespace);
    expect(workload.metadata.namespace).toBe(appNamespace);
    const storePort: number = storeService.spec.ports[0].port;
    const containerPorts = workload.spec.template.spec.containers[0].ports.map((cp: any) => cp.containerPort);
    expect(containerPorts).toContain(storeService.spec.ports[0].targetPort);
    const host = appNamespace === undefined ? storeService.metadata.name
      : `${storeService.metadata.name}.${appNamespace}.svc.${s.clusterDomain ?? 'cluster.local'}`;
    const urlEnv = env.find(e => e.value !== undefined && /^[a-z]+:\/\//.test(e.value))!;
    expect(new URL(urlEnv.value!.replace(/\$\([A-Za-z0-9_]+\)/g, 'x')).host).toBe(`${host}:${storePort}`);

    // A storage class is never dropped: it is the class of the store's claim.
    if (s.kind !== 'memcached' && s.storageClassName !== undefined) {
      expect(workload.spec.volumeClaimTemplates.map((c: any) => c.spec.storageClassName)).toEqual([s.storageClassName]);
    }

    const policies = manifests.filter(m => m.kind === 'NetworkPolicy');
    expect(policies).toHaveLength(1);
    const policy = policies[0];
    expect(policy.metadata.namespace).toBe(appNamespace);
    expect(selects(policy.spec.podSelector, podLabels)).toBe(true);
    expect(policy.spec.policyTypes).toContain('Ingress');
    expect(policy.spec.ingress).toHaveLength(1);
    const rule = policy.spec.ingress[0];
    expect(rule.ports).toEqual([{ port: storePort, protocol: 'TCP' }]);
    expect(rule.from.some((peer: any) => selects(peer.podSelector, appLabels))).toBe(true);
    // No peer admits pods other than the app's.
    for (const peer of rule.from) {
      expect(peer.ipBlock).toBeUndefined();
      expect(selects(peer.podSelector, appLabels)).toBe(true);
    }
  } else {
    expect(manifests.filter(m => ['StatefulSet', 'NetworkPolicy', 'PodDisruptionBudget'].includes(m.kind))).toEqual([]);
  }
  expect(doctorErrors(manifests)).toEqual([]);
  expect(imageProblems(manifests)).toEqual([]);
}

describe('SharedSessionApp on generated props', () => {
  test('refused in the library\'s format, or valid manifests: no affinity, credentials from Secrets, the store reachable by the app only', () => {
    check(props, p => {
      const outcome = mixes.of(`SharedSessionApp/${p.store.kind}`).add(buildAndCheck(() => {
        const chart = chartIn(p.chartNamespace);
        new SharedSessionApp(chart, 'Shop', {
          metadata: p.name === undefined && p.namespace === undefined ? undefined : { name: p.name, namespace: p.namespace },
          image: p.image,
          port: p.port,
          servicePort: p.servicePort,
          replicas: p.replicas,
          // The app's own variables from a Secret: a plain value under a secret-looking name is the user's doing.
          env: p.appEnv === undefined ? undefined : Object.fromEntries(p.appEnv.map(n => [n, kplus.EnvValue.fromSecretValue({
            secret: kplus.Secret.fromSecretName(chart, `Env${n}`, 'shop-env'), key: 'value',
          })])),
          // Mostly where the app's pods can read it; else the chart's namespace.
          store: storeOf(chart, p.store, p.secretWithApp ? p.namespace : undefined),
        });
        return chart;
      }));
      if ('manifests' in outcome) {
        checkSynthesized(p, outcome.manifests);
      }
    }, 600);
  });

  test('a good share of the generated cases reaches synth', () => {
    for (const [name, m] of mixes.all()) {
      expect({ name, share: m.synthesized / m.total > minSynthShare() }).toEqual({ name, share: true });
    }
  });
});
