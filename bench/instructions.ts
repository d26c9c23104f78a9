// One side of one pair, built and synthesized once, for counting instructions:
//
//   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//     node --hash-seed=1 --random-seed=1 --single-threaded --no-opt --expose-gc --max-semi-space-size=64 \
//     dist/bench/bench/instructions.js <pair> <library|twin|wrapped> <instances>
//
// run.ts (BENCH_INSTRUCTIONS=1) runs it for each side at N instances and at 0,
// and prints the difference: what N instances cost, without node's start-up
// and the modules' loading. With V8's hash and random seeds fixed, counts of
// one build repeat within 0.001% on a busy machine, where times swing by 20%
// (with random seeds, two counts of one build differed by 0.8%).
import { pairChart, pairNamed } from './pairs';

const [id, side, count] = process.argv.slice(2);
if (side !== 'library' && side !== 'twin' && side !== 'wrapped') {
  throw new Error(`usage: instructions.js <pair> <library|twin|wrapped> <instances> (got ${process.argv.slice(2).join(' ')})`);
}
// Collect before building and before toJson(), as the timed runs do, so what
// the modules' loading left on the heap is not collected on the pair's count.
const gc: () => void = (global as any).gc ?? (() => undefined);
gc();
const chart = pairChart(pairNamed(id), side, Number(count));
gc();
chart.toJson();
