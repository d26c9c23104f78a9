import { cdk8s, javascript, TextFile } from 'projen';

// The only place that shapes package.json, tsconfig*, eslint, jest and the tasks.
// Run `npx projen` after editing it.

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-session-affinity',
  packageName: 'cdk8s-session-affinity',
  description:
    'cdk8s constructs for Kubernetes sticky sessions done right: ClientIP Services, cookie affinity at the ingress, and shared session stores that make affinity unnecessary.',
  author: 'cdk8s-session-affinity maintainers',
  authorAddress: 'maintainers@cdk8s-session-affinity.dev',
  repositoryUrl: 'https://github.com/cdk8s-session-affinity/cdk8s-session-affinity.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  projenVersion: '0.103.25',
  minNodeVersion: '20.16.0',
  keywords: [
    'cdk8s',
    'kubernetes',
    'k8s',
    'session-affinity',
    'sticky-sessions',
    'ingress',
    'load-balancing',
  ],

  // jsii 6 runs on Node >= 20.16; it compiles with its own TypeScript 6.
  jsiiVersion: '~6.0.0',
  // ts-node, the tests' transpiler (scripts/ts-transpile.js) and typescript-eslint need the classic compiler API:
  // TypeScript 7 on the registry ships without it.
  typescriptVersion: '~5.9.3',

  // cdk8s-plus-28 needs cdk8s >= 2.68.11 (2.68.12 is the oldest the registry serves) and constructs >= 10.3.
  cdk8sVersion: '2.68.12',
  constructsVersion: '10.3.0',
  peerDeps: ['cdk8s-plus-28@^2.5.6'],

  // Names for the other jsii languages. Only the JavaScript package can be built
  // on machines without Python, Maven, dotnet and Go (see the package task below).
  publishToPypi: {
    distName: 'cdk8s-session-affinity',
    module: 'cdk8s_session_affinity',
  },
  publishToMaven: {
    mavenGroupId: 'io.github.cdk8s-session-affinity',
    mavenArtifactId: 'cdk8s-session-affinity',
    javaPackage: 'io.github.cdk8s_session_affinity',
  },
  publishToNuget: {
    dotNetNamespace: 'Cdk8sSessionAffinity',
    packageId: 'Cdk8sSessionAffinity',
  },
  publishToGo: {
    moduleName: 'github.com/cdk8s-session-affinity/cdk8s-session-affinity-go',
    packageName: 'cdk8ssessionaffinity',
  },

  // No GitHub here: CI is .ci/run.
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,

  // jest 30 pulls unrs-resolver, whose platform packages this registry does not
  // all serve, which breaks `npm ci` on a fresh clone (../shared/DESIGN.md).
  jestOptions: {
    jestVersion: '^29',
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testPathIgnorePatterns: ['/node_modules/', '/dist/', '/examples/', '/bench/'],
      // Generated from the upstream CRDs by `npm run import`.
      coveragePathIgnorePatterns: ['/node_modules/', '/src/imports/'],
      // api/.baseline/ keeps the last accepted assembly beside a copy of this
      // package.json; jest's module map would warn of two packages of one name.
      // (A dot-folder: jsii-docgen's search for .jsii files does not look in
      // one. Found, the copy was documented instead of the assembly just
      // compiled, and API.md missed every doc change since the last accept.)
      modulePathIgnorePatterns: ['<rootDir>/api/.baseline/'],
      // The examples test runs `npm run examples`, several ts-node processes.
      testTimeout: 120_000,
      // Jest's default is one worker fewer than the cores: one worker on
      // this project's 2-core machines. Both cores run suites (about 1.7x
      // faster: the property suites spend their time synthesizing). On a
      // machine already busy, the test task runs one (scripts/jest-workers.js).
      maxWorkers: '100%',
      // Coverage doubled the suite's CPU time (287 s against 144 s, measured
      // with /usr/bin/time on the whole run) and nothing read it: the build
      // runs without it, and `npx projen test:coverage` writes the report.
      collectCoverage: false,
      // Each test file's cdk8s output folders in one temporary folder of its
      // own, removed when its tests end (cdk8s's Testing.app() leaves one per App).
      setupFilesAfterEnv: ['<rootDir>/test/util/jest-setup.js'],
    },
  },
  devDeps: [
    // The same src/ is also built and tested against the newer cdk8s-plus majors
    // (scripts/majors.js): one package per major.
    'cdk8s-plus-32@^2.5.92',
    'cdk8s-plus-33@^2.5.57',
    'jest-util@^29',
    // 4.x is CommonJS and runs on Node 20; 5.x is ESM-only and wants Node 22.
    'kubernetes-models@^4.5.1',
    'cdk8s-cli@^2.207.0',
    'ts-node@^10.9.2',
    // Strict checks of custom resources against their CRD's openAPIV3Schema.
    'ajv@^8.17.1',
    // GKE's BackendConfig has no CRD file upstream; these models type it.
    '@kubernetes-models/gke@^4.6.2',
    // Property-based tests.
    'fast-check@^4.3.0',
    // Clients for the real-server tests of the session stores.
    'redis@^5.8.0',
    'pg@^8.16.0',
    '@types/pg@^8.15.0',
    'memjs@^1.3.2',
    '@types/memjs@^1.3.3',
    '@types/sarif@^2.1.7',
    // Evaluates the CRDs' x-kubernetes-validations (CEL) rules in the tests.
    '@bufbuild/cel@^0.6.1',
    '@types/js-yaml@^4.0.9',
    // Tests and the bench read and write YAML with it; the doctor does not.
    'yaml@^2.6.0',
    // Parses the doctor's JUnit XML in its test.
    '@xmldom/xmldom@^0.9.0',
  ],
  // The doctor reads YAML at run time, so the parser ships inside the package:
  // js-yaml, chosen by measurement (bench/doctor.ts), read with a YAML 1.1 schema.
  bundledDeps: ['js-yaml@^4.1.0'],

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench', '.projenrc.ts'],
  },
  gitignore: ['/examples/*/dist/', '/examples/*/imports/'],
});

