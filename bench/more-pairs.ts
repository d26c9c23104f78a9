// KedaScaledObject, CookieAffinityIngress on GKE, MultiPodGrafana's shared
// database and SharedSessionApp's PostgreSQL and JWT stores next to their
// hand-written twins, in the shape of the bench's construct/twin pairs
// (`Pair` in bench/pairs.ts, whose list ends with them). Each twin writes the
// same objects with cdk8s and cdk8s-plus alone; test/bench.test.ts checks
// that both sides render the same manifests.
import { ApiObject, Chart, Duration, JsonPatch, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { grafanaContainerByHand } from './grafana';
import type { Build, Pair } from './pairs';
import { storeByHand } from './shared-session-app';
import { CookieAffinityIngress, GrafanaSessions, IngressController, KedaScaledObject, MultiPodGrafana, SessionStore, SharedSessionApp } from '../src';

/** Manifests in a fixed order (the two sides create them in different orders). */
function sortedByKindAndName(manifests: any[]): any[] {
  const key = (m: any) => `${m.kind}/${m.metadata.name}`;
  return [...manifests].sort((x, y) => key(x).localeCompare(key(y)));
}

/** cdk8s labels pods with their construct address, which differs by construct path only. */
function withoutAddresses(manifests: any[]): any[] {
  return JSON.parse(JSON.stringify(manifests), (key, value) => (key === 'cdk8s.io/metadata.addr' ? undefined : value));
}

// --- KedaScaledObject ---------------------------------------------------------

/** The Deployment KEDA scales: on both sides, with the CPU request the default trigger measures against. */
function scaledDeployment(chart: Chart, i: number): kplus.Deployment {
  return new kplus.Deployment(chart, `Deploy${i}`, {
    metadata: { name: `app-${i}` },
    containers: [{ image: 'ghcr.io/example/app:1.0.0', resources: { cpu: { request: kplus.Cpu.millis(100) } } }],
  });
}

/**
 * The ScaledObject twin, in a wrapper Construct when `wrap` (see `Pair.buildWrapped`).
 * The Deployment is marked autoscaled with cdk8s-plus's own `markHasAutoscaler()`
 * (its `IScalable` API), as KedaScaledObject does, so it renders no `replicas`.
 */
function kedaTwin(wrap: boolean): Build {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      const target = scaledDeployment(chart, i);
      target.markHasAutoscaler();
      new ApiObject(wrap ? new Construct(chart, `Scale${i}`) : chart, wrap ? 'Resource' : `Scale${i}`, {
        apiVersion: 'keda.sh/v1alpha1',
        kind: 'ScaledObject',
        metadata: { name: `app-${i}` },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target.name },
          minReplicaCount: 2,
          maxReplicaCount: 10,
          pollingInterval: 15,
          triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }],
        },
      });
    }
  };
}

// Each KedaScaledObject walks the whole app at synth for other autoscalers of its
// Deployment, so its cost grows with the square of the instances: read its ratio
// with N (at 50, 200 and 800 instances, three fresh synths each: about 1.6x, 1.8x, 3.7x the twin).
const KEDA: Pair = {
  id: 'keda',
  library: 'KedaScaledObject',
  twin: 'ScaledObject as a plain ApiObject + markHasAutoscaler()',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new KedaScaledObject(chart, `Scale${i}`, {
        metadata: { name: `app-${i}` },
        target: scaledDeployment(chart, i),
        minReplicas: 2,
        maxReplicas: 10,
        pollingInterval: Duration.seconds(15),
      });
    }
  },
  buildTwin: kedaTwin(false),
  buildWrapped: kedaTwin(true),
};

// --- CookieAffinityIngress on GKE ---------------------------------------------

function gkeBackend(chart: Chart, i: number, annotations?: { [key: string]: string }): kplus.Service {
  const service = new kplus.Service(chart, `Svc${i}`, { metadata: { name: `app-${i}`, annotations }, ports: [{ port: 80, targetPort: 8080 }] });
  service.selectLabel('app', `app-${i}`);
  return service;
}

