// Preloaded with `node -r` into a process the bench starts: at exit, writes
// the whole process's CPU time (user + system, from its start, node's own
// start-up included) to stderr, where run.ts reads it.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\ncpu-microseconds ${user + system}\n`);
});