// Generated from the upstream CRDs by `npm run import`.
project.eslint?.addIgnorePattern('src/imports/');

// cdk8s lists `backport` (its maintainers' release tool) as an optional
// dependency; its postinstall script has nothing to do here. npm 11 warns of
// every install script no `allowScripts` entry covers, so deny this one.
// @see https://docs.npmjs.com/cli/v11/commands/npm-deny-scripts
project.package.addField('allowScripts', { backport: false });

// Snapshots per cdk8s-plus major: __snapshots__/ for 28, __snapshots__/plus-<major>/ for the others.
project.jest?.addSnapshotResolver('<rootDir>/test/snapshot-resolver.js');

// Jest transpiles the TypeScript with test/util/jest-transform.js instead of
// ts-jest: the same transpile of each file alone (isolatedModules; test:types
// checks the types), kept in a cache every clone and run on the machine
// shares. ts-jest's cache is keyed by the clone's path and the configuration:
// each of CI's three clones, and each cdk8s-plus major's run, started without
// one, and loaded the TypeScript compiler in every worker.
if (project.jest) {
  project.jest.config.transform = { '^.+\\.[t]sx?$': new javascript.Transform('<rootDir>/test/util/jest-transform.js') };
}
project.deps.removeDependency('ts-jest');

// Same reason as jest 29: resolver 3.8+ depends on unrs-resolver.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@~3.6.3');

// The package task would build Python, Java, .NET and Go bindings whenever CI is
// unset; their toolchains are out of reach here, so package the JavaScript
// target only, with or without CI. `package-all` stays for a release machine.
const packageJs = project.tasks.tryFind('package:js');
if (!packageJs) {
  throw new Error('projen no longer defines package:js; revisit the package task');
}
project.packageTask.reset();
project.packageTask.spawn(packageJs);

