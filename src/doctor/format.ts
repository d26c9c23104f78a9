// The CLI's three output formats. Pure: no cdk8s.
import type * as sarif from 'sarif';
import type { ReadProblem } from './load';
import { Finding, RuleInfo, Severity } from './model';

/** The id of an input that could not be read, in JSON and SARIF (not a rule: it is reported whatever --min-severity). */
export const UNREADABLE_INPUT = 'unreadable-input';
/** The id of an input left out on purpose (not a regular file, not a Kubernetes object), at info level. */
export const SKIPPED_INPUT = 'skipped-input';

/** The stable JSON shape of one finding (every key always present). */
export interface JsonFinding {
  rule: string;
  severity: string;
  resource: { apiVersion: string; kind: string; namespace: string | null; name: string; file: string | null; line: number | null };
  message: string;
  fix: string;
}

function problemEntry(p: ReadProblem, rule: string, severity: Severity, fix: string): JsonFinding {
  return {
    rule,
    severity,
    resource: { apiVersion: '', kind: '', namespace: null, name: '', file: p.file, line: p.line ?? null },
    message: p.message,
    fix,
  };
}

const UNREADABLE_FIX = 'Make the file valid YAML or JSON as kubectl reads it, or move it out of the folder (a template is checked once rendered, e.g. helm template | affinity-doctor -).';
const SKIPPED_FIX = 'Nothing to do if the file holds no Kubernetes objects.';

/**
 * Findings in their stable JSON shape (every key always present), followed
 * by the inputs that could not be read (`unreadable-input`, error) and those
 * left out (`skipped-input`, info), with the file and line in `resource`.
 */
export function toJsonFindings(findings: Finding[], errors: readonly ReadProblem[] = [], notices: readonly ReadProblem[] = []): JsonFinding[] {
  const entries: JsonFinding[] = findings.map(f => ({
    rule: f.rule,
    severity: f.severity,
    resource: {
      apiVersion: f.resource.apiVersion,
      kind: f.resource.kind,
      namespace: f.resource.namespace ?? null,
      name: f.resource.name,
      file: f.resource.file ?? null,
      line: f.resource.line ?? null,
    },
    message: f.message,
    fix: f.fix,
  }));
  return [
    ...entries,
    ...errors.map(p => problemEntry(p, UNREADABLE_INPUT, Severity.ERROR, UNREADABLE_FIX)),
    ...notices.map(p => problemEntry(p, SKIPPED_INPUT, Severity.INFO, SKIPPED_FIX)),
  ];
}

function resourceTitle(f: Finding): string {
  const r = f.resource;
  const where = r.file !== undefined ? ` (${r.file}${r.line !== undefined ? `:${r.line}` : ''})` : '';
  return `${r.kind} ${r.namespace !== undefined ? `${r.namespace}/` : ''}${r.name || '(no name)'}${where}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Findings grouped by resource, in the order resources first appear, each with its fix. */
export function formatText(findings: Finding[], manifestCount: number, unreadable: number = 0): string {
  const unread = unreadable > 0 ? ` ${plural(unreadable, 'input')} could not be read (see above).` : '';
  if (findings.length === 0) {
    return `affinity-doctor: no session-affinity problems found in ${plural(manifestCount, 'manifest')}.${unread}\n`;
  }
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const title = resourceTitle(f);
    groups.set(title, [...(groups.get(title) ?? []), f]);
  }
  const lines: string[] = [];
  for (const [title, list] of groups) {
    lines.push(title);
    for (const f of list) {
      lines.push(`  ${f.severity.padEnd(7)} ${f.rule}: ${f.message}`);
      lines.push(`          fix: ${f.fix}`);
    }
    lines.push('');
  }
  const count = (s: Severity) => findings.filter(f => f.severity === s).length;
  lines.push(`affinity-doctor: ${plural(findings.length, 'finding')} in ${plural(manifestCount, 'manifest')}: ${plural(count(Severity.ERROR), 'error')}, ${plural(count(Severity.WARNING), 'warning')}, ${count(Severity.INFO)} info.${unread}`);
  return lines.join('\n') + '\n';
}

const SARIF_LEVEL: Record<Severity, sarif.ReportingConfiguration.level> = {
  [Severity.ERROR]: 'error',
  [Severity.WARNING]: 'warning',
  [Severity.INFO]: 'note',
};

function notification(p: ReadProblem, id: string, level: sarif.Notification.level): sarif.Notification {
  return {
    descriptor: { id },
    level,
    message: { text: p.message },
    locations: [{
      physicalLocation: {
        artifactLocation: { uri: p.file.split('\\').join('/') },
        ...(p.line !== undefined ? { region: { startLine: p.line, ...(p.column !== undefined ? { startColumn: p.column } : {}) } } : {}),
      },
    }],
  };
}

/**
 * A SARIF 2.1.0 log with one run, the rules as the tool's rules, a result
 * per finding, and the inputs that could not be read (error) or were left
 * out (note) as tool execution notifications of the run's invocation.
 */
export function toSarif(
  findings: Finding[], rules: readonly RuleInfo[], version: string,
  errors: readonly ReadProblem[] = [], notices: readonly ReadProblem[] = [],
): sarif.Log {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'affinity-doctor',
          informationUri: 'https://github.com/cdk8s-session-affinity/cdk8s-session-affinity#affinity-doctor',
          version,
          rules: rules.map(r => ({
            id: r.id,
            shortDescription: { text: r.rationale },
            help: { text: r.fix },
            defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
          })),
        },
      },
      invocations: [{
        executionSuccessful: errors.length === 0,
        toolExecutionNotifications: [
          ...errors.map(p => notification(p, UNREADABLE_INPUT, 'error')),
          ...notices.map(p => notification(p, SKIPPED_INPUT, 'note')),
        ],
      }],
      results: findings.map(f => {
        const r = f.resource;
        const location: sarif.Location = {
          logicalLocations: [{
            name: r.name,
            fullyQualifiedName: `${r.kind}/${r.namespace !== undefined ? `${r.namespace}/` : ''}${r.name}`,
            kind: 'resource',
          }],
        };
        if (r.file !== undefined) {
          location.physicalLocation = {
            artifactLocation: { uri: r.file.split('\\').join('/') },
            ...(r.line !== undefined ? { region: { startLine: r.line } } : {}),
          };
        }
        return {
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: SARIF_LEVEL[f.severity],
          message: { text: `${f.message}. Fix: ${f.fix}` },
          locations: [location],
        };
      }),
    }],
  };
}
