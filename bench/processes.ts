// Whole-process costs, in fresh processes, interleaved, medians: what loading
// the library adds to loading cdk8s and cdk8s-plus-28, and what the doctor
// CLI's start-up costs next to an empty node. CPU time of the whole process
// (user + system), which a busy machine disturbs less than wall time.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { median, spreadPercent, table } from './stats';

const PRELOAD = path.join(__dirname, 'cpu-at-exit.js');
const LIBRARY = path.join(__dirname, '..', 'src');
const CLI = path.join(__dirname, '..', 'src', 'doctor', 'cli.js');

/** CPU milliseconds of one fresh `node <args>`. */
export function processCpuMs(args: string[]): number {
  const run = spawnSync(process.execPath, ['-r', PRELOAD, ...args], { encoding: 'utf-8' });
  const found = /cpu-microseconds (\d+)\s*$/.exec(run.stderr ?? '');
  if (run.status !== 0 || !found) {
    throw new Error(`node ${args.join(' ')} failed (status ${run.status}):\n${run.stderr}`);
  }
  return Number(found[1]) / 1000;
}

interface Row { readonly what: string; readonly args: string[] }

/** Runs each row `repeats` times, rotating the order, and returns the samples per row. */
function interleaved(rows: Row[], repeats: number): number[][] {
  const samples = rows.map(() => [] as number[]);
  rows.forEach(r => processCpuMs(r.args)); // warm the file cache
  for (let i = 0; i < repeats; i++) {
    for (let k = 0; k < rows.length; k++) {
      const j = (k + i) % rows.length;
      samples[j].push(processCpuMs(rows[j].args));
    }
  }
  return samples;
}

const requireAll = (...modules: string[]) => ['-e', modules.map(m => `require(${JSON.stringify(m)});`).join('')];

/** Prints import cost and the doctor CLI's start-up, whole-process CPU. */
export function benchProcesses(repeats: number): { importRatio: number; cliRatio: number } {
  const rows: Row[] = [
    { what: 'node -e 0', args: ['-e', '0'] },
    { what: 'cdk8s + cdk8s-plus-28', args: requireAll('cdk8s', 'cdk8s-plus-28') },
    { what: 'cdk8s + cdk8s-plus-28 + the library', args: requireAll('cdk8s', 'cdk8s-plus-28', LIBRARY) },
    { what: 'affinity-doctor --version', args: [CLI, '--version'] },
  ];
  const samples = interleaved(rows, repeats);
  const m = samples.map(median);
  console.log(`\nWhole processes: CPU time (user + system) of a fresh node, ${repeats} each, interleaved`);
  console.log(table(['process', 'CPU ms', 'spread', 'vs'], rows.map((r, i) => [
    r.what, m[i].toFixed(1), `${spreadPercent(samples[i]).toFixed(0)}%`,
    i === 2 ? `${(m[2] / m[1]).toFixed(3)} x cdk8s-plus-28 alone` : i === 3 ? `${(m[3] / m[0]).toFixed(2)} x node -e 0` : '',
  ])));
  return { importRatio: m[2] / m[1], cliRatio: m[3] / m[0] };
}

/** CI's own duration, from a saved log of `.ci/run`, if there is one. */
export function ciDuration(): void {
  const log = process.env.BENCH_CI_LOG ?? path.join(__dirname, '..', '..', '..', '.ci', 'run.log');
  if (!fs.existsSync(log)) {
    console.log(`\nCI duration: no log of .ci/run at ${log} (save one with \`.ci/run 2>&1 | tee .ci/run.log\`, or point BENCH_CI_LOG at one); not measured here, since the bench does not run CI`);
    return;
  }
  const text = fs.readFileSync(log, 'utf-8');
  const steps = [...text.matchAll(/^=== (.*) \((\d+)s\)$/gm)].map(s => ({ name: s[1], at: Number(s[2]) }));
  const total = /CI passed in (\d+)s/.exec(text);
  console.log(`\nCI duration, from ${path.relative(process.cwd(), log)}: ${total ? `${total[1]} s` : 'the run did not pass'}`);
  if (steps.length > 0) {
    const end = total ? Number(total[1]) : steps[steps.length - 1].at;
    console.log(table(['step', 's'], steps.map((s, i) => [s.name, String((steps[i + 1]?.at ?? end) - s.at)])));
  }
}
