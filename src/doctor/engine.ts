// Runs every rule over a set of manifests. Pure: no cdk8s, no constructs, so
// the CLI loads only this, the rules, the facts and the YAML parser.
import { Doc, Inventory, isObject, nameOf, namespaceOf } from './inventory';
import { Finding, ResourceRef, Severity, atLeast } from './model';
import { RULES } from './rules';

/** Options of a check. */
export interface EngineOptions {
  /** Findings below this severity are left out. */
  readonly minSeverity?: Severity;
}

function refOf(doc: Doc): ResourceRef {
  const ns = namespaceOf(doc.obj);
  return {
    apiVersion: String(doc.obj.apiVersion ?? ''),
    kind: String(doc.obj.kind ?? ''),
    ...(ns !== '' ? { namespace: ns } : {}),
    name: nameOf(doc.obj),
    ...(doc.file !== undefined ? { file: doc.file } : {}),
    ...(doc.line !== undefined ? { line: doc.line } : {}),
  };
}

/** Whether an object looks like a Kubernetes manifest (anything else in a folder, such as a Helm values file, is skipped). */
export function isManifest(x: unknown): x is { [key: string]: any } {
  return isObject(x) && typeof x.kind === 'string' && typeof x.apiVersion === 'string';
}

/** Runs the rules; findings come out grouped by rule, in rule order. */
export function runRules(docs: Doc[], options: EngineOptions = {}): Finding[] {
  const min = options.minSeverity ?? Severity.INFO;
  const inventory = new Inventory(docs.filter(d => isManifest(d.obj)));
  const findings: Finding[] = [];
  for (const rule of RULES) {
    if (!atLeast(rule.severity, min)) {
      continue;
    }
    rule.check(inventory, (doc, message, fix) => {
      findings.push({ rule: rule.id, severity: rule.severity, resource: refOf(doc), message, fix: fix ?? rule.fix });
    });
  }
  return findings;
}
