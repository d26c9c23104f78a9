#!/usr/bin/env node
// One source, one package per cdk8s-plus major.
//
// `cdk8s-session-affinity` is built from src/ against cdk8s-plus-28. This
// script builds the same src/ against the newer majors, each as a package of
// its own (`cdk8s-session-affinity-plus-32`, `-plus-33`), compiled by jsii
// against that major, so that its types are that major's types and an app on
// cdk8s-plus-32 can pass its own Deployment to StickyService.exposeWorkload().
//
// The only difference between the packages is the module name of cdk8s-plus:
// the staged copy of src/ imports `cdk8s-plus-<major>` where src/ imports
// `cdk8s-plus-28`. Where a major renders differently, the adapter lives in
// src/ (see src/majors.ts) and is the same code for every major.
//
//   node scripts/majors.js build [32|33 ...]   stage, compile with jsii, pack into dist/js/
//   node scripts/majors.js test  [32|33 ...]   run the cross-major test subset against each major
//
// The staged copies live under dist/majors/ (ignored by git and by jest).
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { jestWorkerArgs } = require('./jest-workers');

const repo = path.resolve(__dirname, '..');
const BASE_MAJOR = 28;
const MAJORS = [32, 33];

/** Package names per major, for npm and for the jsii languages. */
function names(major) {
  const suffix = `-plus-${major}`;
  return {
    npm: `cdk8s-session-affinity${suffix}`,
    python: { distName: `cdk8s-session-affinity${suffix}`, module: `cdk8s_session_affinity_plus_${major}` },
    java: {
      package: `io.github.cdk8s_session_affinity.plus${major}`,
      maven: { groupId: 'io.github.cdk8s-session-affinity', artifactId: `cdk8s-session-affinity${suffix}` },
    },
    dotnet: { namespace: `Cdk8sSessionAffinity.Plus${major}`, packageId: `Cdk8sSessionAffinity.Plus${major}` },
    go: {
      moduleName: `github.com/cdk8s-session-affinity/cdk8s-session-affinity-plus-${major}-go`,
      packageName: `cdk8ssessionaffinityplus${major}`,
    },
  };
}

function run(cmd, args, cwd) {
  execFileSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' } });
}

/** Copies src/ to `to`, pointing every import of the base major at `major`. */
function stageSources(from, to, major) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) {
      stageSources(src, dst, major);
    } else if (entry.name.endsWith('.ts')) {
      const text = fs.readFileSync(src, 'utf-8');
      fs.writeFileSync(dst, text.split(`'cdk8s-plus-${BASE_MAJOR}'`).join(`'cdk8s-plus-${major}'`));
    } else {
      fs.copyFileSync(src, dst);
    }
  }
}

function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true, dereference: true });
}