const COOKIE_INGRESS_GKE: Pair = {
  id: 'cookie-ingress-gke',
  library: 'CookieAffinityIngress (GKE)',
  twin: 'kplus.Ingress + BackendConfig ApiObject + Service annotations by hand',
  objectsEach: 3,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      const ingress = new CookieAffinityIngress(chart, `Ing${i}`, {
        metadata: { name: `app-${i}` },
        controller: IngressController.gke(),
        // GKE's load balancer names its own cookie (GCLB): only its lifetime is set.
        cookie: { maxAge: Duration.hours(1) },
      });
      ingress.addHostRule(`app-${i}.example.com`, '/', kplus.IngressBackend.fromService(gkeBackend(chart, i)));
    }
  },
  buildTwin: (chart, n) => {
    for (let i = 0; i < n; i++) {
      const backendConfig = `app-${i}-affinity`;
      const service = gkeBackend(chart, i, {
        'cloud.google.com/backend-config': JSON.stringify({ default: backendConfig }),
        'cloud.google.com/neg': '{"ingress": true}',
      });
      new ApiObject(chart, `BackendConfig${i}`, {
        apiVersion: 'cloud.google.com/v1',
        kind: 'BackendConfig',
        metadata: { name: backendConfig },
        spec: { sessionAffinity: { affinityType: 'GENERATED_COOKIE', affinityCookieTtlSec: 3600 } },
      });
      const ingress = new kplus.Ingress(chart, `Ing${i}`, { metadata: { name: `app-${i}` } });
      ingress.addHostRule(`app-${i}.example.com`, '/', kplus.IngressBackend.fromService(service));
    }
  },
  compared: sortedByKindAndName,
};

// --- MultiPodGrafana with a shared (external) PostgreSQL ----------------------

/** Each Grafana's database on one external server. */
const grafanaDatabaseUrl = (i: number) => `postgresql://grafana@db.example.com:5432/grafana_${i}`;

const GRAFANA_SHARED_DATABASE: Pair = {
  id: 'grafana-shared-database',
  library: 'MultiPodGrafana (sharedDatabase, external PostgreSQL)',
  twin: 'kplus.Deployment + two Services by hand',
  objectsEach: 3,
  namespace: 'observability',
  buildLibrary: (chart, n) => {
    const secret = (id: string, name: string, key: string) => ({ secret: kplus.Secret.fromSecretName(chart, id, name), key });
    const admin = secret('Admin', 'grafana-admin', 'password');
    const db = secret('Db', 'grafana-db', 'password');
    const key = secret('Key', 'grafana-key', 'secret-key');
    for (let i = 0; i < n; i++) {
      new MultiPodGrafana(chart, `Grafana${i}`, {
        name: `grafana-${i}`,
        adminPassword: admin,
        sessions: GrafanaSessions.sharedDatabase({ database: SessionStore.postgres({ url: grafanaDatabaseUrl(i), password: db }), secretKey: key }),
      });
    }
  },
  buildTwin: (chart, n) => {
    const admin = kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin');
    const db = kplus.Secret.fromSecretName(chart, 'Db', 'grafana-db');
    const key = kplus.Secret.fromSecretName(chart, 'Key', 'grafana-key');
    for (let i = 0; i < n; i++) {
      const name = `grafana-${i}`;
      // Alerting HA: the peers find each other through a headless Service on the gossip port.
      const peers = new kplus.Service(chart, `Grafana${i}Alerting`, {
        metadata: { name: `${name}-alerting` },
        clusterIP: 'None',
        ports: [
          { name: 'gossip-tcp', port: 9094, targetPort: 9094, protocol: kplus.Protocol.TCP },
          { name: 'gossip-udp', port: 9094, targetPort: 9094, protocol: kplus.Protocol.UDP },
        ],
      });
      peers.selectLabel('app', name);
      // Every replica knows every login: no affinity.
      const service = new kplus.Service(chart, `Grafana${i}Service`, {
        metadata: { name },
        type: kplus.ServiceType.LOAD_BALANCER,
        ports: [{ port: 3000, targetPort: 3000 }],
      });
      service.selectLabel('app', name);
      const deployment = new kplus.Deployment(chart, `Grafana${i}`, {
        metadata: { name },
        replicas: 4,
        securityContext: { user: 472, group: 472, fsGroup: 472 },
        automountServiceAccountToken: false,
      });
      deployment.podMetadata.addLabel('app', name);
      const value = kplus.EnvValue.fromValue;
      const container = deployment.addContainer({
        ...grafanaContainerByHand(),
        ports: [
          { number: 3000, name: 'http' },
          { number: 9094, protocol: kplus.Protocol.TCP, name: 'gossip-tcp' },
          { number: 9094, protocol: kplus.Protocol.UDP, name: 'gossip-udp' },
        ],
        envVariables: {
          GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: admin, key: 'password' }),
          GF_DATABASE_TYPE: value('postgres'),
          GF_DATABASE_HOST: value('db.example.com:5432'),
          GF_DATABASE_NAME: value(`grafana_${i}`),
          GF_DATABASE_USER: value('grafana'),
          GF_DATABASE_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: db, key: 'password' }),
          GF_DATABASE_SSL_MODE: value('disable'),
          GF_SECURITY_SECRET_KEY: kplus.EnvValue.fromSecretValue({ secret: key, key: 'secret-key' }),
          POD_IP: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_IP),
          GF_UNIFIED_ALERTING_HA_PEERS: value(`${peers.name}:9094`),
          GF_UNIFIED_ALERTING_HA_LISTEN_ADDRESS: value('$(POD_IP):9094'),
          GF_UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS: value('$(POD_IP):9094'),
          GF_UNIFIED_ALERTING_HA_PEER_TIMEOUT: value('15s'),
        },
      });
      container.mount('/var/lib/grafana', kplus.Volume.fromEmptyDir(deployment, 'Data', 'data'));
      container.mount('/var/log/grafana', kplus.Volume.fromEmptyDir(deployment, 'Logs', 'logs'));
      container.mount('/tmp', kplus.Volume.fromEmptyDir(deployment, 'Tmp', 'tmp'));
    }
  },
  compared: withoutAddresses,
};

