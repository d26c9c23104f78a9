import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GrafanaSessions, GrafanaSharedDatabaseOptions, MultiPodGrafana, MultiPodGrafanaProps, SessionStore, SqlSessionStore } from '../../src';
import { GRAFANA_CREDENTIAL_ENV } from '../../src/facts/grafana';
import { synthExample } from '../util/examples';
import { Manifest, newChart, only, synthValid, validateManifests } from '../util/manifests';

function secret(chart: Chart, id: string, name: string, key: string) {
  return { secret: kplus.Secret.fromSecretName(chart, id, name), key };
}

type Built = { chart: Chart; grafana: MultiPodGrafana };

function build(options: (chart: Chart) => GrafanaSharedDatabaseOptions, props: Partial<MultiPodGrafanaProps> = {}): Built {
  const chart = newChart('observability');
  const grafana = new MultiPodGrafana(chart, 'Grafana', {
    adminPassword: secret(chart, 'Admin', 'grafana-admin', 'password'),
    sessions: GrafanaSessions.sharedDatabase(options(chart)),
    ...props,
  });
  return { chart, grafana };
}

function inChart(chart: Chart): GrafanaSharedDatabaseOptions {
  return {
    database: SessionStore.postgres({ password: secret(chart, 'DbPassword', 'grafana-db', 'password'), database: 'grafana', user: 'grafana' }),
    secretKey: secret(chart, 'SecretKey', 'grafana-secret-key', 'secret-key'),
  };
}

function grafanaEnv(manifests: Manifest[]): any[] {
  return only(manifests, 'Deployment', 'grafana').spec.template.spec.containers[0].env;
}

function envByName(manifests: Manifest[]): Record<string, any> {
  return Object.fromEntries(grafanaEnv(manifests).map(e => [e.name, e.value ?? e.valueFrom]));
}

