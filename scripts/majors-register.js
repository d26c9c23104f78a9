// Preloaded (`node -r` / `ts-node -r`) to run code written against
// cdk8s-plus-28 on another major: with CDK8S_PLUS_MAJOR=32 set, every
// `require('cdk8s-plus-28')` loads cdk8s-plus-32 instead. Without the variable
// it does nothing. Used by the examples and by `node scripts/majors.js test`;
// the packages themselves are compiled against each major (scripts/majors.js).
'use strict';
const major = process.env.CDK8S_PLUS_MAJOR;
if (major && major !== '28') {
  if (!/^\d+$/.test(major)) {
    throw new Error(`CDK8S_PLUS_MAJOR must be a cdk8s-plus major such as 32, not ${JSON.stringify(major)}`);
  }
  const Module = require('module');
  const resolve = Module._resolveFilename;
  const target = `cdk8s-plus-${major}`;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'cdk8s-plus-28' || request.startsWith('cdk8s-plus-28/')) {
      request = target + request.slice('cdk8s-plus-28'.length);
    }
    return resolve.call(this, request, ...rest);
  };
}
