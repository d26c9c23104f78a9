import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  addVolumeClaimTemplate, checkNames, checkPassword, containerSecurityContext,
  parseStoreUrl, placement, podSecurityContext, statefulStoreServices, storeImage, storeNetworkPolicy, urlAndPasswordEnv,
} from './common';
import { InChartStoreOptions } from './options';
import { propError } from '../../errors';
import {
  POSTGRES_IMAGE, POSTGRES_PGDATA, POSTGRES_PORT, POSTGRES_SCHEMES, POSTGRES_SOCKET_DIR, POSTGRES_TLS_SSLMODES,
  POSTGRES_UID, POSTGRES_VOLUME_DIR, SESSION_DATABASE_ENV,
} from '../../facts/session-stores';
import { keepStatefulSetVolumes } from '../../plus-compat';
import {
  SecretKeyRef, SessionEnvVariable, SessionStoreConfig, SessionStoreConsumer, SessionStoreKind, SqlDialect, SqlSessionStore,
} from '../session-store';

/** Options of `SessionStore.postgres()`. */
export interface PostgresSessionStoreOptions extends InChartStoreOptions {
  /**
   * An external database (`postgresql://[user@]host[:port]/database`, with
   * `?sslmode=require` for TLS): nothing runs in the chart. Without a
   * password in it: pass `password` for that.
   *
   * @default - PostgreSQL runs in the chart
   */
  readonly url?: string;

  /**
   * The Secret key holding the user's password. Required: PostgreSQL in the
   * chart sets it at its first start, and the app always needs it. Use
   * letters, digits and `-._~` only: the password is written into the app's
   * URL by `$(VAR)` expansion, which does not escape.
   */
  readonly password: SecretKeyRef;

  /**
   * The user the app logs in as (in the chart: the database's owner and
   * superuser, created at the first start).
   *
   * @default - the user in `url`, else 'sessions'
   */
  readonly user?: string;

  /**
   * The database holding the sessions.
   *
   * @default - the database in `url`, else 'sessions'
   */
  readonly database?: string;

  /**
   * Size of the volume claim each PostgreSQL pod gets.
   *
   * @default Size.gibibytes(1)
   */
  readonly storage?: Size;

  /**
   * Storage class of the volume claim. `''` asks for no class, so no dynamic
   * provisioning.
   *
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;

  /**
   * Name of the app's variable with the URL.
   *
   * @default 'SESSION_DATABASE'
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

/** PostgreSQL's rule for unquoted identifiers, kept to what needs no escaping in a URL. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * PostgreSQL as a session store. In the chart: a one-pod StatefulSet of the
 * official image with a volume claim template, running as its `postgres`
 * user with a read-only root filesystem; the image's entrypoint creates the
 * user and database at the first start, reading the password from the Secret
 * mounted as a file (`POSTGRES_PASSWORD_FILE`).
 *
 * @see https://hub.docker.com/_/postgres
 */
export class PostgresSessionStore extends SqlSessionStore {
  /** Which store this is. */
  public readonly kind = SessionStoreKind.POSTGRES;

  /** The SQL dialect the database speaks. */
  public readonly dialect = SqlDialect.POSTGRES;

  /** The options given. */
  private readonly options: PostgresSessionStoreOptions;

  /** @param options the password Secret or external URL, and the knobs */
  public constructor(options: PostgresSessionStoreOptions) {
    super();
    // Plain JavaScript may leave the options out: bind() then names what is missing.
    this.options = options ?? ({} as PostgresSessionStoreOptions);
  }

