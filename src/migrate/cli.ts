#!/usr/bin/env node
// affinity-migrate: rewrites ingress-nginx Ingresses for another controller,
// keeping cookie affinity, and says what became of every annotation. Loads
// the facts, the doctor's reader and the YAML parser, never cdk8s.
import * as fs from 'fs';
import * as path from 'path';
import type * as Migrate from './migrate';
import { MigrationGatewayApi, MigrationNote, MigrationOptions, MigrationTarget } from './model';
import type * as Source from './source';
import { HTTPROUTE_TARGETS, TARGETS } from './targets';
import type * as YamlOut from './yaml-out';
import type * as Load from '../doctor/load';

// The migration, the reader and the YAML writer are loaded once there is
// something to migrate: --help, --version and usage errors load none of them.
/* eslint-disable @typescript-eslint/no-require-imports */
const migration = () => require('./migrate') as typeof Migrate;
const reader = () => require('../doctor/load') as typeof Load;
/* eslint-enable @typescript-eslint/no-require-imports */

const USAGE = `Usage: affinity-migrate --to TARGET [--gateway NAME] [--gateway-namespace NS]
                        [--gateway-api v1.6|main] PATH... | -

Rewrites the ingress-nginx Ingresses in YAML or JSON files, folders (searched
recursively for .yaml, .yml and .json) or standard input (-) for another
controller, keeping cookie affinity and routing.

Targets: ${TARGETS.join(', ')}

Options:
  --to, -t             the controller to move to (required)
  --gateway, -g        the Gateway the HTTPRoutes attach to (required for
                       ${HTTPROUTE_TARGETS.join(', ')})
  --gateway-namespace  its namespace (default: each route's own)
  --gateway-api        sessionPersistence shape: v1.6 (v1.6.1, default) or main
  --help, -h           show this help
  --version, -v        show the version

Standard output: the new objects, as YAML documents. Standard error: one line
per source annotation: carried, approximated (how) or dropped (why).
Exit status: 0 everything carried exactly, 1 something approximated or
dropped, 2 usage error or unreadable input.
`;

class UsageError extends Error {}

interface Args {
  options: Partial<MigrationOptions> & { target?: MigrationTarget };
  paths: string[];
  help: boolean;
  version: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { options: {}, paths: [], help: false, version: false };
  const options: { -readonly [K in keyof MigrationOptions]?: MigrationOptions[K] } = {};
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyPaths || arg === '-' || !arg.startsWith('-')) {
      args.paths.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
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
      case '--to':
      case '-t': {
        const v = value();
        if (!(TARGETS as string[]).includes(v)) {
          throw new UsageError(`--to must be one of ${TARGETS.join(', ')}, not ${JSON.stringify(v)}`);
        }
        options.target = v as MigrationTarget;
        break;
      }
      case '--gateway':
      case '-g':
        options.gateway = value();
        break;
      case '--gateway-namespace':
        options.gatewayNamespace = value();
        break;
      case '--gateway-api': {
        const v = value();
        const shapes = Object.values(MigrationGatewayApi) as string[];
        if (!shapes.includes(v)) {
          throw new UsageError(`--gateway-api must be one of ${shapes.join(', ')}, not ${JSON.stringify(v)}`);
        }
        options.gatewayApi = v as MigrationGatewayApi;
        break;
      }
      default:
        throw new UsageError(`unknown option ${flag}`);
    }
  }
  args.options = options;
  return args;
}

function packageVersion(): string {
  try {
    // lib/migrate/cli.js and src/migrate/cli.ts are both two levels below package.json.
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * Reads the inputs with the doctor's reader and returns the documents read
 * and every problem met (`file:line: message`); any problem is exit 2.
 */
export function loadInputs(paths: string[]): { docs: Migrate.SourceDoc[]; problems: string[] } {
  // The doctor's reader: YAML as kubectl reads it, Lists expanded, every file
  // read before any problem is reported. All of the input is one set here:
  // the output replaces it as a whole.
  const { formatProblem, loadManifests } = reader();
  const r = loadManifests(paths, { together: true });
  return { docs: r.docs, problems: r.errors.map(formatProblem) };
}

/** One report line: `file:line: Ingress ns/name: subject: fate: detail`. */
export function formatNote(n: MigrationNote): string {
  const where = n.file ? `${n.file}${n.line ? `:${n.line}` : ''}: ` : '';
  return `${where}Ingress ${n.ingress}: ${n.subject}: ${n.fate}: ${n.detail}`;
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
    return { stdout: '', stderr: `affinity-migrate: ${(e as Error).message}\n\n${USAGE}`, exitCode: 2 };
  }
  if (args.help) {
    return { stdout: USAGE, stderr: '', exitCode: 0 };
  }
  if (args.version) {
    return { stdout: `${packageVersion()}\n`, stderr: '', exitCode: 0 };
  }
  if (!args.options.target) {
    return { stdout: '', stderr: `affinity-migrate: --to is required (one of ${TARGETS.join(', ')})\n\n${USAGE}`, exitCode: 2 };
  }
  const options = args.options as MigrationOptions;
  const { migrateDocs, optionsProblem } = migration();
  const problem = optionsProblem(options);
  if (problem) {
    const cli = problem.replace("'gateway' (--gateway NAME)", '--gateway NAME').replace("'gatewayNamespace'", '--gateway-namespace').replace("'gateway'", '--gateway');
    return { stdout: '', stderr: `affinity-migrate: ${cli}\n\n${USAGE}`, exitCode: 2 };
  }
  if (args.paths.length === 0) {
    return { stdout: '', stderr: `affinity-migrate: no input: give files, folders, or - for standard input\n\n${USAGE}`, exitCode: 2 };
  }
  try {
    const { docs, problems } = loadInputs(args.paths);
    if (problems.length > 0) {
      return { stdout: '', stderr: problems.map(p => `affinity-migrate: ${p}\n`).join(''), exitCode: 2 };
    }
    if (docs.length === 0) {
      // An empty folder or a mistyped path is not "nothing to migrate": nothing was read.
      const inputs = args.paths.map(p => (p === '-' ? 'standard input' : p)).join(', ');
      return { stdout: '', stderr: `affinity-migrate: no Kubernetes manifests found in ${inputs}: nothing was migrated\n`, exitCode: 2 };
    }
    const result = migrateDocs(docs, options);
    const stderr = result.notes.map(n => `${formatNote(n)}\n`).join('');
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { isNginxIngress } = require('./source') as typeof Source;
    const { toYamlDocuments } = require('./yaml-out') as typeof YamlOut;
    /* eslint-enable @typescript-eslint/no-require-imports */
    const empty = !docs.some(d => d.obj && isNginxIngress(d.obj))
      ? 'affinity-migrate: no ingress-nginx Ingress in the input\n' : '';
    return { stdout: toYamlDocuments(result.objects), stderr: stderr + empty, exitCode: result.exact ? 0 : 1 };
  } catch (e) {
    return { stdout: '', stderr: `affinity-migrate: unexpected failure: ${(e as Error)?.message ?? String(e)}\n`, exitCode: 2 };
  }
}

function main(): void {
  const result = run(process.argv.slice(2));
  // Each stream is opened only when there is something to write to it.
  if (result.stdout !== '') {
    process.stdout.write(result.stdout);
  }
  if (result.stderr !== '') {
    process.stderr.write(result.stderr);
  }
  process.exitCode = result.exitCode;
}

if (require.main === module) {
  main();
}
