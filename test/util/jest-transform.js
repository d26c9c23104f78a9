// Jest's transform for the TypeScript of the tests and src/: each file
// transpiled alone, as ts-jest with isolatedModules did, through the shared
// cache of scripts/ts-transpile.js. Jest keeps its own cache per clone and per
// configuration (a fresh clone, and each cdk8s-plus major's run, starts with
// none); this one is shared by all of them on the machine.
'use strict';
const { cacheKey, transpile } = require('../../scripts/ts-transpile');

module.exports = {
  getCacheKey(source, filename, options) {
    // Jest caches what it instruments for coverage under this key too.
    return `${cacheKey(source, filename)}${options && options.instrument ? ':instrumented' : ''}`;
  },
  process(source, filename) {
    return { code: transpile(source, filename) };
  },
};
