import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SessionStore, SessionStoreConfig, SessionStoreKind, SharedSessionApp, SqlDialect, SqlSessionStore } from '../../src';
import { describeNameRule, NameRule } from '../../src/facts/names';
import { Manifest, newChart, only, synthValid } from '../util/manifests';

const PASSWORD = 'correct-horse-battery-staple';

interface Shop {
  chart: Chart;
  app: SharedSessionApp;
  manifests: Manifest[];
}

/** GIVEN a shop app in namespace `shop` whose store's password is in a Secret the user made. */
function shop(store: (secret: kplus.ISecret) => SessionStore, namespace = 'shop', name = 'shop'): Shop {
  const chart = newChart(namespace);
  const secret = new kplus.Secret(chart, 'Auth', { metadata: { name: 'shop-sessions' }, stringData: { password: PASSWORD } });
  const app = new SharedSessionApp(chart, 'Shop', {
    metadata: { name },
    image: 'ghcr.io/example/shop:1.4.2',
    port: 8080,
    store: store(secret),
  });
  return { chart, app, manifests: synthValid(chart) };
}

function appContainer(manifests: Manifest[]): any {
  return only(manifests, 'Deployment', 'shop').spec.template.spec.containers[0];
}

const password = (secret: kplus.ISecret) => ({ secret, key: 'password' });

/** The stores that run in the chart, with what each must render. */
const IN_CHART = [
  { store: 'redis', make: (s: kplus.ISecret) => SessionStore.redis({ password: password(s) }), kind: 'StatefulSet', port: 6379, uid: 999, env: 'SESSION_STORE', url: 'redis://:$(SESSION_STORE_PASSWORD)@shop-redis.shop.svc.cluster.local:6379' },
  { store: 'memcached', make: () => SessionStore.memcached(), kind: 'Deployment', port: 11211, uid: 11211, env: 'SESSION_STORE', url: 'memcached://shop-memcached.shop.svc.cluster.local:11211' },
  { store: 'postgres', make: (s: kplus.ISecret) => SessionStore.postgres({ password: password(s) }), kind: 'StatefulSet', port: 5432, uid: 999, env: 'SESSION_DATABASE', url: 'postgresql://sessions:$(SESSION_DATABASE_PASSWORD)@shop-postgres.shop.svc.cluster.local:5432/sessions' },
];

describe.each(IN_CHART)('every store run in the chart: $store', ({ store, make, kind, port, uid, env, url }) => {
  const name = `shop-${store}`;

  test('is valid Kubernetes, as in its snapshot', () => {
    // WHEN
    const { manifests } = shop(make);
    // THEN
    expect(manifests.map(m => `${m.kind}/${m.metadata.name}`).sort()).toEqual([
      `${kind}/${name}`, 'Deployment/shop', `NetworkPolicy/${name}`,
      'Secret/shop-sessions', `Service/${name}`, 'Service/shop',
      ...kind === 'StatefulSet' ? [`Service/${name}-headless`] : [],
    ].sort());
    expect(manifests).toMatchSnapshot();
  });

  test('gives the app a URL naming the store\'s real Service and port', () => {
    const { manifests } = shop(make);
    const service = only(manifests, 'Service', name);
    const workload = only(manifests, kind, name);
    expect(service.spec.ports).toEqual([{ name: store, port, targetPort: port }]);
    expect(workload.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    const variable = appContainer(manifests).env.find((e: any) => e.name === env);
    expect(variable).toEqual({ name: env, value: url });
  });

  test('admits only the app\'s pods, on the store\'s port', () => {
    const { manifests } = shop(make);
    const policy = only(manifests, 'NetworkPolicy', name);
    const storePods = only(manifests, kind, name).spec.selector.matchLabels;
    const appPods = only(manifests, 'Deployment', 'shop').spec.selector.matchLabels;
    expect(policy.spec).toEqual({
      podSelector: { matchLabels: storePods },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ podSelector: { matchLabels: appPods }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
        ports: [{ port, protocol: 'TCP' }],
      }],
    });
  });

  test('has no PodDisruptionBudget: on its one pod, a budget would forbid every eviction and a node drain would wait forever', () => {
    // WHEN
    const { manifests } = shop(make);
    // THEN nothing stops a drain from moving the store's one pod
    expect(manifests.filter(m => m.kind === 'PodDisruptionBudget')).toEqual([]);
    expect(only(manifests, kind, name).spec.replicas).toEqual(1);
  });

  test('a StatefulSet is governed by a headless Service; clients keep a ClusterIP Service', () => {
    // WHEN
    const { app, manifests } = shop(make);
    // THEN
    const workload = only(manifests, kind, name);
    const clients = only(manifests, 'Service', name);
    expect(clients.spec.clusterIP).toBeUndefined();
    expect(clients.spec.type).toEqual('ClusterIP');
    expect(workload.spec.template.metadata.labels).toMatchObject(clients.spec.selector);
    if (kind !== 'StatefulSet') {
      expect(app.store.governingService).toBeUndefined();
      return;
    }
    const governing = only(manifests, 'Service', workload.spec.serviceName);
    expect(workload.spec.serviceName).toEqual(`${name}-headless`);
    expect(governing.spec.clusterIP).toEqual('None');
    expect(governing.metadata.namespace).toEqual('shop');
    expect(governing.spec.ports).toEqual([{ name: store, port, targetPort: port }]);
    expect(workload.spec.template.metadata.labels).toMatchObject(governing.spec.selector);
    expect(app.store.governingService?.name).toEqual(`${name}-headless`);
  });

  test('runs as the image\'s own non-root user, read-only, with probes and resource requests', () => {
    const { manifests } = shop(make);
    const pod = only(manifests, kind, name).spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid });
    expect(pod.containers).toHaveLength(1);
    const container = pod.containers[0];
    expect(container.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
    });
    expect(container.readinessProbe).toBeDefined();
    expect(container.livenessProbe).toBeDefined();
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(container.resources.limits.memory).toBeDefined();
  });

  test('writes no password outside a Secret, and the app\'s Service has no affinity', () => {
    const { manifests } = shop(make);
    for (const m of manifests.filter(o => o.kind !== 'Secret')) {
      expect({ object: `${m.kind}/${m.metadata.name}`, leaks: JSON.stringify(m).includes(PASSWORD) }).toEqual({ object: `${m.kind}/${m.metadata.name}`, leaks: false });
    }
    const service = only(manifests, 'Service', 'shop');
    expect(service.spec.sessionAffinity).toBeUndefined();
    expect(service.spec.sessionAffinityConfig).toBeUndefined();
  });

  test('returns its connection details as data', () => {
    const { app, manifests } = shop(make);
    expect(app.store).toMatchObject({
      kind: store as SessionStoreKind,
      host: `${name}.shop.svc.cluster.local`,
      port,
      tls: false,
      runsInChart: true,
    });
    expect(app.store.url).toEqual(url.replace(/[^/]*:\$\([A-Z_]+\)@|:\$\([A-Z_]+\)@/, ''));
    expect(app.store.workload).toBeDefined();
    expect(app.store.service?.name).toEqual(name);
    expect(app.store.networkPolicy).toBeDefined();
    expect(manifests.length).toBeGreaterThan(0);
  });
});

