import * as fs from 'fs';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { chartPassesFollow, ValidationPass, validationPass } from '../../src/doctor/synth-pass';

/** An app of `charts` charts, each with one object, whose root records the pass of each validation. */
function recordingApp(charts: number, chartClass: typeof Chart = Chart): { app: App; passes: ValidationPass[] } {
  const app = Testing.app();
  for (let i = 0; i < charts; i++) {
    new ApiObject(new chartClass(app, `chart${i}`), 'Object', { apiVersion: 'v1', kind: 'ConfigMap' });
  }
  const passes: ValidationPass[] = [];
  app.node.addValidation({ validate: () => { passes.push(validationPass()); return []; } });
  return { app, passes };
}

describe('validationPass', () => {
  test('App.synth() validates once as it begins, then once per chart it writes', () => {
    const { app, passes } = recordingApp(3);
    app.synth();
    expect(passes).toEqual([ValidationPass.SYNTH_START, ValidationPass.SYNTH_CHART, ValidationPass.SYNTH_CHART, ValidationPass.SYNTH_CHART]);
  });

  test('App.synthYaml() the same, its first pass told apart', () => {
    const { app, passes } = recordingApp(2);
    app.synthYaml();
    expect(passes).toEqual([ValidationPass.SYNTH_YAML_START, ValidationPass.SYNTH_CHART, ValidationPass.SYNTH_CHART]);
  });

  test('App.synth() with one folder per chart and a file per object validates once (no chart pass)', () => {
    const app = new App({ outdir: Testing.app().outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    new ApiObject(new Chart(app, 'chart'), 'Object', { apiVersion: 'v1', kind: 'ConfigMap' });
    const passes: ValidationPass[] = [];
    app.node.addValidation({ validate: () => { passes.push(validationPass()); return []; } });
    app.synth();
    expect(passes).toEqual([ValidationPass.SYNTH_START]);
  });

  test('each synth begins again', () => {
    const { app, passes } = recordingApp(1);
    app.synth();
    app.synth();
    expect(passes).toEqual([ValidationPass.SYNTH_START, ValidationPass.SYNTH_CHART, ValidationPass.SYNTH_START, ValidationPass.SYNTH_CHART]);
  });

  test('a Chart.toJson() of the user\'s, Testing.synth() and a direct call are OTHER', () => {
    const { app, passes } = recordingApp(2);
    const chart = app.node.findChild('chart0') as Chart;
    chart.toJson();
    Testing.synth(chart);
    app.node.validate();
    expect(passes).toEqual([ValidationPass.OTHER, ValidationPass.OTHER, ValidationPass.OTHER]);
    expect(validationPass()).toBe(ValidationPass.OTHER);
  });

  test('a chart whose toJson() is the user\'s own is not taken for cdk8s\'s (OTHER)', () => {
    class OwnChart extends Chart {
      public toJson(): any[] {
        return super.toJson();
      }
    }
    const { app, passes } = recordingApp(2, OwnChart);
    app.synth();
    expect(passes).toEqual([ValidationPass.SYNTH_START, ValidationPass.OTHER, ValidationPass.OTHER]);
  });

  test('leaves the process\'s stack formatting as it found it', () => {
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    const own = (_e: Error, sites: NodeJS.CallSite[]) => `formatted ${sites.length}`;
    Error.prepareStackTrace = own;
    try {
      const { app } = recordingApp(1);
      app.synth();
      expect(Error.prepareStackTrace).toBe(own);
      expect(Error.stackTraceLimit).toBe(limit);
      expect(new Error('x').stack).toMatch(/^formatted \d+$/);
    } finally {
      Error.prepareStackTrace = prepare;
    }
  });
});

describe('validationPass and files named like cdk8s\'s', () => {
  // A module with cdk8s's function names, as another package or a folder of
  // the user's named `cdk8s` may have: only cdk8s as installed is taken for
  // cdk8s, or a synth that writes without chart passes would be told that
  // they follow.
  const SOURCE = 'function validate(read) { return read(); }\nfunction synth(read) { return validate(read); }\nmodule.exports = { synth };\n';
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-pass-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function lookalike(...folders: string[]): { synth: (read: () => ValidationPass) => ValidationPass } {
    const lib = path.join(dir, ...folders, 'cdk8s', 'lib');
    fs.mkdirSync(lib, { recursive: true });
    fs.writeFileSync(path.join(lib, 'app.js'), SOURCE);
    return createRequire(__filename)(path.join(lib, 'app.js'));
  }

  test('a cdk8s/lib/app.js that is not the installed package is OTHER', () => {
    expect(lookalike('packages').synth(validationPass)).toBe(ValidationPass.OTHER);
    expect(lookalike('node_modules', '@acme').synth(validationPass)).toBe(ValidationPass.OTHER);
  });

  test('the same frames in node_modules/cdk8s/lib/app.js are cdk8s\'s first pass', () => {
    expect(lookalike('node_modules').synth(validationPass)).toBe(ValidationPass.SYNTH_START);
  });
});

describe('chartPassesFollow', () => {
  test.each([
    ['FILE_PER_APP', true, YamlOutputType.FILE_PER_APP],
    ['FILE_PER_CHART', true, YamlOutputType.FILE_PER_CHART],
    ['FILE_PER_RESOURCE', true, YamlOutputType.FILE_PER_RESOURCE],
    ['FOLDER_PER_CHART_FILE_PER_RESOURCE', false, YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE],
  ])('after the first pass of App.synth() with %s output: %s', (_name, follow, yamlOutputType) => {
    // Each value is what cdk8s does: a pass per chart follows exactly when the pass recorder sees one.
    const app = new App({ outdir: Testing.app().outdir, yamlOutputType });
    new ApiObject(new Chart(app, 'chart'), 'Object', { apiVersion: 'v1', kind: 'ConfigMap' });
    const passes: ValidationPass[] = [];
    app.node.addValidation({ validate: () => { passes.push(validationPass()); return []; } });
    app.synth();
    expect(chartPassesFollow(passes[0], app)).toBe(follow);
    expect(passes.includes(ValidationPass.SYNTH_CHART)).toBe(follow);
  });

  test('after the first pass of App.synthYaml(), whatever the output type', () => {
    const app = new App({ outdir: Testing.app().outdir, yamlOutputType: YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE });
    expect(chartPassesFollow(ValidationPass.SYNTH_YAML_START, app)).toBe(true);
  });

  test('never after a chart\'s pass or another call, nor for a root that is not an App', () => {
    const app = Testing.app();
    expect(chartPassesFollow(ValidationPass.SYNTH_CHART, app)).toBe(false);
    expect(chartPassesFollow(ValidationPass.OTHER, app)).toBe(false);
    expect(chartPassesFollow(ValidationPass.SYNTH_START, new Chart(Testing.app(), 'c').node.root)).toBe(true);
    expect(chartPassesFollow(ValidationPass.SYNTH_START, { node: app.node } as any)).toBe(false);
  });
});

describe('validationPass on a runtime whose Error cannot be changed', () => {
  test.each(['stackTraceLimit', 'prepareStackTrace'])('a read-only Error.%s gives OTHER and throws nothing', property => {
    const before = Object.getOwnPropertyDescriptor(Error, property);
    Object.defineProperty(Error, property, { value: (Error as any)[property], writable: false, configurable: true });
    try {
      const { app, passes } = recordingApp(2);
      expect(() => app.synth()).not.toThrow();
      expect(passes.length).toBe(3);
      expect(passes).toContain(ValidationPass.OTHER);
    } finally {
      if (before === undefined) {
        delete (Error as any)[property];
      } else {
        Object.defineProperty(Error, property, before);
      }
    }
  });
});
