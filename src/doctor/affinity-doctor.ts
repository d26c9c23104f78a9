import { runRules } from './engine';
import { Doc } from './inventory';
import { parseManifests } from './load';
import { Finding, RuleInfo, Severity } from './model';
import { RULES } from './rules';
import { untypedProps } from '../units';

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
   * Checks a set of manifests together (a Service is matched to the
   * workloads it selects among them). Objects without `apiVersion` and
   * `kind` are skipped; a `kind: List` is not expanded here (pass its items).
   *
   * @param manifests Kubernetes objects as plain JSON
   */
  public static check(manifests: any[], options: CheckOptions = {}): Finding[] {
    options = untypedProps('AffinityDoctor.check()', options, { enums: { minSeverity: Severity }, strings: ['file'] });
    const docs: Doc[] = manifests.map(obj => ({ obj, file: options.file }));
    return runRules(docs, { minSeverity: options.minSeverity });
  }

  /**
   * Parses YAML or JSON (several documents, `kind: List`) and checks it.
   *
   * @throws when the text is not valid YAML, naming the line
   */
  public static checkYaml(text: string, options: CheckOptions = {}): Finding[] {
    options = untypedProps('AffinityDoctor.checkYaml()', options, { enums: { minSeverity: Severity }, strings: ['file'] });
    return runRules(parseManifests(text, options.file), { minSeverity: options.minSeverity });
  }

  /** Every rule the doctor applies, with its severity, rationale and fix. */
  public static rules(): RuleInfo[] {
    return RULES.map(r => ({ id: r.id, severity: r.severity, rationale: r.rationale, fix: r.fix }));
  }

  private constructor() {
  }
}