// --- SharedSessionApp with PostgreSQL (in the chart) and with JWT -------------

/** The app's Deployment, container and Service, as SharedSessionApp writes them, in the twin's scope. */
function sessionApp(scope: Construct, name: string, env: { [name: string]: kplus.EnvValue }, between?: (deployment: kplus.Deployment) => void): void {
  const deployment = new kplus.Deployment(scope, 'Resource', { metadata: { name }, replicas: 2 });
  between?.(deployment);
  const app = deployment.addContainer({
    name: 'app',
    image: 'ghcr.io/example/shop:1.4.2',
    ports: [{ name: 'http', number: 8080 }],
    envVariables: env,
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

/** What a careful user writes for one app and its PostgreSQL. */
const postgresByHand: Build = (chart, n) => {
  const secret = kplus.Secret.fromSecretName(chart, 'Auth', 'sessions-auth');
  const ref = { secret, key: 'password' };
  for (let i = 0; i < n; i++) {
    const scope = new Construct(chart, `App${i}`);
    const name = `app-${i}`;
    const postgres = `${name}-postgres`;
    const host = `${postgres}.bench.svc.cluster.local`;
    sessionApp(scope, name, {
      SESSION_DATABASE_PASSWORD: kplus.EnvValue.fromSecretValue(ref),
      SESSION_DATABASE: kplus.EnvValue.fromValue(`postgresql://sessions:$(SESSION_DATABASE_PASSWORD)@${host}:5432/sessions`),
    }, deployment => {
      const { statefulSet } = storeByHand(scope, postgres, 'postgres', 5432);
      const isReady = (at: string) => ['pg_isready', '-h', at, '-p', '5432', '-U', 'sessions', '-d', 'sessions'];
      const container = statefulSet.addContainer({
        name: 'postgres',
        image: 'postgres:17.2',
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        ports: [{ name: 'postgres', number: 5432 }],
        envVariables: {
          POSTGRES_USER: kplus.EnvValue.fromValue('sessions'),
          POSTGRES_DB: kplus.EnvValue.fromValue('sessions'),
          POSTGRES_PASSWORD_FILE: kplus.EnvValue.fromValue('/etc/postgres-auth/password'),
          PGDATA: kplus.EnvValue.fromValue('/var/lib/postgresql/data/pgdata'),
        },
        securityContext: {
          ensureNonRoot: true, user: 999, group: 999, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
        },
        resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) } },
        readiness: kplus.Probe.fromCommand(isReady('127.0.0.1'), { periodSeconds: Duration.seconds(5), timeoutSeconds: Duration.seconds(3) }),
        liveness: kplus.Probe.fromCommand(isReady('/var/run/postgresql'), {
          initialDelaySeconds: Duration.seconds(30), periodSeconds: Duration.seconds(10), timeoutSeconds: Duration.seconds(5), failureThreshold: 6,
        }),
      });
      container.mount('/etc/postgres-auth', kplus.Volume.fromSecret(scope, 'StoreAuth', secret, {
        name: 'auth', items: { password: { path: 'password' } }, defaultMode: 0o440,
      }), { readOnly: true });
      container.mount('/var/run/postgresql', kplus.Volume.fromEmptyDir(scope, 'StoreRun', 'run'));
      container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'StoreTmp', 'tmp'));
      // cdk8s-plus-28's StatefulSet has no volume claim templates: a JSON patch. Its storage must be a
      // Quantity, not the string '1Gi': the patch is applied before KubeStatefulSet's own toJson(),
      // which writes a Quantity's value and drops anything else.
      const claim: kplus.k8s.KubePersistentVolumeClaimProps = {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: kplus.k8s.Quantity.fromString('1Gi') } } },
      };
      ApiObject.of(statefulSet).addJsonPatch(
        JsonPatch.add('/spec/volumeClaimTemplates', [claim]),
        JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: 'data', mountPath: '/var/lib/postgresql/data' }),
      );
      new kplus.NetworkPolicy(scope, 'StoreNetworkPolicy', {
        metadata: { name: postgres, namespace: 'bench' },
        selector: statefulSet,
        ingress: { default: kplus.NetworkPolicyTrafficDefault.DENY, rules: [{ peer: deployment, ports: [kplus.NetworkPolicyPort.tcp(5432)] }] },
      });
    });
  }
};