describe('every store, in the chart or external', () => {
  const ALL: Array<[string, (s: kplus.ISecret) => SessionStore]> = [
    ['redis', s => SessionStore.redis({ password: password(s) })],
    ['external redis', s => SessionStore.redis({ url: 'rediss://me@cache.example.com:6380/1', password: password(s) })],
    ['memcached', () => SessionStore.memcached()],
    ['external memcached', () => SessionStore.memcached({ url: 'memcached://cache.example.com' })],
    ['postgres', s => SessionStore.postgres({ password: password(s) })],
    ['external postgres', s => SessionStore.postgres({ url: 'postgres://app@db.example.com:6432/app?sslmode=verify-full', password: password(s) })],
    ['jwt', s => SessionStore.jwt({ secret: s, key: 'password' })],
  ];

  test.each(ALL)('%s: a credential in the app\'s env is a secretKeyRef, or a $(VAR) of one defined before it', (_name, make) => {
    const env: any[] = appContainer(shop(make).manifests).env;
    const fromSecrets: string[] = [];
    for (const variable of env) {
      if (variable.valueFrom !== undefined) {
        expect(Object.keys(variable.valueFrom)).toEqual(['secretKeyRef']);
        fromSecrets.push(variable.name);
        continue;
      }
      const url = new URL(variable.value);
      if (url.password !== '') {
        expect(fromSecrets.map(n => `$(${n})`)).toContain(decodeURIComponent(url.password));
      }
      expect(variable.value).not.toContain(PASSWORD);
    }
  });
});

