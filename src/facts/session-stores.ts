// Facts about the session stores' official container images and URL schemes.
// Pure data and small pure functions: no imports from the rest of the library.

/**
 * Pinned official images. A tag, not `latest`, so a synth is reproducible;
 * users who pin digests pass their own `image`.
 *
 * @see https://hub.docker.com/_/redis
 * @see https://hub.docker.com/_/memcached
 * @see https://hub.docker.com/_/postgres
 */
export const REDIS_IMAGE = 'redis:7.4.1';
export const MEMCACHED_IMAGE = 'memcached:1.6.32';
export const POSTGRES_IMAGE = 'postgres:17.2';

/** Default ports of the servers. */
export const REDIS_PORT = 6379;
export const MEMCACHED_PORT = 11211;
export const POSTGRES_PORT = 5432;

/**
 * The uid and gid each official image creates for its server. The images
 * start as root and drop to this user; a pod that must run as non-root starts
 * directly as it, and the data directories are owned by it.
 *
 * @see https://github.com/docker-library/redis (groupadd -r -g 999 redis; useradd -r -g redis -u 999 redis)
 * @see https://github.com/docker-library/memcached (groupadd --system --gid 11211 memcache; useradd ... --uid 11211 memcache)
 * @see https://github.com/docker-library/postgres (groupadd -r postgres --gid=999; useradd -r -g postgres --uid=999)
 */
export const REDIS_UID = 999;
export const MEMCACHED_UID = 11211;
export const POSTGRES_UID = 999;

/** Where the official redis image keeps its data (its WORKDIR and VOLUME). */
export const REDIS_DATA_DIR = '/data';

/**
 * The official postgres image's data volume, and the folder inside it used as
 * PGDATA: a fresh volume's root may hold `lost+found`, which initdb refuses.
 *
 * @see https://hub.docker.com/_/postgres (PGDATA)
 */
export const POSTGRES_VOLUME_DIR = '/var/lib/postgresql/data';
export const POSTGRES_PGDATA = '/var/lib/postgresql/data/pgdata';
/** Where postgres puts its Unix socket and lock file; must be writable. */
export const POSTGRES_SOCKET_DIR = '/var/run/postgresql';

/**
 * redis-cli reads the password from this variable, so neither the probe's nor
 * the server's command line carries it (redis-cli 5.0.3 and later).
 *
 * @see https://redis.io/docs/latest/develop/tools/cli/
 */
export const REDISCLI_AUTH_ENV = 'REDISCLI_AUTH';

/** URL schemes each store's client understands. */
export const REDIS_SCHEMES = ['redis:', 'rediss:'];
export const MEMCACHED_SCHEMES = ['memcached:'];
export const POSTGRES_SCHEMES = ['postgresql:', 'postgres:'];

/**
 * libpq `sslmode` values that make the client use TLS.
 *
 * @see https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNECT-SSLMODE
 */
export const POSTGRES_TLS_SSLMODES = ['require', 'verify-ca', 'verify-full'];

/**
 * Characters a password may hold so that it can be written into a URL by
 * Kubernetes' `$(VAR)` expansion (which does no escaping) and into a Redis
 * configuration line without quoting: RFC 3986 "unreserved" characters.
 */
export const URL_SAFE_PASSWORD = /^[A-Za-z0-9._~-]+$/;

/** Default environment variable names, after "Session Affinity in Kubernetes". */
export const SESSION_STORE_ENV = 'SESSION_STORE';
export const SESSION_DATABASE_ENV = 'SESSION_DATABASE';
export const JWT_SECRET_ENV = 'JWT_SECRET';

/** A Kubernetes environment variable name (C identifier rules are what shells need). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * What the API server accepts as a container's environment variable name
 * (the store's own variables keep to ENV_NAME, which shells can read too).
 *
 * @see https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go (envVarNameFmt)
 */
export const KUBERNETES_ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** The DNS name of a Service inside the cluster. */
export function serviceHost(service: string, namespace: string | undefined, clusterDomain: string): string {
  return namespace === undefined ? service : `${service}.${namespace}.svc.${clusterDomain}`;
}
