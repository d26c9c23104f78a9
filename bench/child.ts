// Measurements that need a fresh process, started by run.ts:
//   child.js memory <variant> <n>   -> peak RSS after building and synthesizing n Services
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

const [mode, variant, count] = process.argv.slice(2);
if (mode === 'memory') {
  measureMemory(variant, Number(count));
} else {
  throw new Error(`usage: child.js memory <variant> <n> (got ${process.argv.slice(2).join(' ')})`);
}
