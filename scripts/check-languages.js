#!/usr/bin/env node
// `npx projen languages`: what Construct Hub shows in each jsii language, and
// the source of the bindings for the four languages other than TypeScript,
// generated from the compiled assembly. Fails when a snippet does not compile,
// when a generator fails, or when the Python API would read wrong: every type
// and static factory documented, every construct's props taken as keyword
// arguments.
//
// It first compiles every @example and README snippet once, strictly, as
// `npx projen rosetta` does, and keeps the translations (.jsii.tabl.json)
// while the generators run: each finds them beside the assembly and does not
// compile the snippets again (about 12 s less per language). The file is
// removed at the end; it is not part of the package.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const out = path.join(root, 'dist', 'languages');
const env = { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
const LANGUAGES = ['typescript', 'python', 'java', 'csharp', 'go'];
let failed = 0;

function run(what, bin, args) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [require.resolve(bin), ...args], { cwd: root, encoding: 'utf-8', env });
  const ok = r.status === 0;
  console.log(`${ok ? 'ok' : 'FAIL'}: ${what} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (!ok) {
    failed++;
    console.error(`${r.stdout}${r.stderr}`.split('\n').filter(l => !l.startsWith('!!')).slice(-30).join('\n'));
  }
  return ok;
}

function expect(ok, what) {
  if (!ok) {
    failed++;
    console.error(`FAIL: ${what}`);
  }
}

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });

const tablet = path.join(root, '.jsii.tabl.json');
process.on('exit', () => fs.rmSync(tablet, { force: true }));
run('jsii-rosetta extract --strict (every @example and README snippet compiles)', path.join(root, 'node_modules', 'jsii-rosetta', 'bin', 'jsii-rosetta'), ['extract', '--strict', '.jsii']);

const assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf-8'));
const types = Object.values(assembly.types);

for (const language of LANGUAGES) {
  const file = path.join(out, `API.${language}.md`);
  if (!run(`jsii-docgen ${language}`, 'jsii-docgen/bin/jsii-docgen', ['-l', language, '-o', file])) continue;
  const doc = fs.readFileSync(file, 'utf-8');
  for (const t of types) {
    expect(doc.includes(`id="${t.fqn}"`), `${language} docs have no section for ${t.fqn}`);
  }
}

const bindings = path.join(out, 'bindings');
run('jsii-pacmak --code-only (python, java, dotnet, go)', 'jsii-pacmak/bin/jsii-pacmak',
  ['--code-only', '--target', 'python', '--target', 'java', '--target', 'dotnet', '--target', 'go', '-o', bindings]);

// Python reads right: props are keyword arguments, and static factories and
// enums are documented under their Python names.
const snake = s => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
const pyDocFile = path.join(out, 'API.python.md');
const pySrcFile = path.join(bindings, 'python', 'src', assembly.targets.python.module, '__init__.py');
if (fs.existsSync(pyDocFile) && fs.existsSync(pySrcFile)) {
  const pyDoc = fs.readFileSync(pyDocFile, 'utf-8');
  const pySrc = fs.readFileSync(pySrcFile, 'utf-8');
  for (const t of types) {
    for (const m of (t.methods || []).filter(m => m.static)) {
      expect(pyDoc.includes(`\`${snake(m.name)}\``), `Python docs do not name the static ${t.name}.${snake(m.name)}()`);
    }
    if (t.kind === 'enum') {
      for (const member of t.members) {
        expect(pyDoc.includes(`id="${t.fqn}.${member.name}"`), `Python docs do not list ${t.name}.${member.name}`);
      }
    }
    const props = t.initializer?.parameters?.find(p => p.type?.fqn && assembly.types[p.type.fqn]?.datatype);
    if (t.kind === 'class' && props) {
      const klass = pySrc.indexOf(`class ${t.name}(`);
      const init = klass >= 0 ? pySrc.indexOf('def __init__(', klass) : -1;
      const signature = init >= 0 ? pySrc.slice(init, pySrc.indexOf(') -> None:', init)) : '';
      expect(/\*,/.test(signature), `Python ${t.name}(...) does not take its props as keyword arguments`);
    }
  }
  console.log(`${failed ? 'FAIL' : 'ok'}: Python API reads right (keyword props, factories, enums)`);
} else {
  expect(false, 'no Python docs or bindings to check');
}

console.log(`languages: ${failed === 0 ? 'passed' : `${failed} problem(s)`}; output in ${path.relative(root, out)}/`);
process.exit(failed ? 1 : 0);
