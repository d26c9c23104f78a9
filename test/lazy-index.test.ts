import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { sourceExports } from './util/source-exports';

// The package index users load is lib/index.js as scripts/lazy-index.js
// rewrote it after jsii compiled it (the build compiles before it tests, as
// for test/api.test.ts). These check it against the eager index of src/ (what
// `export * from` each folder exports) in a plain node process, where the
// module loader is Node's own and not jest's.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lazyIndex = require('../scripts/lazy-index.js');

const root = path.resolve(__dirname, '..');
const lib = path.join(root, 'lib');

/** Runs a CommonJS script in a fresh node at the repository root and parses what it prints as JSON. */
function inNode(script: string, ...args: string[]): any {
  return JSON.parse(execFileSync(process.execPath, ['-e', script, ...args], { cwd: root, encoding: 'utf-8' }));
}

/**
 * What the eager index exported, in a plain node: `__exportStar` of each
 * folder jsii compiled (lib/<folder>/index.js, which the rewrite leaves as
 * they are), in the order of src/index.ts, the first folder winning a name.
 */
function eagerExports(): Array<[string, string]> {
  const folders = [...fs.readFileSync(path.join(root, 'src', 'index.ts'), 'utf-8').matchAll(/^export \* from '(\.\/[\w-]+)';$/gm)].map(m => m[1]);
  expect(folders.length).toBeGreaterThan(0);
  return inNode(`
    const out = {};
    for (const folder of JSON.parse(process.argv[1])) {
      const m = require('./lib/' + folder);
      for (const n in m) if (n !== 'default' && !(n in out)) out[n] = typeof m[n];
    }
    process.stdout.write(JSON.stringify(Object.entries(out)));`, JSON.stringify(folders));
}

/** The value exports (classes and enums) of src/index.ts, read with the TypeScript compiler as jsii reads them. */
function valueExportsOfSource(): string[] {
  return sourceExports()
    // eslint-disable-next-line no-bitwise
    .filter(e => (e.symbol.flags & ts.SymbolFlags.Value) !== 0)
    .map(e => e.name)
    .sort();
}

