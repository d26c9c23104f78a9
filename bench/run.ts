// `npm run bench`: what the library costs at synth time next to the same
// Services written by hand, and how that grows. It prints; it never fails on a
// figure. Figures are medians of interleaved repeats, with their spread.
import { execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { cookieIngressBench } from './cookie-ingress';
import { runCookieRouteBench } from './cookie-route';
import { doctorBench } from './doctor';
import { benchGrafana } from './grafana';
import { benchLoadBalancerStickiness } from './load-balancer-stickiness';
import { benchSharedSessionApp } from './shared-session-app';
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

  // Fresh processes, interleaved: memory high-water marks and import cost.
  const memory = new Map<string, number[]>();
  const imports: Array<{ baseMs: number; libMs: number }> = [];
  for (let r = 0; r < CHILD_REPEATS; r++) {
    imports.push(child(['import']));
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

  const baseMs = median(imports.map(i => i.baseMs));
  const libMs = median(imports.map(i => i.libMs));
  console.log(`\nImport, fresh processes (${CHILD_REPEATS})`);
  console.log(table(['what', 'ms', 'spread'], [
    ['cdk8s + cdk8s-plus-28', baseMs.toFixed(1), `${spreadPercent(imports.map(i => i.baseMs)).toFixed(0)}%`],
    ['the library on top', libMs.toFixed(1), `${spreadPercent(imports.map(i => i.libMs)).toFixed(0)}%`],
  ]));
  console.log(`the library adds ${((libMs / baseMs) * 100).toFixed(1)}% to cdk8s-plus-28's import`);

  const ratio1000 = median(totals(LIBRARY, 1000)) / median(totals(HAND_WRITTEN, 1000));
  const growth = median(totals(LIBRARY, 1000)) / median(totals(LIBRARY, 100));
  console.log('\nAgainst the targets (goals to report, not checks):');
  console.log(`- library / hand-written at N=1000: ${ratio1000.toFixed(2)} (target <= 1.1)`);
  console.log(`- library growth 100 -> 1000 services: ${growth.toFixed(1)}x (target <= 11x)`);
  console.log(`- library import on top of cdk8s-plus-28: +${((libMs / baseMs) * 100).toFixed(1)}% (target <= 20%)`);

  benchLoadBalancerStickiness(REPEATS);
  benchGrafana(REPEATS);
  runCookieRouteBench(REPEATS);
  cookieIngressBench(REPEATS);
  doctorBench();
  benchSharedSessionApp();
}

main();
