// Runs every rule over a set of manifests. Pure: no cdk8s, no constructs, so
// the CLI loads only this, the rules, the facts and the YAML parser.
import { Doc, Inventory, isObject, nameOf } from './inventory';
import { groupByApp } from './load';
import { Finding, ResourceRef, Severity, atLeast } from './model';
import { RULES } from './rules';

/** Options of a check. */
export interface EngineOptions {
  /** Findings below this severity are left out. */
  readonly minSeverity?: Severity;
}

function refOf(doc: Doc): ResourceRef {
  // The namespace as written: a finding shows what the file says.
  const written = doc.obj.metadata?.namespace;
  const ns = typeof written === 'string' ? written : '';
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

/**
 * Runs the rules on each app alone (objects of different apps never meet),
 * apps in the order they first appear. An app is what the loader says: the
 * files of one folder, one file, standard input, or every input together.
 */
export function runRulesPerApp(docs: ReadonlyArray<Doc & { readonly app: string }>, options: EngineOptions = {}): Finding[] {
  const apps = groupByApp(docs);
  const findings: Finding[] = [];
  for (const list of apps.values()) {
    findings.push(...runRules(list, options));
  }
  return findings;
}
