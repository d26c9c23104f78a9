import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as kplus from 'cdk8s-plus-28';
import * as memjs from 'memjs';
import { Client as PgClient } from 'pg';
import { createClient } from 'redis';
import { containerOf, rehost, resolveEnv, secretValue } from './util/kubelet';
import {
  freePort, isRoot, PostgresCluster, postgresBin, scratch, Server, serverAvailable, skippedFor, spawnServer, waitForPort, which,
} from './util/servers';
import { SessionStore, SharedSessionApp } from '../../src';
import { Manifest, newChart, synthValid } from '../util/manifests';

// Real servers, configured only from what the constructs synthesized: the
// app's env is resolved as the kubelet would, and only host and port are
// rewritten to the local server's.
jest.setTimeout(60_000);

const PASSWORD = 'correct-horse-battery-staple';
const SESSION = { user: 'ada', cart: ['tea', 'scones'] };

/** The shop app of the README, with its store's password in a Secret the user made. */
function shop(store: (secret: kplus.ISecret) => SessionStore): Manifest[] {
  const chart = newChart('shop');
  const secret = new kplus.Secret(chart, 'Auth', { metadata: { name: 'shop-sessions' }, stringData: { password: PASSWORD } });
  new SharedSessionApp(chart, 'Shop', {
    metadata: { name: 'shop' },
    image: 'ghcr.io/example/shop:1.4.2',
    port: 8080,
    store: store(secret),
  });
  return synthValid(chart);
}

/** The app container's environment, resolved. */
function appEnv(manifests: Manifest[]): Map<string, string> {
  return resolveEnv(manifests, containerOf(manifests, 'Deployment', 'shop'), 'shop');
}

function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) {
    throw new Error(`expected ${JSON.stringify(from)} in ${JSON.stringify(text)}`);
  }
  return text.replace(from, to);
}

const redisPresent = serverAvailable('redis-server', which('redis-server') !== undefined && which('redis-cli') !== undefined);
const describeRedis = redisPresent ? describe : skippedFor('redis-server');

