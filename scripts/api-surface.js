#!/usr/bin/env node
// The public API as a sorted text (types, members and signatures, no docs),
// read from the jsii assembly, so that any change to it shows in review and
// fails `test/api.test.ts` until it is accepted on purpose:
//
//   API_NOTE="why it changed" npx projen api:accept
//
// which rewrites api/surface.txt, keeps a copy of the assembly in
// api/.baseline/ (for jsii-diff's breaking-change report next time) and adds
// an entry to API-CHANGES.md naming the new surface's hash.
'use strict';
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const SURFACE = path.join(root, 'api', 'surface.txt');
const BASELINE = path.join(root, 'api', '.baseline');
const CHANGES = path.join(root, 'API-CHANGES.md');

function typeRef(ref) {
  if (!ref) return 'void';
  if (ref.primitive) return ref.primitive;
  if (ref.fqn) return ref.fqn;
  if (ref.collection) return `${ref.collection.kind}<${typeRef(ref.collection.elementtype)}>`;
  if (ref.union) return ref.union.types.map(typeRef).join(' | ');
  if (ref.intersection) return ref.intersection.types.map(typeRef).join(' & ');
  return JSON.stringify(ref);
}

function params(ps) {
  return (ps || []).map(p => `${p.variadic ? '...' : ''}${p.name}${p.optional ? '?' : ''}: ${typeRef(p.type)}`).join(', ');
}

/** One line per type and member, sorted, for the assembly's own types. */
function surfaceOf(assembly) {
  const lines = [];
  for (const fqn of Object.keys(assembly.types || {}).sort()) {
    const t = assembly.types[fqn];
    if (t.kind === 'enum') {
      lines.push(`enum ${fqn} { ${t.members.map(m => m.name).join(', ')} }`);
      continue;
    }
    const heritage = [
      t.base ? `extends ${t.base}` : '',
      (t.interfaces || []).length ? `${t.kind === 'class' ? 'implements' : 'extends'} ${[...t.interfaces].sort().join(', ')}` : '',
    ].filter(Boolean).join(' ');
    const kind = t.kind === 'interface' && t.datatype ? 'struct' : t.kind;
    lines.push(`${t.abstract ? 'abstract ' : ''}${kind} ${fqn}${heritage ? ` ${heritage}` : ''}`);
    if (t.initializer) {
      lines.push(`  ${t.initializer.protected ? 'protected ' : ''}new(${params(t.initializer.parameters)})`);
    }
    const members = [];
    for (const p of t.properties || []) {
      // jsii marks every interface member abstract; only a class's say something.
      const mods = [p.static ? 'static' : '', p.protected ? 'protected' : '', p.abstract && t.kind === 'class' ? 'abstract' : '', p.immutable ? 'readonly' : ''].filter(Boolean).join(' ');
      members.push(`  ${mods ? `${mods} ` : ''}${p.name}${p.optional ? '?' : ''}: ${typeRef(p.type)}`);
    }
    for (const m of t.methods || []) {
      const mods = [m.static ? 'static' : '', m.protected ? 'protected' : '', m.abstract && t.kind === 'class' ? 'abstract' : ''].filter(Boolean).join(' ');
      members.push(`  ${mods ? `${mods} ` : ''}${m.name}(${params(m.parameters)}): ${m.returns ? `${typeRef(m.returns.type)}${m.returns.optional ? ' | undefined' : ''}` : 'void'}`);
    }
    lines.push(...members.sort());
  }
  return `${lines.join('\n')}\n`;
}

function hashOf(surface) {
  return crypto.createHash('sha256').update(surface).digest('hex').slice(0, 16);
}

function readAssembly() {
  return JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf-8'));
}

/** Lines only in `before` (-) and only in `after` (+). */
function lineDiff(before, after) {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  return [
    ...before.split('\n').filter(l => l && !b.has(l)).map(l => `- ${l}`),
    ...after.split('\n').filter(l => l && !a.has(l)).map(l => `+ ${l}`),
  ];
}