describe('SessionStore.redis()', () => {
  test('hands redis-server its password on standard input and redis-cli in REDISCLI_AUTH, never on a command line', () => {
    const { manifests } = shop(s => SessionStore.redis({ password: password(s) }));
    const container = only(manifests, 'StatefulSet', 'shop-redis').spec.template.spec.containers[0];
    expect(container.image).toEqual('redis:7.4.1');
    expect(container.command).toEqual(['sh', '-c', [
      'exec redis-server - --port 6379 --dir /data --appendonly yes --maxmemory 192mb --maxmemory-policy volatile-lru <<EOF',
      'requirepass $REDISCLI_AUTH',
      'EOF',
    ].join('\n')]);
    expect(container.env).toEqual([
      { name: 'REDISCLI_AUTH', valueFrom: { secretKeyRef: { name: 'shop-sessions', key: 'password' } } },
    ]);
    expect(container.readinessProbe.exec.command).toEqual(['sh', '-c', 'test "$(redis-cli -p 6379 ping)" = PONG']);
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 6379 });
  });

  test('keeps Redis a quarter under its memory limit, evicting sessions rather than being killed', () => {
    const limited = shop(s => SessionStore.redis({ password: password(s), resources: { memory: { limit: Size.gibibytes(1) } } }));
    const command = only(limited.manifests, 'StatefulSet', 'shop-redis').spec.template.spec.containers[0].command[2];
    expect(command.split('\n')[0]).toEqual('exec redis-server - --port 6379 --dir /data --appendonly yes --maxmemory 768mb --maxmemory-policy volatile-lru <<EOF');
  });

  test('GIVEN resources without memory THEN Redis keeps its own memory request and limit, and --maxmemory from that limit', () => {
    // GIVEN / WHEN
    const { manifests } = shop(s => SessionStore.redis({ password: password(s), resources: { cpu: { request: kplus.Cpu.millis(100) } } }));
    // THEN
    const container = only(manifests, 'StatefulSet', 'shop-redis').spec.template.spec.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '256Mi' } });
    expect(container.command[2].split('\n')[0]).toEqual('exec redis-server - --port 6379 --dir /data --appendonly yes --maxmemory 192mb --maxmemory-policy volatile-lru <<EOF');
  });

  test('GIVEN resources with memory but no limit THEN refused: Redis would have no --maxmemory', () => {
    expect(() => shop(s => SessionStore.redis({ password: password(s), resources: { memory: { request: Size.mebibytes(128) } } }))).toThrow(
      'test/Shop: \'store.resources.memory.limit\' (not given) is required with \'store.resources.memory\': Redis\'s --maxmemory is set a quarter below it, '
      + 'and without one Redis keeps every session in memory until the node evicts the pod; give one, or leave \'memory\' out for the store\'s own (64Mi requested, 256Mi limit)');
  });

  test('GIVEN a memory limit of 1Mi THEN refused: a quarter below it is no --maxmemory at all', () => {
    expect(() => shop(s => SessionStore.redis({ password: password(s), resources: { memory: { limit: Size.mebibytes(1) } } }))).toThrow(
      'test/Shop: \'store.resources.memory.limit\' (1Mi) must be at least 2Mi: Redis\'s --maxmemory is set a quarter below the limit in whole mebibytes, which for a smaller limit is 0, '
      + 'so Redis would run without one and keep every session in memory until the container is killed for memory');
  });

  test('GIVEN the least memory limit, 2Mi THEN Redis runs with --maxmemory 1mb', () => {
    // GIVEN / WHEN
    const { manifests } = shop(s => SessionStore.redis({ password: password(s), resources: { memory: { limit: Size.mebibytes(2) } } }));
    // THEN
    const container = only(manifests, 'StatefulSet', 'shop-redis').spec.template.spec.containers[0];
    expect(container.resources.limits).toEqual({ memory: '2Mi' });
    expect(container.command[2].split('\n')[0]).toEqual('exec redis-server - --port 6379 --dir /data --appendonly yes --maxmemory 1mb --maxmemory-policy volatile-lru <<EOF');
  });

  test('GIVEN storage of 10 KiB THEN the error shows it as 10Ki, not as a fraction of a mebibyte', () => {
    expect(() => shop(s => SessionStore.redis({ password: password(s), storage: Size.kibibytes(10) }))).toThrow(
      'test/Shop: \'store.storage\' (10Ki) must be a whole number of mebibytes, at least 1Mi');
  });

  test('GIVEN resources without memory THEN the in-chart PostgreSQL keeps its own memory request and limit; with memory but no limit, refused', () => {
    const { manifests } = shop(s => SessionStore.postgres({ password: password(s), resources: { cpu: { request: kplus.Cpu.millis(300) } } }));
    expect(only(manifests, 'StatefulSet', 'shop-postgres').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '300m', memory: '256Mi' }, limits: { memory: '512Mi' },
    });
    expect(() => shop(s => SessionStore.postgres({ password: password(s), resources: { memory: { request: Size.mebibytes(128) } } }))).toThrow(
      'test/Shop: \'store.resources.memory.limit\' (not given) is required with \'store.resources.memory\': without one PostgreSQL grows its caches and connections '
      + 'until the node evicts the pod, and every session with it; give one, or leave \'memory\' out for the store\'s own (256Mi requested, 512Mi limit)');
  });

  test('GIVEN resources with memory only THEN Redis keeps its own CPU request', () => {
    const memory = { request: Size.mebibytes(32), limit: Size.mebibytes(128) };
    const { manifests } = shop(s => SessionStore.redis({ password: password(s), resources: { memory } }));
    expect(only(manifests, 'StatefulSet', 'shop-redis').spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '50m', memory: '32Mi' }, limits: { memory: '128Mi' },
    });
  });

  test('gives the app the password from the Secret and the URL that embeds it, in that order', () => {
    const { manifests } = shop(s => SessionStore.redis({ password: password(s) }));
    expect(appContainer(manifests).env).toEqual([
      { name: 'SESSION_STORE_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-sessions', key: 'password' } } },
      { name: 'SESSION_STORE', value: 'redis://:$(SESSION_STORE_PASSWORD)@shop-redis.shop.svc.cluster.local:6379' },
    ]);
  });

  test('reproduces the seed\'s SESSION_STORE host and port for a Service named redis in default', () => {
    // "Session Affinity in Kubernetes": value: "redis://redis.default.svc.cluster.local:6379"
    const { manifests } = shop(s => SessionStore.redis({ password: password(s), name: 'redis' }), 'default');
    const value = appContainer(manifests).env.find((e: any) => e.name === 'SESSION_STORE').value;
    expect(value.replace(':$(SESSION_STORE_PASSWORD)@', '')).toEqual('redis://redis.default.svc.cluster.local:6379');
  });

  test('keeps data on an emptyDir by default, and on a volume claim template with storage', () => {
    const ephemeral = only(shop(s => SessionStore.redis({ password: password(s) })).manifests, 'StatefulSet', 'shop-redis');
    expect(ephemeral.spec.volumeClaimTemplates).toBeUndefined();
    expect(ephemeral.spec.template.spec.volumes).toContainEqual({ name: 'data', emptyDir: {} });

    const kept = only(shop(s => SessionStore.redis({ password: password(s), storage: Size.gibibytes(2), storageClassName: 'fast' })).manifests, 'StatefulSet', 'shop-redis');
    expect(kept.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '2Gi' } } },
    }]);
    expect(kept.spec.template.spec.volumes.map((v: any) => v.name)).not.toContain('data');
    expect(kept.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
  });

  test('with url, uses an external Redis and runs nothing', () => {
    const { manifests, app } = shop(s => SessionStore.redis({ url: 'rediss://cache.example.com:6380', password: password(s), urlEnv: 'REDIS_URL' }));
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    expect(appContainer(manifests).env).toEqual([
      { name: 'REDIS_URL_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-sessions', key: 'password' } } },
      { name: 'REDIS_URL', value: 'rediss://:$(REDIS_URL_PASSWORD)@cache.example.com:6380' },
    ]);
    expect(app.store).toMatchObject({ host: 'cache.example.com', port: 6380, tls: true, runsInChart: false, url: 'rediss://cache.example.com:6380' });
    expect(app.store.workload).toBeUndefined();
  });

  test('an external Redis without a password gets a plain URL', () => {
    const { manifests } = shop(() => SessionStore.redis({ url: 'redis://cache.internal' }));
    expect(appContainer(manifests).env).toEqual([{ name: 'SESSION_STORE', value: 'redis://cache.internal' }]);
  });
});

