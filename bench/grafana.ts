// Grafana with several pods: what MultiPodGrafana costs at synth time next to
// the same objects written by hand with cdk8s-plus, per session mode, and
// what the AffinityProbe costs. Prints ratios measured in this run; never
// fails on a figure.
import { ApiObject, App, Chart, JsonPatch, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AffinityProbe, GrafanaSessions, MultiPodGrafana, SessionStore } from '../src';
import { median, msSince, spreadPercent, table } from './stats';

/** One way of writing N Grafanas into a chart. */
interface GrafanaVariant {
  readonly name: string;
  build(chart: Chart, n: number): void;
}

function secret(chart: Chart, id: string, name: string, key: string) {
  return { secret: kplus.Secret.fromSecretName(chart, id, name), key };
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
        name: 'grafana',
        image: 'grafana/grafana:11.3.0',
        ports: [{ number: 3000, name: 'http' }],
        readiness: kplus.Probe.fromHttpGet('/api/health', { port: 3000 }),
        liveness: kplus.Probe.fromHttpGet('/api/health', { port: 3000 }),
        securityContext: { user: 472, group: 472 },
        resources: {
          cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
          memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
        },
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

/** Prints the Grafana table: build + toJson per Grafana, ratios to the hand-written quick fix. */
export function benchGrafana(repeats: number): void {
  checkSameQuickFix();
  const sizes = [10, 100];
  const samples = new Map<string, number[]>();
  const gc: () => void = (global as any).gc ?? (() => undefined);
  const sample = (v: GrafanaVariant, n: number) => {
    // A collection left over from the previous sample would be charged to this one.
    gc();
    const start = process.hrtime.bigint();
    buildGrafanaChart(v, n).toJson();
    return msSince(start);
  };
  for (const v of GRAFANA_VARIANTS) for (const n of sizes) sample(v, n);
  for (let r = 0; r < repeats; r++) {
    for (const n of sizes) {
      for (let k = 0; k < GRAFANA_VARIANTS.length; k++) {
        const v = GRAFANA_VARIANTS[(k + r) % GRAFANA_VARIANTS.length];
        const key = `${v.name}@${n}`;
        samples.set(key, [...(samples.get(key) ?? []), sample(v, n)]);
      }
    }
  }
  const rows: string[][] = [];
  for (const n of sizes) {
    const hand = median(samples.get(`${QUICK_FIX_BY_HAND.name}@${n}`)!);
    for (const v of GRAFANA_VARIANTS) {
      const list = samples.get(`${v.name}@${n}`)!;
      rows.push([v.name, String(n), median(list).toFixed(2), `${spreadPercent(list).toFixed(0)}%`,
        ((median(list) / n) * 1000).toFixed(0), (median(list) / hand).toFixed(2)]);
    }
  }
  console.log('\nGrafana with several pods: build + chart.toJson() of N Grafanas (or probes) in one chart');
  console.log(table(['variant', 'N', 'total ms', 'spread', 'µs each', 'vs hand-written quick fix'], rows));
}