// One source, one package per cdk8s-plus major: the same src/ compiled by jsii
// against cdk8s-plus-32 and 33, packed beside the main package in dist/js/.
const packageMajors = project.addTask('package:majors', {
  description: 'Build and pack cdk8s-session-affinity-plus-32 and -plus-33 from the same src/ (scripts/majors.js)',
  exec: 'node scripts/majors.js build',
});
project.packageTask.spawn(packageMajors);

// The suites every major must pass (examples, renderer contracts, the synth-time
// doctor, the properties at a quarter of their runs), against 32 and 33.
const testMajors = project.addTask('test:majors', {
  description: 'Run the cross-major suites against cdk8s-plus-32 and 33 (test/majors/jest.config.js)',
  exec: 'node scripts/majors.js test',
  receiveArgs: true,
});
project.testTask.spawn(testMajors);

// Jest transpiles each test file alone (test/util/jest-transform.js), and
// `npm run examples` each example, so nothing else type-checks the tests,
// their helpers and the examples: this does, before the tests run, in one
// program (the examples add nothing measurable to its time; their own
// `tsc -p examples/tsconfig.json` took 13 CPU-s).
project.tsconfigDev.addInclude('../examples/**/*.ts');
const testTypes = project.addTask('test:types', {
  description: 'Type-check the tests, their helpers and the examples (jest and `npm run examples` only transpile them)',
  exec: 'tsc --noEmit -p test/tsconfig.json --isolatedModules false',
});
project.testTask.prependSpawn(testTypes);

// Jest through scripts/jest-workers.js: one worker per core, or one in all
// when the machine is already busy (CI's three builds at once), where a second
// worker only adds CPU time. Projen's own step is rewritten with the same
// arguments, word for word (execArgs: extra arguments reach jest unsplit).
const jestStep = project.testTask.steps.findIndex(s => /^jest(\s|$)/.test(s.exec ?? '') || s.execArgs?.[0] === 'jest');
if (jestStep < 0) {
  throw new Error('projen no longer writes a jest step in the test task; revisit scripts/jest-workers.js');
}
const projenJest = project.testTask.steps[jestStep];
const jestArgs = projenJest.execArgs?.slice(1) ?? projenJest.exec!.trim().split(/\s+/).slice(1);
project.testTask.updateStep(jestStep, { ...projenJest, exec: undefined, execArgs: ['node', 'scripts/jest-workers.js', ...jestArgs] });

project.addTask('test:coverage', {
  description: 'Run the tests with a coverage report in coverage/ (the build runs them without)',
  exec: 'jest --passWithNoTests --ci --coverage',
  receiveArgs: true,
});

// Examples and benchmarks are for this repository, not for the tarball.
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/.nvmrc');
project.addPackageIgnore('/api/');
// The accepted assembly, for jsii-diff (projen ignores .jsii files elsewhere).
project.gitignore.include('/api/.baseline/.jsii');
project.addPackageIgnore('/crds/');
project.addPackageIgnore('/API-CHANGES.md');
// The generated CRD modules are types only (src/imports/README.md): their
// declarations ship, their compiled code (about 3 MB) is never loaded.
project.addPackageIgnore('/lib/imports/*.js');
project.addPackageIgnore('!/lib/imports/custom-resource.js');
// Gateway API main's HTTPRoute types only a test's check of the GVK constant;
// no construct writes it, so the package does not carry it.
project.addPackageIgnore('/lib/imports/gateway-main-httproutes.*');

// The public API is pinned in api/surface.txt; test/api.test.ts fails when it
// changes until the change is accepted with a note (API-CHANGES.md).
project.addTask('api:accept', {
  description: 'Accept a deliberate change to the public API: API_NOTE="what and why" npx projen api:accept (after compile)',
  exec: 'node scripts/api-surface.js --accept',
});

// Every @example and README TypeScript snippet compiles (strict, with
// rosetta/default.ts-fixture); the translation table it writes is not kept.
project.addTask('rosetta', {
  description: 'Compile every @example and README TypeScript snippet with jsii-rosetta --strict (after compile); fails on any error',
  exec: 'code=0; jsii-rosetta extract --strict .jsii || code=$?; rm -f .jsii.tabl.json; exit $code',
});