describe('SessionStore.postgres()', () => {
  test('creates the user and database from the Secret mounted as a file, with a volume claim template', () => {
    const { manifests } = shop(s => SessionStore.postgres({ password: password(s) }));
    const statefulSet = only(manifests, 'StatefulSet', 'shop-postgres');
    const pod = statefulSet.spec.template.spec;
    const container = pod.containers[0];
    expect(container.image).toEqual('postgres:17.2');
    expect(container.env).toEqual([
      { name: 'POSTGRES_USER', value: 'sessions' },
      { name: 'POSTGRES_DB', value: 'sessions' },
      { name: 'POSTGRES_PASSWORD_FILE', value: '/etc/postgres-auth/password' },
      { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
    ]);
    expect(pod.volumes).toContainEqual({ name: 'auth', secret: { secretName: 'shop-sessions', defaultMode: 0o440, items: [{ key: 'password', path: 'password' }] } });
    expect(container.volumeMounts).toEqual(expect.arrayContaining([
      { name: 'auth', mountPath: '/etc/postgres-auth', readOnly: true },
      { name: 'run', mountPath: '/var/run/postgresql' },
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
    ]));
    expect(statefulSet.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }]);
    expect(container.readinessProbe.exec.command).toEqual(['pg_isready', '-h', '127.0.0.1', '-p', '5432', '-U', 'sessions', '-d', 'sessions']);
    expect(container.livenessProbe.exec.command).toEqual(['pg_isready', '-h', '/var/run/postgresql', '-p', '5432', '-U', 'sessions', '-d', 'sessions']);
  });

  test('reproduces the seed\'s SESSION_DATABASE for a Service named sessions-db in default', () => {
    // "Session Affinity in Kubernetes": value: "postgresql://sessions-db.default.svc.cluster.local:5432/sessions"
    const { manifests, app } = shop(s => SessionStore.postgres({ password: password(s), name: 'sessions-db' }), 'default');
    const value = appContainer(manifests).env.find((e: any) => e.name === 'SESSION_DATABASE').value;
    expect(value.replace('sessions:$(SESSION_DATABASE_PASSWORD)@', '')).toEqual('postgresql://sessions-db.default.svc.cluster.local:5432/sessions');
    expect(app.store).toMatchObject({ url: 'postgresql://sessions-db.default.svc.cluster.local:5432/sessions', database: 'sessions', user: 'sessions' });
    expect(app.store.password?.key).toEqual('password');
  });

  test('with url, uses an external database: user and database from the URL, TLS from sslmode', () => {
    const { manifests, app } = shop(s => SessionStore.postgres({ url: 'postgresql://shop@db.example.com/shop_sessions?sslmode=require', password: password(s) }));
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    expect(appContainer(manifests).env).toEqual([
      { name: 'SESSION_DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-sessions', key: 'password' } } },
      { name: 'SESSION_DATABASE', value: 'postgresql://shop:$(SESSION_DATABASE_PASSWORD)@db.example.com/shop_sessions?sslmode=require' },
    ]);
    // The port is libpq's default for consumers that need one; the app's URL is left as given.
    expect(app.store).toMatchObject({ host: 'db.example.com', port: 5432, user: 'shop', database: 'shop_sessions', tls: true, runsInChart: false });
    expect(app.store.url).toEqual('postgresql://db.example.com/shop_sessions?sslmode=require');
  });
});

