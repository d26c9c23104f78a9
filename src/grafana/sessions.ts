import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import type { MultiPodGrafana } from './multi-pod-grafana';
import { propError } from '../errors';
import {
  GRAFANA_ALERTING_HA_PEER_TIMEOUT,
  GRAFANA_ALERTING_HA_PORT,
  GRAFANA_ENV,
  GRAFANA_HTTP_PORT,
  GRAFANA_POSTGRES_SSL_MODES,
} from '../facts/grafana';
import { NameRule } from '../facts/names';
import { checkName, checkObjectNames } from '../names';
import { ExternalTrafficPolicy, StickyService } from '../service';
import { SecretKeyRef, SessionStore, SessionStoreConfig, SessionStoreKind } from '../session';

/** Options of `GrafanaSessions.clientIpAffinity()`. */
export interface GrafanaClientIpAffinityOptions {
  /**
   * How long a user's IP stays on the pod that logged them in, after their
   * last request.
   *
   * @default - 3 hours (`AffinityTimeout.KUBERNETES_DEFAULT`, the seed's 10800 s)
   */
  readonly affinityTimeout?: Duration;

  /**
   * External traffic policy of the Service.
   *
   * @default - `Local` on a LoadBalancer Service, so kube-proxy sees the
   * user's own IP; unset otherwise
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
}

/** Options of `GrafanaSessions.persistentVolume()`. */
export interface GrafanaPersistentVolumeOptions {
  /**
   * Name of the PersistentVolumeClaim.
   *
   * @default 'grafana-sessions' (the seed's claim)
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
   * from `GF_DATABASE_*`, the password from the store's Secret.
   */
  readonly database: SessionStore;

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

/** What a session mode gives MultiPodGrafana once bound. */
export interface GrafanaSessionsConfig {
  /** The Service users reach Grafana through. */
  readonly service: kplus.Service;

  /**
   * The volume to mount on Grafana's data folder (`/var/lib/grafana`).
   *
   * @default - an emptyDir: the pod's data dies with it
   */
  readonly dataVolume?: kplus.Volume;
}

/**
 * Where several Grafana pods keep their login sessions, and so how users
 * stay logged in.
 *
 * Since Grafana 6.2 a login is a token in Grafana's own database (SQLite in
 * each pod by default); the old `GF_SESSION_*` settings do nothing. With
 * several pods and SQLite, a user logged in on one pod is a stranger to the
 * others: the seed's "logged in, then immediately logged out".
 */
export abstract class GrafanaSessions {
  /**
   * The quick fix: keep each user on the pod that logged them in, with a
   * ClientIP StickyService (LoadBalancer, 3000 to 3000, 3 hours by default).
   * A user whose pod goes away, or whose IP changes (VPN, mobile), logs in
   * again; dashboards and users made on one pod are not seen on the others.
   *
   * @param options the affinity timeout and traffic policy
   */
  public static clientIpAffinity(options: GrafanaClientIpAffinityOptions = {}): GrafanaSessions {
    return new ClientIpAffinitySessions(options);
  }

  /**
   * The seed's PersistentVolumeClaim (`grafana-sessions`) on Grafana's data
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
   * Set Grafana up for this session mode: add what it needs to the pods,
   * create the Service (and anything else) under `grafana`. Called once, by
   * MultiPodGrafana's constructor.
   *
   * @param grafana the Grafana being built
   */
  public abstract bind(grafana: MultiPodGrafana): GrafanaSessionsConfig;
}

/** The Service every mode puts in front of Grafana: the seed's name, port and `app` selector. */
function serviceProps(grafana: MultiPodGrafana): kplus.ServiceProps {
  return {
    metadata: { name: grafana.name },
    type: grafana.serviceType,
    ports: [{ port: GRAFANA_HTTP_PORT, targetPort: GRAFANA_HTTP_PORT }],
  };
}

class ClientIpAffinitySessions extends GrafanaSessions {
  public constructor(private readonly options: GrafanaClientIpAffinityOptions) {
    super();
  }

  public bind(grafana: MultiPodGrafana): GrafanaSessionsConfig {
    const service = new StickyService(grafana, 'Service', {
      ...serviceProps(grafana),
      affinityTimeout: this.options.affinityTimeout,
      externalTrafficPolicy: this.options.externalTrafficPolicy,
    });
    service.selectLabel('app', grafana.name);
    // StickyService checks its own name and namespace; MultiPodGrafana has checked both already.
    return { service };
  }
}

class PersistentVolumeSessions extends GrafanaSessions {
  public constructor(private readonly options: GrafanaPersistentVolumeOptions) {
    super();
  }