/** jsii-diff's report of breaking changes from the accepted assembly to the current one. */
function breakingChanges() {
  if (!fs.existsSync(path.join(BASELINE, '.jsii'))) {
    return 'no accepted assembly in api/.baseline/ yet';
  }
  const run = spawnSync(process.execPath, [require.resolve('jsii-diff/bin/jsii-diff'), BASELINE, root], {
    cwd: root, encoding: 'utf-8', env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' },
  });
  const out = `${run.stdout}${run.stderr}`.split('\n').filter(l => l.trim() && !l.startsWith('!!') && !/npm warn/.test(l)).join('\n');
  return out || 'none';
}

/** What `test/api.test.ts` checks: undefined when the API is as accepted, else why not. */
function check() {
  const current = surfaceOf(readAssembly());
  const accepted = fs.existsSync(SURFACE) ? fs.readFileSync(SURFACE, 'utf-8') : '';
  if (current !== accepted) {
    return [
      'The public API differs from api/surface.txt:',
      ...lineDiff(accepted, current),
      '',
      `Breaking changes (jsii-diff against api/.baseline/): ${breakingChanges()}`,
      '',
      'If this is deliberate, accept it with a note: API_NOTE="what changed and why" npx projen api:accept',
    ].join('\n');
  }
  const hash = hashOf(current);
  const changes = fs.existsSync(CHANGES) ? fs.readFileSync(CHANGES, 'utf-8') : '';
  if (!changes.includes(`surface ${hash}`)) {
    return `API-CHANGES.md has no entry for the accepted surface ${hash}: accept it with API_NOTE="..." npx projen api:accept`;
  }
  return undefined;
}

function accept() {
  const note = (process.env.API_NOTE || '').trim();
  if (!note) {
    console.error('api:accept needs a note: API_NOTE="what changed and why" npx projen api:accept');
    process.exit(2);
  }
  const assembly = readAssembly();
  const current = surfaceOf(assembly);
  const accepted = fs.existsSync(SURFACE) ? fs.readFileSync(SURFACE, 'utf-8') : '';
  const breaking = breakingChanges();
  const diff = lineDiff(accepted, current);
  fs.mkdirSync(BASELINE, { recursive: true });
  fs.writeFileSync(SURFACE, current);
  fs.copyFileSync(path.join(root, '.jsii'), path.join(BASELINE, '.jsii'));
  // jsii-diff loads the baseline as a package: a name, a version and the
  // jsii dependencies it resolves from this repository's node_modules.
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
  fs.writeFileSync(path.join(BASELINE, 'package.json'), `${JSON.stringify({
    name: pkg.name, version: pkg.version, types: 'index.d.ts', jsii: { outdir: 'dist', targets: {} },
    peerDependencies: pkg.peerDependencies,
  }, null, 2)}\n`);
  const entry = [
    `## surface ${hashOf(current)}`,
    '',
    note,
    '',
    `Breaking changes reported by jsii-diff: ${breaking}`,
    '',
    '```diff',
    ...(diff.length ? diff : ['(no change to the surface)']),
    '```',
    '',
  ].join('\n');
  const head = '# Public API changes\n\nEach entry is one accepted change to `api/surface.txt`, newest first.\n\n';
  const existing = fs.existsSync(CHANGES) ? fs.readFileSync(CHANGES, 'utf-8').replace(head, '') : '';
  fs.writeFileSync(CHANGES, `${head}${entry}\n${existing}`.replace(/\n+$/, '\n'));
  console.log(`accepted surface ${hashOf(current)} (${diff.length} changed lines); entry added to API-CHANGES.md`);
}

module.exports = { surfaceOf, check, hashOf };

if (require.main === module) {
  if (process.argv.includes('--accept')) {
    accept();
  } else {
    const problem = check();
    if (problem) {
      console.error(problem);
      process.exit(1);
    }
    console.log('public API as accepted');
  }
}