const SHARED_SESSION_APP_POSTGRES: Pair = {
  id: 'shared-session-app-postgres',
  library: 'SharedSessionApp + PostgreSQL store',
  twin: 'the same six objects by hand',
  objectsEach: 6,
  namespace: 'bench',
  buildLibrary: (chart, n) => {
    const secret = kplus.Secret.fromSecretName(chart, 'Auth', 'sessions-auth');
    for (let i = 0; i < n; i++) {
      new SharedSessionApp(chart, `App${i}`, {
        metadata: { name: `app-${i}` },
        image: 'ghcr.io/example/shop:1.4.2',
        port: 8080,
        store: SessionStore.postgres({ password: { secret, key: 'password' } }),
      });
    }
  },
  buildTwin: postgresByHand,
};

const SHARED_SESSION_APP_JWT: Pair = {
  id: 'shared-session-app-jwt',
  library: 'SharedSessionApp + JWT store',
  twin: 'kplus.Deployment + Service by hand',
  objectsEach: 2,
  namespace: 'bench',
  buildLibrary: (chart, n) => {
    const secret = kplus.Secret.fromSecretName(chart, 'Keys', 'app-secrets');
    for (let i = 0; i < n; i++) {
      new SharedSessionApp(chart, `App${i}`, {
        metadata: { name: `app-${i}` },
        image: 'ghcr.io/example/shop:1.4.2',
        port: 8080,
        store: SessionStore.jwt({ secret, key: 'jwt-secret' }),
      });
    }
  },
  buildTwin: (chart, n) => {
    const secret = kplus.Secret.fromSecretName(chart, 'Keys', 'app-secrets');
    for (let i = 0; i < n; i++) {
      sessionApp(new Construct(chart, `App${i}`), `app-${i}`, { JWT_SECRET: kplus.EnvValue.fromSecretValue({ secret, key: 'jwt-secret' }) });
    }
  },
};

/** The pairs at the end of bench/pairs.ts's list. */
export const MORE_PAIRS: readonly Pair[] = [KEDA, COOKIE_INGRESS_GKE, GRAFANA_SHARED_DATABASE, SHARED_SESSION_APP_POSTGRES, SHARED_SESSION_APP_JWT];
