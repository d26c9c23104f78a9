#!/usr/bin/env node
// How many workers jest gets: one per core (the project's `maxWorkers`),
// unless the machine is already busy. On a busy machine, as when CI builds
// on three Node.js versions at once, a second worker adds no speed, only its
// own copy of every module it loads: the suite took 88 CPU-s with two
// workers against 76 CPU-s in one process, and the cross-major suites for
// cdk8s-plus-32 29 against 24 (2 cores, measured with /usr/bin/time).
//
//   node scripts/jest-workers.js [jest args]   runs jest with the workers below
//   require('./jest-workers').jestWorkerArgs(args)   the flag to add, if any
'use strict';
const { spawnSync } = require('child_process');
const os = require('os');

/** Flags by which the caller already chose the workers, in every spelling jest takes. */
const CHOSEN = /^(--max-?[wW]orkers|-w\d*|--run-?[iI]n-?[bB]and|-i)(=|$)/;

/**
 * `--maxWorkers=1` when the load average of the last minute is at or above
 * the cores (every core already has a process to run), else nothing: jest
 * then takes the project's `maxWorkers`. Nothing either when `args` already
 * choose the workers, or on one core (where jest runs in one process anyway).
 * The load average is the whole machine's (in a container, the host's).
 */
function jestWorkerArgs(args) {
  if (args.some(a => CHOSEN.test(a))) {
    return [];
  }
  const cores = os.availableParallelism();
  const load = os.loadavg()[0];
  if (cores <= 1 || load < cores) {
    return [];
  }
  console.error(`jest: one worker, in this process: the machine is busy (load ${load.toFixed(1)} on ${cores} cores)`);
  return ['--maxWorkers=1'];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const r = spawnSync(process.execPath, [require.resolve('jest/bin/jest'), ...jestWorkerArgs(args), ...args], { stdio: 'inherit' });
  if (r.error) {
    console.error(`jest could not start: ${r.error.message}`);
    process.exit(1);
  }
  if (r.signal) {
    process.kill(process.pid, r.signal);
  }
  process.exit(r.status ?? 1);
}

module.exports = { jestWorkerArgs };
