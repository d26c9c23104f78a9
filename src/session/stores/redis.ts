import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  addVolumeClaimTemplate, checkNames, checkPassword, containerSecurityContext,
  parseStoreUrl, placement, podSecurityContext, statefulStoreServices, storeImage, storeNetworkPolicy, storeResources, urlAndPasswordEnv,
} from './common';
import { InChartStoreOptions } from './options';
import { propError } from '../../errors';
import {
  REDIS_DATA_DIR, REDIS_IMAGE, REDIS_PORT, REDIS_SCHEMES, REDIS_UID, REDISCLI_AUTH_ENV, SESSION_STORE_ENV,
} from '../../facts/session-stores';
import { keepStatefulSetVolumes } from '../../plus-compat';
import { describeSize } from '../../units';
import {
  SecretKeyRef, SessionEnvVariable, SessionStore, SessionStoreConfig, SessionStoreConsumer, SessionStoreKind,
} from '../session-store';

/** Options of `SessionStore.redis()`. */
export interface RedisSessionStoreOptions extends InChartStoreOptions {
  /**
   * An external Redis (`redis://host:6379`, or `rediss://` for TLS): nothing
   * runs in the chart. Without a password in it: pass `password` for that.
   *
   * @default - Redis runs in the chart
   */
  readonly url?: string;

  /**
   * The Secret key holding Redis' password. Required when Redis runs in the
   * chart (auth is always on there); for an external Redis, give it when that
   * Redis wants one. Use letters, digits and `-._~` only: the password is
   * written into the app's URL by `$(VAR)` expansion, which does not escape.
   *
   * @default - none: only for an external Redis without auth
   */
  readonly password?: SecretKeyRef;

  /**
   * Keep Redis' data on a volume claim of this size, so sessions survive a
   * rescheduled pod.
   *
   * @default - an emptyDir: sessions survive a container restart, not the pod
   */
  readonly storage?: Size;

  /**
   * Storage class of the volume claim: only with `storage` (without it there
   * is no claim). `''` asks for no class, so no dynamic provisioning.
   *
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;

  /**
   * Name of the app's variable with the URL.
   *
   * @default 'SESSION_STORE'
   */
  readonly urlEnv?: string;

  /**
   * Name of the app's variable with the password (a `secretKeyRef`), which the
   * URL embeds as `$(<name>)`; not `urlEnv`.
   *
   * @default - `<urlEnv>_PASSWORD`
   */
  readonly passwordEnv?: string;
}

/**
 * Redis as a session store. In the chart: a one-pod StatefulSet of the
 * official image, running as its `redis` user with a read-only root
 * filesystem; the password reaches `redis-server` on its standard input (as a
 * `requirepass` line) and `redis-cli` through `REDISCLI_AUTH`, never on a
 * command line.
 *
 * @see https://redis.io/docs/latest/operate/oss_and_stack/management/config/
 */
export class RedisSessionStore extends SessionStore {
  /** Which store this is. */
  public readonly kind = SessionStoreKind.REDIS;

  /** The options given. */
  private readonly options: RedisSessionStoreOptions;

  /** @param options the password Secret or external URL, and the knobs */
  public constructor(options: RedisSessionStoreOptions = {}) {
    super();
    this.options = options;
  }

