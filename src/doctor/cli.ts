#!/usr/bin/env node
// affinity-doctor: finds session-affinity mistakes in Kubernetes manifests.
// Loads only the rules, the facts and the YAML parser, never cdk8s, so it
// starts about as fast as node itself.
import * as fs from 'fs';
import * as path from 'path';
import { isManifest, runRules } from './engine';
import { formatText, toJsonFindings, toSarif } from './format';
import { InputError, expandPaths, readManifests } from './load';
import { Severity, atLeast } from './model';
import { RULES } from './rules';

const USAGE = `Usage: affinity-doctor [--format text|json|sarif] [--min-severity error|warning|info] PATH... | -

Finds session-affinity mistakes in Kubernetes manifests: YAML or JSON files,
folders (searched recursively for .yaml, .yml and .json), or standard input (-).
Multi-document YAML and kind: List are understood.

Options:
  --format, -f        text (default), json or sarif (SARIF 2.1.0)
  --min-severity, -s  leave out findings below this severity (default: info)
  --help, -h          show this help
  --version, -v       show the version

Exit status: 0 no error-level finding, 1 at least one, 2 usage error or
unreadable or malformed input.
`;

class UsageError extends Error {}

interface Args {
  format: 'text' | 'json' | 'sarif';
  minSeverity: Severity;
  paths: string[];
  help: boolean;
  version: boolean;
}

const FORMATS = ['text', 'json', 'sarif'];
const SEVERITIES = Object.values(Severity) as string[];

function parseArgs(argv: string[]): Args {
  const args: Args = { format: 'text', minSeverity: Severity.INFO, paths: [], help: false, version: false };
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPaths || arg === '-' || !arg.startsWith('-')) {
      args.paths.push(arg);
      continue;
    }
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) {
        throw new UsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case '--':
        onlyPaths = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--version':
      case '-v':
        args.version = true;
        break;
      case '--format':
      case '-f': {
        const v = value();
        if (!FORMATS.includes(v)) {
          throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, not ${JSON.stringify(v)}`);
        }
        args.format = v as Args['format'];
        break;
      }
      case '--min-severity':
      case '-s': {
        const v = value();
        if (!SEVERITIES.includes(v)) {
          throw new UsageError(`--min-severity must be one of ${SEVERITIES.join(', ')}, not ${JSON.stringify(v)}`);
        }
        args.minSeverity = v as Severity;
        break;
      }
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  return args;
}

function packageVersion(): string {
  try {
    // lib/doctor/cli.js and src/doctor/cli.ts are both two levels below package.json.
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** What a run printed and its exit status; `main` writes it out. */
export interface CliResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs the CLI on these arguments (without `node` and the script). */
export function run(argv: string[]): CliResult {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return { stdout: '', stderr: `affinity-doctor: ${(e as Error).message}\n\n${USAGE}`, exitCode: 2 };
  }
  if (args.help) {
    return { stdout: USAGE, stderr: '', exitCode: 0 };
  }
  if (args.version) {
    return { stdout: `${packageVersion()}\n`, stderr: '', exitCode: 0 };
  }
  if (args.paths.length === 0) {
    return { stdout: '', stderr: `affinity-doctor: no input: give files, folders, or - for standard input\n\n${USAGE}`, exitCode: 2 };
  }
  try {
    const files = args.paths.flatMap(p => (p === '-' ? ['-'] : expandPaths([p])));
    const docs = files.flatMap(f => readManifests(f));
    const findings = runRules(docs, { minSeverity: args.minSeverity });
    const manifests = docs.filter(d => isManifest(d.obj)).length;
    const failed = findings.some(f => atLeast(f.severity, Severity.ERROR));
    let stdout: string;
    switch (args.format) {
      case 'json':
        stdout = JSON.stringify(toJsonFindings(findings), undefined, 2) + '\n';
        break;
      case 'sarif':
        stdout = JSON.stringify(toSarif(findings, RULES, packageVersion()), undefined, 2) + '\n';
        break;
      default:
        stdout = formatText(findings, manifests);
    }
    return { stdout, stderr: '', exitCode: failed ? 1 : 0 };
  } catch (e) {
    if (e instanceof InputError) {
      return { stdout: '', stderr: `affinity-doctor: ${e.message}\n`, exitCode: 2 };
    }
    return { stdout: '', stderr: `affinity-doctor: unexpected failure: ${(e as Error)?.message ?? String(e)}\n`, exitCode: 2 };
  }
}

function main(): void {
  const result = run(process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
}

if (require.main === module) {
  main();
}
