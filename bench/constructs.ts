// Every construct against its hand-written twin (pairs.ts): each sample is a
// fresh process (child.js synth) that loads the modules, builds and
// synthesizes one instance of its side, then builds N, collects garbage and
// calls chart.toJson(), in CPU time of that process: what `cdk8s synth` of N
// objects costs beyond start-up. Library and twin processes alternate;
// each time ratio is the median of the repeats' own ratios (library / twin of
// one repeat). Beside it, the bytes a build allocates per instance
// (child.js alloc, one process a side, single-threaded so that no compiler
// thread allocates meanwhile) and, from this process, the bytes each built
// chart keeps on the heap per instance. Optionally (BENCH_INSTRUCTIONS=1) the
// same comparison in instructions, counted by callgrind in fresh processes.
// Prints; never fails on a figure.
//
// Why fresh processes: in one process that builds chart after chart, V8
// throws away optimized code for cdk8s's and constructs' functions each time
// the previous chart is collected ("weak objects"), and compiles it again
// during the next sample: with the GKE Gateway pair, 280 such deoptimizations
// in one run, and the recompiling fell unevenly on the two sides (535 against
// 415 ms over the run). A synth compiles each function once.
import { spawnSync } from 'child_process';
import * as path from 'path';
import { comparedOutput, instancesFor, Pair, pairChart, PAIRS, Side } from './pairs';
import { median, spreadPercent, table } from './stats';

const gc: () => void = (global as any).gc ?? (() => undefined);

/** The objects each comparison writes (about: instances are whole). */
export const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 400);

/**
 * How many times OBJECTS the growth column builds: a ratio that grows with
 * the app is a cost that grows faster than the app (a lookup that walks the
 * chart for each instance), which the ratio at OBJECTS alone hides.
 */
export const GROWTH = Number(process.env.BENCH_GROWTH ?? 8);

interface Sample { buildMs: number; synthMs: number }

const CHILD = path.join(__dirname, 'child.js');

/** Bytes allocated per instance while building `n` of one side, in a fresh process (child.js alloc). */
function allocatedPerInstance(pair: Pair, side: 'library' | 'twin', n: number): number {
  const run = spawnSync(process.execPath,
    ['--expose-gc', '--single-threaded', '--min-semi-space-size=256', '--max-semi-space-size=256', CHILD, 'alloc', pair.id, side, String(n)],
    { encoding: 'utf-8' });
  if (run.status !== 0) {
    throw new Error(`child.js alloc ${pair.id} ${side} ${n} failed (status ${run.status}):\n${run.stderr}`);
  }
  return (JSON.parse(run.stdout) as { bytesPerInstance: number }).bytesPerInstance;
}

/** One synth of `n` instances of one side, in a fresh process. */
function sample(pair: Pair, side: Side, n: number): Sample {
  const run = spawnSync(process.execPath, ['--expose-gc', '--single-threaded', CHILD, 'synth', pair.id, side, String(n)], { encoding: 'utf-8' });
  if (run.status !== 0) {
    throw new Error(`child.js synth ${pair.id} ${side} ${n} failed (status ${run.status}):\n${run.stderr}`);
  }
  return JSON.parse(run.stdout) as Sample;
}

/**
 * Bytes the built chart of one side keeps on the heap, per instance: what
 * each collection during a build has to walk. Where a construct's time ratio
 * is mostly the collector's (a CPU profile shows it), this is why.
 */
function retainedPerInstance(pair: Pair, side: 'library' | 'twin', n: number): number {
  warmUp(pair, side, n);
  gc(); gc();
  const before = process.memoryUsage().heapUsed;
  const chart = pairChart(pair, side, n);
  gc(); gc();
  const bytes = process.memoryUsage().heapUsed - before;
  // Still referenced here, so the collections above kept the chart.
  return chart.node.children.length > 0 ? bytes / n : 0;
}

/**
 * One build and synth of a side, so that the code and type feedback a first
 * run makes are not counted as the chart's. In a function of its own: a
 * value the caller's frame held could keep the chart alive through a collection.
 */