  /**
   * Runs PostgreSQL under `scope` (unless `url` is given) and returns the app's env.
   *
   * @param scope where to create the store's objects
   * @param consumer the consumer's name, namespace and pods
   */
  public bind(scope: Construct, consumer: SessionStoreConsumer): SessionStoreConfig {
    const o = this.options;
    const { urlEnv, passwordEnv } = urlAndPasswordEnv(scope, o, SESSION_DATABASE_ENV);
    if (o.password === undefined) {
      throw propError(scope, 'store.password', 'not given', 'must name the Secret key holding the database user\'s password');
    }
    checkPassword(scope, 'store.password', o.password, consumer);

    if (o.url !== undefined) {
      const url = parseStoreUrl(scope, 'store.url', o.url, POSTGRES_SCHEMES, 'PostgreSQL');
      for (const [prop, value] of [['storage', o.storage], ['storageClassName', o.storageClassName], ['image', o.image], ['name', o.name],
        ['resources', o.resources], ['clusterDomain', o.clusterDomain]] as const) {
        if (value !== undefined) {
          throw propError(scope, `store.${prop}`, 'given', 'applies only to a PostgreSQL run in the chart: drop it, or drop \'url\'');
        }
      }
      const fromUrl = decodeURIComponent(url.username);
      if (fromUrl !== '' && o.user !== undefined && fromUrl !== o.user) {
        throw propError(scope, 'store.user', JSON.stringify(o.user), `must match the user in 'url' (${JSON.stringify(fromUrl)}), or be left out`);
      }
      const dbFromUrl = decodeURIComponent(url.pathname.replace(/^\//, ''));
      if (dbFromUrl !== '' && o.database !== undefined && dbFromUrl !== o.database) {
        throw propError(scope, 'store.database', JSON.stringify(o.database), `must match the database in 'url' (${JSON.stringify(dbFromUrl)}), or be left out`);
      }
      const user = checkIdentifier(scope, 'store.user', fromUrl || (o.user ?? 'sessions'));
      const database = checkIdentifier(scope, 'store.database', dbFromUrl || (o.database ?? 'sessions'));
      const port = url.port === '' ? POSTGRES_PORT : Number(url.port);
      const sslmode = url.searchParams.get('sslmode');
      return {
        kind: this.kind,
        env: postgresEnv(urlEnv, passwordEnv, url.protocol, user, url.hostname, port, database, url.search, o.password),
        url: `${url.protocol}//${url.hostname}:${port}/${database}${url.search}`,
        host: url.hostname,
        port,
        database,
        user,
        password: o.password,
        tls: sslmode !== null && POSTGRES_TLS_SSLMODES.includes(sslmode),
        runsInChart: false,
      };
    }

    const user = checkIdentifier(scope, 'store.user', o.user ?? 'sessions');
    const database = checkIdentifier(scope, 'store.database', o.database ?? 'sessions');
    const place = placement(consumer, scope, 'postgres', o);
    const { service, governingService } = statefulStoreServices(scope, place, { name: 'postgres', number: POSTGRES_PORT });
    const statefulSet = new kplus.StatefulSet(scope, 'Store', {
      metadata: place.metadata,
      service: governingService,
      replicas: 1,
      securityContext: podSecurityContext(POSTGRES_UID),
    });
    keepStatefulSetVolumes(statefulSet);
    statefulSet.podMetadata.addLabel('app.kubernetes.io/name', 'postgres');
    statefulSet.podMetadata.addLabel('app.kubernetes.io/instance', place.name);
    // The StatefulSet makes its headless Service select its pods; the clients' Service too:
    service.select(statefulSet);

    const passwordFile = '/etc/postgres-auth/password';
    const isReady = (host: string) => ['pg_isready', '-h', host, '-p', String(POSTGRES_PORT), '-U', user, '-d', database];
    const container = statefulSet.addContainer({
      name: 'postgres',
      image: storeImage(scope, o.image, POSTGRES_IMAGE),
      // The tag is pinned: pull it once per node.
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      ports: [{ name: 'postgres', number: POSTGRES_PORT }],
      envVariables: {
        POSTGRES_USER: kplus.EnvValue.fromValue(user),
        POSTGRES_DB: kplus.EnvValue.fromValue(database),
        POSTGRES_PASSWORD_FILE: kplus.EnvValue.fromValue(passwordFile),
        PGDATA: kplus.EnvValue.fromValue(POSTGRES_PGDATA),
      },
      securityContext: containerSecurityContext(POSTGRES_UID),
      resources: o.resources ?? {
        cpu: { request: kplus.Cpu.millis(100) },
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
      },
      // Readiness over TCP: the server the app will reach. Liveness over the
      // Unix socket, which also answers while the entrypoint's first-start
      // server (listening on no TCP port) creates the user and database.
      readiness: kplus.Probe.fromCommand(isReady('127.0.0.1'), {
        periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3),
      }),
      liveness: kplus.Probe.fromCommand(isReady(POSTGRES_SOCKET_DIR), {
        initialDelaySeconds: Duration.seconds(30),
        periodSeconds: Duration.seconds(10),
        timeoutSeconds: Duration.seconds(5),
        failureThreshold: 6,
      }),
    });
    container.mount('/etc/postgres-auth', kplus.Volume.fromSecret(scope, 'StoreAuth', o.password.secret, {
      name: 'auth',
      items: { [o.password.key]: { path: 'password' } },
      // Readable by the postgres group (fsGroup), not by others.
      defaultMode: 0o440,
    }), { readOnly: true });
    container.mount(POSTGRES_SOCKET_DIR, kplus.Volume.fromEmptyDir(scope, 'StoreRun', 'run'));
    container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'StoreTmp', 'tmp'));
    addVolumeClaimTemplate(scope, statefulSet, 'data', POSTGRES_VOLUME_DIR, o.storage ?? Size.gibibytes(1), o.storageClassName);

    const networkPolicy = storeNetworkPolicy(scope, place, statefulSet, consumer, POSTGRES_PORT);
    checkNames(scope, [service, governingService, statefulSet, networkPolicy]);

    return {
      kind: this.kind,
      env: postgresEnv(urlEnv, passwordEnv, 'postgresql:', user, place.host, POSTGRES_PORT, database, '', o.password),
      url: `postgresql://${place.host}:${POSTGRES_PORT}/${database}`,
      host: place.host,
      port: POSTGRES_PORT,
      database,
      user,
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

function checkIdentifier(scope: Construct, prop: string, value: string): string {
  if (!IDENTIFIER.test(value)) {
    throw propError(scope, prop, JSON.stringify(value),
      'must be a lower-case PostgreSQL identifier: a letter or \'_\', then letters, digits or \'_\', at most 63 characters');
  }
  return value;
}

/** The password variable, then the URL that embeds it as `$(VAR)`. */
function postgresEnv(urlEnv: string, passwordEnv: string, scheme: string, user: string, host: string, port: number,
  database: string, search: string, password: SecretKeyRef): SessionEnvVariable[] {
  return [
    { name: passwordEnv, value: kplus.EnvValue.fromSecretValue({ secret: password.secret, key: password.key }) },
    { name: urlEnv, value: kplus.EnvValue.fromValue(`${scheme}//${user}:$(${passwordEnv})@${host}:${port}/${database}${search}`) },
  ];
}
