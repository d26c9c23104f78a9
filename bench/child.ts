// Measurements that need a fresh process, started by run.ts:
//   child.js import                 -> how long cdk8s + cdk8s-plus-28 take to load, then the library on top
//   child.js memory <variant> <n>   -> peak RSS after building and synthesizing n Services
/* eslint-disable @typescript-eslint/no-require-imports */
import * as path from 'path';
import { msSince } from './stats';

function measureImport(): void {
  const start = process.hrtime.bigint();
  require('cdk8s');
  require('cdk8s-plus-28');
  const baseMs = msSince(start);
  const libStart = process.hrtime.bigint();
  require(path.join(__dirname, '..', 'src'));
  const libMs = msSince(libStart);
  process.stdout.write(JSON.stringify({ baseMs, libMs }));
}

function measureMemory(variantName: string, n: number): void {
  const { buildChart, variantNamed } = require('./variants') as typeof import('./variants');
  const variant = variantNamed(variantName);
  if (n > 0) {
    buildChart(variant, n).toJson();
  }
  // maxRSS is in kilobytes: the high-water mark of the whole process.
  process.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
}

const [mode, variant, count] = process.argv.slice(2);
if (mode === 'import') {
  measureImport();
} else if (mode === 'memory') {
  measureMemory(variant, Number(count));
} else {
  throw new Error(`usage: child.js import | memory <variant> <n> (got ${process.argv.slice(2).join(' ')})`);
}