  /**
   * Runs Redis under `scope` (unless `url` is given) and returns the app's env.
   *
   * @param scope where to create the store's objects
   * @param consumer the consumer's name, namespace and pods
   */
  public bind(scope: Construct, consumer: SessionStoreConsumer): SessionStoreConfig {
    const o = this.options;
    const { urlEnv, passwordEnv } = urlAndPasswordEnv(scope, o, SESSION_STORE_ENV);
    if (o.password !== undefined) {
      checkPassword(scope, 'store.password', o.password, consumer);
    }

    if (o.url !== undefined) {
      const url = parseStoreUrl(scope, 'store.url', o.url, REDIS_SCHEMES, 'Redis');
      for (const [prop, value] of [['storage', o.storage], ['storageClassName', o.storageClassName], ['image', o.image], ['name', o.name],
        ['resources', o.resources], ['clusterDomain', o.clusterDomain]] as const) {
        if (value !== undefined) {
          throw propError(scope, `store.${prop}`, 'given', 'applies only to a Redis run in the chart: drop it, or drop \'url\'');
        }
      }
      const port = url.port === '' ? REDIS_PORT : Number(url.port);
      return {
        kind: this.kind,
        env: redisEnv(urlEnv, passwordEnv, url, o.password),
        url: url.href.replace(/\/$/, ''),
        host: url.hostname,
        port,
        password: o.password,
        tls: url.protocol === 'rediss:',
        runsInChart: false,
      };
    }

    if (o.password === undefined) {
      throw propError(scope, 'store.password', 'not given',
        'must name the Secret key holding the password of the Redis run in the chart (auth is always on); or pass \'url\' for an external Redis');
    }
    if (o.storageClassName !== undefined && o.storage === undefined) {
      throw propError(scope, 'store.storageClassName', JSON.stringify(o.storageClassName),
        'applies only to a volume claim: give \'storage\' too, or drop it (without \'storage\' Redis keeps its data on an emptyDir)');
    }
    const place = placement(consumer, scope, 'redis', o);
    // Resources given without memory keep these: the limit is what --maxmemory is set from.
    const resources = storeResources(scope, o.resources, {
      cpu: { request: kplus.Cpu.millis(50) },
      memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) },
    }, 'Redis\'s --maxmemory is set a quarter below it, and without one Redis keeps every session in memory until the node evicts the pod');
    const limit = o.resources?.memory?.limit;
    if (limit !== undefined && maxMemoryMebibytes(limit) < 1) {
      throw propError(scope, 'store.resources.memory.limit', describeSize(limit),
        `must be at least ${REDIS_LEAST_MEMORY_LIMIT_MIB}Mi: Redis's --maxmemory is set a quarter below the limit in whole mebibytes, which for a smaller limit is 0, `
        + 'so Redis would run without one and keep every session in memory until the container is killed for memory');
    }
    const { service, governingService } = statefulStoreServices(scope, place, { name: 'redis', number: REDIS_PORT });
    const statefulSet = new kplus.StatefulSet(scope, 'Store', {
      metadata: place.metadata,
      service: governingService,
      replicas: 1,
      securityContext: podSecurityContext(REDIS_UID),
    });
    keepStatefulSetVolumes(statefulSet);
    statefulSet.podMetadata.addLabel('app.kubernetes.io/name', 'redis');
    statefulSet.podMetadata.addLabel('app.kubernetes.io/instance', place.name);
    // The StatefulSet makes its headless Service select its pods; the clients' Service too:
    service.select(statefulSet);

    const container = statefulSet.addContainer({
      name: 'redis',
      image: storeImage(scope, o.image, REDIS_IMAGE),
      // The tag is pinned: pull it once per node.
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      // The password goes to redis-server as a config line on its standard
      // input, from a variable the shell expands inside the here-document:
      // no argv ever holds it. `exec` leaves redis-server as PID 1, so it gets
      // SIGTERM and writes its append-only file before the pod stops.
      command: ['sh', '-c', [
        `exec redis-server - --port ${REDIS_PORT} --dir ${REDIS_DATA_DIR} --appendonly yes${maxMemoryArgs(resources)} <<EOF`,
        `requirepass $${REDISCLI_AUTH_ENV}`,
        'EOF',
      ].join('\n')],
      ports: [{ name: 'redis', number: REDIS_PORT }],
      envVariables: {
        [REDISCLI_AUTH_ENV]: kplus.EnvValue.fromSecretValue({ secret: o.password.secret, key: o.password.key }),
      },
      securityContext: containerSecurityContext(REDIS_UID),
      resources,
      // redis-cli prints NOAUTH and still exits 0, so the answer is compared.
      readiness: kplus.Probe.fromCommand(['sh', '-c', `test "$(redis-cli -p ${REDIS_PORT} ping)" = PONG`], {
        periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3),
      }),
      liveness: kplus.Probe.fromTcpSocket({
        port: REDIS_PORT, initialDelaySeconds: Duration.seconds(10), periodSeconds: Duration.seconds(10),
      }),
    });
    container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'StoreTmp', 'tmp'));
    if (o.storage !== undefined) {
      addVolumeClaimTemplate(scope, statefulSet, 'data', REDIS_DATA_DIR, o.storage, o.storageClassName);
    } else {
      container.mount(REDIS_DATA_DIR, kplus.Volume.fromEmptyDir(scope, 'StoreData', 'data'));
    }

    const networkPolicy = storeNetworkPolicy(scope, place, statefulSet, consumer, REDIS_PORT);
    checkNames(scope, [service, governingService, statefulSet, networkPolicy]);

    // What `new URL()` reads of this address, without parsing it: the host is
    // checked names only (lower-case letters, digits, '-' and '.').
    const host = `${place.host}:${REDIS_PORT}`;
    const address: RedisAddress = { href: `redis://${host}`, protocol: 'redis:', username: '', host, pathname: '', search: '' };
    return {
      kind: this.kind,
      env: redisEnv(urlEnv, passwordEnv, address, o.password),
      url: address.href,
      host: place.host,
      port: REDIS_PORT,
      password: o.password,
      tls: false,
      runsInChart: true,
      service,
      workload: statefulSet,
      networkPolicy,
      governingService,
    };
  }
}

