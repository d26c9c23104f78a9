// One contract for every front the library renders: in front of pods that
// keep sessions to themselves, the doctor at synth (on the App and on the
// Chart) and the doctor on the written files agree that the front gives
// cookie affinity; without the front, both fail with the same rule.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as lib from '../../src';
import {
  AffinityDoctor,
  AffinityDoctorValidation,
  BackendCookieAffinity,
  CookieAffinityIngress,
  CookieAffinityRoute,
  EnvoyCookieAffinity,
  IngressController,
  MeshCookieAffinity,
  Severity,
  TraefikCookieAffinityRoute,
} from '../../src';
import { FRONT_DETECTORS, detectFronts } from '../../src/doctor/fronts';
import { parseManifests } from '../../src/doctor/load';

const NAMESPACE = 'shop';

/** A front in front of `service`, and the detector that must recognise it. */
interface Front {
  readonly build: (chart: Chart, service: kplus.Service) => void;
  readonly detector: string;
}

const ingress = (controller: IngressController, detector: string): Front => ({
  build: (chart, service) => {
    const i = new CookieAffinityIngress(chart, 'Front', { controller });
    i.addRule('/', kplus.IngressBackend.fromService(service));
  },
  detector,
});

/** One row per factory of IngressController: a factory without a row fails below. */
const INGRESS_CONTROLLERS: Record<string, Front> = {
  nginx: ingress(IngressController.nginx(), 'ingress-nginx'),
  traefik: ingress(IngressController.traefik(), 'traefik'),
  haproxy: ingress(IngressController.haproxy(), 'haproxy'),
  awsAlb: ingress(IngressController.awsAlb(), 'aws-alb'),
  gke: ingress(IngressController.gke(), 'gke-ingress'),
};

/** One row per exported construct that renders a front: a new front construct without a row fails below. */
const FRONT_CONSTRUCTS: Record<string, Front> = {
  CookieAffinityRoute: { build: (chart, backend) => new CookieAffinityRoute(chart, 'Front', { gateway: 'eg', backend }), detector: 'gateway-api' },
  BackendCookieAffinity: { build: (chart, service) => new BackendCookieAffinity(chart, 'Front', { service }), detector: 'gateway-api' },
  EnvoyCookieAffinity: { build: (chart, backend) => new EnvoyCookieAffinity(chart, 'Front', { gateway: 'eg', backend }), detector: 'envoy-gateway' },
  MeshCookieAffinity: { build: (chart, service) => new MeshCookieAffinity(chart, 'Front', { service }), detector: 'istio' },
  TraefikCookieAffinityRoute: { build: (chart, backend) => new TraefikCookieAffinityRoute(chart, 'Front', { backend }), detector: 'traefik-crd' },
};

/**
 * The exported constructs that are not a front (they render no ingress,
 * route or mesh object), each with why.
 */
const NOT_FRONTS: Record<string, string> = {
  CookieAffinityIngress: 'a front, covered by one row per IngressController factory',
  StickyService: 'the Service itself: ClientIP affinity, no front',
  SharedSessionApp: 'an app with a shared store: needs no affinity',
  MultiPodGrafana: 'an app, not a front',
  AffinityProbe: 'a test Job',
  KedaScaledObject: 'an autoscaler',
};

/** Objects a front renders that the doctor reads through another object's reference, not by their kind. */
const READ_BY_REFERENCE = new Set(['BackendConfig']);

const FRONTS: Array<[string, Front]> = [
  ...Object.entries(INGRESS_CONTROLLERS).map(([k, f]) => [`IngressController.${k}()`, f] as [string, Front]),
  ...Object.entries(FRONT_CONSTRUCTS),
];

/** A Grafana of 3 pods on its default SQLite: sessions local to each pod. */
function localSessionsApp(chart: Chart): kplus.Service {
  const deployment = new kplus.Deployment(chart, 'Grafana', {
    replicas: 3,
    containers: [{ name: 'grafana', image: 'grafana/grafana:11.1.0', portNumber: 3000, securityContext: { user: 472, group: 472 } }],
  });
  return new kplus.Service(chart, 'Service', {
    metadata: { name: 'grafana' },
    selector: deployment,
    ports: [{ port: 80, targetPort: 3000 }],
  });
}

function buildApp(front: Front | undefined, doctorOn: 'app' | 'chart' | 'none'): { app: App; chart: Chart; service: kplus.Service } {
  const app = Testing.app();
  const chart = new Chart(app, 'web', { namespace: NAMESPACE });
  const service = localSessionsApp(chart);
  front?.build(chart, service);
  if (doctorOn !== 'none') {
    AffinityDoctorValidation.addTo(doctorOn === 'app' ? app : chart);
  }
  return { app, chart, service };
}

/** The objects of the files `app.synth()` wrote, parsed as the CLI parses them. */
function writtenFiles(app: App): any[] {
  return fs.readdirSync(app.outdir).filter(f => f.endsWith('.yaml')).sort()
    .flatMap(f => parseManifests(fs.readFileSync(path.join(app.outdir, f), 'utf-8'), f).map(d => d.obj));
}

function rulesOnFiles(app: App): string[] {
  return AffinityDoctor.check(writtenFiles(app), { minSeverity: Severity.ERROR }).map(f => f.rule);
}