describe('the lazy package index (lib/index.js)', () => {
  test('GIVEN the build THEN lib/index.js is the lazy index the script writes from this build', () => {
    const text = fs.readFileSync(path.join(lib, 'index.js'), 'utf-8');
    expect(text.startsWith(`"use strict";\n${lazyIndex.MARKER}`)).toBe(true);
    // Run again on the same build, the script writes the same file.
    const again = inNode('const l = require(process.argv[1]); process.stdout.write(JSON.stringify(l.render(l.traceExports(process.argv[2]))))',
      path.join(root, 'scripts', 'lazy-index.js'), lib);
    expect(again).toBe(text);
  });

  test('GIVEN require() THEN it exports exactly the names of the eager index, in its order, each the same kind of value', () => {
    const seen = inNode(`
      const lib = require('./lib');
      const loaded = Object.keys(require.cache).filter(f => f.startsWith(require('path').resolve('lib'))).length;
      process.stdout.write(JSON.stringify({ loaded, exports: Object.keys(lib).map(n => [n, typeof lib[n]]) }));`);
    expect(seen.exports).toEqual(eagerExports());
    expect(seen.exports.map(([n]: [string, string]) => n).sort()).toEqual(valueExportsOfSource());
    // Loading the package loads its index and nothing else of it.
    expect(seen.loaded).toBe(1);
  });

  test('GIVEN an ES module import THEN Node finds the same names (its CommonJS lexer reads the getters)', () => {
    // Node 23 and later also name the whole CommonJS exports object 'module.exports' in an ES module's view.
    const index = JSON.stringify(path.join(lib, 'index.js'));
    const script = `import * as lib from ${index}; import { StickyService } from ${index};
       if (typeof StickyService !== 'function') throw new Error('no StickyService');
       process.stdout.write(JSON.stringify(Object.keys(lib).filter(n => n !== 'default' && n !== '__esModule' && n !== 'module.exports')));`;
    const names = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf-8' }));
    expect([...names].sort()).toEqual(eagerExports().map(([n]) => n).sort());
  });

  test('GIVEN one export used THEN only its module and what that imports are loaded, and it is the class jsii describes', () => {
    const seen = inNode(`
      const path = require('path');
      const lib = require('./lib');
      const s = lib.StickyService;
      const loaded = Object.keys(require.cache).filter(f => f.startsWith(path.resolve('lib'))).map(f => path.relative('lib', f));
      const again = lib.StickyService === s && require('./lib/service/sticky-service').StickyService === s;
      process.stdout.write(JSON.stringify({ loaded, again, fqn: s[Symbol.for('jsii.rtti')].fqn }));`);
    expect(seen.again).toBe(true);
    expect(seen.fqn).toBe('cdk8s-session-affinity.StickyService');
    expect(seen.loaded).toContain('service/sticky-service.js');
    expect(seen.loaded.filter((f: string) => /^(doctor|migrate|gateway|ingress|grafana|probe|session)\//.test(f))).toEqual([]);
  });
});

describe('scripts/lazy-index.js', () => {
  /** The fixtures' temporary directories, removed after the tests. */
  const made: string[] = [];
  afterAll(() => made.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

  /** A compiled package of two folders in a temporary directory. */
  function fixture(files: { [file: string]: string }): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lazy-index-'));
    made.push(dir);
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  }
  /** A folder index as TypeScript compiles `export * from`: getters, no values of its own. */
  const reexport = (from: string) => `const m = require("${from}"); for (const n of Object.keys(m)) Object.defineProperty(exports, n, { enumerable: true, get: () => m[n] });`;
  /** traceExports in a fresh node (it reads Node's module cache), or the message it failed with. */
  const trace = (dir: string): any => inNode(`
    try { process.stdout.write(JSON.stringify(require(process.argv[1]).traceExports(process.argv[2]))); }
    catch (e) { process.stdout.write(JSON.stringify(e.message)); }`, path.join(root, 'scripts', 'lazy-index.js'), dir);

  test('GIVEN each name defined once THEN each is traced to the module that defines it, in the index\'s order', () => {
    const dir = fixture({
      'index.d.ts': "// comment\nexport * from './a';\nexport * from './b';\n",
      'a/index.js': reexport('./one'),
      'a/one.js': 'class A {} exports.A = A; exports.E = { X: "x" };',
      'b/index.js': reexport('./two'),
      'b/two.js': 'exports.B = function B() {};',
    });
    expect(trace(dir)).toEqual([
      { name: 'A', module: './a/one', kind: 'function' },
      { name: 'E', module: './a/one', kind: 'object' },
      { name: 'B', module: './b/two', kind: 'function' },
    ]);
  });

  test('GIVEN a name two folders export THEN the build fails', () => {
    const dir = fixture({
      'index.d.ts': "export * from './a';\nexport * from './b';\n",
      'a/index.js': 'exports.Same = 1;',
      'b/index.js': 'exports.Same = 2;',
    });
    expect(trace(dir)).toMatch(/Same is exported by both \.\/a and \.\/b/);
  });

  test('GIVEN an index with another kind of statement THEN the build fails', () => {
    const dir = fixture({ 'index.d.ts': "export { A } from './a';\n" });
    expect(trace(dir)).toMatch(/a statement this script does not rewrite/);
  });

  test('GIVEN a name no single module defines THEN the build fails', () => {
    const dir = fixture({
      'index.d.ts': "export * from './a';\n",
      'a/index.js': 'const shared = {}; exports.Shared = shared; require("./one").Shared = shared;',
      'a/one.js': '',
    });
    expect(trace(dir)).toMatch(/Shared \(from \.\/a\) is defined by .* and /);
  });
});