// What Construct Hub shows for each jsii language, and the bindings' source:
// both must generate without errors (no toolchains needed).
project.addTask('languages', {
  description: 'Compile every snippet (jsii-rosetta --strict), then generate API docs for TypeScript, Python, Java, C# and Go and the bindings source for the four others from its translations; check the Python docs (after compile)',
  exec: 'node scripts/check-languages.js',
});

// Examples and benchmarks run as CommonJS on plain node or ts-node, as a user's
// cdk8s app does (the library's own tsconfig targets node16 modules for jsii).
const commonJsApp: javascript.TypeScriptCompilerOptions = {
  target: 'ES2022',
  lib: ['es2022'],
  module: 'commonjs',
  moduleResolution: javascript.TypeScriptModuleResolution.NODE,
  strict: true,
  esModuleInterop: true,
  skipLibCheck: true,
};

// Every example is a cdk8s app; `cdk8s synth` in its folder runs it with ts-node.
new javascript.TypescriptConfig(project, {
  fileName: 'examples/tsconfig.json',
  include: ['**/*.ts'],
  compilerOptions: { ...commonJsApp, noEmit: true },
});

project.addTask('import', {
  description: 'Regenerate src/imports/ from the upstream CRDs in crds/ with cdk8s import',
  exec: 'bash scripts/import-crds.sh',
});

project.addTask('examples', {
  description: 'Synthesize every example app into dist/examples/<name>/',
  // The first preload is a no-op unless CDK8S_PLUS_MAJOR names another major
  // (scripts/majors.js test). The second transpiles without a type check
  // (test:types checks the examples; ts-node's check took 12 of its 14 CPU-s,
  // and it ran twice per build: here and in test/examples.test.ts).
  exec: 'node -r ./scripts/majors-register.js -r ./scripts/ts-register.js examples/synth-all.ts',
});

// Benchmarks compile with the library's source into dist/bench and run on plain
// node, so neither ts-node nor the type checker is inside what they measure.
new javascript.TypescriptConfig(project, {
  fileName: 'bench/tsconfig.json',
  include: ['**/*.ts', '../src/**/*.ts'],
  compilerOptions: { ...commonJsApp, rootDir: '..', outDir: '../dist/bench', types: ['node'] },
});

project.addTask('bench', {
  description: 'Every construct against its hand-written twin, import and start-up cost, the doctor (prints ratios; never fails on a figure; BENCH_INSTRUCTIONS=1 adds callgrind counts)',
  steps: [
    { exec: 'tsc -p bench/tsconfig.json' },
    // One thread: the garbage collector's work is then on the thread the bench times.
    { exec: 'node --expose-gc --single-threaded dist/bench/bench/run.js' },
  ],
});

// jsii compiles src/index.ts (`export * from` each folder) into an index that
// loads every module with the package; scripts/lazy-index.js rewrites it into
// getters that load each export's module on first use (same names, same
// order; it fails the build when it cannot trace a name). scripts/majors.js
// runs it after its own jsii compiles.
project.compileTask.exec('node scripts/lazy-index.js lib');

// The doctor's CLI: compiled by jsii like the rest of src/ (it keeps the shebang).
// kubectl runs any `kubectl-<name>` on the PATH as `kubectl <name>` ('_' in the file name is '-' on the command line).
project.addBins({ 'affinity-doctor': 'lib/doctor/cli.js', 'kubectl-affinity_doctor': 'lib/doctor/cli.js' });
// Rewrites ingress-nginx Ingresses for another controller; like the doctor, loads no cdk8s.
project.addBins({ 'affinity-migrate': 'lib/migrate/cli.js' });

new TextFile(project, '.nvmrc', { lines: ['20'] });

// jsii prints a banner on Node 20, which is what this project's machines run.
project.tasks.addEnvironment('JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION', '1');

project.synth();