describe('SessionStore.postgres() with an external url: taken as the user gives it', () => {
  const urlEnvOf = (manifests: Manifest[]) => appContainer(manifests).env.find((e: any) => e.name === 'SESSION_DATABASE').value;

  test.each([
    ['a role name with a hyphen', 'postgresql://app-user@db/s', 'postgresql://app-user:$(SESSION_DATABASE_PASSWORD)@db/s', 'app-user', 's'],
    ['an Azure login, its @ percent-encoded', 'postgresql://app%40myserver@myserver.postgres.database.azure.com/s?sslmode=require',
      'postgresql://app%40myserver:$(SESSION_DATABASE_PASSWORD)@myserver.postgres.database.azure.com/s?sslmode=require', 'app@myserver', 's'],
    ['a database with a hyphen', 'postgresql://app@db/app-sessions', 'postgresql://app:$(SESSION_DATABASE_PASSWORD)@db/app-sessions', 'app', 'app-sessions'],
    ['a database in mixed case', 'postgresql://app@db/MyDb', 'postgresql://app:$(SESSION_DATABASE_PASSWORD)@db/MyDb', 'app', 'MyDb'],
    ['a port and parameters', 'postgresql://u@db:6432/s?sslmode=verify-full&application_name=x',
      'postgresql://u:$(SESSION_DATABASE_PASSWORD)@db:6432/s?sslmode=verify-full&application_name=x', 'u', 's'],
    ['a user with a $, doubled so Kubernetes expands nothing', 'postgresql://a$(B)@db/s', 'postgresql://a$$(B):$(SESSION_DATABASE_PASSWORD)@db/s', 'a$(B)', 's'],
  ])('GIVEN %s THEN the app gets the URL as given, with the password placeholder after the user', (_what, url, value, user, database) => {
    // WHEN
    const { manifests, app } = shop(s => SessionStore.postgres({ url, password: password(s) }));
    // THEN
    expect(urlEnvOf(manifests)).toEqual(value);
    expect(app.store).toMatchObject({ user, database, runsInChart: false });
  });

  test('GIVEN several hosts THEN the app gets them all, and the config names the list with no port', () => {
    const { manifests, app } = shop(s => SessionStore.postgres({ url: 'postgresql://u@db1:5432,db2:5433/s?target_session_attrs=read-write', password: password(s) }));
    expect(urlEnvOf(manifests)).toEqual('postgresql://u:$(SESSION_DATABASE_PASSWORD)@db1:5432,db2:5433/s?target_session_attrs=read-write');
    expect(app.store.host).toEqual('db1:5432,db2:5433');
    expect(app.store.port).toBeUndefined();
  });

  test('GIVEN no password (IAM or certificate authentication) THEN the app gets the URL alone, and no password variable', () => {
    const { manifests, app } = shop(() => SessionStore.postgres({ url: 'postgresql://app@db.example.com/s?sslmode=verify-full' }));
    expect(appContainer(manifests).env).toEqual([{ name: 'SESSION_DATABASE', value: 'postgresql://app@db.example.com/s?sslmode=verify-full' }]);
    expect(app.store.password).toBeUndefined();
  });

  test('GIVEN a URL without user or database, and both as props THEN they are written into the URL, percent-encoded', () => {
    const { manifests, app } = shop(s => SessionStore.postgres({ url: 'postgresql://db.example.com', user: 'app@myserver', database: 'app sessions', password: password(s) }));
    expect(urlEnvOf(manifests)).toEqual('postgresql://app%40myserver:$(SESSION_DATABASE_PASSWORD)@db.example.com/app%20sessions');
    expect(app.store).toMatchObject({ user: 'app@myserver', database: 'app sessions' });
  });

  test('GIVEN user and database as libpq parameters THEN they count as named', () => {
    const { manifests, app } = shop(() => SessionStore.postgres({ url: 'postgresql://db/?user=app&dbname=s' }));
    expect(urlEnvOf(manifests)).toEqual('postgresql://app@db/?user=app&dbname=s');
    expect(app.store).toMatchObject({ user: 'app', database: 's' });
  });

  const secretRef = () => ({ secret: kplus.Secret.fromSecretName(new Chart(Testing.app(), 'scratch'), 'S', 'shop-sessions'), key: 'password' });
  test.each([
    ['no user, rather than assuming one', { url: 'postgresql://db.example.com/s' },
      'test/Shop: \'store.url\' ("postgresql://db.example.com/s") must name the user the app logs in as (postgresql://user@host/database), or give it as \'user\': no user is assumed for an external database'],
    ['no database, rather than assuming one', { url: 'postgresql://u@db' },
      'test/Shop: \'store.url\' ("postgresql://u@db") must name the database (postgresql://user@host/database), or give it as \'database\': no database is assumed for an external database'],
    ['a password parameter', { url: 'postgresql://u@db/s?sslmode=require&password=hunter2' },
      'test/Shop: \'store.url\' ("postgresql://u@db/s?sslmode=require&password=***") must not hold a password: the URL is a plain env value; put the password in a Secret and pass it as \'password\''],
    ['an empty password', { url: 'postgresql://u:@db/s' },
      'test/Shop: \'store.url\' ("postgresql://u:***@db/s") must not hold a password'],
    // Hidden in every error, even where a '/' or '@' in the password makes the URL read otherwise.
    ['a password holding a \'/\'', { url: 'postgresql://user:se/cret@db/sessions' },
      'test/Shop: \'store.url\' ("postgresql://user:***@db/sessions") must'],
    ['a password holding an \'@\'', { url: 'postgresql://user:p@ss@db/sessions' },
      'test/Shop: \'store.url\' ("postgresql://user:***@db/sessions") must'],
    ['an @ in the user left unencoded', { url: 'postgresql://app@myserver@host/s' },
      'test/Shop: \'store.url\' ("postgresql://app@myserver@host/s") must percent-encode an \'@\' in the user name as %40'],
    ['a fragment', { url: 'postgresql://u@db/app#frag' },
      'test/Shop: \'store.url\' ("postgresql://u@db/app#frag") must not end in a fragment'],
    ['a port out of range', { url: 'postgresql://u@db:65536/s' },
      'test/Shop: \'store.url\' ("postgresql://u@db:65536/s") must name a host, or hosts separated by \',\', each with an optional port from 1 to 65535'],
    ['no host', { url: 'postgresql:///s' },
      'test/Shop: \'store.url\' ("postgresql:///s") must name a host'],
    ['a malformed escape', { url: 'postgresql://u%4@db/s' },
      'test/Shop: \'store.url\' ("postgresql://u%4@db/s") must percent-encode its user correctly'],
    ['a database that differs from the URL\'s', { url: 'postgresql://u@db/a', database: 'b' },
      'test/Shop: \'store.database\' ("b") must match the database in \'url\' ("a"), or be left out'],
    ['an empty user', { url: 'postgresql://db/s', user: '' },
      'test/Shop: \'store.user\' ("") must not be empty'],
  ])('refuses %s, naming the prop given', (_what, options, message) => {
    expect(() => shop(() => SessionStore.postgres({ ...options, password: secretRef() } as any))).toThrow(message);
  });
});

