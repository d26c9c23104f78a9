// Measurements that need a fresh process, started by run.ts and constructs.ts:
//   child.js memory <variant> <n>   -> peak RSS after building and synthesizing n Services
//   child.js synth <pair> <side> <n> -> CPU of building n instances of one side of a pair, then toJson()
//   child.js alloc <pair> <side> <n> -> bytes allocated per instance while building them
//   child.js app <pair> <charts> <n> <doctor|none> -> CPU of building an app of n instances spread over
//      charts, and its App.synthYaml(), with or without the synth-time doctor
/* eslint-disable @typescript-eslint/no-require-imports */
function measureMemory(variantName: string, n: number): void {
  const { buildChart, variantNamed } = require('./variants') as typeof import('./variants');
  const variant = variantNamed(variantName);
  if (n > 0) {
    buildChart(variant, n).toJson();
  }
  // maxRSS is in kilobytes: the high-water mark of the whole process.
  process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
}

/**
 * A builder of charts of one side of a pair, after the modules are loaded
 * and one instance of that side is built and synthesized (what every app
 * pays once, whatever its size), and the garbage of that collected.
 */
function warmedSide(pairId: string, side: string): (n: number) => import('cdk8s').Chart {
  const { pairChart, pairNamed } = require('./pairs') as typeof import('./pairs');
  if (side !== 'library' && side !== 'twin' && side !== 'wrapped') {
    throw new Error(`side must be library, twin or wrapped, not ${side}`);
  }
  const pair = pairNamed(pairId);
  pairChart(pair, side, 1).toJson();
  collectGarbage();
  return n => pairChart(pair, side, n);
}

const collectGarbage: () => void = (global as any).gc ?? (() => {
  throw new Error('child.js needs node --expose-gc');
});

/**
 * One synth of `n` instances, as `cdk8s synth` runs it, once the side is
 * warmed (see `warmedSide`): the chart of `n` built, the garbage of that
 * collected, and the chart synthesized, in CPU time of this process.
 */
function measureSynth(pairId: string, side: string, n: number): void {
  const { cpuMsSince } = require('./stats') as typeof import('./stats');
  const build = warmedSide(pairId, side);
  const start = process.cpuUsage();
  const chart = build(n);
  const buildMs = cpuMsSince(start);
  collectGarbage();
  const synthStart = process.cpuUsage();
  chart.toJson();
  process.stdout.write(JSON.stringify({ buildMs, synthMs: cpuMsSince(synthStart) }));
}

/**
 * Bytes allocated per instance while `n` instances of one side are built,
 * once the side is warmed: the heap's growth, in a single-threaded process
 * whose semi-spaces (256 MiB, see constructs.ts) hold a whole build, so no
 * collection frees anything during it (at the bench's sizes; --trace-gc
 * shows none). What the collector has to deal with
 * during a build, counted exactly, where CPU time is a noisy sample.
 */
function measureAllocation(pairId: string, side: string, n: number): void {
  const build = warmedSide(pairId, side);
  const before = process.memoryUsage().heapUsed;
  const chart = build(n);
  const bytes = process.memoryUsage().heapUsed - before;
  process.stdout.write(JSON.stringify({ bytesPerInstance: chart.node.children.length > 0 ? bytes / n : 0 }));
}

/**
 * An app of `n` instances of a pair's construct spread over `charts` charts
 * (each its own namespace), built and synthesized with `App.synthYaml()`
 * (what `App.synth()` does, without writing files), with the synth-time
 * doctor on the App or without it, after the same app at one instance.
 */
function measureApp(pairId: string, charts: number, n: number, doctor: string): void {
  const { pairNamed } = require('./pairs') as typeof import('./pairs');
  const { App, Chart } = require('cdk8s') as typeof import('cdk8s');
  const { AffinityDoctorValidation } = require('../src') as typeof import('../src');
  const { cpuMsSince } = require('./stats') as typeof import('./stats');
  if (doctor !== 'doctor' && doctor !== 'none') {
    throw new Error(`the last argument must be doctor or none, not ${doctor}`);
  }
  const pair = pairNamed(pairId);
  const app = (instances: number) => {
    const built = new App({ outdir: '/dev/null' });
    for (let c = 0; c < charts; c++) {
      const share = Math.floor(instances / charts) + (c < instances % charts ? 1 : 0);
      pair.buildLibrary(new Chart(built, `chart${c}`, { namespace: `${pair.namespace ?? 'app'}-${c}` }), share);
    }
    if (doctor === 'doctor') {
      AffinityDoctorValidation.addTo(built);
    }
    return built;
  };
  app(charts).synthYaml();
  collectGarbage();
  const start = process.cpuUsage();
  app(n).synthYaml();
  process.stdout.write(JSON.stringify({ ms: cpuMsSince(start) }));
}

const [mode, what, ...rest] = process.argv.slice(2);
if (mode === 'memory') {
  measureMemory(what, Number(rest[0]));
} else if (mode === 'synth') {
  measureSynth(what, rest[0], Number(rest[1]));
} else if (mode === 'alloc') {
  measureAllocation(what, rest[0], Number(rest[1]));
} else if (mode === 'app') {
  measureApp(what, Number(rest[0]), Number(rest[1]), rest[2]);
} else {
  throw new Error(`usage: child.js memory <variant> <n> | child.js synth|alloc <pair> <library|twin> <n> | child.js app <pair> <charts> <n> <doctor|none> (got ${process.argv.slice(2).join(' ')})`);
}
