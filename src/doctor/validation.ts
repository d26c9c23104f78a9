// The one doctor file that knows cdk8s: it runs the checks on an app's own
// charts when the app synthesizes. The CLI never loads it.
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { runRules } from './engine';
import { Doc } from './inventory';
import { Severity } from './model';
import { ValidationPass, validationPass } from './synth-pass';
import { settleWrites } from '../owed-writes';
import { untypedProps } from '../units';

/** Options of `AffinityDoctorValidation`. */
export interface AffinityDoctorValidationOptions {
  /**
   * Findings of this severity or worse fail the synth.
   *
   * @default Severity.ERROR
   */
  readonly failOn?: Severity;
}

/** A finding at synth, with the object at fault when the app has it. */
interface CheckedFinding {
  readonly construct?: IConstruct;
  readonly resource: string;
  readonly message: string;
}

/**
 * Runs the affinity doctor on the charts under a scope (an App or a Chart)
 * when the app synthesizes: each finding at or above `failOn` fails the synth
 * with the construct path of the object at fault.
 *
 * Added with `addTo`, each finding is reported by the object at fault, so cdk8s
 * prints it as it prints the library's own validation errors:
 * `[chart/Service/Resource] [rule] message. Fix: ...`.
 *
 * @example
 * import { AffinityDoctorValidation } from 'cdk8s-session-affinity';
 *
 * const app = new App();
 * // ... charts ...
 * AffinityDoctorValidation.addTo(app);
 * app.synth();
 */
export class AffinityDoctorValidation implements IValidation {
  /** Adds the doctor to a scope's validations and returns it. */
  public static addTo(scope: IConstruct, options: AffinityDoctorValidationOptions = {}): AffinityDoctorValidation {
    const validation = new AffinityDoctorValidation(scope, options);
    scope.node.addValidation({ validate: () => validation.reportOnObjects() });
    return validation;
  }

  private readonly scope: IConstruct;
  private readonly failOn: Severity;
  /** The messages of the last run, by the object at fault. */
  private readonly byObject = new Map<IConstruct, string[]>();
  /** Objects that already report through `byObject`. */
  private readonly reporting = new Set<IConstruct>();
  /**
   * What the check at the first pass of a synth read and found, kept for the
   * passes cdk8s makes for each chart of the same synth (see `check`).
   */
  private synth?: SynthCheck;

  /**
   * @param scope the App or Chart whose charts are checked (add the validation to it with `scope.node.addValidation`, or use `addTo`)
   */
  public constructor(scope: IConstruct, options: AffinityDoctorValidationOptions = {}) {
    this.scope = scope;
    this.failOn = untypedProps(scope, options, { enums: { failOn: Severity } }).failOn ?? Severity.ERROR;
  }

  /** Checks the objects under the scope and returns one message per failing finding. */
  public validate(): string[] {
    return this.check().map(f => `${f.construct?.node.path ?? f.resource}: ${f.message}`);
  }

  /**
   * cdk8s prefixes each validation message with the path of the construct that
   * reported it, and validates parents before children: the scope runs the
   * checks, and each object at fault reports its own findings, so the message
   * reads `[chart/Service/Resource] [rule] ...` like every other validation
   * error. A run only reads the objects; the reporting hooks change no manifest
   * and are added once per object, then read the latest run.
   */
  private reportOnObjects(): string[] {
    this.byObject.clear();
    const unplaced: string[] = [];
    for (const f of this.check()) {
      if (f.construct === undefined) {
        unplaced.push(`${f.resource}: ${f.message}`);
        continue;
      }
      const obj = f.construct;
      this.byObject.set(obj, [...(this.byObject.get(obj) ?? []), f.message]);
      if (!this.reporting.has(obj)) {
        this.reporting.add(obj);
        obj.node.addValidation({ validate: () => this.byObject.get(obj) ?? [] });
      }
    }
    return unplaced;
  }

