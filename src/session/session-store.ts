import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { untypedProps, UntypedPropsRules } from '../units';
import type { JwtSessionStoreOptions } from './stores/jwt';
import type { MemcachedSessionStoreOptions } from './stores/memcached';
import type { PostgresSessionStoreOptions } from './stores/postgres';
import type { RedisSessionStoreOptions } from './stores/redis';

/** The string options every store run in the chart takes. */
const IN_CHART_STRINGS = ['name', 'image', 'clusterDomain'];

// What each factory checks of its options, made once.
const REDIS_RULES: UntypedPropsRules = {
  strings: [...IN_CHART_STRINGS, 'url', 'storageClassName', 'urlEnv', 'passwordEnv'], secretKeyRefs: ['password'], sizes: ['storage'],
};
const MEMCACHED_RULES: UntypedPropsRules = { strings: [...IN_CHART_STRINGS, 'url', 'urlEnv'], sizes: ['memory'] };
const POSTGRES_RULES: UntypedPropsRules = {
  strings: [...IN_CHART_STRINGS, 'url', 'user', 'database', 'storageClassName', 'urlEnv', 'passwordEnv'], secretKeyRefs: ['password'], sizes: ['storage'],
};
const JWT_RULES: UntypedPropsRules = { strings: ['key', 'env'], secrets: ['secret'] };

// The concrete stores are private to the library: users pick one with
// SessionStore's factories and hold it as a SessionStore (or SqlSessionStore).

/**
 * One key of a Kubernetes Secret: how every credential reaches this library.
 *
 * The library never writes a password into a manifest and never generates
 * one (a synth must be deterministic, and must not hold a secret the user did
 * not put there). Make the Secret with External Secrets, Sealed Secrets, the
 * Secrets Store CSI driver or `kubectl create secret`, and pass it with
 * `kplus.Secret.fromSecretName()`; or create a `kplus.Secret` in the chart
 * from a value you hold, knowing it is then in the synthesized YAML.
 */
export interface SecretKeyRef {
  /** The Secret, in the namespace of the pods that read it. */
  readonly secret: kplus.ISecret;

  /** The key in the Secret's data. */
  readonly key: string;
}

/** Which kind of session store a SessionStore is. */
export enum SessionStoreKind {
  /** Redis: sessions as keys with a time to live. */
  REDIS = 'redis',
  /** Memcached: sessions in a cache; a restart loses them. */
  MEMCACHED = 'memcached',
  /** PostgreSQL: sessions in a table. */
  POSTGRES = 'postgres',
  /** No store: the session travels in a token signed with a key from a Secret. */
  JWT = 'jwt',
}

/** One environment variable a store gives its consumer. */
export interface SessionEnvVariable {
  /** The variable's name. */
  readonly name: string;

  /** Its value: a plain value, or a reference to a Secret key. */
  readonly value: kplus.EnvValue;
}

/** Who uses a session store: what `SessionStore.bind()` needs to know. */
export interface SessionStoreConsumer {
  /**
   * The consumer's name: the store's objects are named after it
   * (`<name>-redis`, `<name>-postgres`), unless the store's own `name` is given.
   */
  readonly name: string;

  /**
   * The namespace the consumer runs in; a store run in the chart runs there
   * too, since a Secret can only be read from its own namespace.
   *
   * @default - the chart's namespace; without one, the store's objects have no
   * namespace and its URL names the Service without one
   */
  readonly namespace?: string;

  /**
   * The pods that talk to the store: its NetworkPolicy admits only them. A
   * Deployment, StatefulSet or `kplus.Pods.select()`.
   */
  readonly pods: kplus.INetworkPolicyPeer;
}

/**
 * What a bound store gives its consumer: the environment for the app, and the
 * same connection details as structured data for consumers that write their
 * own configuration (Grafana's `GF_DATABASE_*`, say).
 */
export interface SessionStoreConfig {
  /** Which store this is. */
  readonly kind: SessionStoreKind;

  /**
   * Environment variables for the consumer's containers, in order: a variable
   * holding a credential comes before the URL that embeds it with `$(VAR)`,
   * which Kubernetes expands only from variables defined earlier.
   */
  readonly env: SessionEnvVariable[];

  /**
   * The store's address without credentials (`redis://host:6379`,
   * `postgresql://host:5432/sessions`; an external PostgreSQL URL as given,
   * without its user).
   *
   * @default - none (JWT)
   */
  readonly url?: string;

  /**
   * The host to connect to: the store's Service as
   * `<service>.<namespace>.svc.<cluster domain>`, or the external host. For
   * an external PostgreSQL URL naming several hosts, the list as written
   * (`db1:5432,db2:5432`), and `port` is none.
   *
   * @default - none (JWT)
   */
  readonly host?: string;

  /**
   * The port to connect to: the URL's, else the store's default port (5432
   * for PostgreSQL, as libpq defaults; the URL given to the app is not
   * changed).
   *
   * @default - none (JWT, or an external PostgreSQL URL naming several hosts)
   */
  readonly port?: number;

  /**
   * The database name (PostgreSQL).
   *
   * @default - none
   */
  readonly database?: string;

  /**
   * The user name (PostgreSQL).
   *
   * @default - none
   */
  readonly user?: string;

  /**
   * The Secret key holding the store's password.
   *
   * @default - none: the store takes no password (Memcached, JWT, or an
   * external store given without one)
   */
  readonly password?: SecretKeyRef;

  /**
   * The Secret key holding the JWT signing key.
   *
   * @default - none (not JWT)
   */
  readonly signingKey?: SecretKeyRef;

  /** Whether the client must speak TLS to the store (`rediss://`, `sslmode=require`). */
  readonly tls: boolean;

