// Preloaded (`node -r ./scripts/ts-register.js`) to run TypeScript on plain
// node: by `npm run examples`, and by the tests that run a CLI from src/ in a
// fresh node, as a user's shell runs the installed bin. It does what
// `ts-node/register/transpile-only` does, with the transpiled files kept on
// disk (./ts-transpile.js): a warm start takes about a tenth of ts-node's, and
// the doctor's tests spawn the CLI dozens of times.
'use strict';
const fs = require('fs');
const { transpile } = require('./ts-transpile');

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf-8'), filename), filename);
};