  /**
   * The findings for this pass. cdk8s validates the app when `App.synth()`
   * begins, and again before it writes each chart; rendering every object at
   * each of those passes made a synth of many charts pay the doctor once per
   * chart. The first pass of a synth renders and checks everything; the pass
   * before a chart is written renders that chart's objects again, and checks
   * again only if one of them changed since it was read (a validation or a
   * Lazy value of the user's that changes the app during the synth), so each
   * object is rendered twice per synth, and what is written is what was
   * checked. Any other call reads the whole app afresh.
   */
  private check(): CheckedFinding[] {
    const pass = validationPass();
    const synth = pass === ValidationPass.SYNTH_CHART ? this.synth : undefined;
    if (synth !== undefined) {
      const again = this.checkNextChart(synth);
      if (again !== undefined) {
        return again;
      }
    }
    // Writes the library's constructs owe the app first (an Ingress's
    // annotations on a backend Service it relates at the app's first walk),
    // should this validation run before the app's root.
    settleWrites(this.scope);
    const read = new Map<ApiObject, ReadObject>();
    // Each object's own toJson(), not Chart.toJson(): the latter runs the app's
    // validations again, this one included.
    for (const obj of this.scope.node.findAll()) {
      if (ApiObject.isApiObject(obj)) {
        const json = renderOrUndefined(obj);
        if (json === undefined) {
          // An object that cannot be rendered fails the synth anyway, by its
          // construct's own validation (which runs after this one, with the
          // better message) or by cdk8s when it writes the manifests. The
          // doctor does not check what it cannot read whole: a finding about
          // the rest could be wrong without that object.
          this.synth = undefined;
          return [];
        }
        read.set(obj, { json, chart: Chart.of(obj) });
      }
    }
    const findings = this.findingsOf(read);
    // The next pass of the same synth is for the chart after the one this pass was for.
    this.synth = pass === ValidationPass.SYNTH_START ? { read, findings, written: 0 }
      : synth !== undefined ? { read, findings, written: synth.written, charts: synth.charts }
        : undefined;
    return findings;
  }

  /**
   * The findings before the next chart of a synth is written: those of the
   * synth's first pass while that chart's objects render as they did then,
   * or undefined (check the whole app again) when cdk8s's order of charts
   * cannot be told.
   */
  private checkNextChart(synth: SynthCheck): CheckedFinding[] | undefined {
    const root = this.scope.node.root;
    if (!(root instanceof App)) {
      return undefined;
    }
    // The charts in the order cdk8s writes them (read after cdk8s resolved
    // the dependencies between them, as it does before it writes any).
    const charts = synth.charts ??= root.charts;
    const chart = charts[synth.written++];
    if (chart === undefined) {
      return undefined;
    }
    let changed = false;
    let seen = 0;
    for (const obj of this.scope.node.findAll()) {
      if (!ApiObject.isApiObject(obj) || Chart.of(obj) !== chart) {
        continue;
      }
      seen++;
      const json = renderOrUndefined(obj);
      if (json === undefined) {
        return undefined;
      }
      const before = synth.read.get(obj);
      if (before === undefined || !sameJson(before.json, json)) {
        changed = true;
        synth.read.set(obj, { json, chart });
      }
    }
    // An object of the chart taken out of the app since: read the app again.
    let had = 0;
    for (const entry of synth.read.values()) {
      had += entry.chart === chart ? 1 : 0;
    }
    if (had !== seen) {
      return undefined;
    }
    if (changed) {
      synth.findings = this.findingsOf(synth.read);
    }
    return synth.findings;
  }

  /** The findings of the rules on these objects, each placed on the object at fault. */
  private findingsOf(read: ReadonlyMap<ApiObject, ReadObject>): CheckedFinding[] {
    const docs: Doc[] = [];
    const paths = new Map<string, IConstruct>();
    for (const [obj, { json }] of read) {
      paths.set(`${json.kind}|${json.metadata?.namespace ?? ''}|${json.metadata?.name ?? ''}`, obj);
      docs.push({ obj: json });
    }
    return runRules(docs, { minSeverity: this.failOn }).map(f => ({
      construct: paths.get(`${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}`),
      resource: `${f.resource.kind} ${f.resource.name}`,
      message: `[${f.rule}] ${f.message}. Fix: ${f.fix}`,
    }));
  }
}

/** An object as the doctor read it, and the chart that writes it (its closest). */
interface ReadObject {
  readonly json: any;
  readonly chart: Chart;
}

/** What the first pass of a synth read, and how far the synth has got. */
interface SynthCheck {
  readonly read: Map<ApiObject, ReadObject>;
  findings: CheckedFinding[];
  /** The charts in the order cdk8s writes them, once read. */
  charts?: Chart[];
  /** How many charts cdk8s has validated the app for since the first pass. */
  written: number;
}

/** An object's manifest, or undefined when it cannot be rendered. */
function renderOrUndefined(obj: ApiObject): any {
  try {
    return obj.toJson();
  } catch {
    return undefined;
  }
}

/** Whether two rendered manifests are the same JSON. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((v, i) => sameJson(v, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) {
    return false;
  }
  for (const key of keys) {
    if (!Object.prototype.hasOwnProperty.call(y, key) || !sameJson(x[key], y[key])) {
      return false;
    }
  }
  return true;
}
