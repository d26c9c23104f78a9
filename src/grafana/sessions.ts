import { ApiObject, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { propError } from '../errors';
import {
  GRAFANA_ALERTING_HA_PEER_TIMEOUT,
  GRAFANA_ALERTING_HA_PORT,
  GRAFANA_ENV,
  GRAFANA_HTTP_PORT,
  GRAFANA_POSTGRES_SSL_MODES,
} from '../facts/grafana';
import { envLiteral } from '../facts/kubernetes';
import { NameRule } from '../facts/names';
import { checkName, checkObjectNames } from '../names';
import { LoadBalancerStickiness } from '../service/load-balancer-stickiness';
import { StickyService } from '../service/sticky-service';
import { ExternalTrafficPolicy } from '../service/traffic-policy';
import {
  SecretKeyRef, SessionEnvVariable, SessionStore, SessionStoreConfig, SessionStoreConsumer, SessionStoreKind, SqlSessionStore,
} from '../session/session-store';
import { A_LOAD_BALANCER_STICKINESS, untypedProps } from '../units';

/** Options of `GrafanaSessions.clientIpAffinity()`. */
export interface GrafanaClientIpAffinityOptions {
  /**
   * How long a user's IP stays on the pod that logged them in, after their
   * last request.
   *
   * @default - 3 hours (`AffinityTimeout.KUBERNETES_DEFAULT`, 10800 s)
   */
  readonly affinityTimeout?: Duration;

  /**
   * External traffic policy of the Service.
   *
   * @default - `Local` on a LoadBalancer Service, so kube-proxy sees the
   * user's own IP; unset otherwise
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;

  /**
   * Make the cloud load balancer in front of a LoadBalancer Service keep each
   * user on one node, as kube-proxy keeps them on one pod: needed on EKS
   * (`LoadBalancerStickiness.awsNlb()`), written down on GKE and AKS
   * (`gcp()`, `azure()`), whose load balancers follow `sessionAffinity`. Only
   * with a LoadBalancer `serviceType`.
   *
   * @default - none: the cloud load balancer is left as its provider sets it up
   */
  readonly loadBalancerStickiness?: LoadBalancerStickiness;
}

/** Options of `GrafanaSessions.persistentVolume()`. */
export interface GrafanaPersistentVolumeOptions {
  /**
   * Name of the PersistentVolumeClaim.
   *
   * @default 'grafana-sessions'
   */
  readonly claimName?: string;

  /**
   * Storage class of the claim.
   *
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;

  /**
   * Access mode of the claim. `READ_WRITE_MANY` (with a storage class that
   * provides it: NFS, CephFS, Azure Files, EFS) keeps rolling updates; it does
   * not allow several replicas, which cannot share Grafana's SQLite file.
   *
   * @default kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: kplus.PersistentVolumeAccessMode;

  /**
   * Size of the claim.
   *
   * @default Size.gibibytes(1)
   */
  readonly storage?: Size;
}

/** Options of `GrafanaSessions.sharedDatabase()`. */
export interface GrafanaSharedDatabaseOptions {
  /**
   * The database every replica shares, where Grafana keeps users,
   * dashboards and login sessions: `SessionStore.postgres()`, run in the
   * chart (the store's default) or external (its `url`). Grafana reads it
   * from `GF_DATABASE_*`, the password from the store's Secret. The type
   * admits only SQL stores: Redis, Memcached and JWT cannot hold Grafana's data.
   */
  readonly database: SqlSessionStore;

  /**
   * The key Grafana signs and encrypts with (`GF_SECURITY_SECRET_KEY`). Every
   * replica must have the same one, or data sources' secrets saved by one
   * pod cannot be read by another.
   */
  readonly secretKey: SecretKeyRef;

  /**
   * A remote cache for short-lived shared data (`GF_REMOTE_CACHE_*`):
   * `SessionStore.redis()` or `SessionStore.memcached()`.
   *
   * @default - Grafana's default, the shared database itself
   */
  readonly remoteCache?: SessionStore;

  /**
   * Alerting high availability: replicas gossip over port 9094 (TCP and
   * UDP) through a headless Service, so a notification is sent once, not
   * once per replica, and silences reach every replica.
   *
   * @default true
   */
  readonly alertingHighAvailability?: boolean;
}

/** What a session mode needs to know of the Grafana it sets up. */
export interface GrafanaSessionsConsumer {
  /** Name of Grafana's Deployment and Service, and its pods' `app` label. */
  readonly name: string;

  /**
   * Grafana's namespace.
   *
   * @default - the chart's namespace
   */
  readonly namespace?: string;

  /** Type of the Service users reach Grafana through. */
  readonly serviceType: kplus.ServiceType;

  /**
   * The fixed number of Grafana pods.
   *
   * @default - none: an autoscaler owns the replica count
   */
  readonly replicas?: number;

  /** Whether an autoscaler owns the replica count. */
  readonly autoscaled: boolean;

  /** Grafana's pods, which a store's NetworkPolicy admits. */
  readonly pods: kplus.INetworkPolicyPeer;
}

/** What a session mode gives MultiPodGrafana once bound: plain data it applies to its pods. */
export interface GrafanaSessionsConfig {
  /** The Service users reach Grafana through, created by the session mode. */
  readonly service: kplus.Service;

  /**
   * Environment variables for the Grafana container, in order: a variable
   * another expands with `$(VAR)` comes before it.
   */
  readonly env: SessionEnvVariable[];

  /**
   * More ports for the Grafana container (alerting gossip).
   *
   * @default - none
   */
  readonly ports?: kplus.ContainerPort[];

  /**
   * The volume to mount on Grafana's data folder (`/var/lib/grafana`).
   *
   * @default - an emptyDir: the pod's data dies with it
   */
  readonly dataVolume?: kplus.Volume;

  /**
   * How the Deployment replaces its pods.
   *
   * @default - cdk8s-plus's rolling update
   */
  readonly strategy?: kplus.DeploymentStrategy;
}

/**
 * Where several Grafana pods keep their login sessions, and so how users
 * stay logged in.
 *
 * Since Grafana 6.2 a login is a token in Grafana's own database (SQLite in
 * each pod by default); the old `GF_SESSION_*` settings do nothing. With
 * several pods and SQLite, a user logged in on one pod is a stranger to the
 * others: "logged in, then immediately logged out".
 */
export abstract class GrafanaSessions {
  /**
   * The quick fix: keep each user on the pod that logged them in, with a
   * ClientIP StickyService (LoadBalancer, 3000 to 3000, 3 hours by default).
   * A user whose pod goes away, or whose IP changes (VPN, mobile), logs in
   * again; dashboards and users made on one pod are not seen on the others.
   * Behind a cloud load balancer that does not follow `sessionAffinity`
   * (an NLB from the AWS Load Balancer Controller), pass its
   * `loadBalancerStickiness`.
   *
   * @param options the affinity timeout, traffic policy and load balancer stickiness
   */
  public static clientIpAffinity(options: GrafanaClientIpAffinityOptions = {}): GrafanaSessions {
    return new ClientIpAffinitySessions(options);
  }

  /**
   * A PersistentVolumeClaim (`grafana-sessions`) on Grafana's data
   * folder, so sessions and dashboards survive a pod restart.
   *
   * Its honest limit: one replica. Grafana's embedded SQLite cannot be
   * shared by several servers (Grafana's high-availability guide), even on a
   * ReadWriteMany volume, so several replicas and autoscaling are refused:
   * use `sharedDatabase()` for them. With ReadWriteOnce the Deployment is
   * updated by Recreate, since a new pod on another node could not mount the
   * volume while the old one holds it; ReadWriteMany keeps rolling updates.
   *
   * @see https://grafana.com/docs/grafana/latest/setup-grafana/set-up-for-high-availability/
   *
   * @param options the claim's name, class, access mode and size
   */
  public static persistentVolume(options: GrafanaPersistentVolumeOptions = {}): GrafanaSessions {
    return new PersistentVolumeSessions(options);
  }

  /**
   * The durable fix, Grafana's high-availability setup: every replica uses
   * one PostgreSQL database (run in the chart, or external), where Grafana
   * keeps its login sessions, so any replica serves any user and the Service
   * needs no affinity. The same secret key on every replica, an optional
   * Redis or Memcached remote cache, and alerting high availability so
   * notifications go out once. Works with autoscaling.
   *
   * @param options the database, the secret key, the remote cache and alerting HA
   * @see https://grafana.com/docs/grafana/latest/setup-grafana/set-up-for-high-availability/
   */
  public static sharedDatabase(options: GrafanaSharedDatabaseOptions): GrafanaSessions {
    return new SharedDatabaseSessions(options);
  }

  /**
   * For subclasses: another session mode implements `bind()`.
   */
  protected constructor() {}

  /**
   * Set Grafana up for this session mode: create the Service (and anything
   * else the mode runs, such as a database) under `scope`, and return what
   * Grafana's pods need. Called once, by MultiPodGrafana's constructor,
   * before it creates the Deployment.
   *
   * @param scope where to create the mode's objects (the MultiPodGrafana)
   * @param grafana the Grafana being built: its name, namespace, Service type, replicas and pods
   */
  public abstract bind(scope: Construct, grafana: GrafanaSessionsConsumer): GrafanaSessionsConfig;
}

/** The Service every mode puts in front of Grafana: its usual name, port and `app` selector. */
function serviceProps(grafana: GrafanaSessionsConsumer): kplus.ServiceProps {
  return {
    metadata: { name: grafana.name },
    type: grafana.serviceType,
    ports: [{ port: GRAFANA_HTTP_PORT, targetPort: GRAFANA_HTTP_PORT }],
  };
}

/** What `clientIpAffinity()` checks of its options, made once. */
/** What plain JavaScript can get wrong in persistentVolume()'s options (made once). */
const PERSISTENT_VOLUME_RULES = { strings: ['claimName', 'storageClassName'], sizes: ['storage'], enums: { accessMode: kplus.PersistentVolumeAccessMode } };

const CLIENT_IP_RULES = {
  durations: ['affinityTimeout'], enums: { externalTrafficPolicy: ExternalTrafficPolicy }, bindables: { loadBalancerStickiness: A_LOAD_BALANCER_STICKINESS },
};

class ClientIpAffinitySessions extends GrafanaSessions {
  public constructor(private readonly options: GrafanaClientIpAffinityOptions) {
    super();
  }

  public bind(scope: Construct, grafana: GrafanaSessionsConsumer): GrafanaSessionsConfig {
    untypedProps(scope, this.options, CLIENT_IP_RULES, 'sessions.');
    const stickiness = this.options.loadBalancerStickiness;
    const type = grafana.serviceType ?? kplus.ServiceType.CLUSTER_IP;
    if (stickiness !== undefined && type !== kplus.ServiceType.LOAD_BALANCER) {
      // Said here, in the user's words: the Service's own check would name its prop, not these.
      throw propError(scope, 'sessions.loadBalancerStickiness', `${stickiness.provider}()`,
        `needs serviceType: ServiceType.LOAD_BALANCER (it is ${type}): only a LoadBalancer Service gets a cloud load balancer`);
    }
    const service = new StickyService(scope, 'Service', {
      ...serviceProps(grafana),
      affinityTimeout: this.options.affinityTimeout,
      externalTrafficPolicy: this.options.externalTrafficPolicy,
      loadBalancerStickiness: this.options.loadBalancerStickiness,
    });
    service.selectLabel('app', grafana.name);
    // StickyService checks and records its own name and namespace.
    return { service, env: [] };
  }
}

class PersistentVolumeSessions extends GrafanaSessions {
  public constructor(private readonly options: GrafanaPersistentVolumeOptions) {
    super();
  }

  public bind(scope: Construct, grafana: GrafanaSessionsConsumer): GrafanaSessionsConfig {
    untypedProps(scope, this.options, PERSISTENT_VOLUME_RULES, 'sessions.');
    const accessMode = this.options.accessMode ?? kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE;
    const shared = accessMode === kplus.PersistentVolumeAccessMode.READ_WRITE_MANY;
    if (grafana.autoscaled) {
      throw propError(scope, 'sessions', 'persistentVolume()',
        'cannot be used with \'autoscaling\': pods started on other nodes cannot mount a volume another node holds, and SQLite cannot be shared safely; use sharedDatabase()');
    }
    if ((grafana.replicas ?? 1) > 1) {
      // Grafana's HA guide: with several servers the embedded SQLite "will not work"; a
      // ReadWriteMany volume only lets the pods open one file whose locks they cannot share.
      throw propError(scope, 'sessions', `persistentVolume() with ${accessMode} and ${grafana.replicas} replicas`,
        'needs replicas 1: Grafana\'s SQLite file cannot be shared by several pods, even on a ReadWriteMany volume; use sharedDatabase() for several replicas');
    }

    const claimName = this.options.claimName ?? 'grafana-sessions';
    checkName(scope, 'sessions.claimName', claimName, NameRule.DNS_1123_SUBDOMAIN);
    const claim = new kplus.PersistentVolumeClaim(scope, 'Sessions', {
      metadata: { name: claimName },
      accessModes: [accessMode],
      storage: this.options.storage ?? Size.gibibytes(1),
      storageClassName: this.options.storageClassName,
    });
    const dataVolume = kplus.Volume.fromPersistentVolumeClaim(scope, 'SessionData', claim, { name: 'session-data' });

    // One pod, or pods sharing one SQLite file: every pod knows every session.
    const service = new kplus.Service(scope, 'Service', serviceProps(grafana));
    service.selectLabel('app', grafana.name);
    checkObjectNames(scope, ApiObject.of(service));
    return {
      service,
      env: [],
      dataVolume,
      // A rolling update would start the new pod while the old one holds the volume.
      strategy: shared ? undefined : kplus.DeploymentStrategy.recreate(),
    };
  }
}

/** What plain JavaScript can get wrong in the shared database's options (made once, not per Grafana). */
const SHARED_DATABASE_RULES = {
  required: ['database', 'secretKey'],
  secretKeyRefs: ['secretKey'],
  booleans: ['alertingHighAvailability'],
  bindables: { database: 'a SqlSessionStore, such as SessionStore.postgres()', remoteCache: 'a SessionStore, such as SessionStore.redis()' },
};

class SharedDatabaseSessions extends GrafanaSessions {
  public constructor(private readonly options: GrafanaSharedDatabaseOptions) {
    super();
  }

  public bind(scope: Construct, grafana: GrafanaSessionsConsumer): GrafanaSessionsConfig {
    untypedProps(scope, this.options, SHARED_DATABASE_RULES, 'sessions.');
    const consumer: SessionStoreConsumer = {
      name: grafana.name,
      namespace: grafana.namespace,
      // Selected when a store reads them (one run in the chart admits them in
      // its NetworkPolicy): an external database adds no selection to the tree.
      get pods() {
        return grafana.pods;
      },
    };
    // Each store under its own scope: the stores' ids would clash side by side.
    const database = this.options.database.bind(new Construct(scope, 'Database'), consumer);
    if (database.kind !== SessionStoreKind.POSTGRES) {
      throw propError(scope, 'sessions.database', database.kind,
        'must be SessionStore.postgres(): several Grafana replicas share logins only through a shared MySQL or PostgreSQL database');
    }
    if (database.port === undefined) {
      throw propError(scope, 'sessions.database', `url with hosts ${database.host}`,
        'must name one host: Grafana\'s GF_DATABASE_HOST takes one host:port, not libpq\'s list of hosts');
    }
    const env: SessionEnvVariable[] = [];
    const add = (name: string, value: kplus.EnvValue) => env.push({ name, value });
    // An external database's names are taken as given: a `$` is doubled so that Kubernetes expands no `$(NAME)` in them.
    const literal = (value: string) => kplus.EnvValue.fromValue(envLiteral(value));
    add(GRAFANA_ENV.DATABASE_TYPE, kplus.EnvValue.fromValue('postgres'));
    add(GRAFANA_ENV.DATABASE_HOST, literal(`${database.host}:${database.port}`));
    add(GRAFANA_ENV.DATABASE_NAME, literal(database.database!));
    add(GRAFANA_ENV.DATABASE_USER, literal(database.user!));
    if (database.password !== undefined) {
      add(GRAFANA_ENV.DATABASE_PASSWORD, secretEnv(database.password));
    }
    add(GRAFANA_ENV.DATABASE_SSL_MODE, kplus.EnvValue.fromValue(sslModeOf(scope, database)));
    add(GRAFANA_ENV.SECURITY_SECRET_KEY, secretEnv(this.options.secretKey));

    if (this.options.remoteCache) {
      env.push(...remoteCache(scope, consumer, this.options.remoteCache));
    }
    const ports: kplus.ContainerPort[] = [];
    if (this.options.alertingHighAvailability ?? true) {
      const ha = alertingHighAvailability(scope, grafana);
      env.push(...ha.env);
      ports.push(...ha.ports);
    }

    // Any replica knows every login: no affinity.
    const service = new kplus.Service(scope, 'Service', serviceProps(grafana));
    service.selectLabel('app', grafana.name);
    checkObjectNames(scope, ApiObject.of(service));
    return { service, env, ports };
  }
}

/** The remote cache's env: Redis or Memcached, as Grafana's `[remote_cache]` reads them. */
function remoteCache(scope: Construct, consumer: SessionStoreConsumer, store: SessionStore): SessionEnvVariable[] {
  const cache = store.bind(new Construct(scope, 'RemoteCache'), consumer);
  const address = `${cache.host}:${cache.port}`;
  if (cache.kind === SessionStoreKind.MEMCACHED) {
    return [
      { name: GRAFANA_ENV.REMOTE_CACHE_TYPE, value: kplus.EnvValue.fromValue('memcached') },
      { name: GRAFANA_ENV.REMOTE_CACHE_CONNSTR, value: kplus.EnvValue.fromValue(address) },
    ];
  }
  if (cache.kind !== SessionStoreKind.REDIS) {
    throw propError(scope, 'sessions.remoteCache', cache.kind, 'must be SessionStore.redis() or SessionStore.memcached(): the remote caches Grafana supports');
  }
  const env: SessionEnvVariable[] = [];
  const parts = [`addr=${address}`];
  if (cache.password) {
    // Kubernetes expands $(VAR) from variables defined before, so the
    // connection string never holds the password in the manifest.
    env.push({ name: REMOTE_CACHE_PASSWORD_ENV, value: secretEnv(cache.password) });
    parts.push(`password=$(${REMOTE_CACHE_PASSWORD_ENV})`);
  }
  parts.push(`ssl=${cache.tls}`);
  env.push({ name: GRAFANA_ENV.REMOTE_CACHE_TYPE, value: kplus.EnvValue.fromValue('redis') });
  env.push({ name: GRAFANA_ENV.REMOTE_CACHE_CONNSTR, value: kplus.EnvValue.fromValue(parts.join(',')) });
  return env;
}

/**
 * Holds the Redis password for `$(...)` expansion into the connection string.
 * Not `GF_`-prefixed, so Grafana does not read it as a setting.
 */
const REMOTE_CACHE_PASSWORD_ENV = 'GRAFANA_REMOTE_CACHE_PASSWORD';

function secretEnv(ref: SecretKeyRef): kplus.EnvValue {
  return kplus.EnvValue.fromSecretValue({ secret: ref.secret, key: ref.key });
}

/**
 * A parameter of a URL's query (what follows the first `?`, up to a `#`), as
 * `new URL(url).searchParams.get(name)` reads it, without parsing the rest of
 * the URL (a PostgreSQL URL has no `?` before its query: its parser refuses one).
 */
function queryParameter(url: string, name: string): string | null {
  const start = url.indexOf('?');
  if (start < 0) {
    return null;
  }
  const end = url.indexOf('#', start);
  return new URLSearchParams(url.slice(start + 1, end < 0 ? undefined : end)).get(name);
}

/**
 * Grafana's `ssl_mode` for the store: the URL's `sslmode` when it is one
 * Grafana knows, else `require` over TLS and `disable` without.
 */
function sslModeOf(scope: Construct, database: SessionStoreConfig): string {
  const given = database.url ? queryParameter(database.url, 'sslmode') : null;
  if (given === null) {
    return database.tls ? 'require' : 'disable';
  }
  if (!(GRAFANA_POSTGRES_SSL_MODES as readonly string[]).includes(given)) {
    throw propError(scope, 'sessions.database', `sslmode=${given}`,
      `must be one of Grafana's PostgreSQL ssl modes: ${GRAFANA_POSTGRES_SSL_MODES.join(', ')}`);
  }
  return given;
}

/**
 * Alerting HA as Grafana's guide sets it up on Kubernetes: a headless Service
 * on the gossip port for the peers to find each other, and each pod listening
 * and advertising on its own IP.
 *
 * @see https://grafana.com/docs/grafana/latest/alerting/set-up/configure-high-availability/
 */
function alertingHighAvailability(scope: Construct, grafana: GrafanaSessionsConsumer): { env: SessionEnvVariable[]; ports: kplus.ContainerPort[] } {
  const peers = new kplus.Service(scope, 'AlertingPeers', {
    metadata: { name: `${grafana.name}-alerting` },
    clusterIP: 'None',
    ports: [
      { name: 'gossip-tcp', port: GRAFANA_ALERTING_HA_PORT, targetPort: GRAFANA_ALERTING_HA_PORT, protocol: kplus.Protocol.TCP },
      { name: 'gossip-udp', port: GRAFANA_ALERTING_HA_PORT, targetPort: GRAFANA_ALERTING_HA_PORT, protocol: kplus.Protocol.UDP },
    ],
  });
  peers.selectLabel('app', grafana.name);
  checkObjectNames(scope, ApiObject.of(peers));

  const value = kplus.EnvValue.fromValue;
  return {
    ports: [
      { number: GRAFANA_ALERTING_HA_PORT, protocol: kplus.Protocol.TCP, name: 'gossip-tcp' },
      { number: GRAFANA_ALERTING_HA_PORT, protocol: kplus.Protocol.UDP, name: 'gossip-udp' },
    ],
    env: [
      { name: 'POD_IP', value: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP) },
      { name: GRAFANA_ENV.UNIFIED_ALERTING_HA_PEERS, value: value(`${peers.name}:${GRAFANA_ALERTING_HA_PORT}`) },
      { name: GRAFANA_ENV.UNIFIED_ALERTING_HA_LISTEN_ADDRESS, value: value(`$(POD_IP):${GRAFANA_ALERTING_HA_PORT}`) },
      { name: GRAFANA_ENV.UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS, value: value(`$(POD_IP):${GRAFANA_ALERTING_HA_PORT}`) },
      { name: GRAFANA_ENV.UNIFIED_ALERTING_HA_PEER_TIMEOUT, value: value(GRAFANA_ALERTING_HA_PEER_TIMEOUT) },
    ],
  };
}