describe('MultiPodGrafana with a shared database (Grafana\'s HA setup)', () => {
  test('PostgreSQL in the chart, wired with GF_DATABASE_*, the secret key from a Secret, alerting HA, a Service without affinity', () => {
    // GIVEN / WHEN
    const { chart } = build(inChart);
    const manifests = synthValid(chart);

    // THEN
    const env = envByName(manifests);
    const postgres = only(manifests, 'Service', 'grafana-postgres');
    expect(env).toEqual({
      GF_SECURITY_ADMIN_PASSWORD: { secretKeyRef: { name: 'grafana-admin', key: 'password' } },
      GF_DATABASE_TYPE: 'postgres',
      GF_DATABASE_HOST: `grafana-postgres.observability.svc.cluster.local:${postgres.spec.ports[0].port}`,
      GF_DATABASE_NAME: 'grafana',
      GF_DATABASE_USER: 'grafana',
      GF_DATABASE_PASSWORD: { secretKeyRef: { name: 'grafana-db', key: 'password' } },
      GF_DATABASE_SSL_MODE: 'disable',
      GF_SECURITY_SECRET_KEY: { secretKeyRef: { name: 'grafana-secret-key', key: 'secret-key' } },
      POD_IP: { fieldRef: { fieldPath: 'status.podIP' } },
      GF_UNIFIED_ALERTING_HA_PEERS: 'grafana-alerting:9094',
      GF_UNIFIED_ALERTING_HA_LISTEN_ADDRESS: '$(POD_IP):9094',
      GF_UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS: '$(POD_IP):9094',
      GF_UNIFIED_ALERTING_HA_PEER_TIMEOUT: '15s',
    });
    expect(postgres.spec.ports[0].port).toEqual(5432);
    // POD_IP comes before the variables that expand it.
    const names = grafanaEnv(manifests).map(e => e.name);
    expect(names.indexOf('POD_IP')).toBeLessThan(names.indexOf('GF_UNIFIED_ALERTING_HA_LISTEN_ADDRESS'));

    const service = only(manifests, 'Service', 'grafana');
    expect(service.spec.sessionAffinity).toBeUndefined();
    expect(service.spec.sessionAffinityConfig).toBeUndefined();
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', selector: { app: 'grafana' }, ports: [{ port: 3000, targetPort: 3000 }] });

    const peers = only(manifests, 'Service', 'grafana-alerting');
    expect(peers.spec).toMatchObject({
      clusterIP: 'None',
      selector: { app: 'grafana' },
      ports: [
        { name: 'gossip-tcp', port: 9094, targetPort: 9094, protocol: 'TCP' },
        { name: 'gossip-udp', port: 9094, targetPort: 9094, protocol: 'UDP' },
      ],
    });
    const container = only(manifests, 'Deployment', 'grafana').spec.template.spec.containers[0];
    expect(container.ports).toEqual([
      { containerPort: 3000, name: 'http' },
      { containerPort: 9094, name: 'gossip-tcp', protocol: 'TCP' },
      { containerPort: 9094, name: 'gossip-udp', protocol: 'UDP' },
    ]);
    expect(only(manifests, 'StatefulSet').metadata.name).toEqual('grafana-postgres');
    expect(manifests).toMatchSnapshot();
  });

  test('every credential comes from a Secret, and no legacy GF_SESSION_* is rendered', () => {
    const { chart } = build(c => ({
      ...inChart(c),
      remoteCache: SessionStore.redis({ password: secret(c, 'RedisPassword', 'grafana-redis', 'password') }),
    }));
    const manifests = synthValid(chart);
    for (const e of grafanaEnv(manifests)) {
      expect(e.name).not.toMatch(/^GF_SESSION_/);
      if (GRAFANA_CREDENTIAL_ENV.includes(e.name) && e.name !== 'GF_REMOTE_CACHE_CONNSTR') {
        expect({ name: e.name, fromSecret: e.valueFrom?.secretKeyRef !== undefined }).toEqual({ name: e.name, fromSecret: true });
      }
    }
    // Nothing in the chart holds a Secret's data.
    expect(manifests.filter(m => m.kind === 'Secret')).toEqual([]);
  });

  test('a Redis remote cache: the password expanded from a Secret into the connection string', () => {
    const { chart } = build(c => ({
      ...inChart(c),
      remoteCache: SessionStore.redis({ password: secret(c, 'RedisPassword', 'grafana-redis', 'password') }),
    }));
    const manifests = synthValid(chart);
    const env = grafanaEnv(manifests);
    const names = env.map(e => e.name);
    expect(envByName(manifests)).toMatchObject({
      GRAFANA_REMOTE_CACHE_PASSWORD: { secretKeyRef: { name: 'grafana-redis', key: 'password' } },
      GF_REMOTE_CACHE_TYPE: 'redis',
      GF_REMOTE_CACHE_CONNSTR: 'addr=grafana-redis.observability.svc.cluster.local:6379,password=$(GRAFANA_REMOTE_CACHE_PASSWORD),ssl=false',
    });
    expect(names.indexOf('GRAFANA_REMOTE_CACHE_PASSWORD')).toBeLessThan(names.indexOf('GF_REMOTE_CACHE_CONNSTR'));
    expect(only(manifests, 'StatefulSet', 'grafana-redis')).toBeDefined();
  });

  test('a Memcached remote cache', () => {
    const { chart } = build(c => ({ ...inChart(c), remoteCache: SessionStore.memcached() }));
    expect(envByName(synthValid(chart))).toMatchObject({
      GF_REMOTE_CACHE_TYPE: 'memcached',
      GF_REMOTE_CACHE_CONNSTR: 'grafana-memcached.observability.svc.cluster.local:11211',
    });
  });

  test('an external PostgreSQL over TLS: nothing runs in the chart, Grafana verifies the server', () => {
    const { chart } = build(c => ({
      database: SessionStore.postgres({
        url: 'postgresql://grafana@db.example.com:6432/grafana?sslmode=verify-full',
        password: secret(c, 'DbPassword', 'grafana-db', 'password'),
      }),
      secretKey: secret(c, 'SecretKey', 'grafana-secret-key', 'secret-key'),
      alertingHighAvailability: false,
    }));
    const manifests = synthValid(chart);
    expect(manifests.map(m => m.kind).sort()).toEqual(['Deployment', 'Service']);
    expect(envByName(manifests)).toMatchObject({
      GF_DATABASE_HOST: 'db.example.com:6432',
      GF_DATABASE_NAME: 'grafana',
      GF_DATABASE_USER: 'grafana',
      GF_DATABASE_SSL_MODE: 'verify-full',
    });
    expect(Object.keys(envByName(manifests)).filter(n => n.includes('ALERTING'))).toEqual([]);
  });

  test('selects Grafana\'s pods only for a store that admits them: the in-chart PostgreSQL\'s NetworkPolicy, not an external one', () => {
    // GIVEN Grafana with PostgreSQL in the chart
    const { chart: withStore, grafana: admitted } = build(inChart);
    const policy = only(synthValid(withStore), 'NetworkPolicy', 'grafana-postgres');
    // THEN the store's NetworkPolicy admits Grafana's pods, by their app label
    expect(policy.spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { app: 'grafana' } } }]);
    expect(admitted.node.tryFindChild('Pods')).toBeDefined();
    // GIVEN an external PostgreSQL THEN no selection is made (one construct less per Grafana)
    const { grafana: external } = build(c => ({
      database: SessionStore.postgres({ url: 'postgresql://grafana@db.example.com/grafana', password: secret(c, 'DbPassword', 'grafana-db', 'password') }),
      secretKey: secret(c, 'SecretKey', 'grafana-secret-key', 'secret-key'),
    }));
    expect(external.node.tryFindChild('Pods')).toBeUndefined();
  });

  test('an external PostgreSQL taken as given: any role and database name, no password (certificate authentication)', () => {
    // GIVEN a role and database the library could not create, a $ in the role, and no password
    const { chart } = build(c => ({
      database: SessionStore.postgres({ url: 'postgresql://grafana%40myserver@db.example.com/Grafana-DB$1?sslmode=verify-full' }),
      secretKey: secret(c, 'SecretKey', 'grafana-secret-key', 'secret-key'),
    }));
    // THEN Grafana gets the names decoded, `$` doubled for Kubernetes, and no password variable
    const env = envByName(synthValid(chart));
    expect(env).toMatchObject({ GF_DATABASE_HOST: 'db.example.com:5432', GF_DATABASE_USER: 'grafana@myserver', GF_DATABASE_NAME: 'Grafana-DB$$1' });
    expect(env.GF_DATABASE_PASSWORD).toBeUndefined();
  });

  test('refuses an external PostgreSQL with several hosts: Grafana takes one host:port', () => {
    expect(() => build(c => ({
      database: SessionStore.postgres({ url: 'postgresql://grafana@db1:5432,db2:5432/grafana', password: secret(c, 'P', 'p', 'p') }),
      secretKey: secret(c, 'SecretKey', 'grafana-secret-key', 'secret-key'),
    }))).toThrow("test/Grafana: 'sessions.database' (url with hosts db1:5432,db2:5432) must name one host: Grafana's GF_DATABASE_HOST takes one host:port, not libpq's list of hosts");
  });

  test('an external PostgreSQL with sslmode=require', () => {
    const { chart } = build(c => ({
      database: SessionStore.postgres({ url: 'postgresql://grafana@db.example.com/grafana?sslmode=require', password: secret(c, 'DbPassword', 'grafana-db', 'password') }),
      secretKey: secret(c, 'SecretKey', 'grafana-secret-key', 'secret-key'),
    }));
    expect(envByName(synthValid(chart))).toMatchObject({ GF_DATABASE_HOST: 'db.example.com:5432', GF_DATABASE_SSL_MODE: 'require' });
  });

  test('with KEDA autoscaling: the ScaledObject owns the replica count and passes the strict CRD check', () => {
    const { chart, grafana } = build(inChart, { autoscaling: { minReplicas: 2, maxReplicas: 10 } });
    const manifests = synthValid(chart);
    expect(only(manifests, 'Deployment', 'grafana').spec.replicas).toBeUndefined();
    expect(only(manifests, 'ScaledObject').spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 10, scaleTargetRef: { name: 'grafana' } });
    expect(grafana.replicas).toBeUndefined();
    expect(grafana.scaledObject?.maxReplicas).toEqual(10);
  });

  test('takes only an SQL store as its database: the type refuses Redis, Memcached and JWT', () => {
    const c = newChart('observability');
    const base = inChart(c);
    const options = (database: SqlSessionStore): GrafanaSharedDatabaseOptions => ({ ...base, database });
    // @ts-expect-error Redis cannot hold Grafana's data
    options(SessionStore.redis({ password: secret(c, 'R', 'r', 'p') }));
    // @ts-expect-error nor can Memcached
    options(SessionStore.memcached());
    // @ts-expect-error nor a JWT key
    options(SessionStore.jwt({ secret: kplus.Secret.fromSecretName(c, 'J', 'j'), key: 'k' }));
    expect(options(SessionStore.postgres({ password: secret(c, 'P', 'p', 'p') })).database).toBeInstanceOf(SqlSessionStore);
  });

  test('refuses, from an untyped caller, a database that is not PostgreSQL', () => {
    expect(() => build(c => ({ ...inChart(c), database: SessionStore.redis({ password: secret(c, 'R', 'r', 'p') }) as any })))
      .toThrow("test/Grafana: 'sessions.database' (redis) must be SessionStore.postgres(): several Grafana replicas share logins only through a shared MySQL or PostgreSQL database");
  });


  test('refuses a remote cache Grafana cannot use', () => {
    expect(() => build(c => ({ ...inChart(c), remoteCache: SessionStore.postgres({ password: secret(c, 'P', 'p', 'p') }) })))
      .toThrow("test/Grafana: 'sessions.remoteCache' (postgres) must be SessionStore.redis() or SessionStore.memcached(): the remote caches Grafana supports");
  });

  test('refuses an sslmode Grafana does not know', () => {
    expect(() => build(c => ({
      ...inChart(c),
      database: SessionStore.postgres({ url: 'postgresql://grafana@db.example.com/grafana?sslmode=verify-ca', password: secret(c, 'P', 'p', 'p') }),
    }))).toThrow("test/Grafana: 'sessions.database' (sslmode=verify-ca) must be one of Grafana's PostgreSQL ssl modes: disable, require, verify-full");
  });
});

