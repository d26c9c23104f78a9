import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { ValidationPass, validationPass } from '../../src/doctor/synth-pass';

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

  test('App.synthYaml() the same', () => {
    const { app, passes } = recordingApp(2);
    app.synthYaml();
    expect(passes).toEqual([ValidationPass.SYNTH_START, ValidationPass.SYNTH_CHART, ValidationPass.SYNTH_CHART]);
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
