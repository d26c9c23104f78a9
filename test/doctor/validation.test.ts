import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Lazy, Testing, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CLIENT_IP, grafana, ingress, service } from './fixtures';
import { AffinityDoctor, AffinityDoctorValidation, Severity, StickyService } from '../../src';
import { AffinityDoctorPlugin, PluginContext } from '../../src/doctor/cdk8s-plugin';

function chartWith(app: App, id: string, manifests: any[]): Chart {
  const chart = new Chart(app, id);
  manifests.forEach((m, i) => new ApiObject(chart, i === 0 ? 'Grafana' : `Object${i}`, m));
  return chart;
}

describe('AffinityDoctorValidation', () => {
  test('an error-level finding fails the synth with the construct path of the object at fault', () => {
    // GIVEN
    const app = Testing.app();
    const chart = chartWith(app, 'observability', [grafana(), service('grafana')]);
    // WHEN
    AffinityDoctorValidation.addTo(app);
    // THEN
    expect(() => app.synth()).toThrow([
      'Validation failed with the following errors:',
      `  [${chart.node.path}/Object1] [local-sessions-without-affinity] Service grafana spreads requests over the 4 pods of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); with no ClientIP or cookie affinity in front, users are logged out at random. Fix: Pin each client to a pod (sessionAffinity: ClientIP on the Service, or cookie affinity at the ingress), or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).`,
    ].join('\n'));
  });

  test('an object that cannot be rendered leaves its construct\'s own error to fail the synth', () => {
    // GIVEN a StickyService without a port (cdk8s-plus cannot render it) in an app the doctor checks
    const app = Testing.app();
    const chart = new Chart(app, 'web');
    new StickyService(chart, 'Service', { selector: kplus.Pods.select(chart, 'Pods', { labels: { app: 'web' } }) });
    AffinityDoctorValidation.addTo(app);
    // THEN the synth fails with the library's message, not with the doctor's failure to read the object
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(`[${chart.node.path}/Service] 'ports' (none) must list at least one port`);
    expect(message).not.toContain('Failed serializing');
  });

  test('messages read like every other validation error: [construct path] message, never "[]"', () => {
    // GIVEN a broken app checked by the doctor
    const app = Testing.app();
    chartWith(app, 'observability', [grafana(), service('grafana')]);
    AffinityDoctorValidation.addTo(app);
    // WHEN it synthesizes twice (each synth validates again)
    const errors = () => {
      try {
        app.synth();
        return [];
      } catch (e) {
        return (e as Error).message.split('\n').slice(1);
      }
    };
    errors();
    const lines = errors();
    // THEN one line per finding, shaped as cdk8s prints a construct's own validation
    expect(lines).toEqual([expect.stringMatching(/^ {2}\[observability\/Object1\] \[local-sessions-without-affinity\] Service grafana /)]);
    expect(lines.join('\n')).not.toContain('[]');
  });

  test('a List (an Include of kubectl output, say) is read as its items, in both directions', () => {
    // GIVEN a Grafana and its Service without affinity, in one List object
    const refused = Testing.app();
    new ApiObject(new Chart(refused, 'observability'), 'Listed', { apiVersion: 'v1', kind: 'List', items: [grafana(), service('grafana')] });
    AffinityDoctorValidation.addTo(refused);
    // THEN refused, reported by the List's construct
    expect(() => refused.synth()).toThrow(/\[observability\/Listed\] \[local-sessions-without-affinity\]/);
    // GIVEN the cookie Ingress that fixes it, in a List beside them
    const accepted = Testing.app();
    const chart = chartWith(accepted, 'observability', [grafana(), service('grafana')]);
    new ApiObject(chart, 'Listed', { apiVersion: 'v1', kind: 'List', items: [ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/affinity': 'cookie' })] });
    AffinityDoctorValidation.addTo(accepted);
    // THEN the same verdict as the doctor's on the written file
    const written = AffinityDoctor.check(Testing.synth(chart)).filter(f => f.severity === Severity.ERROR);
    expect(written).toEqual([]);
    expect(() => accepted.synth()).not.toThrow();
  });

  test('a finding names the object it is about, when a List item has the same kind, namespace and name as another object', () => {
    // GIVEN a Grafana, its Service without affinity, and a List holding a copy of that Service with ClientIP
    const app = Testing.app();
    const chart = chartWith(app, 'observability', [grafana(), service('grafana')]);
    new ApiObject(chart, 'Listed', { apiVersion: 'v1', kind: 'List', items: [service('grafana', CLIENT_IP)] });
    AffinityDoctorValidation.addTo(app);
    // THEN the Service without affinity reports it, not the List (which named it when findings were matched by name)
    expect(() => app.synth()).toThrow(/\[observability\/Object1\] \[local-sessions-without-affinity\]/);
    expect(() => app.synth()).not.toThrow(/\[observability\/Listed\]/);
  });

  test('a fixed object stops reporting on the next synth', () => {
    const app = Testing.app();
    const chart = chartWith(app, 'observability', [grafana(), service('grafana')]);
    AffinityDoctorValidation.addTo(app);
    expect(() => app.synth()).toThrow(/\[observability\/Object1\]/);
    // WHEN the Service gets ClientIP affinity
    (chart.node.findChild('Object1') as ApiObject).addJsonPatch(JsonPatch.add('/spec/sessionAffinity', 'ClientIP'));
    // THEN
    expect(() => app.synth()).not.toThrow();
  });

  describe('once per synth', () => {
    /** An app of `charts` charts, the Grafana and its Service in the last, and an object that counts its renders. */
    function countedApp(charts: number): { app: App; renders: () => number; grafanaService: ApiObject } {
      const app = Testing.app();
      let renders = 0;
      for (let i = 0; i < charts - 1; i++) {
        new ApiObject(new Chart(app, `chart${i}`), 'Config', {
          apiVersion: 'v1', kind: 'ConfigMap', data: Lazy.any({ produce: () => ({ rendered: String(++renders) }) }),
        });
      }
      const last = chartWith(app, 'observability', [grafana(), service('grafana', CLIENT_IP)]);
      return { app, renders: () => renders, grafanaService: last.node.findChild('Object1') as ApiObject };
    }

    test('App.synth() of several charts renders each object for the doctor once, not once per chart', () => {
      // GIVEN an app of four charts, which cdk8s validates five times in a synth
      const { app, renders } = countedApp(4);
      AffinityDoctorValidation.addTo(app);
      // WHEN
      app.synth();
      // THEN each counted object is rendered twice: by the doctor before the
      // first chart is written, and to be written (at every pass, as before,
      // it was six times; at the first pass and the first chart's, three)
      expect(renders()).toBe(3 * 2);
      app.synthYaml();
      expect(renders()).toBe(3 * 4);
    });

    test('with one folder per chart and a file per object, which validates once, the doctor reads at that pass', () => {
      const app = new App({ outdir: Testing.app().outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
      chartWith(app, 'observability', [grafana(), service('grafana')]);
      AffinityDoctorValidation.addTo(app);
      expect(() => app.synth()).toThrow(/\[observability\/Object1\] \[local-sessions-without-affinity\]/);
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    });

    test.each([
      YamlOutputType.FILE_PER_APP, YamlOutputType.FILE_PER_CHART, YamlOutputType.FILE_PER_RESOURCE, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
    ])('a finding fails App.synth() with output type %s before anything is written', yamlOutputType => {
      const app = new App({ outdir: Testing.app().outdir, yamlOutputType });
      new ApiObject(new Chart(app, 'first'), 'Config', { apiVersion: 'v1', kind: 'ConfigMap' });
      chartWith(app, 'observability', [grafana(), service('grafana')]);
      AffinityDoctorValidation.addTo(app);
      expect(() => app.synth()).toThrow(/\[observability\/Object1\] \[local-sessions-without-affinity\]/);
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    });

    test('an object that does not render fails the synth before any chart is written, naming it', () => {
      // GIVEN a first chart the doctor refuses, and a later one with an object cdk8s cannot render
      const app = Testing.app();
      chartWith(app, 'a-observability', [grafana(), service('grafana')]);
      const broken = new ApiObject(new Chart(app, 'b-config'), 'Config', { apiVersion: 'v1', kind: 'ConfigMap' });
      broken.addJsonPatch(JsonPatch.add('/data/missing/key', 'x'));
      AffinityDoctorValidation.addTo(app);
      // THEN nothing is written (cdk8s alone would write the first chart, then fail on the second)
      expect(() => app.synth()).toThrow(/\[b-config\/Config\] cannot be checked by the affinity doctor: rendering it failed \(/);
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    });

    test('a chart class with its own toJson() is read at the first pass too, before it writes itself', () => {
      // GIVEN a first chart that renders its objects without Chart.toJson()'s validation
      class QuietChart extends Chart {
        public toJson(): any[] {
          return this.node.findAll().filter(ApiObject.isApiObject).map(o => (o as ApiObject).toJson());
        }
      }
      const app = Testing.app();
      const quiet = new QuietChart(app, 'a-quiet');
      new ApiObject(quiet, 'Config', { apiVersion: 'v1', kind: 'ConfigMap' });
      chartWith(app, 'observability', [grafana(), service('grafana')]);
      AffinityDoctorValidation.addTo(app);
      // THEN the synth fails at its first pass, before that chart is written
      expect(() => app.synth()).toThrow(/\[observability\/Object1\] \[local-sessions-without-affinity\]/);
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    });

    test('a validation of the user\'s that changes an object after the doctor read it is caught before any chart is written', () => {
      // GIVEN a chart whose own validation (which runs after the App's) removes the Service's affinity, once
      const { app, grafanaService } = countedApp(1);
      AffinityDoctorValidation.addTo(app);
      let done = false;
      (app.node.findChild('observability') as Chart).node.addValidation({
        validate: () => {
          if (!done) {
            done = true;
            grafanaService.addJsonPatch(JsonPatch.remove('/spec/sessionAffinity'));
          }
          return [];
        },
      });
      // THEN the synth fails, before the chart is written
      expect(() => app.synth()).toThrow(/\[observability\/Object1\] \[local-sessions-without-affinity\]/);
      expect(fs.readdirSync(app.outdir)).toEqual([]);
    });

    test('a change between two synths is read by the second, whichever way it synthesizes', () => {
      const { app, grafanaService } = countedApp(3);
      AffinityDoctorValidation.addTo(app);
      expect(() => app.synth()).not.toThrow();
      // WHEN the Service loses its affinity after the first synth
      grafanaService.addJsonPatch(JsonPatch.remove('/spec/sessionAffinity'));
      // THEN every later synth sees it
      expect(() => app.synth()).toThrow(/\[observability\/Object1\] \[local-sessions-without-affinity\]/);
      expect(() => app.synthYaml()).toThrow(/\[observability\/Object1\] \[local-sessions-without-affinity\]/);
      expect(() => Testing.synth(app.node.findChild('observability') as Chart)).toThrow(/local-sessions-without-affinity/);
    });

    test('a Chart.toJson() of the user\'s reads the app afresh each time', () => {
      const { app, grafanaService } = countedApp(2);
      const chart = app.node.findChild('observability') as Chart;
      AffinityDoctorValidation.addTo(app);
      expect(() => chart.toJson()).not.toThrow();
      grafanaService.addJsonPatch(JsonPatch.remove('/spec/sessionAffinity'));
      expect(() => chart.toJson()).toThrow(/local-sessions-without-affinity/);
    });
  });

  test('a clean app synthesizes; information and warnings do not fail it by default', () => {
    const app = Testing.app();
    chartWith(app, 'observability', [grafana(), service('grafana', { ...CLIENT_IP, type: 'LoadBalancer' })]);
    AffinityDoctorValidation.addTo(app);
    expect(() => app.synth()).not.toThrow();
  });

  test('failOn makes lesser findings fail; on a Chart, only that chart is checked', () => {
    const app = Testing.app();
    const strict = chartWith(app, 'strict', [service('lb', { ...CLIENT_IP, type: 'LoadBalancer' })]);
    chartWith(app, 'other', [grafana(), service('grafana')]);
    const validation = new AffinityDoctorValidation(strict, { failOn: Severity.INFO });
    expect(validation.validate()).toEqual([
      'strict/Grafana: [client-ip-without-local-traffic-policy] Service lb: ClientIP affinity on a LoadBalancer Service with externalTrafficPolicy Cluster (the default): client IPs seen by the pods are nodes\' addresses. Fix: Set spec.externalTrafficPolicy: Local so the client\'s IP reaches the pods (only nodes with a ready pod then receive traffic).',
    ]);
  });

  test('objects in different charts are checked together', () => {
    const app = Testing.app();
    chartWith(app, 'workloads', [grafana()]);
    chartWith(app, 'services', [service('grafana')]);
    expect(new AffinityDoctorValidation(app).validate()).toEqual([expect.stringMatching(/^services\/Grafana: \[local-sessions-without-affinity\] /)]);
  });
});

describe('AffinityDoctorPlugin (cdk8s CLI validations)', () => {
  function context(files: string[]) {
    const violations: any[] = [];
    const submitted: any[] = [];
    const ctx: PluginContext = {
      manifests: files,
      report: {
        addViolation: v => violations.push(v),
        submit: (status, metadata) => submitted.push({ status, metadata }),
      },
    };
    return { ctx, violations, submitted };
  }

  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-plugin-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reports each rule as a violation and fails on an error', async () => {
    // GIVEN what cdk8s synth wrote
    const file = path.join(dir, 'app.k8s.yaml');
    fs.writeFileSync(file, [grafana(), service('grafana')].map(o => JSON.stringify(o)).join('\n---\n'));
    const { ctx, violations, submitted } = context([file]);
    // WHEN
    await new AffinityDoctorPlugin({}).validate(ctx);
    // THEN
    expect(violations).toEqual([{
      ruleName: 'local-sessions-without-affinity (error)',
      recommendation: 'Several pods keep sessions to themselves behind a Service that spreads requests over all of them: users are logged out at random.',
      fix: expect.stringContaining('Pin each client to a pod'),
      violatingResources: [{ resourceName: 'grafana', locations: [expect.stringMatching(/^Service grafana: .*users are logged out at random/)], manifestPath: file }],
    }]);
    expect(submitted).toEqual([{ status: 'failure', metadata: { findings: '1' } }]);
  });

  test('each location names the namespace, where objects of one name in several namespaces share one construct path in the CLI', async () => {
    const file = path.join(dir, 'app.k8s.yaml');
    fs.writeFileSync(file, ['team-a', 'team-b'].flatMap(namespace => [grafana({ namespace }), service('grafana', {}, undefined, namespace)])
      .map(o => JSON.stringify(o)).join('\n---\n'));
    const { ctx, violations } = context([file]);
    await new AffinityDoctorPlugin({}).validate(ctx);
    expect(violations[0].violatingResources.map((r: any) => r.locations[0].split(':')[0])).toEqual(['Service team-a/grafana', 'Service team-b/grafana']);
  });

  test('succeeds below failOn, and refuses an unknown severity', async () => {
    const file = path.join(dir, 'app.k8s.yaml');
    fs.writeFileSync(file, JSON.stringify(service('lb', { ...CLIENT_IP, type: 'LoadBalancer' })));
    const { ctx, violations, submitted } = context([file]);
    await new AffinityDoctorPlugin({ failOn: 'error' }).validate(ctx);
    expect(violations.map(v => v.ruleName)).toEqual(['client-ip-without-local-traffic-policy (info)']);
    expect(submitted).toEqual([{ status: 'success', metadata: { findings: '1' } }]);
    expect(() => new AffinityDoctorPlugin({ failOn: 'fatal' })).toThrow("affinity-doctor plugin: 'failOn' (fatal) must be one of error, warning, info");
  });
});
