/**
 * What Grafana reads and where it keeps state, written once so the Grafana
 * constructs and the doctor share the same facts. Pure data, no imports.
 *
 * Every setting can be given as an environment variable
 * `GF_<SECTION>_<KEY>` (upper case, `.` and `-` as `_`), and a variable
 * ending in `__FILE` names a file to read the value from.
 *
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#override-configuration-with-environment-variables
 */

/** The port Grafana serves HTTP on (`[server] http_port`). */
export const GRAFANA_HTTP_PORT = 3000;

/**
 * Grafana's health endpoint: 200 with the database status when the server and
 * its database answer.
 *
 * @see https://grafana.com/docs/grafana/latest/developers/http_api/other/#health-api
 */
export const GRAFANA_HEALTH_PATH = '/api/health';

/**
 * The user and group the official image runs Grafana as.
 *
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/installation/docker/
 */
export const GRAFANA_IMAGE_UID = 472;

/** Where the official image keeps its data (`GF_PATHS_DATA`): grafana.db, plugins, sessions with SQLite. */
export const GRAFANA_DATA_PATH = '/var/lib/grafana';

/** The prefix of every setting given as an environment variable. */
export const GRAFANA_ENV_PREFIX = 'GF_';

/** The suffix that makes Grafana read a setting's value from the file the variable names. */
export const GRAFANA_FILE_ENV_SUFFIX = '__FILE';

/** The environment variable Grafana reads a setting from: `GF_<SECTION>_<KEY>`. */
export function grafanaEnvName(section: string, key: string): string {
  return `${GRAFANA_ENV_PREFIX}${section}_${key}`.toUpperCase().replace(/[.-]/g, '_');
}

/**
 * Where the official image reads its configuration file: run.sh starts
 * `grafana server --config="$GF_PATHS_CONFIG"`, and the image sets
 * `GF_PATHS_CONFIG` to this path. Settings in it are overridden by
 * `GF_<SECTION>_<KEY>` variables.
 *
 * @see https://github.com/grafana/grafana/blob/main/packaging/docker/run.sh
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-docker/#default-paths
 * @see https://github.com/grafana/grafana/blob/main/Dockerfile (`GF_PATHS_CONFIG`)
 */
export const GRAFANA_CONFIG_FILE = '/etc/grafana/grafana.ini';

/** The variable that moves the configuration file (`GF_PATHS_CONFIG`). */
export const GRAFANA_CONFIG_PATH_ENV = 'GF_PATHS_CONFIG';

/**
 * Where Bitnami's Grafana image reads its configuration file: its
 * grafana-env.sh defaults `GF_PATHS_CONFIG` to `${GRAFANA_BASE_DIR}/conf/grafana.ini`
 * (`/opt/bitnami/grafana`), and its run.sh starts
 * `grafana server --config=${GF_PATHS_CONFIG} ... "$@"`, as the official one does.
 *
 * @see https://github.com/bitnami/containers/tree/main/bitnami/grafana
 */
export const GRAFANA_BITNAMI_CONFIG_FILE = '/opt/bitnami/grafana/conf/grafana.ini';

/**
 * The flag of `grafana server` (and the older `grafana-server`) that names
 * the configuration file; Go's flag parsing takes `-config` or `--config`,
 * with `=` or as the next argument, and the last one given wins. Both
 * images' start scripts pass the container's arguments after their own
 * `--config`, so one in `args` wins over `GF_PATHS_CONFIG`.
 *
 * @see https://github.com/grafana/grafana/blob/main/packaging/docker/run.sh
 */
export const GRAFANA_CONFIG_FLAG = 'config';

/**
 * A command-line setting of `grafana server`: `cfg:<section>.<key>=<value>`,
 * applied after the configuration file and the `GF_*` variables.
 *
 * @see https://github.com/grafana/grafana/blob/main/pkg/setting/setting.go (applyCommandLineProperties)
 */
export const GRAFANA_COMMAND_LINE_SETTING_PREFIX = 'cfg:';

/**
 * The name of the variable that gives a setting's value in a file: the
 * image's run.sh reads every `GF_*__FILE` variable, exports the file's
 * content under the name without `__FILE`, and refuses to start when both
 * are set.
 *
 * @see https://github.com/grafana/grafana/blob/main/packaging/docker/run.sh
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-docker/#configure-grafana-with-docker-secrets
 */
export function grafanaFileEnvName(envName: string): string {
  return `${envName}${GRAFANA_FILE_ENV_SUFFIX}`;
}

/**
 * The settings that choose Grafana's database. A non-empty `url` wins over
 * `type`: its scheme is the type.
 *
 * @see https://github.com/grafana/grafana/blob/main/pkg/services/sqlstore/database_config.go
 */
export const GRAFANA_DATABASE_SETTINGS = { section: 'database', type: 'type', url: 'url' } as const;

/**
 * What Grafana expands in every setting once the file, the `GF_*` variables
 * and the command line are applied: `${NAME}` and `$__env{NAME}` become the
 * environment variable (empty when unset), `$__file{path}` the file's
 * content without surrounding whitespace, and other `$__<name>{...}` an
 * expander of Grafana Enterprise (`$__vault{...}`). Groups: the expander
 * (`''` or `__env`, `__file`, ...), then what it reads. A `$NAME` without
 * braces stays as written.
 *
 * @see https://github.com/grafana/grafana/blob/main/pkg/setting/expanders.go
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#variable-expansion
 */
