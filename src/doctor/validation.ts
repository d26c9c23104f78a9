// The one doctor file that knows cdk8s: it runs the checks on an app's own
// charts when the app synthesizes. The CLI never loads it.
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { runRules } from './engine';
import { Doc } from './inventory';
import { flattenLists } from './lists';
import { Severity } from './model';
import { chartPassesFollow, ValidationPass, validationPass } from './synth-pass';
import { settleWrites } from '../owed-writes';
import { rootOf } from '../tree';
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
  /** What the doctor found in the synth under way, for the passes of its other charts (see `check`). */
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
   * begins and again before it writes each chart; rendering every object at
   * each of those passes made a synth of many charts pay the doctor once per
   * chart, and reading at the first pass made every synth pay it twice.
   *
   * When a pass per chart follows the first (see `chartPassesFollow`) and
   * every chart is written by cdk8s's own `Chart.toJson()`, the doctor reads
   * everything once, at the pass before the first chart is written: no file
   * is written before it, and it sees what the app's other validations
   * changed at the first pass. The passes before the other charts
   * answer with what it found. Where no chart pass follows, the first pass
   * reads everything; any other call reads the whole app afresh.
   */
  private check(): CheckedFinding[] {
    const pass = validationPass();
    const app = rootOf(this.scope);
    if (chartPassesFollow(pass, app) && chartsValidateBeforeWriting(app)) {
      // Read at the first chart's pass, which validates the whole app again.
      this.synth = {};
      return [];
    }
    const synth = pass === ValidationPass.SYNTH_CHART ? this.synth : undefined;
    if (synth?.findings !== undefined) {
      return synth.findings;
    }
    const findings = this.checkNow();
    // A synth's first pass leaves the first chart's pass to read again (the
    // app's other validations run after this one); what a chart's pass found
    // serves the synth's later chart passes.
    const first = pass === ValidationPass.SYNTH_START || pass === ValidationPass.SYNTH_YAML_START;
    this.synth = first ? {} : synth !== undefined ? { findings } : undefined;
    return findings;
  }

  /** The findings on the objects as they render now; when one cannot be rendered, that alone. */
  private checkNow(): CheckedFinding[] {
    // Writes the library's constructs owe the app first (an Ingress's
    // annotations on a backend Service it relates at the app's first walk),
    // should this validation run before the app's root.
    settleWrites(this.scope);
    const docs: Doc[] = [];
    // The object each document comes from, by the document's index: at synth
    // there are no files, so a document's line is its index, and a finding's
    // names the object at fault even when two documents share a kind,
    // namespace and name (a List item and an object of the chart, say).
    const owners: IConstruct[] = [];
    // Each object's own toJson(), not Chart.toJson(): the latter runs the app's
    // validations again, this one included.
    for (const obj of this.scope.node.findAll()) {
      if (ApiObject.isApiObject(obj)) {
        let json: any;
        try {
          json = obj.toJson();
        } catch (e) {
          // The doctor does not check what it cannot read whole: a finding
          // about the rest could be wrong without that object. Saying nothing
          // would let cdk8s write the charts before this object's, which may
          // hold what the doctor refuses, and then fail on it; so the synth
          // fails here, before anything is written (its construct's own
          // validation, if it has one, adds its message beside this one).
          return [{ construct: obj, resource: obj.node.path, message: unreadable(e) }];
        }
        // A List (an Include of `kubectl get -o yaml`, say) is read as its
        // items, as the CLI reads the file it is written to; each reports
        // through the List's construct.
        const objects: Array<{ obj: any }> = [];
        flattenLists(json, undefined, undefined, objects);
        for (const { obj: item } of objects) {
          docs.push({ obj: item, line: owners.length });
          owners.push(obj);
        }
      }
    }
    return runRules(docs, { minSeverity: this.failOn }).map(f => ({
      construct: f.resource.line !== undefined ? owners[f.resource.line] : undefined,
      resource: `${f.resource.kind} ${f.resource.name}`,
      message: `[${f.rule}] ${f.message}. Fix: ${f.fix}`,
    }));
  }
}

/** The message for an object the doctor could not render: its error's first line. */
function unreadable(e: unknown): string {
  const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  return `cannot be checked by the affinity doctor: rendering it failed (${reason}); cdk8s cannot write it either: fix it, and the doctor checks the app at the next synth`;
}

/**
 * Whether every chart of the app is written by cdk8s's own `Chart.toJson()`,
 * which validates the whole app first. A chart class with its own `toJson()`
 * may write itself without that pass (or before it), so the doctor then reads
 * the app at the first pass of the synth as well.
 */
function chartsValidateBeforeWriting(app: IConstruct): boolean {
  for (const c of app.node.findAll()) {
    if (Chart.isChart(c) && c.toJson !== Chart.prototype.toJson) {
      return false;
    }
  }
  return true;
}

/** What the doctor found in a synth under way (see `check`): undefined until it has read the app at a chart's pass. */
interface SynthCheck {
  readonly findings?: CheckedFinding[];
}
