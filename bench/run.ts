// `npm run bench`: every row in one run. What each construct costs at synth
// time next to the same objects written by hand (pairs.ts), how StickyService
// grows and what it holds in memory, what loading the library and starting
// the doctor cost as whole processes, the doctor against a YAML parser, and
// CI's duration. It prints; it never fails on a figure. Figures are medians of
// interleaved repeats, with their spread. BENCH_INSTRUCTIONS=1 adds the
// construct comparison in instructions (callgrind; minutes).
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { benchConstructs, benchInstructions, OBJECTS } from './constructs';
import { doctorBench } from './doctor';
import { benchProcessInstructions, benchProcesses, ciDuration } from './processes';
import { median, msSince, spreadPercent, table } from './stats';
import { buildChart, HAND_WRITTEN, LIBRARY, renderedAffinity, Variant, VARIANTS } from './variants';

const SIZES = [10, 100, 1000];
const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const CHILD_REPEATS = Number(process.env.BENCH_CHILD_REPEATS ?? 5);
const gc: () => void = (global as any).gc ?? (() => undefined);

interface Sample { buildMs: number; synthMs: number }

/**
 * One sample: the mean of enough back-to-back builds to make about 1000
 * Services, so a small chart is not one timer tick and one GC pause.
 */
function measure(variant: Variant, n: number): Sample {
  const rounds = Math.max(1, Math.round(1000 / n));
  gc();
  let buildMs = 0;
  let synthMs = 0;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    const chart = buildChart(variant, n);
    buildMs += msSince(start);
    const synthStart = process.hrtime.bigint();
    chart.toJson();
    synthMs += msSince(synthStart);
  }
  return { buildMs: buildMs / rounds, synthMs: synthMs / rounds };
}

/** The variants must render the same Services, or the comparison means nothing. */
function checkSameOutput(): void {
  const rendered = (v: Variant) => JSON.stringify(renderedAffinity(buildChart(v, 1).toJson()));
  const expected = rendered(LIBRARY);
  for (const v of VARIANTS) {
    if (rendered(v) !== expected) {
      throw new Error(`variant ${v.name} renders ${rendered(v)}, not ${expected}`);
    }
  }
}

const key = (v: Variant, n: number) => `${v.name}@${n}`;

function inProcess(): Map<string, Sample[]> {
  const samples = new Map<string, Sample[]>();
  // Warm-up: let the JIT see every code path before anything is recorded.
  for (const v of VARIANTS) for (const n of SIZES) measure(v, n);
  for (let r = 0; r < REPEATS; r++) {
    for (const n of SIZES) {
      // Rotate the order each repeat so no variant always runs first or last.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]);
      for (const v of order) {
        const list = samples.get(key(v, n)) ?? [];
        list.push(measure(v, n));
        samples.set(key(v, n), list);
      }
    }
  }
  return samples;
}

function child(args: string[]): any {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'child.js'), ...args], { encoding: 'utf-8' });
  return JSON.parse(out);
}

function main(): void {
  checkSameOutput();
  console.log(`cdk8s-session-affinity benchmarks: node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown cpu'}, ${REPEATS} repeats`);
  console.log('(times are medians per chart; a sample at N < 1000 is the mean of 1000/N charts; "spread" is (max - min) / median of the repeats; ratios are what to judge by)\n');

  const samples = inProcess();
  const total = (s: Sample) => s.buildMs + s.synthMs;
  const totals = (v: Variant, n: number) => samples.get(key(v, n))!.map(total);

  const rows: string[][] = [];
  for (const n of SIZES) {
    const handMedian = median(totals(HAND_WRITTEN, n));
    for (const v of VARIANTS) {
      const list = samples.get(key(v, n))!;
      const t = list.map(total);
      rows.push([
        v.name, String(n),
        median(list.map(s => s.buildMs)).toFixed(2),
        median(list.map(s => s.synthMs)).toFixed(2),
        median(t).toFixed(2),
        `${spreadPercent(t).toFixed(0)}%`,
        ((median(t) / n) * 1000).toFixed(1),
        (median(t) / handMedian).toFixed(2),
      ]);
    }
  }
  console.log('Synth in one process: construct tree + chart.toJson(), no files written');
  console.log(table(['variant', 'N', 'build ms', 'toJson ms', 'total ms', 'spread', 'µs/service', 'vs hand-written'], rows));

  console.log('\nGrowth: total time at 10x the services');
  console.log(table(['variant', '100 / 10', '1000 / 100'], VARIANTS.map(v => [
    v.name,
    `${(median(totals(v, 100)) / median(totals(v, 10))).toFixed(1)}x`,
    `${(median(totals(v, 1000)) / median(totals(v, 100))).toFixed(1)}x`,
  ])));

  // Fresh processes, interleaved: memory high-water marks.
  const memory = new Map<string, number[]>();
  for (let r = 0; r < CHILD_REPEATS; r++) {
    memory.set('baseline', [...(memory.get('baseline') ?? []), child(['memory', LIBRARY.name, '0']).maxRssKb]);
    for (const v of VARIANTS) {
      memory.set(v.name, [...(memory.get(v.name) ?? []), child(['memory', v.name, '1000']).maxRssKb]);
    }
  }
  const baseline = median(memory.get('baseline')!);
  const handMemory = median(memory.get(HAND_WRITTEN.name)!) - baseline;
  console.log(`\nPeak memory for 1000 Services, fresh processes (${CHILD_REPEATS} each; RSS high-water mark minus an empty app's ${(baseline / 1024).toFixed(0)} MiB)`);
  console.log(table(['variant', 'MiB / 1000 services', 'vs hand-written'], VARIANTS.map(v => {
    const mib = median(memory.get(v.name)!) - baseline;
    return [v.name, (mib / 1024).toFixed(1), (mib / handMemory).toFixed(2)];
  })));

  benchConstructs(REPEATS);
  if (process.env.BENCH_INSTRUCTIONS) {
    benchInstructions();
  }
  const { importRatio, cliRatio } = benchProcesses(CHILD_REPEATS * 2);
  if (process.env.BENCH_INSTRUCTIONS) {
    benchProcessInstructions();
  }
  doctorBench();
  ciDuration();

  const ratio1000 = median(totals(LIBRARY, 1000)) / median(totals(HAND_WRITTEN, 1000));
  console.log('\nAgainst the targets (goals to report, not checks; judge on a quiet machine):');
  console.log(`- every construct / its hand-written twin at about ${OBJECTS} objects: <= 1.05 (table above)`);
  console.log(`- StickyService / hand-written at N=1000: ${ratio1000.toFixed(2)}`);
  console.log(`- loading the library with cdk8s-plus-28 / cdk8s-plus-28 alone, whole-process CPU: ${importRatio.toFixed(3)} (target <= 1.05)`);
  console.log(`- affinity-doctor --version / node -e 0, whole-process CPU: ${cliRatio.toFixed(2)} (target <= 1.3)`);
}

main();