  public bind(grafana: MultiPodGrafana): GrafanaSessionsConfig {
    const accessMode = this.options.accessMode ?? kplus.PersistentVolumeAccessMode.READ_WRITE_ONCE;
    const shared = accessMode === kplus.PersistentVolumeAccessMode.READ_WRITE_MANY;
    if (grafana.autoscaling !== undefined) {
      throw propError(grafana, 'sessions', 'persistentVolume()',
        'cannot be used with \'autoscaling\': pods started on other nodes cannot mount a volume another node holds, and SQLite cannot be shared safely; use sharedDatabase()');
    }
    if ((grafana.replicas ?? 1) > 1) {
      // Grafana's HA guide: with several servers the embedded SQLite "will not work"; a
      // ReadWriteMany volume only lets the pods open one file whose locks they cannot share.
      throw propError(grafana, 'sessions', `persistentVolume() with ${accessMode} and ${grafana.replicas} replicas`,
        'needs replicas 1: Grafana\'s SQLite file cannot be shared by several pods, even on a ReadWriteMany volume; use sharedDatabase() for several replicas');
    }

    const claimName = this.options.claimName ?? 'grafana-sessions';
    checkName(grafana, 'sessions.claimName', claimName, NameRule.DNS_1123_SUBDOMAIN);
    const claim = new kplus.PersistentVolumeClaim(grafana, 'Sessions', {
      metadata: { name: claimName },
      accessModes: [accessMode],
      storage: this.options.storage ?? Size.gibibytes(1),
      storageClassName: this.options.storageClassName,
    });
    const dataVolume = kplus.Volume.fromPersistentVolumeClaim(grafana, 'SessionData', claim, { name: 'session-data' });

    if (!shared) {
      // A rolling update would start the new pod while the old one holds the volume.
      ApiObject.of(grafana.deployment).addJsonPatch(JsonPatch.replace('/spec/strategy', { type: 'Recreate' }));
    }

    // One pod, or pods sharing one SQLite file: every pod knows every session.
    const service = new kplus.Service(grafana, 'Service', serviceProps(grafana));
    service.selectLabel('app', grafana.name);
    checkObjectNames(grafana, ApiObject.of(service));
    return { service, dataVolume };
  }
}

class SharedDatabaseSessions extends GrafanaSessions {
  public constructor(private readonly options: GrafanaSharedDatabaseOptions) {
    super();
  }

  public bind(grafana: MultiPodGrafana): GrafanaSessionsConfig {
    const consumer = { name: grafana.name, namespace: grafana.deployment.metadata.namespace, pods: grafana.deployment };
    // Each store under its own scope: the stores' ids would clash side by side.
    const database = this.options.database.bind(new Construct(grafana, 'Database'), consumer);
    if (database.kind !== SessionStoreKind.POSTGRES) {
      throw propError(grafana, 'sessions.database', database.kind,
        'must be SessionStore.postgres(): several Grafana replicas share logins only through a shared MySQL or PostgreSQL database');
    }
    const container = grafana.container;
    const env = (name: string, value: kplus.EnvValue) => container.env.addVariable(name, value);
    env(GRAFANA_ENV.DATABASE_TYPE, kplus.EnvValue.fromValue('postgres'));
    env(GRAFANA_ENV.DATABASE_HOST, kplus.EnvValue.fromValue(`${database.host}:${database.port}`));
    env(GRAFANA_ENV.DATABASE_NAME, kplus.EnvValue.fromValue(database.database!));
    env(GRAFANA_ENV.DATABASE_USER, kplus.EnvValue.fromValue(database.user!));
    env(GRAFANA_ENV.DATABASE_PASSWORD, secretEnv(database.password!));
    env(GRAFANA_ENV.DATABASE_SSL_MODE, kplus.EnvValue.fromValue(sslModeOf(grafana, database)));
    env(GRAFANA_ENV.SECURITY_SECRET_KEY, secretEnv(this.options.secretKey));

    if (this.options.remoteCache) {
      this.remoteCache(grafana, consumer, this.options.remoteCache);
    }
    if (this.options.alertingHighAvailability ?? true) {
      alertingHighAvailability(grafana);
    }

    // Any replica knows every login: no affinity.
    const service = new kplus.Service(grafana, 'Service', serviceProps(grafana));
    service.selectLabel('app', grafana.name);
    // StickyService checks its own name and namespace; MultiPodGrafana has checked both already.
    return { service };
  }