function build(major) {
  const stage = path.join(repo, 'dist', 'majors', `plus-${major}`);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.mkdirSync(stage, { recursive: true });
  stageSources(path.join(repo, 'src'), path.join(stage, 'src'), major);

  const base = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf-8'));
  const n = names(major);
  const basePeer = `cdk8s-plus-${BASE_MAJOR}`;
  const peerDependencies = {};
  for (const [dep, range] of Object.entries(base.peerDependencies)) {
    if (dep === basePeer) {
      const installed = require(path.join(repo, 'node_modules', `cdk8s-plus-${major}`, 'package.json')).version;
      peerDependencies[`cdk8s-plus-${major}`] = `^${installed}`;
    } else {
      peerDependencies[dep] = range;
    }
  }
  const pkg = {
    name: n.npm,
    description: `${base.description} (for cdk8s-plus-${major})`,
    version: base.version,
    license: base.license,
    author: base.author,
    repository: base.repository,
    keywords: [...base.keywords, `cdk8s-plus-${major}`],
    engines: base.engines,
    main: base.main,
    types: base.types,
    bin: base.bin,
    stability: base.stability,
    dependencies: base.dependencies,
    bundledDependencies: base.bundledDependencies,
    peerDependencies,
    jsii: {
      ...base.jsii,
      targets: { java: n.java, python: n.python, dotnet: n.dotnet, go: n.go },
    },
  };
  fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
  fs.copyFileSync(path.join(repo, 'tsconfig.json'), path.join(stage, 'tsconfig.json'));
  fs.copyFileSync(path.join(repo, 'LICENSE'), path.join(stage, 'LICENSE'));
  fs.writeFileSync(path.join(stage, 'README.md'),
    `# ${n.npm}\n\n` +
    `cdk8s-session-affinity for apps on **cdk8s-plus-${major}**: the same constructs, compiled against\n` +
    `cdk8s-plus-${major}'s types. The documentation is cdk8s-session-affinity's README and API.md.\n\n` +
    fs.readFileSync(path.join(repo, 'README.md'), 'utf-8'));
  fs.copyFileSync(path.join(repo, 'API.md'), path.join(stage, 'API.md'));
  fs.writeFileSync(path.join(stage, '.npmignore'), ['/src/', '/tsconfig.json', '/dist/', '*.tsbuildinfo', '!/lib/**/*.js', '!/lib/**/*.d.ts', '!.jsii', ''].join('\n'));
  // Bundled dependencies travel inside the tarball with their own
  // dependencies, so npm pack needs them all here.
  const bundled = new Set();
  const bundle = (dep) => {
    if (bundled.has(dep)) {
      return;
    }
    bundled.add(dep);
    const from = path.join(repo, 'node_modules', dep);
    copyDir(from, path.join(stage, 'node_modules', dep));
    Object.keys(require(path.join(from, 'package.json')).dependencies ?? {}).forEach(bundle);
  };
  (base.bundledDependencies ?? []).forEach(bundle);

  // jsii resolves cdk8s, constructs and cdk8s-plus-<major> from the repo's node_modules.
  run(path.join(repo, 'node_modules', '.bin', 'jsii'), ['--silence-warnings=reserved-word'], stage);
  // The same lazy package index as the main package's compile task writes.
  run(process.execPath, [path.join(repo, 'scripts', 'lazy-index.js'), path.join(stage, 'lib')], stage);
  fs.chmodSync(path.join(stage, 'lib', 'doctor', 'cli.js'), 0o755);
  run(path.join(repo, 'node_modules', '.bin', 'jsii-pacmak'), ['--target', 'js', '--outdir', path.join(repo, 'dist')], stage);
  console.log(`majors: ${n.npm} packed into dist/js/`);
}

function test(major, extraArgs) {
  // One worker when the machine is already busy, as the main suite (scripts/jest-workers.js).
  const args = ['--ci', '--config', path.join(repo, 'test', 'majors', 'jest.config.js'), ...extraArgs];
  run(path.join(repo, 'node_modules', '.bin', 'jest'), [...jestWorkerArgs(args), ...args], repo);
}

function main(argv) {
  const [command, ...rest] = argv;
  const majors = rest.filter(a => /^\d+$/.test(a)).map(Number);
  const extra = rest.filter(a => !/^\d+$/.test(a));
  const which = majors.length > 0 ? majors : MAJORS;
  for (const m of which) {
    if (!MAJORS.includes(m)) {
      throw new Error(`majors: cdk8s-plus-${m} is not built here; the majors are ${MAJORS.join(', ')}`);
    }
  }
  if (command === 'build') {
    which.forEach(build);
  } else if (command === 'test') {
    for (const m of which) {
      console.log(`\n=== tests against cdk8s-plus-${m}`);
      process.env.CDK8S_PLUS_MAJOR = String(m);
      process.env.FC_RUNS_FRACTION = process.env.FC_RUNS_FRACTION ?? '0.25';
      test(m, extra);
    }
  } else {
    console.error('usage: node scripts/majors.js build|test [32] [33] [jest args]');
    process.exit(2);
  }
}

main(process.argv.slice(2));