test('example grafana-ha: shared PostgreSQL and Redis, alerting HA, KEDA, no affinity, all valid', () => {
  const manifests = synthExample('grafana-ha');
  validateManifests(manifests);
  const service = only(manifests, 'Service', 'grafana');
  expect(service.spec.sessionAffinity).toBeUndefined();
  expect(only(manifests, 'Deployment', 'grafana').spec.replicas).toBeUndefined();
  expect(only(manifests, 'ScaledObject', 'grafana').spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 8 });
  expect(envByName(manifests)).toMatchObject({ GF_DATABASE_TYPE: 'postgres', GF_REMOTE_CACHE_TYPE: 'redis' });
  expect(only(manifests, 'Service', 'grafana-alerting').spec.clusterIP).toEqual('None');
});

describe('MultiPodGrafana with a shared database and the image it is given', () => {
  test.each(['grafana/grafana:6.1.6', 'docker.io/grafana/grafana:v5.4.3', 'grafana/grafana:6.1.0-ubuntu@sha256:' + '0'.repeat(64)])(
    'GIVEN %s, older than 6.2 THEN refused: its sessions are not in the shared database', image => {
      expect(() => build(inChart, { image })).toThrow(`test/Grafana: 'image' (${JSON.stringify(image)}) must be Grafana 6.2 or later with a shared database: `
        + 'before it, Grafana kept sessions by its [session] section (files on each pod by default), not in the database its replicas share');
    });

  test.each(['grafana/grafana:6.2.0', 'grafana/grafana-oss:11.3.0', 'grafana/grafana', 'grafana/grafana:latest', 'registry.example.com:5000/grafana/grafana:10.4.2'])(
    'GIVEN %s THEN taken (6.2 or later, or a tag that names no version)', image => {
      expect(() => build(inChart, { image })).not.toThrow();
    });

  test('GIVEN an image older than 6.2 with ClientIP affinity THEN taken: each pod keeps its sessions, and ClientIP keeps users with them', () => {
    const chart = newChart('observability');
    expect(() => new MultiPodGrafana(chart, 'Grafana', { adminPassword: secret(chart, 'Admin', 'grafana-admin', 'password'), image: 'grafana/grafana:6.1.6' })).not.toThrow();
  });
});
