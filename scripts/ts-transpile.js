// Each TypeScript file of src/, the tests and the examples transpiled alone
// (no type check: test:types and jsii check the types), the JavaScript kept
// on disk for every later run on this machine. Used by jest
// (test/util/jest-transform.js), by `npm run examples`, and by the tests that
// run a CLI from src/ in a fresh node (both through ./ts-register.js).
//
// The output depends only on a file's text, its name (not its folder: the
// inline source map names the file alone) and the compiler options, so the
// name of the kept file is made from those: a run in another clone of the
// repository (CI builds one per Node.js version), or jest against another
// cdk8s-plus major, finds what an earlier one transpiled, and a run that finds
// every file never loads the TypeScript compiler.
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** What the JavaScript depends on besides each file's text and name; change it with the options. */
const COMPILER_OPTIONS = {
  module: 'commonjs',
  target: 'es2022',
  esModuleInterop: true,
  inlineSourceMap: true,
  inlineSources: true,
};
const CACHE = path.join(os.tmpdir(), 'cdk8s-session-affinity-ts-register');
let typescript;

/** The name of `filename`'s JavaScript in the cache. */
function cacheKey(source, filename) {
  return crypto.createHash('sha256')
    .update(typescript ? typescript.version : require('typescript/package.json').version).update('\0')
    .update(JSON.stringify(COMPILER_OPTIONS)).update('\0').update(path.basename(filename)).update('\0').update(source)
    .digest('hex');
}

/** The JavaScript of one TypeScript file. */
function transpile(source, filename) {
  const cached = path.join(CACHE, `${cacheKey(source, filename)}.js`);
  try {
    return fs.readFileSync(cached, 'utf-8');
  } catch {
    // not transpiled yet
  }
  typescript = typescript ?? require('typescript');
  const options = typescript.convertCompilerOptionsFromJson(COMPILER_OPTIONS, path.dirname(filename)).options;
  const output = typescript.transpileModule(source, { compilerOptions: options, fileName: filename, reportDiagnostics: false }).outputText;
  try {
    // Written aside and renamed, so a concurrent run never reads half a file.
    fs.mkdirSync(CACHE, { recursive: true });
    const partial = `${cached}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(partial, output);
    fs.renameSync(partial, cached);
  } catch {
    // an unwritable temporary folder only costs the transpile next time
  }
  return output;
}

module.exports = { cacheKey, transpile };