describe('SessionStore.memcached()', () => {
  test('runs memcached with its item memory and a limit above it', () => {
    const { manifests } = shop(() => SessionStore.memcached({ memory: Size.mebibytes(128) }));
    const container = only(manifests, 'Deployment', 'shop-memcached').spec.template.spec.containers[0];
    expect(container.image).toEqual('memcached:1.6.32');
    expect(container.command).toEqual(['memcached']);
    expect(container.args).toEqual(['-p', '11211', '-m', '128']);
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '160Mi' }, limits: { memory: '192Mi' } });
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 11211 });
  });

  test('GIVEN resources without memory THEN memcached keeps its own memory request and limit above -m', () => {
    const { manifests } = shop(() => SessionStore.memcached({ memory: Size.mebibytes(128), resources: { cpu: { request: kplus.Cpu.millis(200) } } }));
    const container = only(manifests, 'Deployment', 'shop-memcached').spec.template.spec.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: '200m', memory: '160Mi' }, limits: { memory: '192Mi' } });
  });

  test('GIVEN resources with memory but no limit THEN refused, with the store\'s own to fall back on', () => {
    expect(() => shop(() => SessionStore.memcached({ resources: { memory: { request: Size.mebibytes(128) } } }))).toThrow(
      'test/Shop: \'store.resources.memory.limit\' (not given) is required with \'store.resources.memory\': every store run in the chart has one, '
      + 'so that the kubelet bounds Memcached\'s items and connections, not the node\'s memory pressure; give one, or leave \'memory\' out for the store\'s own (96Mi requested, 128Mi limit)');
  });

  test('with url, uses an external Memcached and runs nothing', () => {
    const { manifests, app } = shop(() => SessionStore.memcached({ url: 'memcached://cache.internal' }));
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    expect(appContainer(manifests).env).toEqual([{ name: 'SESSION_STORE', value: 'memcached://cache.internal:11211' }]);
    expect(app.store).toMatchObject({ host: 'cache.internal', port: 11211, runsInChart: false });
  });
});

describe('SessionStore.jwt()', () => {
  test('gives the app JWT_SECRET from the Secret and runs nothing', () => {
    // The Secret made in the chart holds the signing key under the key named.
    const { manifests, app } = shop(s => {
      (s as kplus.Secret).addStringData('jwt-secret', 'a-signing-key');
      return SessionStore.jwt({ secret: s, key: 'jwt-secret' });
    });
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    // "Session Affinity in Kubernetes": JWT_SECRET valueFrom.secretKeyRef {name: app-secrets, key: jwt-secret}
    expect(appContainer(manifests).env).toEqual([
      { name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'shop-sessions', key: 'jwt-secret' } } },
    ]);
    expect(app.store).toMatchObject({ kind: SessionStoreKind.JWT, runsInChart: false, tls: false });
    expect(app.store.signingKey?.key).toEqual('jwt-secret');
  });
});