function warmUp(pair: Pair, side: 'library' | 'twin', n: number): void {
  pairChart(pair, side, n).toJson();
}

/** JSON with every object's keys sorted: the API server reads a manifest's fields in any order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) => v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map(k => [k, v[k]]))
    : v);
}

/** Throws if the two sides of a pair do not render the same objects (field order aside). */
export function checkPair(pair: Pair): void {
  const render = (side: 'library' | 'twin') => canonical(comparedOutput(pair, pairChart(pair, side, 2).toJson()));
  if (render('library') !== render('twin')) {
    throw new Error(`${pair.twin} renders differently from ${pair.library}:\n${render('twin')}\nnot\n${render('library')}`);
  }
}

/** Prints every pair's time ratio at OBJECTS objects. */
export function benchConstructs(repeats: number, only?: string[]): void {
  const rows: string[][] = [];
  for (const pair of PAIRS.filter(p => !only || only.includes(p.id))) {
    checkPair(pair);
    const n = instancesFor(pair, OBJECTS);
    // The twin wrapped in a Construct per instance, where the pair has one: the
    // shape of an L2 construct, whose node alone costs cdk8s something at synth.
    const sides: Side[] = pair.buildWrapped ? ['library', 'twin', 'wrapped'] : ['library', 'twin'];
    const samples = new Map<Side, Sample[]>(sides.map(side => [side, []]));
    for (let r = 0; r < repeats; r++) {
      // Each side goes first as often as the others.
      for (let i = 0; i < sides.length; i++) {
        const side = sides[(i + r) % sides.length];
        samples.get(side)!.push(sample(pair, side, n));
      }
    }
    const lib = samples.get('library')!;
    const twin = samples.get('twin')!;
    const wrapped = samples.get('wrapped');
    const total = (s: Sample) => s.buildMs + s.synthMs;
    // The same ratio at GROWTH times the objects, with fewer repeats (each process builds GROWTH times more).
    const grown: number[] = [];
    for (let r = 0; GROWTH > 1 && r < Math.max(3, Math.round(repeats / 3)); r++) {
      const [first, second] = r % 2 === 0 ? ['library', 'twin'] as const : ['twin', 'library'] as const;
      const a = total(sample(pair, first, n * GROWTH));
      const b = total(sample(pair, second, n * GROWTH));
      grown.push(first === 'library' ? a / b : b / a);
    }
    const heapLib = retainedPerInstance(pair, 'library', n);
    const heapTwin = retainedPerInstance(pair, 'twin', n);
    const allocLib = allocatedPerInstance(pair, 'library', n);
    const allocTwin = allocatedPerInstance(pair, 'twin', n);
    // The median of each repeat's own ratio: the two processes of a repeat run one after the other, and
    // this machine has spells, some seconds long, where every process runs about a third slower; a ratio
    // of medians takes the library's from one spell and the twin's from another.
    const ratio = (f: (s: Sample) => number) => median(lib.map((s, i) => f(s) / f(twin[i]))).toFixed(2);
    rows.push([
      pair.library, pair.twin, String(n),
      median(lib.map(total)).toFixed(1), median(twin.map(total)).toFixed(1),
      `${spreadPercent(lib.map(total)).toFixed(0)}%`,
      ratio(s => s.buildMs), ratio(s => s.synthMs), ratio(total),
      grown.length > 0 ? median(grown).toFixed(2) : '',
      wrapped ? median(wrapped.map((s, i) => total(s) / total(twin[i]))).toFixed(2) : '',
      wrapped ? median(lib.map((s, i) => total(s) / total(wrapped[i]))).toFixed(2) : '',
      `${allocLib.toFixed(0)} / ${allocTwin.toFixed(0)}`, (allocLib / allocTwin).toFixed(2),
      `${heapLib.toFixed(0)} / ${heapTwin.toFixed(0)}`, (heapLib / heapTwin).toFixed(2),
    ]);
  }
  console.log(`\nEvery construct against its hand-written twin: about ${OBJECTS} objects each, a synth per fresh process (one instance first, then build, GC, chart.toJson()); CPU time, ${repeats} processes a side, alternating, each ratio the median of the repeats' own (library / twin of one repeat);`
    + ' where the pair has one, the twin with each object in a Construct of its own, as an L2 construct holds it (wrapped / twin: what that node costs cdk8s; library / wrapped: what the library adds beyond it);'
    + ` total x at ${GROWTH}N: the same ratio with ${GROWTH} times the instances (${Math.max(3, Math.round(repeats / 3))} processes a side), which grows where the library's cost grows faster than the app;`
    + ' the bytes per instance a build allocates and those the built chart keeps on the heap (library / twin): what the collector deals with during a build, counted exactly');
  console.log(table(['construct', 'twin', 'N', 'library ms', 'twin ms', 'spread', 'build x', 'toJson x', 'total x', `total x at ${GROWTH}N`, 'wrapped / twin', 'library / wrapped',
    'alloc B/instance', 'alloc x', 'heap B/instance', 'heap x'], rows));
}

