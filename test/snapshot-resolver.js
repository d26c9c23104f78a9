// Where snapshots live: test/**/__snapshots__/<test>.snap for cdk8s-plus-28,
// test/**/__snapshots__/plus-<major>/<test>.snap when the suite runs against
// another major (CDK8S_PLUS_MAJOR, set by `node scripts/majors.js test`).
// Both jest configs use this resolver, so that neither takes the other's
// snapshot files for obsolete ones.
'use strict';
const path = require('path');

function majorFolder() {
  const major = process.env.CDK8S_PLUS_MAJOR;
  return major && major !== '28' ? `plus-${major}` : '';
}

module.exports = {
  resolveSnapshotPath: (testPath, extension) =>
    path.join(path.dirname(testPath), '__snapshots__', majorFolder(), path.basename(testPath) + extension),
  resolveTestPath: (snapshotPath, extension) => {
    const dir = path.dirname(snapshotPath);
    const snapshots = /^plus-\d+$/.test(path.basename(dir)) ? path.dirname(dir) : dir;
    return path.join(path.dirname(snapshots), path.basename(snapshotPath, extension));
  },
  testPathForConsistencyCheck: path.join('test', 'examples.test.ts'),
};
