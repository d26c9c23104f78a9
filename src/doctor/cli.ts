#!/usr/bin/env node
// affinity-doctor: finds session-affinity mistakes in Kubernetes manifests.
// Loads only the rules, the facts and the YAML parser, never cdk8s, so it
// starts about as fast as node itself; and loads those only once it has
// inputs to check, so --help, --version and a usage error load none of them.
import * as fs from 'fs';
import * as path from 'path';
import type * as Engine from './engine';
import type * as Format from './format';
import type * as Load from './load';
import { Severity, atLeast } from './model';
import type * as Rules from './rules';

const USAGE = `Usage: affinity-doctor [--format text|json|sarif|junit] [--min-severity error|warning|info] [--together] PATH... | -

Finds session-affinity mistakes in Kubernetes manifests: YAML or JSON files,
folders (searched recursively for .yaml, .yml and .json), or standard input (-),
read as kubectl reads them (YAML 1.1 with merge keys, several documents,
JSON objects and arrays, List and every typed *List).

Each folder is one app: objects in different folders never meet (two
environments side by side are checked apart), standard input is one app, and
an object without a namespace is in "default".

Options:
  --format, -f        text (default), json, sarif (SARIF 2.1.0) or junit (JUnit XML)
  --min-severity, -s  leave out findings below this severity (default: info)
  --together          check every input as one app
  --help, -h          show this help
  --version, -v       show the version

Exit status: 0 no error-level finding, 1 at least one, 2 usage error or an
input that could not be read (the findings of every other input are still
printed). What is not a regular file (a named pipe in a folder, a device) and
what is not a Kubernetes object are skipped with a notice.
`;

class UsageError extends Error {}

interface Args {
  format: 'text' | 'json' | 'sarif' | 'junit';
  minSeverity: Severity;
  paths: string[];
  help: boolean;
  version: boolean;
  together: boolean;
}

const FORMATS = ['text', 'json', 'sarif', 'junit'];
const SEVERITIES = Object.values(Severity) as string[];

function parseArgs(argv: string[]): Args {
  const args: Args = { format: 'text', minSeverity: Severity.INFO, paths: [], help: false, version: false, together: false };
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
      case '--together':
        args.together = true;
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

/** How `run` reads standard input (tests pass text). */
export interface RunOptions {
  readonly readStdin?: () => string;
}

/** Runs the CLI on these arguments (without `node` and the script). */
export function run(argv: string[], options: RunOptions = {}): CliResult {
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
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { runRules } = require('./engine') as typeof Engine;
    const { formatText, toJsonFindings, toJunit, toSarif, unreadableCount } = require('./format') as typeof Format;
    const { formatProblem, groupByApp, listInputs, readInput } = require('./load') as typeof Load;
    const { RULES } = require('./rules') as typeof Rules;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const loadOptions = { together: args.together, readStdin: options.readStdin };
    const listing = listInputs(args.paths, loadOptions);
    const errors: Load.ReadProblem[] = [...listing.errors];
    const notices: Load.ReadProblem[] = [...listing.notices];
    // One app at a time: its objects are read, checked and dropped before the
    // next app is read, so memory follows the largest app, not the inputs.
    const apps = groupByApp(listing.files);
    const findings = [];
    let manifests = 0;
    for (const files of apps.values()) {
      const docs = [];
      for (const f of files) {
        const r = readInput(f, loadOptions);
        docs.push(...r.docs);
        errors.push(...r.errors);
        notices.push(...r.notices);
      }
      manifests += docs.length;
      findings.push(...runRules(docs, { minSeverity: args.minSeverity }));
    }
    // Zero manifests read is a mistyped path or an empty folder, never a pass:
    // nothing was checked, so the run fails like an unreadable input does.
    const inputs = args.paths.map(p => (p === '-' ? 'standard input' : p)).join(', ');
    const nothingChecked = manifests === 0 ? `no Kubernetes manifests found in ${inputs}: nothing was checked` : undefined;
    const problems = nothingChecked !== undefined && errors.length === 0 ? [...errors, { file: inputs, message: nothingChecked }] : errors;
    const shownNotices = atLeast(Severity.INFO, args.minSeverity) ? notices : [];
    const failed = findings.some(f => atLeast(f.severity, Severity.ERROR));
    let stdout: string;
    let stderr = '';
    switch (args.format) {
      case 'json':
        stdout = JSON.stringify(toJsonFindings(findings, problems, shownNotices), undefined, 2) + '\n';
        break;
      case 'sarif':
        stdout = JSON.stringify(toSarif(findings, RULES, packageVersion(), problems, shownNotices), undefined, 2) + '\n';
        break;
      case 'junit':
        stdout = toJunit(findings, RULES, problems, manifests);
        break;
      default:
        stdout = nothingChecked !== undefined
          ? `affinity-doctor: ${nothingChecked}.${errors.length > 0 ? ` ${unreadableCount(errors.length)}` : ''}\n`
          : formatText(findings, manifests, errors.length);
        stderr = [...errors, ...shownNotices].map(p => `affinity-doctor: ${formatProblem(p)}\n`).join('');
    }
    return { stdout, stderr, exitCode: problems.length > 0 ? 2 : failed ? 1 : 0 };
  } catch (e) {
    return { stdout: '', stderr: `affinity-doctor: unexpected failure: ${(e as Error)?.message ?? String(e)}\n`, exitCode: 2 };
  }
}

function main(): void {
  const result = run(process.argv.slice(2));
  // What could not be read first, so that in a terminal it comes before the summary that counts it.
  // Each stream is opened only when there is something to write to it (opening one costs about as
  // much as the rest of --version).
  if (result.stderr !== '') {
    process.stderr.write(result.stderr);
  }
  if (result.stdout !== '') {
    process.stdout.write(result.stdout);
  }
  process.exitCode = result.exitCode;
}

if (require.main === module) {
  main();
}
