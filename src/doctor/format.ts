// The CLI's three output formats. Pure: no cdk8s.
import type * as sarif from 'sarif';
import { Finding, RuleInfo, Severity } from './model';

/** The stable JSON shape of one finding (every key always present). */
export interface JsonFinding {
  rule: string;
  severity: string;
  resource: { apiVersion: string; kind: string; namespace: string | null; name: string; file: string | null };
  message: string;
  fix: string;
}

export function toJsonFindings(findings: Finding[]): JsonFinding[] {
  return findings.map(f => ({
    rule: f.rule,
    severity: f.severity,
    resource: {
      apiVersion: f.resource.apiVersion,
      kind: f.resource.kind,
      namespace: f.resource.namespace ?? null,
      name: f.resource.name,
      file: f.resource.file ?? null,
    },
    message: f.message,
    fix: f.fix,
  }));
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
export function formatText(findings: Finding[], manifestCount: number): string {
  if (findings.length === 0) {
    return `affinity-doctor: no session-affinity problems found in ${plural(manifestCount, 'manifest')}.\n`;
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
  lines.push(`affinity-doctor: ${plural(findings.length, 'finding')} in ${plural(manifestCount, 'manifest')}: ${plural(count(Severity.ERROR), 'error')}, ${plural(count(Severity.WARNING), 'warning')}, ${count(Severity.INFO)} info.`);
  return lines.join('\n') + '\n';
}

const SARIF_LEVEL: Record<Severity, sarif.ReportingConfiguration.level> = {
  [Severity.ERROR]: 'error',
  [Severity.WARNING]: 'warning',
  [Severity.INFO]: 'note',
};

/** A SARIF 2.1.0 log with one run, the rules as the tool's rules, a result per finding. */
export function toSarif(findings: Finding[], rules: readonly RuleInfo[], version: string): sarif.Log {
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