export const GRAFANA_EXPANSION = /\$(|__\w+)\{([^}]+)\}/g; // global: for String.replace, which starts from 0 every time

/** The expanders of `GRAFANA_EXPANSION` that read an environment variable and a file. */
export const GRAFANA_ENV_EXPANDERS: readonly string[] = ['', '__env'];
export const GRAFANA_FILE_EXPANDER = '__file';

/**
 * The legacy `[session]` section (`GF_SESSION_PROVIDER`, `GF_SESSION_REDIS_ADDR`, ...)
 * that Grafana removed in 6.2: since then login sessions are tokens in
 * Grafana's own database, so setting these does nothing and several replicas
 * share sessions only by sharing a database.
 *
 * @see https://grafana.com/docs/grafana/v7.0/installation/upgrading/ (Upgrading to v6.2: the `[session]` section)
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-security/configure-authentication/grafana/ (login tokens)
 */
export const GRAFANA_LEGACY_SESSION_ENV_PREFIX = 'GF_SESSION_';

/** The Grafana version that removed the `[session]` section. */
export const GRAFANA_SESSION_SECTION_REMOVED_IN = '6.2';

/** Whether an environment variable belongs to the removed `[session]` section. */
export function isLegacyGrafanaSessionEnv(name: string): boolean {
  return name.toUpperCase().startsWith(GRAFANA_LEGACY_SESSION_ENV_PREFIX);
}

/**
 * `[database] type` values Grafana accepts. `sqlite3` is the default, a file
 * in each pod's data folder. Grafana compares the type as written, and takes
 * a `url`'s scheme (which Go lowercases) as the type; any other value (such
 * as `postgresql`) stops it at start with "unknown database type".
 *
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#database
 * @see https://github.com/grafana/grafana/blob/main/pkg/services/sqlstore/database_config.go
 */
export const GRAFANA_DATABASE_TYPES = ['mysql', 'postgres', 'sqlite3'] as const;

/** The database type every Grafana uses unless told otherwise. */
export const GRAFANA_DEFAULT_DATABASE_TYPE = 'sqlite3';

/**
 * Database types several Grafana replicas can share: the high-availability
 * guide requires MySQL or PostgreSQL.
 *
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/set-up-for-high-availability/
 */
export const GRAFANA_SHARED_DATABASE_TYPES = ['mysql', 'postgres'] as const;

/** `[database] ssl_mode` values for PostgreSQL. */
export const GRAFANA_POSTGRES_SSL_MODES = ['disable', 'require', 'verify-full'] as const;

/**
 * The settings the shared-database setup writes, as environment variables.
 * `host` is `host:port`.
 *
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#database
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#remote_cache
 * @see https://grafana.com/docs/grafana/latest/setup-grafana/configure-grafana/#security
 * @see https://grafana.com/docs/grafana/latest/alerting/set-up/configure-high-availability/
 */
export const GRAFANA_ENV = {
  DATABASE_TYPE: 'GF_DATABASE_TYPE',
  DATABASE_HOST: 'GF_DATABASE_HOST',
  DATABASE_NAME: 'GF_DATABASE_NAME',
  DATABASE_USER: 'GF_DATABASE_USER',
  DATABASE_PASSWORD: 'GF_DATABASE_PASSWORD',
  DATABASE_SSL_MODE: 'GF_DATABASE_SSL_MODE',
  REMOTE_CACHE_TYPE: 'GF_REMOTE_CACHE_TYPE',
  REMOTE_CACHE_CONNSTR: 'GF_REMOTE_CACHE_CONNSTR',
  SECURITY_SECRET_KEY: 'GF_SECURITY_SECRET_KEY',
  SECURITY_ADMIN_USER: 'GF_SECURITY_ADMIN_USER',
  SECURITY_ADMIN_PASSWORD: 'GF_SECURITY_ADMIN_PASSWORD',
  UNIFIED_ALERTING_HA_PEERS: 'GF_UNIFIED_ALERTING_HA_PEERS',
  UNIFIED_ALERTING_HA_LISTEN_ADDRESS: 'GF_UNIFIED_ALERTING_HA_LISTEN_ADDRESS',
  UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS: 'GF_UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS',
  UNIFIED_ALERTING_HA_PEER_TIMEOUT: 'GF_UNIFIED_ALERTING_HA_PEER_TIMEOUT',
} as const;

/** Settings that hold a credential: each must come from a Secret, never a plain value. */
export const GRAFANA_CREDENTIAL_ENV: readonly string[] = [
  GRAFANA_ENV.DATABASE_PASSWORD,
  GRAFANA_ENV.SECURITY_SECRET_KEY,
  GRAFANA_ENV.SECURITY_ADMIN_PASSWORD,
  GRAFANA_ENV.REMOTE_CACHE_CONNSTR,
];

/**
 * `[remote_cache] type` values: where Grafana caches short-lived data shared
 * by replicas (`database` is the default, the shared database itself).
 */
export const GRAFANA_REMOTE_CACHE_TYPES = ['database', 'redis', 'memcached'] as const;

/**
 * The port alerting high availability gossips on, over both TCP and UDP, to
 * share silences and which notifications were sent.
 *
 * @see https://grafana.com/docs/grafana/latest/alerting/set-up/configure-high-availability/
 */
export const GRAFANA_ALERTING_HA_PORT = 9094;

/** The peer timeout the alerting HA guide uses in its Kubernetes example. */
export const GRAFANA_ALERTING_HA_PEER_TIMEOUT = '15s';
