// The doctor as a cdk8s CLI validation plugin (`validations:` in cdk8s.yaml).
// The CLI loads a plugin by path and calls `validate(context)`; this file
// reads the synthesized manifests from disk and never loads cdk8s itself.
// Not part of the jsii API: the contract is the cdk8s CLI's, in JavaScript.
import { runRules } from './engine';
import { readManifests } from './load';
import { Finding, Severity, atLeast } from './model';
import { RULES } from './rules';

/** The parts of the cdk8s CLI's ValidationContext this plugin uses (cdk8s-cli `lib/plugins/validation.d.ts`). */
export interface PluginContext {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      ruleName: string;
      recommendation: string;
      fix: string;
      violatingResources: Array<{ resourceName: string; locations: string[]; manifestPath: string }>;
    }): void;
    submit(status: 'success' | 'failure', metadata?: { [key: string]: string }): void;
  };
}

/** `properties:` of the plugin's entry in cdk8s.yaml. */
export interface PluginProperties {
  /** Findings of this severity or worse fail the synth: error (default), warning or info. */
  readonly failOn?: string;
  /** Findings below this severity are not reported: info (default), warning or error. */
  readonly minSeverity?: string;
}

function severity(value: string | undefined, fallback: Severity, what: string): Severity {
  if (value === undefined) {
    return fallback;
  }
  if (!(Object.values(Severity) as string[]).includes(value)) {
    throw new Error(`affinity-doctor plugin: '${what}' (${value}) must be one of ${Object.values(Severity).join(', ')}`);
  }
  return value as Severity;
}

/**
 * cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./node_modules/cdk8s-session-affinity/lib/doctor/cdk8s-plugin.js
 *     version: 0.0.0
 *     class: AffinityDoctorPlugin
 *     properties:
 *       failOn: error
 * ```
 */
export class AffinityDoctorPlugin {
  private readonly failOn: Severity;
  private readonly minSeverity: Severity;

  public constructor(properties: PluginProperties = {}) {
    this.failOn = severity(properties.failOn, Severity.ERROR, 'failOn');
    this.minSeverity = severity(properties.minSeverity, Severity.INFO, 'minSeverity');
  }

  public async validate(context: PluginContext): Promise<void> {
    const docs = context.manifests.flatMap(file => readManifests(file));
    const findings = runRules(docs, { minSeverity: this.minSeverity });
    const byRule = new Map<string, Finding[]>();
    for (const f of findings) {
      byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    }
    for (const rule of RULES) {
      const list = byRule.get(rule.id);
      if (!list) {
        continue;
      }
      context.report.addViolation({
        ruleName: `${rule.id} (${rule.severity})`,
        recommendation: rule.rationale,
        fix: rule.fix,
        // The CLI finds each object's construct path by its name alone (cdk8s keys
        // construct-metadata.json by name), so where two objects share a name (a
        // Deployment and its Service, Services of one name in two namespaces) it
        // may show another's path: the location names the object's kind and namespace.
        violatingResources: list.map(f => ({
          resourceName: f.resource.name,
          locations: [`${f.resource.kind} ${f.resource.namespace !== undefined ? `${f.resource.namespace}/` : ''}${f.resource.name}: ${f.message}`],
          manifestPath: f.resource.file ?? '',
        })),
      });
    }
    const failed = findings.some(f => atLeast(f.severity, this.failOn));
    context.report.submit(failed ? 'failure' : 'success', { findings: String(findings.length) });
  }
}
