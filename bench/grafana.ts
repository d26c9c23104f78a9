// Grafana with several pods: MultiPodGrafana's quick fix and its twin written
// by hand with cdk8s-plus (timed in pairs.ts), and the other Grafana and probe
// variants, whose manifests test/grafana/bench.test.ts validates.
import { ApiObject, App, Chart, Duration, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AffinityProbe, GrafanaSessions, MultiPodGrafana, SessionStore } from '../src';

/** One way of writing N Grafanas into a chart. */
interface GrafanaVariant {
  readonly name: string;
  build(chart: Chart, n: number): void;
}

function secret(chart: Chart, id: string, name: string, key: string) {
  return { secret: kplus.Secret.fromSecretName(chart, id, name), key };
}

/**
 * The Grafana container as a careful user writes it by hand, but for its
 * ports and env: image, probes (the start-up one allowing five minutes for
 * database migrations), non-root user and resources. One copy for the
 * hand-written twins of each MultiPodGrafana mode.
 */
export function grafanaContainerByHand(): kplus.ContainerProps {
  return {
    name: 'grafana',
    image: 'grafana/grafana:11.3.0',
    readiness: kplus.Probe.fromHttpGet('/api/health', { port: 3000 }),
    liveness: kplus.Probe.fromHttpGet('/api/health', { port: 3000 }),
    startup: kplus.Probe.fromHttpGet('/api/health', { port: 3000, periodSeconds: Duration.seconds(10), failureThreshold: 30 }),
    securityContext: { user: 472, group: 472 },
    resources: {
      cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
      memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
    },
  };
}

export const QUICK_FIX: GrafanaVariant = {
  name: 'MultiPodGrafana clientIpAffinity',
  build(chart, n) {
    const admin = secret(chart, 'Admin', 'grafana-admin', 'password');
    for (let i = 0; i < n; i++) {
      new MultiPodGrafana(chart, `Grafana${i}`, { name: `grafana-${i}`, adminPassword: admin });
    }
  },
};

/** The quick fix as a user writes it today: Deployment, Service, and the affinity as a JSON patch. */
export const QUICK_FIX_BY_HAND: GrafanaVariant = {
  name: 'hand-written cdk8s-plus',
  build(chart, n) {
    const admin = kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin');
    for (let i = 0; i < n; i++) {
      const service = new kplus.Service(chart, `Grafana${i}Service`, {
        metadata: { name: `grafana-${i}` },
        type: kplus.ServiceType.LOAD_BALANCER,
        ports: [{ port: 3000, targetPort: 3000 }],
      });
      service.selectLabel('app', `grafana-${i}`);
      ApiObject.of(service).addJsonPatch(
        JsonPatch.add('/spec/sessionAffinity', 'ClientIP'),
        JsonPatch.add('/spec/sessionAffinityConfig', { clientIp: { timeoutSeconds: 10800 } }),
        JsonPatch.add('/spec/externalTrafficPolicy', 'Local'),
      );
      const scope = new kplus.Deployment(chart, `Grafana${i}`, {
        metadata: { name: `grafana-${i}` },
        replicas: 4,
        securityContext: { user: 472, group: 472, fsGroup: 472 },
        automountServiceAccountToken: false,
      });
      scope.podMetadata.addLabel('app', `grafana-${i}`);
      const container = scope.addContainer({
        ...grafanaContainerByHand(),
        ports: [{ number: 3000, name: 'http' }],
        envVariables: { GF_SECURITY_ADMIN_PASSWORD: kplus.EnvValue.fromSecretValue({ secret: admin, key: 'password' }) },
      });
      container.mount('/var/lib/grafana', kplus.Volume.fromEmptyDir(scope, 'Data', 'data'));
      container.mount('/var/log/grafana', kplus.Volume.fromEmptyDir(scope, 'Logs', 'logs'));
      container.mount('/tmp', kplus.Volume.fromEmptyDir(scope, 'Tmp', 'tmp'));
    }
  },
};

export const SHARED_DATABASE: GrafanaVariant = {
  name: 'MultiPodGrafana sharedDatabase + KEDA',
  build(chart, n) {
    const admin = secret(chart, 'Admin', 'grafana-admin', 'password');
    const db = secret(chart, 'Db', 'grafana-db', 'password');
    const key = secret(chart, 'Key', 'grafana-key', 'secret-key');
    for (let i = 0; i < n; i++) {
      new MultiPodGrafana(chart, `Grafana${i}`, {
        name: `grafana-${i}`,
        adminPassword: admin,
        sessions: GrafanaSessions.sharedDatabase({ database: SessionStore.postgres({ password: db }), secretKey: key }),
        autoscaling: { minReplicas: 2, maxReplicas: 8 },
      });
    }
  },
};

export const PROBE: GrafanaVariant = {
  name: 'AffinityProbe',
  build(chart, n) {
    for (let i = 0; i < n; i++) {
      new AffinityProbe(chart, `Probe${i}`);
    }
  },
};

export const GRAFANA_VARIANTS = [QUICK_FIX, QUICK_FIX_BY_HAND, SHARED_DATABASE, PROBE];

export function buildGrafanaChart(variant: GrafanaVariant, n: number): Chart {
  const chart = new Chart(new App(), 'bench', { namespace: 'observability' });
  variant.build(chart, n);
  return chart;
}

/** The quick fix and its hand-written twin must render the same objects, or the ratio means nothing. */
export function checkSameQuickFix(): void {
  const render = (v: GrafanaVariant) => JSON.stringify(Testing.synth(buildGrafanaChart(v, 2))
    .map(m => ({ ...m, spec: { ...m.spec, selector: m.kind === 'Service' ? m.spec.selector : undefined, template: stripAddr(m.spec.template) } })));
  if (render(QUICK_FIX) !== render(QUICK_FIX_BY_HAND)) {
    throw new Error(`the hand-written Grafana renders differently:\n${render(QUICK_FIX_BY_HAND)}\nnot\n${render(QUICK_FIX)}`);
  }
}

/** cdk8s labels pods with their construct address, which differs by construct path only. */
function stripAddr(template: any): any {
  if (!template) {
    return template;
  }
  const labels = { ...template.metadata.labels };
  delete labels['cdk8s.io/metadata.addr'];
  return { ...template, metadata: { ...template.metadata, labels } };
}