describe('a consumer other than SharedSessionApp', () => {
  test('binds a store with its own scope, namespace and pods', () => {
    // GIVEN a Grafana-like consumer: its own construct and pod selector
    const chart = new Chart(Testing.app(), 'test');
    const scope = new Construct(chart, 'Grafana');
    const secret = kplus.Secret.fromSecretName(chart, 'DbAuth', 'grafana-db');
    const pods = kplus.Pods.select(chart, 'GrafanaPods', { labels: { app: 'grafana' } });
    // WHEN
    const config: SessionStoreConfig = SessionStore.postgres({ password: { secret, key: 'password' }, database: 'grafana', user: 'grafana' })
      .bind(scope, { name: 'grafana', namespace: 'observability', pods });
    // THEN
    expect(config).toMatchObject({
      host: 'grafana-postgres.observability.svc.cluster.local', port: 5432, database: 'grafana', user: 'grafana', tls: false,
    });
    expect(config.password?.secret.name).toEqual('grafana-db');
    const manifests = synthValid(chart);
    const policy = only(manifests, 'NetworkPolicy', 'grafana-postgres');
    expect(policy.metadata.namespace).toEqual('observability');
    expect(policy.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { app: 'grafana' } } }]);
    expect(only(manifests, 'StatefulSet', 'grafana-postgres').metadata.namespace).toEqual('observability');
  });

  test('without any namespace, names the Service without one', () => {
    const chart = new Chart(Testing.app(), 'test');
    const secret = kplus.Secret.fromSecretName(chart, 'Auth', 'auth');
    const pods = kplus.Pods.select(chart, 'Pods', { labels: { app: 'x' } });
    const config = SessionStore.redis({ password: { secret, key: 'password' } }).bind(new Construct(chart, 'X'), { name: 'x', pods });
    expect(config.host).toEqual('x-redis');
    expect(config.url).toEqual('redis://x-redis:6379');
  });
});

describe('bad options are refused', () => {
  const secret = () => kplus.Secret.fromSecretName(new Chart(Testing.app(), 'scratch'), 'S', 'shop-sessions');
  const chartSecret = (stringData: Record<string, string>) =>
    new kplus.Secret(new Chart(Testing.app(), 'scratch'), 'S', { metadata: { name: 'made-here' }, stringData });
  const cases: Array<[string, () => SessionStore, string]> = [
    ['an http URL for Redis', () => SessionStore.redis({ url: 'http://cache:6379' }),
      'test/Shop: \'store.url\' ("http://cache:6379") must be a Redis URL: its scheme must be one of redis://, rediss://'],
    ['a Redis URL with a password in it', () => SessionStore.redis({ url: 'redis://:hunter2@cache:6379' }),
      'test/Shop: \'store.url\' ("redis://:***@cache:6379") must not hold a password: the URL is a plain env value; put the password in a Secret and pass it as \'password\''],
    ['a PostgreSQL URL with a password in it', () => SessionStore.postgres({ url: 'postgresql://shop:hunter2@db/shop', password: { secret: secret(), key: 'password' } }),
      'test/Shop: \'store.url\' ("postgresql://shop:***@db/shop") must not hold a password: the URL is a plain env value; put the password in a Secret and pass it as \'password\''],
    ['not a URL', () => SessionStore.redis({ url: 'cache:6379:x' }),
      'test/Shop: \'store.url\' ("cache:6379:x") must be a Redis URL: its scheme must be one of redis://, rediss://'],
    ['a Redis in the chart without a password', () => SessionStore.redis({}),
      'test/Shop: \'store.password\' (not given) must name the Secret key holding the password of the Redis run in the chart (auth is always on); or pass \'url\' for an external Redis'],
    ['a JWT store without a key', () => SessionStore.jwt({ secret: secret() } as any),
      'test/Shop: \'store.key\' (not given) must name the key of the Secret that holds the JWT signing key'],
    ['a JWT store with an empty key', () => SessionStore.jwt({ secret: secret(), key: '' }),
      'test/Shop: \'store.key\' ("") must be a Secret data key: letters, digits, \'-\', \'_\' or \'.\''],
    ['storage for an external Redis', () => SessionStore.redis({ url: 'redis://cache', storage: Size.gibibytes(1) }),
      'test/Shop: \'store.storage\' (given) applies only to a Redis run in the chart: drop it, or drop \'url\''],
    ['a user that is not a PostgreSQL identifier', () => SessionStore.postgres({ password: { secret: secret(), key: 'password' }, user: 'Shop-User' }),
      'test/Shop: \'store.user\' ("Shop-User") must be a lower-case PostgreSQL identifier: a letter or \'_\', then letters, digits or \'_\', at most 63 characters'],
    ['a user that differs from the URL\'s', () => SessionStore.postgres({ url: 'postgresql://a@db/x', user: 'b', password: { secret: secret(), key: 'password' } }),
      'test/Shop: \'store.user\' ("b") must match the user in \'url\' ("a"), or be left out'],
    ['an env name a container cannot have', () => SessionStore.memcached({ urlEnv: 'SESSION-STORE' }),
      'test/Shop: \'store.urlEnv\' ("SESSION-STORE") must be an environment variable name: a letter or \'_\', then letters, digits or \'_\''],
    ['a Memcached URL with a user', () => SessionStore.memcached({ url: 'memcached://me@cache' }),
      'test/Shop: \'store.url\' ("memcached://me@cache") must not hold a user: Memcached\'s plain protocol has no login'],
    ['a Memcached URL with options the app would never be given', () => SessionStore.memcached({ url: 'memcached://cache:11211?timeout=5&retries=2' }),
      'test/Shop: \'store.url\' ("memcached://cache:11211?timeout=5&retries=2") must be memcached://host:port, without a query (?timeout=5&retries=2): the app is given the host and port only, so the rest would be dropped; set client options in the app'],
    ['a Memcached URL with a path and a fragment', () => SessionStore.memcached({ url: 'memcached://cache/some/path#x' }),
      'test/Shop: \'store.url\' ("memcached://cache/some/path#x") must be memcached://host:port, without a path (/some/path) or a fragment (#x): the app is given the host and port only, so the rest would be dropped; set client options in the app'],
    ['a store name the API server refuses', () => SessionStore.memcached({ name: 'Shop_Cache' }),
      `test/Shop: 'store.name' ("Shop_Cache") must be ${describeNameRule(NameRule.DNS_1035_LABEL)}`],
    ['a password the chart holds that a URL cannot carry', () => SessionStore.redis({ password: { secret: chartSecret({ password: 'p@ss word' }), key: 'password' } }),
      'test/Shop: \'store.password\' (key "password" of Secret made-here) must hold a password of letters, digits and \'-._~\' only (e.g. `openssl rand -hex 32`): it is written into a URL by $(VAR) expansion, which does not escape'],
    ['a key the chart\'s Secret does not hold', () => SessionStore.postgres({ password: { secret: chartSecret({ pw: 'x' }), key: 'password' } }),
      'test/Shop: \'store.password\' (key "password" of Secret made-here) must name a key the Secret holds'],
    ['less than a mebibyte of memory', () => SessionStore.memcached({ memory: Size.kibibytes(512) }),
      'test/Shop: \'store.memory\' (512Ki) must be a whole number of mebibytes, at least 1Mi'],
  ];

  test.each(cases)('%s', (_what, store, message) => {
    const chart = newChart('shop');
    expect(() => new SharedSessionApp(chart, 'Shop', { image: 'shop:1', port: 8080, store: store() })).toThrow(message);
    try {
      new SharedSessionApp(newChart('shop'), 'Shop', { image: 'shop:1', port: 8080, store: store() });
    } catch (e) {
      expect((e as Error).message).toEqual(message);
    }
  });
});