describe('the list of fronts is complete', () => {
  test('every IngressController factory has a row', () => {
    const factories = Object.getOwnPropertyNames(IngressController)
      .filter(k => typeof (IngressController as any)[k] === 'function' && (IngressController as any)[k].length <= 1 && !['prototype', 'length', 'name'].includes(k));
    expect(factories.sort()).toEqual(Object.keys(INGRESS_CONTROLLERS).sort());
  });

  test('every exported construct is a front with a row, or says why it is none', () => {
    const constructs = Object.entries(lib)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof Construct)
      .map(([k]) => k)
      // Classes that only type a custom resource are objects, not fronts.
      .filter(k => !((lib as any)[k].prototype instanceof ApiObject));
    expect(constructs.sort()).toEqual([...Object.keys(FRONT_CONSTRUCTS), ...Object.keys(NOT_FRONTS)].sort());
  });

  test.each(FRONTS)('%s: every kind it renders is read by a detector', (_name, front) => {
    const { app } = buildApp(front, 'none');
    app.synth();
    const readable = new Set([...FRONT_DETECTORS.flatMap(d => d.kinds), ...READ_BY_REFERENCE]);
    const kinds = writtenFiles(app).map(o => o.kind).filter(k => !['Deployment', 'Service'].includes(k));
    expect(kinds.filter(k => !readable.has(k))).toEqual([]);
  });
});

describe.each(FRONTS)('%s in front of pods with local sessions', (_name, front) => {
  test('its detector finds cookie affinity for the Service in the written files', () => {
    const { app } = buildApp(front, 'none');
    app.synth();
    const objects = writtenFiles(app);
    const find = (kind: string, ns: string, name: string) => objects.find(o => o.kind === kind && (o.metadata?.namespace ?? '') === ns && o.metadata?.name === name);
    const reaches = detectFronts(objects, o => o.metadata?.namespace ?? '', find)
      .filter(r => r.name === 'grafana' && r.namespace === NAMESPACE && r.affinity !== undefined);
    expect(reaches.map(r => r.front)).toContain(front.detector);
  });

  test.each(['app', 'chart'] as const)('synth passes with AffinityDoctorValidation on the %s, and the doctor on the files is clean', (on) => {
    const { app } = buildApp(front, on);
    expect(() => app.synth()).not.toThrow();
    expect(rulesOnFiles(app)).toEqual([]);
  });
});

describe('without a front', () => {
  test.each(['app', 'chart'] as const)('the doctor at synth on the %s and on the files fail with the same rule', (on) => {
    const { app } = buildApp(undefined, on);
    expect(() => app.synth()).toThrow(/\[local-sessions-without-affinity\] Service shop\/grafana /);
    const files = buildApp(undefined, 'none').app;
    files.synth();
    expect(rulesOnFiles(files)).toEqual(['local-sessions-without-affinity']);
  });
});

describe('a validator on the App or a Chart sees exactly the objects that are written', () => {
  const canonical = (objects: any[]) => objects.map(o => JSON.stringify(o, Object.keys(flatKeys(o)).sort())).sort();

  test.each(FRONTS)('%s', (_name, front) => {
    // GIVEN validators on the App and on the Chart that keep what they see
    const { app, chart } = buildApp(front, 'none');
    const seen: Record<'app' | 'chart', any[][]> = { app: [], chart: [] };
    for (const [on, scope] of [['app', app], ['chart', chart]] as const) {
      scope.node.addValidation({
        validate: () => {
          seen[on].push(scope.node.findAll().filter(ApiObject.isApiObject).map(o => o.toJson()));
          return [];
        },
      });
    }
    // WHEN the app is written
    app.synth();
    // THEN both saw what the files hold, every time cdk8s ran them
    const written = canonical(writtenFiles(app));
    expect(seen.app.length).toBeGreaterThan(0);
    expect(seen.chart.length).toBeGreaterThan(0);
    for (const view of [...seen.app, ...seen.chart]) {
      expect(canonical(view)).toEqual(written);
    }
  });
});

describe('the library\'s sources', () => {
  const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? (e.name === 'imports' ? [] : files(p)) : p.endsWith('.ts') ? [p] : [];
  });
  const sources = files(path.join(__dirname, '..', '..', 'src')).map(f => [path.relative(path.join(__dirname, '..', '..'), f), fs.readFileSync(f, 'utf-8')] as const);

  test('override no cdk8s-plus private member (_validate, _toKube) and print nothing outside the CLI', () => {
    const problems = sources.flatMap(([file, text]) => [
      ...(text.includes('\'_validate\'') || /\b_validate\s*\(\s*\)\s*[:{]/.test(text) ? [`${file}: _validate`] : []),
      ...(/_toKube\(\)\s*:/.test(text) ? [`${file}: _toKube override`] : []),
      ...(/\bconsole\.\w+\(/.test(text) && !/(^|\/)cli\.ts$/.test(file) ? [`${file}: console`] : []),
    ]);
    expect(problems).toEqual([]);
  });
});

/** Every key at any depth, so JSON.stringify's key list keeps nested fields. */
function flatKeys(x: any, out: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(x)) {
    x.forEach(v => flatKeys(v, out));
  } else if (x !== null && typeof x === 'object') {
    for (const [k, v] of Object.entries(x)) {
      out[k] = true;
      flatKeys(v, out);
    }
  }
  return out;
}