  /** Whether the store runs in the chart (false: external, or JWT). */
  readonly runsInChart: boolean;

  /**
   * The store's Service.
   *
   * @default - none: the store does not run in the chart
   */
  readonly service?: kplus.Service;

  /**
   * The store's workload (a StatefulSet for Redis and PostgreSQL, a
   * Deployment for Memcached).
   *
   * @default - none: the store does not run in the chart
   */
  readonly workload?: kplus.Workload;

  /**
   * The NetworkPolicy that admits only the consumer's pods to the store.
   *
   * @default - none: the store does not run in the chart
   */
  readonly networkPolicy?: kplus.NetworkPolicy;

  /**
   * The headless Service that governs the store's StatefulSet (its
   * `serviceName`), giving each pod a stable DNS name; clients use `service`.
   *
   * @default - none: the store runs no StatefulSet in the chart
   */
  readonly governingService?: kplus.Service;
}

/**
 * Where a shared application keeps its sessions, so that any replica can
 * serve any request and the Service needs no affinity.
 *
 * Pick one with the static factories; a consumer (SharedSessionApp,
 * MultiPodGrafana) calls `bind()` once, and the store creates what it needs
 * (workload, Services, NetworkPolicy) under the scope it is given and returns
 * the env and connection details.
 *
 * A store run in the chart is one pod, and gets no PodDisruptionBudget: with
 * one pod a budget either forbids every eviction (`minAvailable: 1`, and a
 * node drain waits forever) or allows every one (and protects nothing). A
 * drain restarts the store elsewhere: PostgreSQL, and Redis with `storage`,
 * keep their sessions on the volume; Memcached, and Redis without
 * `storage`, lose them.
 */
export abstract class SessionStore {
  /**
   * Redis: run in the chart (a StatefulSet with auth on, its password from a
   * Secret) or, with `url`, an external Redis.
   *
   * @param options the password Secret, or the external URL, and the knobs
   */
  public static redis(options: RedisSessionStoreOptions = {}): SessionStore {
    return new (stores().RedisSessionStore)(untypedProps('SessionStore.redis()', options, REDIS_RULES));
  }

  /**
   * Memcached: run in the chart (a Deployment), or, with `url`, an external one.
   * Memcached has no password: only the NetworkPolicy keeps others out.
   *
   * @param options the external URL, memory and the knobs
   */
  public static memcached(options: MemcachedSessionStoreOptions = {}): SessionStore {
    return new (stores().MemcachedSessionStore)(untypedProps('SessionStore.memcached()', options, MEMCACHED_RULES));
  }

  /**
   * PostgreSQL: run in the chart (a StatefulSet with a volume claim template,
   * credentials from a Secret) or, with `url`, an external database.
   *
   * The result is a `SqlSessionStore`, which is what Grafana's
   * `GrafanaSessions.sharedDatabase()` takes.
   *
   * @param options the password Secret, or the external URL, and the knobs
   */
  public static postgres(options: PostgresSessionStoreOptions): SqlSessionStore {
    return new (stores().PostgresSessionStore)(untypedProps('SessionStore.postgres()', options, POSTGRES_RULES));
  }

  /**
   * No store: sessions are tokens signed with a key read from a Secret.
   *
   * @param options the Secret and key holding the signing key
   */
  public static jwt(options: JwtSessionStoreOptions): SessionStore {
    return new (stores().JwtSessionStore)(untypedProps('SessionStore.jwt()', options, JWT_RULES));
  }

  /** Which store this is. */
  public abstract readonly kind: SessionStoreKind;

  /**
   * For subclasses: a store this library does not cover implements `kind` and `bind()`.
   */
  protected constructor() {}

  /**
   * Create what the store needs under `scope` and say how to reach it. Called
   * once per consumer, from its constructor; the ids it uses start with
   * `Store`, so they cannot clash with the consumer's own children. To bind
   * two stores for one consumer (a database and a cache), give each its own
   * scope, e.g. `new Construct(consumer, 'Database')`.
   *
   * @param scope where to create the store's objects
   * @param consumer the consumer's name, namespace and pods
   */
  public abstract bind(scope: Construct, consumer: SessionStoreConsumer): SessionStoreConfig;
}

/** The SQL dialect a database speaks. */
export enum SqlDialect {
  /** PostgreSQL. */
  POSTGRES = 'postgres',
}

/**
 * A session store that is an SQL database, which an application can also keep
 * its own data in: what `GrafanaSessions.sharedDatabase()` accepts.
 * `SessionStore.postgres()` makes one.
 */
export abstract class SqlSessionStore extends SessionStore {
  /** The SQL dialect the database speaks. */
  public abstract readonly dialect: SqlDialect;

  /**
   * For subclasses: an SQL store this library does not cover implements `kind`, `dialect` and `bind()`.
   */
  protected constructor() {
    super();
  }
}

type Stores = typeof import('./stores/jwt') & typeof import('./stores/memcached') & typeof import('./stores/postgres') & typeof import('./stores/redis');

/** The store modules, once loaded. */
let loadedStores: Stores | undefined;

/**
 * The stores subclass SessionStore, and SessionStore's factories name the
 * stores: loading them when a factory is first called, not when this module
 * loads, keeps the cycle from handing a store an undefined base class. Loaded
 * once: a `require()` of a loaded module still resolves its path each call.
 */
function stores(): Stores {
  /* eslint-disable @typescript-eslint/no-require-imports */
  loadedStores ??= { ...require('./stores/jwt'), ...require('./stores/memcached'), ...require('./stores/postgres'), ...require('./stores/redis') };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loadedStores!;
}