  private remoteCache(grafana: MultiPodGrafana, consumer: { name: string; namespace?: string; pods: kplus.Deployment }, store: SessionStore): void {
    const cache = store.bind(new Construct(grafana, 'RemoteCache'), consumer);
    const env = grafana.container.env;
    const address = `${cache.host}:${cache.port}`;
    if (cache.kind === SessionStoreKind.MEMCACHED) {
      env.addVariable(GRAFANA_ENV.REMOTE_CACHE_TYPE, kplus.EnvValue.fromValue('memcached'));
      env.addVariable(GRAFANA_ENV.REMOTE_CACHE_CONNSTR, kplus.EnvValue.fromValue(address));
      return;
    }
    if (cache.kind !== SessionStoreKind.REDIS) {
      throw propError(grafana, 'sessions.remoteCache', cache.kind, 'must be SessionStore.redis() or SessionStore.memcached(): the remote caches Grafana supports');
    }
    const parts = [`addr=${address}`];
    if (cache.password) {
      // Kubernetes expands $(VAR) from variables defined before, so the
      // connection string never holds the password in the manifest.
      env.addVariable(REMOTE_CACHE_PASSWORD_ENV, secretEnv(cache.password));
      parts.push(`password=$(${REMOTE_CACHE_PASSWORD_ENV})`);
    }
    parts.push(`ssl=${cache.tls}`);
    env.addVariable(GRAFANA_ENV.REMOTE_CACHE_TYPE, kplus.EnvValue.fromValue('redis'));
    env.addVariable(GRAFANA_ENV.REMOTE_CACHE_CONNSTR, kplus.EnvValue.fromValue(parts.join(',')));
  }
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
 * Grafana's `ssl_mode` for the store: the URL's `sslmode` when it is one
 * Grafana knows, else `require` over TLS and `disable` without.
 */
function sslModeOf(grafana: MultiPodGrafana, database: SessionStoreConfig): string {
  const given = database.url ? new URL(database.url).searchParams.get('sslmode') : null;
  if (given === null) {
    return database.tls ? 'require' : 'disable';
  }
  if (!(GRAFANA_POSTGRES_SSL_MODES as readonly string[]).includes(given)) {
    throw propError(grafana, 'sessions.database', `sslmode=${given}`,
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
function alertingHighAvailability(grafana: MultiPodGrafana): void {
  const peers = new kplus.Service(grafana, 'AlertingPeers', {
    metadata: { name: `${grafana.name}-alerting` },
    clusterIP: 'None',
    ports: [
      { name: 'gossip-tcp', port: GRAFANA_ALERTING_HA_PORT, targetPort: GRAFANA_ALERTING_HA_PORT, protocol: kplus.Protocol.TCP },
      { name: 'gossip-udp', port: GRAFANA_ALERTING_HA_PORT, targetPort: GRAFANA_ALERTING_HA_PORT, protocol: kplus.Protocol.UDP },
    ],
  });
  peers.selectLabel('app', grafana.name);
  checkObjectNames(grafana, ApiObject.of(peers));

  const container = grafana.container;
  container.addPort({ number: GRAFANA_ALERTING_HA_PORT, protocol: kplus.Protocol.TCP, name: 'gossip-tcp' });
  container.addPort({ number: GRAFANA_ALERTING_HA_PORT, protocol: kplus.Protocol.UDP, name: 'gossip-udp' });
  const env = container.env;
  env.addVariable('POD_IP', kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP));
  env.addVariable(GRAFANA_ENV.UNIFIED_ALERTING_HA_PEERS, kplus.EnvValue.fromValue(`${peers.name}:${GRAFANA_ALERTING_HA_PORT}`));
  env.addVariable(GRAFANA_ENV.UNIFIED_ALERTING_HA_LISTEN_ADDRESS, kplus.EnvValue.fromValue(`$(POD_IP):${GRAFANA_ALERTING_HA_PORT}`));
  env.addVariable(GRAFANA_ENV.UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS, kplus.EnvValue.fromValue(`$(POD_IP):${GRAFANA_ALERTING_HA_PORT}`));
  env.addVariable(GRAFANA_ENV.UNIFIED_ALERTING_HA_PEER_TIMEOUT, kplus.EnvValue.fromValue(GRAFANA_ALERTING_HA_PEER_TIMEOUT));
}
