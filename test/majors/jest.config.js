// Jest for the newer cdk8s-plus majors (`node scripts/majors.js test`): the
// project's own jest settings, with cdk8s-plus-28 replaced at run time by the
// major in CDK8S_PLUS_MAJOR, its own snapshots (test/**/__snapshots__/plus-<major>/),
// and the subset of suites every major must pass.
'use strict';
const path = require('path');
const base = require('../../package.json').jest;

const major = process.env.CDK8S_PLUS_MAJOR;
if (!/^\d+$/.test(major ?? '')) {
  throw new Error('test/majors/jest.config.js needs CDK8S_PLUS_MAJOR (run it through node scripts/majors.js test)');
}
const root = path.resolve(__dirname, '..', '..');

/** The suites run against every major. */
const SUITES = [
  'test/examples.test.ts',
  'test/cookie/contract.test.ts',
  'test/gateway/contract.test.ts',
  'test/doctor/contract.test.ts',
  'test/doctor/validation.test.ts',
  'test/property/*.property.test.ts',
];

module.exports = {
  ...base,
  rootDir: root,
  testMatch: SUITES.map(s => `<rootDir>/${s}`),
  moduleNameMapper: { '^cdk8s-plus-28$': `cdk8s-plus-${major}` },
  snapshotResolver: path.join(root, 'test', 'snapshot-resolver.js'),
  collectCoverage: false,
  reporters: ['default', ['jest-junit', { outputDirectory: 'test-reports', outputName: `junit-plus-${major}.xml` }]],
};