/** What redisEnv reads of a Redis URL. */
type RedisAddress = Pick<URL, 'href' | 'protocol' | 'username' | 'host' | 'pathname' | 'search'>;

/**
 * The password variable, then the URL that embeds it as `$(VAR)`: Redis
 * clients read `redis://:password@host:port` (empty user: the default user).
 */
function redisEnv(urlEnv: string, passwordEnv: string, url: RedisAddress, password: SecretKeyRef | undefined): SessionEnvVariable[] {
  const bare = url.href.replace(/\/$/, '');
  if (password === undefined) {
    return [{ name: urlEnv, value: kplus.EnvValue.fromValue(bare) }];
  }
  const user = url.username;
  const withAuth = `${url.protocol}//${user}:$(${passwordEnv})@${url.host}${url.pathname === '/' ? '' : url.pathname}${url.search}`;
  return [
    { name: passwordEnv, value: kplus.EnvValue.fromSecretValue({ secret: password.secret, key: password.key }) },
    { name: urlEnv, value: kplus.EnvValue.fromValue(withAuth) },
  ];
}

/**
 * Keeps Redis under its container's memory limit: at a quarter below it,
 * Redis evicts the least recently used keys that have an expiry (sessions
 * do) instead of being killed for memory, which with an append-only file on
 * an emptyDir would replay into the same limit at every restart.
 *
 * @see https://redis.io/docs/latest/develop/reference/eviction/
 */
function maxMemoryArgs(resources: kplus.ContainerResources): string {
  const limit = resources.memory?.limit;
  if (limit === undefined) {
    return '';
  }
  const mib = maxMemoryMebibytes(limit);
  return mib >= 1 ? ` --maxmemory ${mib}mb --maxmemory-policy volatile-lru` : '';
}

/**
 * Redis's `--maxmemory` for a container memory limit, in whole mebibytes
 * (Redis reads `mb` as 1024*1024 bytes): a quarter below the limit, rounded
 * down. 0 (no `--maxmemory` written) for a limit under `REDIS_LEAST_MEMORY_LIMIT_MIB`.
 */
function maxMemoryMebibytes(limit: Size): number {
  return Math.floor(limit.toMebibytes({ rounding: SizeRoundingBehavior.NONE }) * 0.75);
}

/**
 * The least memory limit (in the whole mebibytes a store's resources are
 * given in) that leaves Redis a `--maxmemory` of at least 1mb: 2Mi gives 1mb,
 * 1Mi gives 0.
 */
const REDIS_LEAST_MEMORY_LIMIT_MIB = 2;