describeRedis('Redis run in the chart, against a real redis-server', () => {
  let manifests: Manifest[];
  let server: Server;
  let dir: string;
  let serverEnv: Map<string, string>;
  let redisContainer: any;

  beforeAll(async () => {
    manifests = shop(secret => SessionStore.redis({ password: { secret, key: 'password' } }));
    redisContainer = containerOf(manifests, 'StatefulSet', 'shop-redis');
    serverEnv = resolveEnv(manifests, redisContainer, 'shop');
    const port = await freePort();
    dir = scratch('redis');
    // The container's own command, with only port, data folder and listen
    // address changed: the password reaches redis-server the way it will in
    // the pod, on standard input.
    expect(redisContainer.command.slice(0, 2)).toEqual(['sh', '-c']);
    let script: string = redisContainer.command[2];
    script = replaceOnce(script, '--port 6379', `--port ${port} --bind 127.0.0.1`);
    script = replaceOnce(script, '--dir /data', `--dir ${dir}`);
    server = spawnServer('redis', port, 'sh', ['-c', script], { PATH: process.env.PATH, ...Object.fromEntries(serverEnv) });
    await waitForPort(port);
  });

  afterAll(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the server took its password from the Secret, and no command line holds it', () => {
    expect(serverEnv.get('REDISCLI_AUTH')).toEqual(PASSWORD);
    const cmdline = fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf-8');
    // `exec` replaced the shell: the pod's PID 1 is redis-server itself.
    expect(cmdline).toContain('redis-server');
    expect(cmdline).not.toContain(PASSWORD);
    expect(JSON.stringify(redisContainer)).not.toContain(PASSWORD);
  });

  test('the app writes a session and reads it back through SESSION_STORE', async () => {
    const env = appEnv(manifests);
    expect(env.get('SESSION_STORE')).toEqual(`redis://:${PASSWORD}@shop-redis.shop.svc.cluster.local:6379`);
    const client = createClient({ url: rehost(env.get('SESSION_STORE')!, '127.0.0.1', server.port) });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.set('sess:42', JSON.stringify(SESSION), { EX: 60 });
      expect(JSON.parse((await client.get('sess:42'))!)).toEqual(SESSION);
      expect(await client.ttl('sess:42')).toBeGreaterThan(0);
    } finally {
      await client.quit();
    }
  });

  test('an app pointed at it as an external Redis (url + password) reaches it too', async () => {
    const external = shop(secret => SessionStore.redis({ url: 'redis://cache.example.com:6380/0', password: { secret, key: 'password' } }));
    const env = appEnv(external);
    expect(env.get('SESSION_STORE')).toEqual(`redis://:${PASSWORD}@cache.example.com:6380/0`);
    const client = createClient({ url: rehost(env.get('SESSION_STORE')!, '127.0.0.1', server.port) });
    client.on('error', () => undefined);
    await client.connect();
    try {
      expect(await client.ping()).toEqual('PONG');
    } finally {
      await client.quit();
    }
  });

  test('a wrong password is refused', async () => {
    const url = new URL(rehost(appEnv(manifests).get('SESSION_STORE')!, '127.0.0.1', server.port));
    url.password = 'wrong-password';
    const client = createClient({ url: url.href, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toThrow(/WRONGPASS/);
  });

  test('the readiness probe passes with the Secret\'s password and fails without it', () => {
    const probe: string[] = redisContainer.readinessProbe.exec.command;
    const command = probe.map(arg => arg.replace('-p 6379', `-p ${server.port}`));
    expect(command).not.toEqual(probe);
    const withAuth = spawnSync(command[0], command.slice(1), { env: { PATH: process.env.PATH, ...Object.fromEntries(serverEnv) } });
    expect(withAuth.status).toEqual(0);
    const withoutAuth = spawnSync(command[0], command.slice(1), { env: { PATH: process.env.PATH } });
    expect(withoutAuth.status).not.toEqual(0);
  });
});

const memcachedPresent = serverAvailable('memcached', which('memcached') !== undefined);
const describeMemcached = memcachedPresent ? describe : skippedFor('memcached');

describeMemcached('Memcached run in the chart, against a real memcached', () => {
  let manifests: Manifest[];
  let server: Server;

  beforeAll(async () => {
    manifests = shop(() => SessionStore.memcached());
    const container = containerOf(manifests, 'Deployment', 'shop-memcached');
    const port = await freePort();
    const args: string[] = container.args.map((arg: string) => (arg === '11211' ? String(port) : arg));
    expect(args).toContain(String(port));
    // memcached refuses to run as root without a user to drop to.
    const extra = ['-l', '127.0.0.1', ...(isRoot() ? ['-u', 'nobody'] : [])];
    server = spawnServer('memcached', port, container.command[0], [...args, ...extra], { PATH: process.env.PATH });
    await waitForPort(port);
  });

  afterAll(async () => {
    await server?.stop();
  });

  test('the app writes a session and reads it back through SESSION_STORE', async () => {
    const env = appEnv(manifests);
    expect(env.get('SESSION_STORE')).toEqual('memcached://shop-memcached.shop.svc.cluster.local:11211');
    const url = new URL(rehost(env.get('SESSION_STORE')!, '127.0.0.1', server.port));
    const client = memjs.Client.create(url.host, { retries: 0, timeout: 2 });
    try {
      await client.set('sess:42', JSON.stringify(SESSION), { expires: 60 });
      const { value } = await client.get('sess:42');
      expect(JSON.parse(value!.toString())).toEqual(SESSION);
    } finally {
      client.close();
    }
  });
});

const pgBin = postgresBin();
const postgresPresent = serverAvailable('PostgreSQL (initdb, pg_ctl)', pgBin !== undefined);
const describePostgres = postgresPresent ? describe : skippedFor('PostgreSQL (initdb, pg_ctl)');

