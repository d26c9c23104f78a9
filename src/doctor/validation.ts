// The one doctor file that knows cdk8s: it runs the checks on an app's own
// charts when the app synthesizes. The CLI never loads it.
import { ApiObject } from 'cdk8s';
import { IConstruct, IValidation } from 'constructs';
import { runRules } from './engine';
import { Doc } from './inventory';
import { Severity } from './model';
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

/**
 * Runs the affinity doctor on the charts under a scope (an App or a Chart)
 * when the app synthesizes: each finding at or above `failOn` fails the synth
 * with the construct path of the object at fault.
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
    scope.node.addValidation(validation);
    return validation;
  }

  private readonly scope: IConstruct;
  private readonly failOn: Severity;

  /**
   * @param scope the App or Chart whose charts are checked (add the validation to it with `scope.node.addValidation`, or use `addTo`)
   */
  public constructor(scope: IConstruct, options: AffinityDoctorValidationOptions = {}) {
    this.scope = scope;
    this.failOn = untypedProps(scope, options, { enums: { failOn: Severity } }).failOn ?? Severity.ERROR;
  }

  /** Checks the objects under the scope and returns one message per failing finding. */
  public validate(): string[] {
    const docs: Doc[] = [];
    const paths = new Map<string, string>();
    // Each object's own toJson(), not Chart.toJson(): the latter runs the app's
    // validations again, this one included.
    for (const obj of this.scope.node.findAll()) {
      if (ApiObject.isApiObject(obj)) {
        const json = obj.toJson();
        paths.set(`${json.kind}|${json.metadata?.namespace ?? ''}|${json.metadata?.name ?? ''}`, obj.node.path);
        docs.push({ obj: json });
      }
    }
    return runRules(docs, { minSeverity: this.failOn })
      .map(f => {
        const path = paths.get(`${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}`);
        return `${path ?? `${f.resource.kind} ${f.resource.name}`}: [${f.rule}] ${f.message}. Fix: ${f.fix}`;
      });
  }
}
