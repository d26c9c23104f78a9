// SharedSessionApp with a Redis store next to the same six objects written
// by hand with cdk8s-plus (Deployment, Service, Redis StatefulSet, its
// ClusterIP and headless Services, NetworkPolicy). Both render byte-for-byte the same manifests
// (checked before timing), so the ratio is the library's own cost.
import { App, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SessionStore, SharedSessionApp } from '../src';

type Build = (chart: Chart, n: number) => void;

const library: Build = (chart, n) => {
  const secret = kplus.Secret.fromSecretName(chart, 'Auth', 'sessions-auth');
  for (let i = 0; i < n; i++) {
    new SharedSessionApp(chart, `App${i}`, {
      metadata: { name: `app-${i}` },
      image: 'ghcr.io/example/shop:1.4.2',
      port: 8080,
      store: SessionStore.redis({ password: { secret, key: 'password' } }),
    });
  }
};

/**
 * A store run in the chart, as a careful user writes it: a StatefulSet of one
 * pod (uid 999) with its headless Service and a ClusterIP Service that selects
 * it, all named `name` in namespace `bench`, on one port named `app`.
 */
export function storeByHand(scope: Construct, name: string, app: string, port: number): { statefulSet: kplus.StatefulSet } {
  const ports = [{ name: app, port, targetPort: port }];
  const service = new kplus.Service(scope, 'StoreService', { metadata: { name, namespace: 'bench' }, ports });
  const headless = new kplus.Service(scope, 'StoreHeadlessService', { metadata: { name: `${name}-headless`, namespace: 'bench' }, clusterIP: 'None', ports });
  const statefulSet = new kplus.StatefulSet(scope, 'Store', {
    metadata: { name, namespace: 'bench' },
    service: headless,
    replicas: 1,
    securityContext: { ensureNonRoot: true, user: 999, group: 999, fsGroup: 999 },
  });
  statefulSet.podMetadata.addLabel('app.kubernetes.io/name', app);
  statefulSet.podMetadata.addLabel('app.kubernetes.io/instance', name);
  service.select(statefulSet);
  return { statefulSet };
}

/** What a careful user writes today for one app and its Redis. */
const handWritten: Build = (chart, n) => {
  const secret = kplus.Secret.fromSecretName(chart, 'Auth', 'sessions-auth');
  const ref = { secret, key: 'password' };
  for (let i = 0; i < n; i++) {
    const scope = new Construct(chart, `App${i}`);
    const name = `app-${i}`;
    const redis = `${name}-redis`;
    const host = `${redis}.bench.svc.cluster.local`;
    const deployment = new kplus.Deployment(scope, 'Resource', { metadata: { name }, replicas: 2 });
    const { statefulSet } = storeByHand(scope, redis, 'redis', 6379);
    const container = statefulSet.addContainer({
      name: 'redis',
      image: 'redis:7.4.1',
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      command: ['sh', '-c', 'exec redis-server - --port 6379 --dir /data --appendonly yes --maxmemory 192mb --maxmemory-policy volatile-lru <<EOF\nrequirepass $REDISCLI_AUTH\nEOF'],
      ports: [{ name: 'redis', number: 6379 }],
      envVariables: { REDISCLI_AUTH: kplus.EnvValue.fromSecretValue(ref) },
      securityContext: {
        ensureNonRoot: true, user: 999, group: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
      },
      resources: { cpu: { request: kplus.Cpu.millis(50) }, memory: { request: Size.mebibytes(64), limit: Size.mebibytes(256) } },
      readiness: kplus.Probe.fromCommand(['sh', '-c', 'test "$(redis-cli -p 6379 ping)" = PONG'], { periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3) }),
      liveness: kplus.Probe.fromTcpSocket({ port: 6379, initialDelaySeconds: Duration.seconds(10), periodSeconds: Duration.seconds(10) }),
    });
    container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'StoreTmp', 'tmp'));
    container.mount('/data', kplus.Volume.fromEmptyDir(scope, 'StoreData', 'data'));
    new kplus.NetworkPolicy(scope, 'StoreNetworkPolicy', {
      metadata: { name: redis, namespace: 'bench' },
      selector: statefulSet,
      ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY, rules: [{ peer: deployment, ports: [kplus.NetworkPolicyPort.tcp(6379)] }] },
    });
    const app = deployment.addContainer({
      name: 'app',
      image: 'ghcr.io/example/shop:1.4.2',
      ports: [{ name: 'http', number: 8080 }],
      envVariables: {
        SESSION_STORE_PASSWORD: kplus.EnvValue.fromSecretValue(ref),
        SESSION_STORE: kplus.EnvValue.fromValue(`redis://:$(SESSION_STORE_PASSWORD)@${host}:6379`),
      },
      readiness: kplus.Probe.fromTcpSocket({ port: 8080 }),
      liveness: kplus.Probe.fromTcpSocket({ port: 8080, initialDelaySeconds: Duration.seconds(15) }),
    });
    app.mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'Tmp', 'tmp'));
    new kplus.Service(scope, 'Service', {
      metadata: { name, namespace: 'bench' },
      selector: deployment,
      ports: [{ name: 'http', port: 8080, targetPort: 8080 }],
    });
  }
};

export const SHARED_SESSION_VARIANTS: Array<[string, Build]> = [['library', library], ['hand-written', handWritten]];

/** A chart in namespace `bench` with `n` apps of one variant. */
export function sharedSessionChart(build: Build, n: number): Chart {
  const chart = new Chart(new App({ outdir: '/dev/null' }), 'bench', { namespace: 'bench' });
  build(chart, n);
  return chart;
}