describe('SessionStore called from plain JavaScript', () => {
  // What a JavaScript (or untyped) caller can write: no options at all.
  const untyped = SessionStore as any;

  test('GIVEN SessionStore.redis() with no options THEN it is a store, and binding it names the missing password', () => {
    // WHEN
    const store: SessionStore = untyped.redis();
    // THEN
    expect(store.kind).toEqual(SessionStoreKind.REDIS);
    expect(() => new SharedSessionApp(newChart('shop'), 'Shop', { image: 'shop:1', port: 8080, store })).toThrow(
      'test/Shop: \'store.password\' (not given) must name the Secret key holding the password of the Redis run in the chart (auth is always on); or pass \'url\' for an external Redis');
  });

  test('GIVEN SessionStore.memcached() with no options THEN it runs Memcached in the chart', () => {
    const chart = newChart('shop');
    new SharedSessionApp(chart, 'Shop', { metadata: { name: 'shop' }, image: 'shop:1', port: 8080, store: untyped.memcached() });
    expect(only(synthValid(chart), 'Deployment', 'shop-memcached').spec.replicas).toEqual(1);
  });

  test.each([
    ['postgres', 'test/Shop: \'store.password\' (not given) must name the Secret key holding the password of the PostgreSQL run in the chart (its user\'s, set at the first start); or pass \'url\' for an external database'],
    ['jwt', 'test/Shop: \'store.secret\' (not given) must be the Secret holding the JWT signing key'],
  ])('GIVEN SessionStore.%s() with no options THEN binding it names the missing prop', (factory, message) => {
    const store: SessionStore = untyped[factory]();
    expect(() => new SharedSessionApp(newChart('shop'), 'Shop', { image: 'shop:1', port: 8080, store })).toThrow(message);
  });
});

describe('the stores are an open set of one shape', () => {
  test('the concrete stores are not exported: only SessionStore, SqlSessionStore and the options are', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require('../../src');
    for (const name of ['RedisSessionStore', 'MemcachedSessionStore', 'PostgresSessionStore', 'JwtSessionStore']) {
      expect({ name, exported: name in api }).toEqual({ name, exported: false });
    }
    expect(typeof api.SessionStore).toEqual('function');
    expect(typeof api.SqlSessionStore).toEqual('function');
  });

  test('SessionStore.postgres() is an SqlSessionStore; the other stores are not', () => {
    const secret = kplus.Secret.fromSecretName(newChart(), 'S', 's');
    expect(SessionStore.postgres({ password: { secret, key: 'password' } })).toBeInstanceOf(SqlSessionStore);
    expect(SessionStore.postgres({ password: { secret, key: 'password' } }).dialect).toEqual(SqlDialect.POSTGRES);
    expect(SessionStore.redis({ password: { secret, key: 'password' } })).not.toBeInstanceOf(SqlSessionStore);
    expect(SessionStore.memcached()).not.toBeInstanceOf(SqlSessionStore);
    expect(SessionStore.jwt({ secret, key: 'k' })).not.toBeInstanceOf(SqlSessionStore);
  });
});
