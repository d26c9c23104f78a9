// The ways to run the doctor besides the CLI itself: as a kubectl plugin, as a
// pre-commit hook and as a GitHub Action. Each is tested by running the
// command it names, with the CLI from source standing in for the installed bin.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as YAML from 'yaml';
import { CLIENT_IP, grafana, service } from './fixtures';
import { TS_REGISTER } from '../util/ts-register-path';

const ROOT = path.resolve(__dirname, '..', '..');
const BROKEN = [grafana({ namespace: 'observability' }), service('grafana', {}, undefined, 'observability')];
const FIXED = [grafana({ namespace: 'observability' }), service('grafana', CLIENT_IP, undefined, 'observability')];
const yamlOf = (objs: any[]) => objs.map(o => JSON.stringify(o)).join('\n---\n');

let dir: string;
let bin: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-integrations-'));
  bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** An executable on `bin` that runs the CLI from source, as the installed bin would. */
function installCli(name: string): void {
  const file = path.join(bin, name);
  fs.writeFileSync(file, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} -r ${JSON.stringify(TS_REGISTER)} ${JSON.stringify(path.join(ROOT, 'src', 'doctor', 'cli.ts'))} "$@"\n`);
  fs.chmodSync(file, 0o755);
}

function manifests(folder: string, objs: any[]): string {
  fs.mkdirSync(path.join(dir, folder), { recursive: true });
  fs.writeFileSync(path.join(dir, folder, 'app.yaml'), yamlOf(objs));
  return path.join(dir, folder);
}

const env = () => ({ ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}` });
const packageJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf-8' }).status === 0;

describe('kubectl plugin', () => {
  test('the package installs kubectl-affinity_doctor as the same CLI as affinity-doctor', () => {
    expect(packageJson.bin['kubectl-affinity_doctor']).toBe(packageJson.bin['affinity-doctor']);
  });

  (kubectl ? test : test.skip)('kubectl affinity-doctor runs it with the arguments given (kubectl on the PATH)', () => {
    // GIVEN the bin on the PATH under the name the package installs
    installCli('kubectl-affinity_doctor');
    const broken = manifests('broken', BROKEN);
    // WHEN kubectl runs it as a plugin
    const result = spawnSync('kubectl', ['affinity-doctor', '--format', 'json', broken], { encoding: 'utf-8', env: env() });
    // THEN
    expect(result.status).toBe(1);
    expect(JSON.parse(result.stdout).map((f: any) => f.rule)).toEqual(['local-sessions-without-affinity']);
  });
});

describe('pre-commit hook (.pre-commit-hooks.yaml)', () => {
  const hooks = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf-8'));
  const hook = hooks.find((h: any) => h.id === 'affinity-doctor');

  test('names a bin the package installs, on the whole tree, for YAML and JSON files', () => {
    expect(hook).toMatchObject({ entry: 'affinity-doctor', language: 'node', pass_filenames: false, args: ['.'] });
    expect(Object.keys(packageJson.bin)).toContain(hook.entry);
    const files = new RegExp(hook.files);
    expect(['a.yaml', 'b/c.yml', 'd.json'].every(f => files.test(f))).toBe(true);
    expect(files.test('README.md')).toBe(false);
  });

  test.each([[BROKEN, 1], [FIXED, 0]])('running its entry and args in the repository exits as the CLI does (%#)', (objs, status) => {
    // GIVEN a repository with manifests, and the hook's entry on the PATH
    installCli(hook.entry);
    const repo = manifests('repo/k8s', objs);
    // WHEN pre-commit would run it, from the repository's root
    const result = spawnSync(hook.entry, hook.args, { cwd: path.dirname(repo), encoding: 'utf-8', env: env() });
    // THEN
    expect(result.status).toBe(status);
  });
});

