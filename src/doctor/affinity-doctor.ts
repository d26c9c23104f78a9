import { runRules } from './engine';
import { UNREADABLE_FIX, UNREADABLE_INPUT } from './format';
import { Doc, isObject } from './inventory';
import { flattenLists } from './lists';
import { formatProblem, parseText } from './load';
import { Finding, RuleInfo, Severity } from './model';
import { RULES } from './rules';
import { LOCAL_SESSIONS_ANNOTATION, USER_FACING_ANNOTATION } from '../facts/manifests';
import { describeUntyped, untypedProps } from '../units';

/** What plain JavaScript can get wrong in the check's options (made once). */
const CHECK_OPTION_RULES = { enums: { minSeverity: Severity }, strings: ['file'] };

/** Options of `AffinityDoctor.check()` and `AffinityDoctor.checkYaml()`. */
export interface CheckOptions {
  /**
   * Leave out findings below this severity.
   *
   * @default Severity.INFO (every finding)
   */
  readonly minSeverity?: Severity;

  /**
   * The file the manifests came from, recorded in each finding.
   *
   * @default - none
   */
  readonly file?: string;
}

/**
 * Finds session-affinity mistakes in Kubernetes manifests: the checks of the
 * `affinity-doctor` CLI, callable from code. Works on plain objects (as
 * `chart.toJson()`, `kubectl get -o json` or a YAML parser give them), so it
 * runs on manifests from anywhere, Helm charts and hand-written YAML
 * included. To run it on a cdk8s app at synth, see `AffinityDoctorValidation`.
 */
export class AffinityDoctor {
  /**
   * The annotation a workload (or its pod template) carries to tell the
   * doctor its pods keep sessions to themselves, in memory or on a local
   * disk, which no manifest shows: `"true"`; `"false"` overrides what the
   * doctor infers (Grafana's database, a session volume on emptyDir).
   *
   * @example
   * declare const deployment: kplus.Deployment;
   * deployment.metadata.addAnnotation(affinity.AffinityDoctor.LOCAL_SESSIONS_ANNOTATION, 'true');
   */
  public static readonly LOCAL_SESSIONS_ANNOTATION: string = LOCAL_SESSIONS_ANNOTATION;

  /**
   * The annotation a Service carries, `"false"`, to tell the doctor that no
   * user's requests come through it (a probe's or a metrics scraper's
   * Service, the pods' peer discovery): the doctor then does not ask it to
   * keep users with local sessions on their pods, unless an Ingress or route
   * reaches it (users come through those). `AffinityProbe` sets it on the
   * Service without affinity it calls first.
   *
   * @example
   * declare const metrics: kplus.Service;
   * metrics.metadata.addAnnotation(affinity.AffinityDoctor.USER_FACING_ANNOTATION, 'false');
   */
  public static readonly USER_FACING_ANNOTATION: string = USER_FACING_ANNOTATION;

  /**
   * Checks a set of manifests together (a Service is matched to the
   * workloads it selects among them). Objects without `apiVersion` and
   * `kind` are skipped; a `kind: List` (any object with an `items` list) is
   * read as its items, as kubectl and the CLI read it.
   *
   * @param manifests Kubernetes objects as plain JSON
   */
  public static check(manifests: any[], options: CheckOptions = {}): Finding[] {
    options = untypedProps('AffinityDoctor.check()', options, CHECK_OPTION_RULES);
    if (!Array.isArray(manifests)) {
      throw new Error(`AffinityDoctor.check(): 'manifests' (${describeUntyped(manifests)}) must be a list of manifest objects; for YAML or JSON text, use AffinityDoctor.checkYaml()`);
    }
    const objects: Array<{ obj: any }> = [];
    for (const obj of manifests) {
      if (isObject(obj)) {
        flattenLists(obj, undefined, undefined, objects);
      } else {
        objects.push({ obj });
      }
    }
    const docs: Doc[] = objects.map(({ obj }) => ({ obj, file: options.file }));
    return runRules(docs, { minSeverity: options.minSeverity });
  }

  /**
   * Parses YAML or JSON (several documents, `kind: List`) and checks every document that can be read.
   *
   * As the CLI reads a file: a document with a syntax error, or one kubectl
   * would refuse, does not stop the others; it is reported after their
   * findings as an `unreadable-input` finding of severity error (whatever
   * `minSeverity`), with its line and the reason in the message.
   */
  public static checkYaml(text: string, options: CheckOptions = {}): Finding[] {
    options = untypedProps('AffinityDoctor.checkYaml()', options, CHECK_OPTION_RULES);
    if (typeof text !== 'string') {
      throw new Error(`AffinityDoctor.checkYaml(): 'text' (${describeUntyped(text)}) must be YAML or JSON text; for manifest objects, use AffinityDoctor.check()`);
    }
    const { docs, errors } = parseText(text, options.file);
    const checked = options.file === undefined ? docs.map(d => ({ obj: d.obj, line: d.line })) : docs;
    const findings = runRules(checked, { minSeverity: options.minSeverity });
    for (const problem of errors) {
      findings.push({
        rule: UNREADABLE_INPUT,
        severity: Severity.ERROR,
        resource: { apiVersion: '', kind: '', name: '', file: options.file, line: problem.line },
        message: options.file !== undefined ? formatProblem(problem) : `${problem.line !== undefined ? `line ${problem.line}: ` : ''}${problem.message}`,
        fix: UNREADABLE_FIX,
      });
    }
    return findings;
  }

  /** Every rule the doctor applies, with its severity, rationale and fix. */
  public static rules(): RuleInfo[] {
    return RULES.map(r => ({ id: r.id, severity: r.severity, rationale: r.rationale, fix: r.fix }));
  }

  private constructor() {
  }
}
