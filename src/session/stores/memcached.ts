import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  checkEnvName, checkNames, containerSecurityContext, mebibytes, parseStoreUrl, placement,
  podSecurityContext, storeImage, storeNetworkPolicy, storeResources,
} from './common';
import { InChartStoreOptions } from './options';
import { propError } from '../../errors';
import {
  MEMCACHED_IMAGE, MEMCACHED_PORT, MEMCACHED_SCHEMES, MEMCACHED_UID, SESSION_STORE_ENV,
} from '../../facts/session-stores';
import { SessionStore, SessionStoreConfig, SessionStoreConsumer, SessionStoreKind } from '../session-store';

/** Options of `SessionStore.memcached()`. */
export interface MemcachedSessionStoreOptions extends InChartStoreOptions {
  /**
   * An external Memcached (`memcached://host:11211`): nothing runs in the chart.
   *
   * @default - Memcached runs in the chart
   */
  readonly url?: string;

  /**
   * Memory Memcached may use for items (its `-m`); the container's memory
   * limit leaves room for connections on top, and a limit given in
   * `resources` must be above it.
   *
   * @default Size.mebibytes(64)
   */
  readonly memory?: Size;

  /**
   * Name of the app's variable with the URL.
   *
   * @default 'SESSION_STORE'
   */
  readonly urlEnv?: string;
}

/**
 * Memcached as a session store. In the chart: a one-pod Deployment of the
 * official image, running as its `memcache` user with a read-only root
 * filesystem. Memcached has no password in its plain protocol: the
 * NetworkPolicy admitting only the app's pods is what keeps others out, and a
 * restart loses every session.
 *
 * @see https://github.com/memcached/memcached/wiki/ConfiguringServer
 */
export class MemcachedSessionStore extends SessionStore {
  /** Which store this is. */
  public readonly kind = SessionStoreKind.MEMCACHED;

  /** The options given. */
  private readonly options: MemcachedSessionStoreOptions;

  /** @param options the external URL, memory and the knobs */
  public constructor(options: MemcachedSessionStoreOptions = {}) {
    super();
    this.options = options;
  }

  /**
   * Runs Memcached under `scope` (unless `url` is given) and returns the app's env.
   *
   * @param scope where to create the store's objects
   * @param consumer the consumer's name, namespace and pods
   */
  public bind(scope: Construct, consumer: SessionStoreConsumer): SessionStoreConfig {
    const o = this.options;
    const urlEnv = o.urlEnv ?? SESSION_STORE_ENV;
    checkEnvName(scope, 'store.urlEnv', urlEnv);

    if (o.url !== undefined) {
      const url = parseStoreUrl(scope, 'store.url', o.url, MEMCACHED_SCHEMES, 'Memcached');
      if (url.username !== '') {
        throw propError(scope, 'store.url', JSON.stringify(o.url), 'must not hold a user: Memcached\'s plain protocol has no login');
      }
      // The app is given memcached://host:port: anything else in the URL would be lost without a word.
      const extra = [url.pathname !== '' && url.pathname !== '/' ? `a path (${url.pathname})` : undefined,
        url.search !== '' ? `a query (${url.search})` : undefined, url.hash !== '' ? `a fragment (${url.hash})` : undefined].filter(e => e !== undefined);
      if (extra.length > 0) {
        throw propError(scope, 'store.url', JSON.stringify(o.url),
          `must be memcached://host:port, without ${extra.length > 1 ? `${extra.slice(0, -1).join(', ')} or ${extra[extra.length - 1]}` : extra[0]}: the app is given the host and port only, so the rest would be dropped; set client options in the app`);
      }
      for (const [prop, value] of [['memory', o.memory], ['image', o.image], ['name', o.name], ['resources', o.resources],
        ['clusterDomain', o.clusterDomain]] as const) {
        if (value !== undefined) {
          throw propError(scope, `store.${prop}`, 'given', 'applies only to a Memcached run in the chart: drop it, or drop \'url\'');
        }
      }
      const port = url.port === '' ? MEMCACHED_PORT : Number(url.port);
      const href = `memcached://${url.hostname}:${port}`;
      return {
        kind: this.kind,
        env: [{ name: urlEnv, value: kplus.EnvValue.fromValue(href) }],
        url: href,
        host: url.hostname,
        port,
        tls: false,
        runsInChart: false,
      };
    }

    const memory = mebibytes(scope, 'store.memory', o.memory ?? Size.mebibytes(64));
    const place = placement(consumer, scope, 'memcached', o);
    const limit = o.resources?.memory?.limit;
    if (limit !== undefined && mebibytes(scope, 'store.resources.memory.limit', limit) <= memory) {
      // Memcached fills `-m` with items and needs room for connections on
      // top: at the limit it is killed for memory, losing every session.
      throw propError(scope, 'store.memory', `${memory}Mi`, `must stay below the container's memory limit (${mebibytes(scope, 'store.resources.memory.limit', limit)}Mi)`);
    }
    const deployment = new kplus.Deployment(scope, 'Store', {
      metadata: place.metadata,
      replicas: 1,
      securityContext: podSecurityContext(MEMCACHED_UID),
    });
    deployment.podMetadata.addLabel('app.kubernetes.io/name', 'memcached');
    deployment.podMetadata.addLabel('app.kubernetes.io/instance', place.name);
    deployment.addContainer({
      name: 'memcached',
      image: storeImage(scope, o.image, MEMCACHED_IMAGE),
      // The tag is pinned: pull it once per node.
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['memcached'],
      args: ['-p', String(MEMCACHED_PORT), '-m', String(memory)],
      ports: [{ name: 'memcached', number: MEMCACHED_PORT }],
      securityContext: containerSecurityContext(MEMCACHED_UID),
      // Resources given without memory keep these: room for connections above `-m`.
      resources: storeResources(scope, o.resources, {
        cpu: { request: kplus.Cpu.millis(50) },
        memory: { request: Size.mebibytes(memory + 32), limit: Size.mebibytes(memory + 64) },
      }, 'every store run in the chart has one, so that the kubelet bounds Memcached\'s items and connections, not the node\'s memory pressure'),
      readiness: kplus.Probe.fromTcpSocket({ port: MEMCACHED_PORT, periodSeconds: Duration.seconds(5) }),
      liveness: kplus.Probe.fromTcpSocket({
        port: MEMCACHED_PORT, initialDelaySeconds: Duration.seconds(10), periodSeconds: Duration.seconds(10),
      }),
    });
    const service = new kplus.Service(scope, 'StoreService', {
      metadata: place.metadata,
      ports: [{ name: 'memcached', port: MEMCACHED_PORT, targetPort: MEMCACHED_PORT }],
    });
    service.selectLabel('app.kubernetes.io/instance', place.name);
    service.selectLabel('app.kubernetes.io/name', 'memcached');

    const networkPolicy = storeNetworkPolicy(scope, place, deployment, consumer, MEMCACHED_PORT);
    checkNames(scope, [service, deployment, networkPolicy]);

    const href = `memcached://${place.host}:${MEMCACHED_PORT}`;
    return {
      kind: this.kind,
      env: [{ name: urlEnv, value: kplus.EnvValue.fromValue(href) }],
      url: href,
      host: place.host,
      port: MEMCACHED_PORT,
      tls: false,
      runsInChart: true,
      service,
      workload: deployment,
      networkPolicy,
    };
  }
}