describePostgres('PostgreSQL run in the chart, against a real PostgreSQL server', () => {
  let manifests: Manifest[];
  let cluster: PostgresCluster;
  let dbEnv: Map<string, string>;

  beforeAll(async () => {
    manifests = shop(secret => SessionStore.postgres({ password: { secret, key: 'password' } }));
    const statefulSet = manifests.find(m => m.kind === 'StatefulSet' && m.metadata.name === 'shop-postgres')!;
    const container = statefulSet.spec.template.spec.containers[0];
    dbEnv = resolveEnv(manifests, container, 'shop');
    // The password file, read as the kubelet mounts it: the Secret volume
    // whose mount holds POSTGRES_PASSWORD_FILE.
    const file = dbEnv.get('POSTGRES_PASSWORD_FILE')!;
    const mount = container.volumeMounts.find((m: any) => m.mountPath === path.dirname(file));
    const volume = statefulSet.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
    const item = volume.secret.items.find((i: any) => i.path === path.basename(file));
    const password = secretValue(manifests, volume.secret.secretName, item.key, 'shop');

    cluster = PostgresCluster.start(pgBin!, await freePort(), dbEnv.get('POSTGRES_USER')!, password);
    // What the image's entrypoint does at the first start: create POSTGRES_DB.
    const admin = new PgClient({ host: '127.0.0.1', port: cluster.port, user: dbEnv.get('POSTGRES_USER'), password, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${dbEnv.get('POSTGRES_DB')}"`);
    } finally {
      await admin.end();
    }
  });

  afterAll(() => {
    cluster?.stop();
  });

  test('the server\'s user and database are the ones the app is given', () => {
    expect({ user: dbEnv.get('POSTGRES_USER'), db: dbEnv.get('POSTGRES_DB') }).toEqual({ user: 'sessions', db: 'sessions' });
  });

  test('the app writes a session and reads it back through SESSION_DATABASE', async () => {
    const env = appEnv(manifests);
    expect(env.get('SESSION_DATABASE')).toEqual(`postgresql://sessions:${PASSWORD}@shop-postgres.shop.svc.cluster.local:5432/sessions`);
    const client = new PgClient({ connectionString: rehost(env.get('SESSION_DATABASE')!, '127.0.0.1', cluster.port) });
    await client.connect();
    try {
      await client.query('CREATE TABLE IF NOT EXISTS sessions (sid text PRIMARY KEY, sess jsonb NOT NULL, expire timestamptz NOT NULL)');
      await client.query("INSERT INTO sessions VALUES ($1, $2, now() + interval '1 hour')", ['42', SESSION]);
      const { rows } = await client.query('SELECT sess FROM sessions WHERE sid = $1 AND expire > now()', ['42']);
      expect(rows).toEqual([{ sess: SESSION }]);
    } finally {
      await client.end();
    }
  });

  test('an app pointed at it as an external database (url + password) reaches it too', async () => {
    const external = shop(secret => SessionStore.postgres({ url: 'postgresql://sessions@db.example.com/sessions?sslmode=disable', password: { secret, key: 'password' } }));
    const env = appEnv(external);
    expect(env.get('SESSION_DATABASE')).toEqual(`postgresql://sessions:${PASSWORD}@db.example.com/sessions?sslmode=disable`);
    const client = new PgClient({ connectionString: rehost(env.get('SESSION_DATABASE')!, '127.0.0.1', cluster.port) });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT current_user AS user, current_database() AS db');
      expect(rows).toEqual([{ user: 'sessions', db: 'sessions' }]);
    } finally {
      await client.end();
    }
  });

  test('a wrong password is refused', async () => {
    const url = new URL(rehost(appEnv(manifests).get('SESSION_DATABASE')!, '127.0.0.1', cluster.port));
    url.password = 'wrong-password';
    const client = new PgClient({ connectionString: url.href });
    client.on('error', () => undefined);
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
    await client.end().catch(() => undefined);
  });
});
