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

export const UNREADABLE_FIX = 'Make the file valid YAML or JSON as kubectl reads it, or move it out of the folder (a template is checked once rendered, e.g. helm template | affinity-doctor -).';
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

/** The sentence saying how many inputs could not be read. */
export function unreadableCount(unreadable: number): string {
  return `${plural(unreadable, 'input')} could not be read (listed on standard error).`;
}

/** Findings grouped by resource, in the order resources first appear, each with its fix. */
export function formatText(findings: Finding[], manifestCount: number, unreadable: number = 0): string {
  const unread = unreadable > 0 ? ` ${unreadableCount(unreadable)}` : '';
  if (findings.length === 0) {
    // "No problems" only when every input was read: otherwise say what was checked and what was not.
    return unreadable > 0
      ? `affinity-doctor: no finding in the ${plural(manifestCount, 'manifest')} read, but not everything was checked:${unread}\n`
      : `affinity-doctor: no session-affinity problems found in ${plural(manifestCount, 'manifest')}.\n`;
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

function xml(text: string): string {
  // Characters XML 1.0 cannot carry at all are dropped; the five special ones escaped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function placeOf(file: string | undefined, line: number | undefined): string {
  return file === undefined ? '' : ` (${file}${line !== undefined ? `:${line}` : ''})`;
}

/**
 * JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters):
 * one `<testsuite>` per rule, every rule listed so a clean run shows what
 * passed. Each finding is a `<testcase>`: a `<failure>` at error level; at
 * warning and info level the case passes with the message in
 * `<system-out>`, as the exit status does. Inputs that could not be read are
 * `<error>` cases of an `unreadable-input` suite.
 */
export function toJunit(findings: Finding[], rules: readonly RuleInfo[], errors: readonly ReadProblem[] = [], manifestCount = 0): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const rule of rules) {
    const own = findings.filter(f => f.rule === rule.id);
    const cases = own.map(f => {
      const title = resourceTitle(f);
      const attrs = `name="${xml(title)}" classname="${xml(rule.id)}"${f.resource.file !== undefined ? ` file="${xml(f.resource.file)}"` : ''}${f.resource.line !== undefined ? ` line="${f.resource.line}"` : ''}`;
      if (f.severity === Severity.ERROR) {
        return `    <testcase ${attrs}>\n      <failure type="${f.severity}" message="${xml(f.message)}">${xml(`${f.message}\nfix: ${f.fix}`)}</failure>\n    </testcase>`;
      }
      return `    <testcase ${attrs}>\n      <system-out>${xml(`${f.severity}: ${f.message}\nfix: ${f.fix}`)}</system-out>\n    </testcase>`;
    });
    if (cases.length === 0) {
      cases.push(`    <testcase name="${xml(`no finding in ${plural(manifestCount, 'manifest')}`)}" classname="${xml(rule.id)}"/>`);
    }
    const failed = own.filter(f => f.severity === Severity.ERROR).length;
    tests += cases.length;
    failures += failed;
    suites.push(`  <testsuite name="${xml(rule.id)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  if (errors.length > 0) {
    const cases = errors.map(p => `    <testcase name="${xml(`read${placeOf(p.file, p.line)}`)}" classname="${UNREADABLE_INPUT}" file="${xml(p.file)}"${p.line !== undefined ? ` line="${p.line}"` : ''}>\n      <error type="${UNREADABLE_INPUT}" message="${xml(p.message)}">${xml(p.message)}</error>\n    </testcase>`);
    tests += cases.length;
    suites.push(`  <testsuite name="${UNREADABLE_INPUT}" tests="${cases.length}" failures="0" errors="${cases.length}" skipped="0">\n${cases.join('\n')}\n  </testsuite>`);
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="affinity-doctor" tests="${tests}" failures="${failures}" errors="${errors.length}">\n${suites.join('\n')}\n</testsuites>\n`;
}
