import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  addVolumeClaimTemplate, checkNames, checkPassword, containerSecurityContext,
  placement, podSecurityContext, statefulStoreServices, storeImage, storeNetworkPolicy, storeResources, urlAndPasswordEnv,
} from './common';
import { InChartStoreOptions } from './options';
import { propError } from '../../errors';
import { envLiteral } from '../../facts/kubernetes';
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
   * An external database, as libpq reads it
   * (`postgresql://user@host[:port][,host2[:port2]...]/database[?sslmode=require&...]`):
   * nothing runs in the chart. The URL reaches the app as given: any role
   * and database name, percent-encoded where the URL needs it (`app%40myserver`),
   * several hosts, any parameters; the library adds only the password
   * placeholder after the user when `password` is given. It must name the
   * user and the database (or give them as `user` and `database`): nothing
   * is assumed for an external database. Refused: a password in the URL
   * (userinfo or `password=` parameter), which belongs in a Secret; a
   * fragment; spaces or control characters.
   *
   * @default - PostgreSQL runs in the chart
   */
  readonly url?: string;

  /**
   * The Secret key holding the user's password. Use letters, digits and
   * `-._~` only: the password is written into the app's URL by `$(VAR)`
   * expansion, which does not escape.
   *
   * @default - none: required for PostgreSQL run in the chart, which sets it
   * at its first start; with `url`, leave it out for a database that takes no
   * password (IAM tokens, client certificates), and the URL carries none
   */
  readonly password?: SecretKeyRef;

  /**
   * The user the app logs in as (in the chart: the database's owner and
   * superuser, created at the first start, a lower-case identifier). With
   * `url`, any role name, for a URL that names none.
   *
   * @default - in the chart: 'sessions'; with `url`: the user in `url`, which must name one if this is not given
   */
  readonly user?: string;

  /**
   * The database holding the sessions (in the chart: created at the first
   * start, a lower-case identifier). With `url`, any database name, for a
   * URL that names none.
   *
   * @default - in the chart: 'sessions'; with `url`: the database in `url`, which must name one if this is not given
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
    if (o.password !== undefined) {
      checkPassword(scope, 'store.password', o.password, consumer);
    }

    if (o.url !== undefined) {
      for (const [prop, value] of [['storage', o.storage], ['storageClassName', o.storageClassName], ['image', o.image], ['name', o.name],
        ['resources', o.resources], ['clusterDomain', o.clusterDomain]] as const) {
        if (value !== undefined) {
          throw propError(scope, `store.${prop}`, 'given', 'applies only to a PostgreSQL run in the chart: drop it, or drop \'url\'');
        }
      }
      return this.external(scope, o.url, urlEnv, passwordEnv);
    }

    if (o.password === undefined) {
      throw propError(scope, 'store.password', 'not given',
        'must name the Secret key holding the password of the PostgreSQL run in the chart (its user\'s, set at the first start); or pass \'url\' for an external database');
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
      // Resources given without memory (or cpu) keep the store's own for it.
      resources: storeResources(scope, o.resources, {
        cpu: { request: kplus.Cpu.millis(100) },
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
      }, 'without one PostgreSQL grows its caches and connections until the node evicts the pod, and every session with it'),
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
      env: postgresEnv(urlEnv, passwordEnv, `postgresql://${user}`, `${place.host}:${POSTGRES_PORT}/${database}`, o.password),
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

  /** An external database: the URL as given, with the password's placeholder after its user when there is a password. */
  private external(scope: Construct, given: string, urlEnv: string, passwordEnv: string): SessionStoreConfig {
    const o = this.options;
    const url = parsePostgresUrl(scope, 'store.url', given);
    for (const [prop, value] of [['user', o.user], ['database', o.database]] as const) {
      if (value === '') {
        throw propError(scope, `store.${prop}`, '""', `must not be empty: leave it out, or name the ${prop}`);
      }
    }
    if (url.user !== undefined && o.user !== undefined && url.user !== o.user) {
      throw propError(scope, 'store.user', JSON.stringify(o.user), `must match the user in 'url' (${JSON.stringify(url.user)}), or be left out`);
    }
    if (url.database !== undefined && o.database !== undefined && url.database !== o.database) {
      throw propError(scope, 'store.database', JSON.stringify(o.database), `must match the database in 'url' (${JSON.stringify(url.database)}), or be left out`);
    }
    const user = url.user ?? o.user;
    if (user === undefined) {
      throw propError(scope, 'store.url', JSON.stringify(redactedUrl(given)),
        'must name the user the app logs in as (postgresql://user@host/database), or give it as \'user\': no user is assumed for an external database');
    }
    const database = url.database ?? o.database;
    if (database === undefined) {
      throw propError(scope, 'store.url', JSON.stringify(redactedUrl(given)),
        'must name the database (postgresql://user@host/database), or give it as \'database\': no database is assumed for an external database');
    }
    // What the URL lacks and the props give is added, percent-encoded as a URL needs.
    const userText = url.userText ?? encodeURIComponent(user);
    const path = url.database === undefined ? `/${encodeURIComponent(database)}` : url.pathText ?? '';
    const rest = `${url.hostText}${path}${url.query}`;
    const single = url.hosts.length === 1 ? url.hosts[0] : undefined;
    const sslmode = url.params.get('sslmode');
    return {
      kind: this.kind,
      env: postgresEnv(urlEnv, passwordEnv, `${url.scheme}//${envLiteral(userText)}`, envLiteral(rest), o.password),
      url: `${url.scheme}//${rest}`,
      host: single?.host ?? url.hostText,
      // libpq's default port, for consumers that need one (Grafana's host:port); the URL is left as given.
      port: single === undefined ? undefined : single.port ?? POSTGRES_PORT,
      database,
      user,
      password: o.password,
      tls: sslmode !== null && POSTGRES_TLS_SSLMODES.includes(sslmode),
      runsInChart: false,
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

/**
 * The password variable, then the URL that embeds it as `$(VAR)` after the
 * user; without a password, the URL alone. `head` is `scheme://user`, `rest`
 * what follows the `@`, both already written for an env value.
 */
function postgresEnv(urlEnv: string, passwordEnv: string, head: string, rest: string, password: SecretKeyRef | undefined): SessionEnvVariable[] {
  if (password === undefined) {
    return [{ name: urlEnv, value: kplus.EnvValue.fromValue(`${head}@${rest}`) }];
  }
  return [
    { name: passwordEnv, value: kplus.EnvValue.fromSecretValue({ secret: password.secret, key: password.key }) },
    { name: urlEnv, value: kplus.EnvValue.fromValue(`${head}:$(${passwordEnv})@${rest}`) },
  ];
}

/** An external PostgreSQL URL in its parts, each as written and, where it names something, decoded. */
interface PostgresUrl {
  /** `postgresql:` or `postgres:`. */
  readonly scheme: string;
  /** The user as written (percent-encoded), if the URL names one before `@`. */
  readonly userText?: string;
  /** The user, decoded: from before `@`, else from a `user=` parameter. */
  readonly user?: string;
  /** The hosts as written: `db`, `db:6432`, `db1:5432,db2:5432`, `[::1]:5432`. */
  readonly hostText: string;
  readonly hosts: Array<{ readonly host: string; readonly port?: number }>;
  /** The path as written (`/sessions`, `/`), if there is one. */
  readonly pathText?: string;
  /** The database, decoded: the path, else a `dbname=` parameter. */
  readonly database?: string;
  /** `?...` as written, or ''. */
  readonly query: string;
  readonly params: URLSearchParams;
}

/**
 * libpq's URI form: `postgresql://[userspec@][hostspec][/dbname][?paramspec]`,
 * userspec `user[:password]`, hostspec `[host][:port][,...]`.
 *
 * @see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS
 */
const POSTGRES_URI = /^([A-Za-z][A-Za-z0-9+.-]*:)\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::([0-9]*))?$/;

/**
 * A URL as an error may show it: whatever could be a password hidden, from
 * the first ':' after the user to the last '@' (a password may hold '/', '@'
 * and other characters that end the URL's parts), and `password=`.
 */
function redactedUrl(given: string): string {
  return given.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/?#]*:).*@/, '$1***@').replace(/([?&]password=)[^&#]*/g, '$1***');
}

function parsePostgresUrl(scope: Construct, prop: string, given: string): PostgresUrl {
  const shown = JSON.stringify(redactedUrl(given));
  const match = /[\s\x00-\x1f\x7f]/.test(given) ? null : POSTGRES_URI.exec(given);
  if (match === null) {
    throw propError(scope, prop, shown, 'must be a URL such as postgresql://user@host:5432/database, with no spaces or control characters');
  }
  const [, scheme, userinfo, hostText, pathText, query = '', fragment] = match;
  if (!POSTGRES_SCHEMES.includes(scheme.toLowerCase())) {
    throw propError(scope, prop, shown, `must be a PostgreSQL URL: its scheme must be one of ${POSTGRES_SCHEMES.map(x => `${x}//`).join(', ')}`);
  }
  const params = new URLSearchParams(query);
  if ((userinfo !== undefined && userinfo.includes(':')) || params.has('password')) {
    throw propError(scope, prop, shown,
      'must not hold a password: the URL is a plain env value; put the password in a Secret and pass it as \'password\'');
  }
  if (fragment !== undefined) {
    throw propError(scope, prop, shown, 'must not end in a fragment (\'#...\'): libpq reads none, and other clients drop it; percent-encode a \'#\' in a name as %23');
  }
  if (hostText.includes('@')) {
    throw propError(scope, prop, shown, 'must percent-encode an \'@\' in the user name as %40 (\'app%40myserver@host\'): only the last part after \'@\' is the host');
  }
  const hosts = hostText.split(',').map(part => {
    const hp = HOST_PORT.exec(part);
    const port = hp?.[2] ? Number(hp[2]) : undefined;
    if (hp === null || hp[2] === '' || (port !== undefined && (port < 1 || port > 65535))) {
      throw propError(scope, prop, shown, 'must name a host, or hosts separated by \',\', each with an optional port from 1 to 65535 (db1:5432,db2:5432)');
    }
    return { host: hp[1], port };
  });
  const decode = (text: string, what: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      throw propError(scope, prop, shown, `must percent-encode its ${what} correctly ('%' then two hexadecimal digits)`);
    }
  };
  const userFromInfo = userinfo === undefined || userinfo === '' ? undefined : decode(userinfo, 'user');
  const dbFromPath = pathText === undefined || pathText === '/' ? undefined : decode(pathText.slice(1), 'database');
  return {
    scheme,
    userText: userFromInfo === undefined ? undefined : userinfo,
    user: userFromInfo ?? (params.get('user') || undefined),
    hostText,
    hosts,
    pathText,
    database: dbFromPath ?? (params.get('dbname') || undefined),
    query,
    params,
  };
}