describe('GitHub Action (action.yml)', () => {
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf-8'));
  const step = action.runs.steps[0];

  /** Runs the composite step's script as the runner would: inputs resolved into its env, npx on the PATH. */
  function runAction(inputs: Record<string, string>, cwd: string, actionVersion: string = '1.4.2') {
    // The action's own checkout, as the runner places it: its package.json names the release.
    const actionPath = path.join(dir, 'action');
    fs.mkdirSync(actionPath, { recursive: true });
    fs.writeFileSync(path.join(actionPath, 'package.json'), JSON.stringify({ name: 'cdk8s-session-affinity', version: actionVersion }));
    const values: Record<string, string> = {};
    for (const [name, spec] of Object.entries<any>(action.inputs)) {
      values[name] = inputs[name] ?? String(spec.default ?? '');
    }
    const stepEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries<string>(step.env)) {
      stepEnv[k] = v
        .replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name) => values[name])
        .replace(/\$\{\{\s*github\.action_path\s*\}\}/g, actionPath);
    }
    // npx --yes --package cdk8s-session-affinity@VERSION affinity-doctor ARGS -> the CLI from source
    installCli('affinity-doctor');
    fs.writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\n[ "$1 $2" = "--yes --package" ] && [ "$4" = affinity-doctor ] || { echo "unexpected npx $*" >&2; exit 99; }\necho "$3" > ${JSON.stringify(path.join(dir, 'npx-package'))}\nshift 4\nexec affinity-doctor "$@"\n`);
    fs.chmodSync(path.join(bin, 'npx'), 0o755);
    const output = path.join(dir, 'github-output');
    fs.writeFileSync(output, '');
    const result = spawnSync('bash', ['-e', '-c', step.run], { cwd, encoding: 'utf-8', env: { ...env(), ...stepEnv, GITHUB_OUTPUT: output } });
    const outputs = Object.fromEntries(fs.readFileSync(output, 'utf-8').trim().split('\n').filter(Boolean).map(l => l.split('=', 2)));
    return { result, outputs };
  }

  test('a composite action whose step takes its inputs from the environment only', () => {
    expect(action.runs.using).toBe('composite');
    expect(step.run).not.toMatch(/\$\{\{/);
    expect(Object.keys(action.inputs)).toEqual(['paths', 'sarif-file', 'min-severity', 'together', 'version']);
  });

  test('writes SARIF with the finding, prints the text, and fails the step with the CLI\'s exit status', () => {
    // GIVEN a repository with a broken app
    const repo = path.dirname(manifests('repo/k8s', BROKEN));
    // WHEN the action runs with its defaults
    const { result, outputs } = runAction({}, repo);
    // THEN
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('error   local-sessions-without-affinity');
    expect(fs.readFileSync(path.join(dir, 'npx-package'), 'utf-8').trim()).toBe('cdk8s-session-affinity@1.4.2');
    expect(outputs).toEqual({ 'sarif-file': 'affinity-doctor.sarif', 'exit-code': '1' });
    const log = JSON.parse(fs.readFileSync(path.join(repo, 'affinity-doctor.sarif'), 'utf-8'));
    expect(log.runs[0].results.map((r: any) => r.ruleId)).toEqual(['local-sessions-without-affinity']);
  });

  test('runs exactly the version of the action\'s own package.json, never a moving tag', () => {
    // GIVEN the action at a release whose package.json says 2.0.1
    const repo = path.dirname(manifests('repo/k8s', FIXED));
    // WHEN it runs without a version input
    const { result } = runAction({}, repo, '2.0.1');
    // THEN npx is asked for that exact version
    expect(result.status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'npx-package'), 'utf-8').trim()).toBe('cdk8s-session-affinity@2.0.1');
    expect(action.inputs.version.default).toBe('');
  });

  test('an explicit exact version input wins over package.json', () => {
    const repo = path.dirname(manifests('repo/k8s', FIXED));
    runAction({ version: '3.1.0-rc.1' }, repo);
    expect(fs.readFileSync(path.join(dir, 'npx-package'), 'utf-8').trim()).toBe('cdk8s-session-affinity@3.1.0-rc.1');
  });

  test.each([
    ['the unreleased checkout (0.0.0)', {}, '0.0.0', '"0.0.0"'],
    ['a dist-tag', { version: 'latest' }, '1.4.2', '"latest"'],
    ['a range', { version: '^1.0.0' }, '1.4.2', '"^1.0.0"'],
  ])('refuses %s: exit 2, npx never runs', (_, inputs, actionVersion, shown) => {
    const repo = path.dirname(manifests('repo/k8s', FIXED));
    const { result, outputs } = runAction(inputs, repo, actionVersion);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`version must be an exact published version (for example 1.2.3), not ${shown}`);
    expect(outputs['exit-code']).toBe('2');
    expect(fs.existsSync(path.join(dir, 'npx-package'))).toBe(false);
  });

  test('passes paths, --together and --min-severity; a clean run succeeds', () => {
    const repo = path.dirname(manifests('repo/k8s', FIXED));
    const { result, outputs } = runAction({ 'paths': 'k8s', 'together': 'true', 'min-severity': 'error', 'sarif-file': 'out.sarif' }, repo);
    expect(result.status).toBe(0);
    expect(outputs['exit-code']).toBe('0');
    expect(JSON.parse(fs.readFileSync(path.join(repo, 'out.sarif'), 'utf-8')).runs[0].results).toEqual([]);
  });
});
