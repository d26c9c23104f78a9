// Preloaded (`node -r ./test/util/ts-register.js`) by tests that run a CLI
// from src/ in a fresh node, as a user's shell runs the installed bin.
//
// It does what `ts-node/register/transpile-only` does (each .ts file
// transpiled alone, no type check: test:types and jsii check the types), but
// keeps each file's JavaScript on disk, keyed by the file's text and the
// compiler options. A run that finds every file there never loads the
// TypeScript compiler: a fresh node then starts the CLI in about a tenth of
// the time, and the doctor's tests spawn it dozens of times.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** What the JavaScript depends on besides each file's text; change it with the options. */
const COMPILER_OPTIONS = {
  module: 'commonjs',
  target: 'es2022',
  esModuleInterop: true,
  inlineSourceMap: true,
  inlineSources: true,
};
const CACHE = path.join(os.tmpdir(), 'cdk8s-session-affinity-ts-register');
let typescript;

function transpile(source, filename) {
  const key = crypto.createHash('sha256')
    .update(JSON.stringify(COMPILER_OPTIONS)).update('\0').update(filename).update('\0').update(source)
    .digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf-8');
  } catch {
    // not transpiled yet
  }
  typescript = typescript ?? require('typescript');
  const options = typescript.convertCompilerOptionsFromJson(COMPILER_OPTIONS, path.dirname(filename)).options;
  const output = typescript.transpileModule(source, { compilerOptions: options, fileName: filename, reportDiagnostics: false }).outputText;
  // Written aside and renamed, so a concurrent run never reads half a file.
  fs.mkdirSync(CACHE, { recursive: true });
  const partial = `${cached}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(partial, output);
  fs.renameSync(partial, cached);
  return output;
}

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  module._compile(transpile(fs.readFileSync(filename, 'utf-8'), filename), filename);
};