/** Instructions of one side at n instances, from callgrind's summary line. */
function instructions(pair: Pair, side: Side, n: number): number {
  const script = path.join(__dirname, 'instructions.js');
  // Fixed hash and random seeds: with V8's random ones, two counts of the same build differed by 0.8%.
  const run = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null',
    process.execPath, '--hash-seed=1', '--random-seed=1', '--single-threaded', '--no-opt', '--expose-gc', '--max-semi-space-size=64',
    script, pair.id, side, String(n)], { encoding: 'utf-8' });
  const collected = /Collected\s*:\s*(\d+)/.exec(run.stderr ?? '');
  if (run.status !== 0 || !collected) {
    throw new Error(`callgrind on ${pair.id} ${side} ${n} failed (${run.error?.message ?? `status ${run.status}`}):\n${run.stderr}`);
  }
  return Number(collected[1]);
}

/**
 * Prints every pair's instruction ratio (N instances minus none), one
 * callgrind run each. With `wrapped` (BENCH_WRAPPED=1), also the twin with a
 * wrapper node per instance, where a pair has one: what the library's own
 * construct node costs, apart from its checks.
 */
export function benchInstructions(only?: string[], wrapped = false): void {
  const pairs = PAIRS.filter(p => !only || only.includes(p.id));
  const empty = instructions(pairs[0], 'library', 0);
  const rows: string[][] = [];
  for (const pair of pairs) {
    const n = instancesFor(pair, OBJECTS);
    const lib = instructions(pair, 'library', n) - empty;
    const twin = instructions(pair, 'twin', n) - empty;
    const row = [pair.library, pair.twin, String(n), (lib / 1e6).toFixed(1), (twin / 1e6).toFixed(1), (lib / twin).toFixed(3)];
    if (wrapped) {
      const wrap = pair.buildWrapped ? instructions(pair, 'wrapped', n) - empty : undefined;
      row.push(wrap === undefined ? '' : (wrap / 1e6).toFixed(1), wrap === undefined ? '' : (wrap / twin).toFixed(3), wrap === undefined ? '' : (lib / wrap).toFixed(3));
    }
    rows.push(row);
  }
  console.log(`\nInstructions (callgrind, node --single-threaded --no-opt, fresh processes): about ${OBJECTS} objects, minus an empty run's ${(empty / 1e6).toFixed(0)} M`);
  console.log(table(['construct', 'twin', 'N', 'library M', 'twin M', 'ratio',
    ...(wrapped ? ['wrapped twin M', 'wrapped / twin', 'library / wrapped'] : [])], rows));
}

if (require.main === module) {
  // node dist/bench/bench/constructs.js [instructions [pair...]]
  const [mode, ...ids] = process.argv.slice(2);
  if (mode === 'instructions') {
    benchInstructions(ids.length ? ids : undefined, process.env.BENCH_WRAPPED === '1');
  } else {
    // node --expose-gc --single-threaded dist/bench/bench/constructs.js [pair...]
    benchConstructs(Number(process.env.BENCH_REPEATS ?? 15), mode ? [mode, ...ids] : undefined);
  }
}
