import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLIENT_IP, grafana, service } from './fixtures';
import { run } from '../../src/doctor/cli';
import { TS_REGISTER } from '../util/ts-register-path';

const ROOT = path.resolve(__dirname, '..', '..');
const BROKEN = [grafana({ namespace: 'observability' }), service('grafana', {}, undefined, 'observability')];
const FIXED = [grafana({ namespace: 'observability' }), service('grafana', CLIENT_IP, undefined, 'observability')];

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affinity-doctor-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const yamlOf = (objs: any[]) => objs.map(o => JSON.stringify(o)).join('\n---\n');

/** Runs the CLI from source in a fresh node, as a user's shell would (stdin, exit status, what it loads). */
function spawnCli(args: string[], input?: string) {
  return spawnSync(process.execPath, ['-r', TS_REGISTER, path.join(ROOT, 'src/doctor/cli.ts'), ...args], {
    input, encoding: 'utf-8', cwd: ROOT,
  });
}

describe('inputs', () => {
  test('a multi-document YAML file with an error-level finding exits 1, grouped by resource with a fix', () => {
    // GIVEN
    const file = write('grafana.yaml', yamlOf(BROKEN));
    // WHEN
    const result = run([file]);
    // THEN
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe([
      `Service observability/grafana (${file}:3)`,
      '  error   local-sessions-without-affinity: Service observability/grafana spreads requests over the 4 pods of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); with no ClientIP or cookie affinity in front, users are logged out at random',
      '          fix: Pin each client to a pod (sessionAffinity: ClientIP on the Service, or cookie affinity at the ingress), or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).',
      '',
      'affinity-doctor: 1 finding in 2 manifests: 1 error, 0 warnings, 0 info.',
      '',
    ].join('\n'));
  });

  test('a clean folder exits 0; .yaml, .yml and .json are read recursively, other files and hidden folders are not; what is not a manifest is skipped with a notice', () => {
    // GIVEN the fixed app spread over files of one folder, and broken YAML where it must not be read
    write('a/deployment.yml', yamlOf([FIXED[0]]));
    write('a/service.json', JSON.stringify(FIXED[1]));
    write('values.yaml', 'replicaCount: 3\n');
    write('notes.txt', 'not: [yaml');
    write('.git/config.yaml', 'not: [yaml');
    write('node_modules/x/broken.yaml', 'not: [yaml');
    // WHEN
    const result = run([dir]);
    // THEN
    expect(result).toEqual({
      stdout: 'affinity-doctor: no session-affinity problems found in 2 manifests.\n',
      stderr: `affinity-doctor: ${path.join(dir, 'values.yaml')}:1: skipped: a document that is not a Kubernetes object (no apiVersion and kind)\n`,
      exitCode: 0,
    });
    expect(run(['--min-severity', 'warning', dir]).stderr).toBe('');
  });

  test('the items of a kind: List are checked, with their own lines', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: BROKEN };
    const file = write('list.yaml', `# kubectl get -o yaml\n${JSON.stringify(list, undefined, 2)}\n`);
    const result = run(['--format', 'json', file]);
    expect(result.exitCode).toBe(1);
    // The Service item starts at its "{", two lines above its "kind"; the comment line makes the 0-based index 1-based.
    const serviceLine = JSON.stringify(list, undefined, 2).split('\n').findIndex(l => l.includes('"kind": "Service"')) - 2 + 1 + 1;
    expect(JSON.parse(result.stdout).map((f: any) => f.resource)).toEqual([
      { apiVersion: 'v1', kind: 'Service', namespace: 'observability', name: 'grafana', file, line: serviceLine },
    ]);
    expect(run([file]).stdout.split('\n')[0]).toBe(`Service observability/grafana (${file}:${serviceLine})`);
  });

  test('standard input with -', () => {
    const broken = spawnCli(['-'], yamlOf(BROKEN));
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('Service observability/grafana (<stdin>:3)');
    const fixed = spawnCli(['--format=json', '-'], yamlOf(FIXED));
    expect(fixed.status).toBe(0);
    expect(JSON.parse(fixed.stdout)).toEqual([]);
    expect(fixed.stderr).toBe('');
  });
});

describe('formats', () => {
  test('json: a stable array with every key present', () => {
    const file = write('grafana.yaml', yamlOf(BROKEN));
    const result = run(['-f', 'json', file]);
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual([{
      rule: 'local-sessions-without-affinity',
      severity: 'error',
      resource: { apiVersion: 'v1', kind: 'Service', namespace: 'observability', name: 'grafana', file, line: 3 },
      message: expect.stringContaining('users are logged out at random'),
      fix: expect.stringContaining('sessionAffinity: ClientIP'),
    }]);
    const noNamespace = run(['-f', 'json', write('x.yaml', yamlOf([service('app', { sessionAffinityConfig: {} })]))]);
    expect(JSON.parse(noNamespace.stdout)[0].resource.namespace).toBeNull();
  });

  test('sarif: SARIF 2.1.0 with the rules and a located result per finding', () => {
    const file = write('grafana.yaml', yamlOf(BROKEN));
    const result = run(['--format', 'sarif', file]);
    expect(result.exitCode).toBe(1);
    const log = JSON.parse(result.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const runLog = log.runs[0];
    expect(runLog.tool.driver.name).toBe('affinity-doctor');
    expect(runLog.tool.driver.rules.map((r: any) => r.id)).toContain('local-sessions-without-affinity');
    expect(runLog.results).toEqual([{
      ruleId: 'local-sessions-without-affinity',
      ruleIndex: runLog.tool.driver.rules.findIndex((r: any) => r.id === 'local-sessions-without-affinity'),
      level: 'error',
      message: { text: expect.stringContaining('. Fix: Pin each client to a pod') },
      locations: [{
        physicalLocation: { artifactLocation: { uri: file }, region: { startLine: 3 } },
        logicalLocations: [{ name: 'grafana', fullyQualifiedName: 'Service/observability/grafana', kind: 'resource' }],
      }],
    }]);
  });

  test('--min-severity leaves out lesser findings; the exit status still follows errors', () => {
    const file = write('lb.yaml', yamlOf([service('app', { ...CLIENT_IP, type: 'LoadBalancer' })]));
    expect(run([file]).stdout).toContain('info    client-ip-without-local-traffic-policy');
    expect(run(['--min-severity', 'warning', file])).toEqual({ stdout: 'affinity-doctor: no session-affinity problems found in 1 manifest.\n', stderr: '', exitCode: 0 });
  });
});

describe('errors: exit 2, a message naming the file and line, never a stack trace', () => {
  test('malformed YAML', () => {
    const file = write('bad.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: [app\n');
    const result = run([file]);
    expect(result).toEqual({
      stdout: `affinity-doctor: no Kubernetes manifests found in ${file}: nothing was checked. 1 input could not be read (listed on standard error).\n`,
      stderr: `affinity-doctor: ${file}:5:1: unexpected end of the stream within a flow collection\n`,
      exitCode: 2,
    });
  });

  test('malformed YAML on standard input, from a fresh process', () => {
    const result = spawnCli(['-'], 'kind: Service\n  name: x\n');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('affinity-doctor: <stdin>:2:7: bad indentation of a mapping entry\n');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('a missing file', () => {
    expect(run([path.join(dir, 'nope.yaml')])).toEqual({
      stdout: `affinity-doctor: no Kubernetes manifests found in ${path.join(dir, 'nope.yaml')}: nothing was checked. 1 input could not be read (listed on standard error).\n`,
      stderr: `affinity-doctor: ${path.join(dir, 'nope.yaml')}: no such file or folder\n`,
      exitCode: 2,
    });
  });

  test('an empty folder is not a pass: nothing was checked, exit 2', () => {
    // GIVEN an empty folder (a mistyped or not yet generated manifests folder)
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    // WHEN / THEN
    expect(run([empty])).toEqual({
      stdout: `affinity-doctor: no Kubernetes manifests found in ${empty}: nothing was checked.\n`,
      stderr: '',
      exitCode: 2,
    });
    // AND the machine formats carry it as an error too
    const json = run(['--format', 'json', empty]);
    expect(json.exitCode).toBe(2);
    expect(json.stdout).toContain(`no Kubernetes manifests found in ${empty}: nothing was checked`);
  });

  test('files without a Kubernetes object are not a pass either', () => {
    const file = write('values.yaml', 'replicas: 3\n');
    const result = run([file]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe(`affinity-doctor: no Kubernetes manifests found in ${file}: nothing was checked.\n`);
  });

  test('with one input unreadable, "no problems found" is never printed', () => {
    // GIVEN one good file and one missing
    const good = write('ok.yaml', yamlOf([service('app', CLIENT_IP)]));
    const missing = path.join(dir, 'nope.yaml');
    // WHEN
    const result = run([good, missing]);
    // THEN
    expect(result.exitCode).toBe(2);
    expect(result.stdout).not.toContain('no session-affinity problems found');
    expect(result.stdout).toBe('affinity-doctor: no finding in the 1 manifest read, but not everything was checked: 1 input could not be read (listed on standard error).\n');
  });

  test.each([
    [[], 'no input: give files, folders, or - for standard input'],
    [['--format', 'xml', 'x'], '--format must be one of text, json, sarif, junit, not "xml"'],
    [['--min-severity'], '--min-severity needs a value'],
    [['--fix', 'x'], 'unknown option --fix'],
  ])('usage: %j', (args, message) => {
    const result = run(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`affinity-doctor: ${message}`);
    expect(result.stderr).toContain('Usage: affinity-doctor');
  });

  test('--help and --version', () => {
    expect(run(['--help'])).toEqual({ stdout: expect.stringContaining('Exit status: 0 no error-level finding'), stderr: '', exitCode: 0 });
    expect(run(['--version']).stdout).toBe(`${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).version}\n`);
  });
});

test('the CLI loads neither cdk8s, cdk8s-plus nor constructs', () => {
  const result = spawnSync(process.execPath, ['-r', TS_REGISTER, '-e',
    'require("./src/doctor/cli"); console.log(JSON.stringify(Object.keys(require.cache)))'], {
    encoding: 'utf-8', cwd: ROOT,
  });
  const loaded: string[] = JSON.parse(result.stdout);
  expect(loaded.filter(f => /node_modules[\\/](cdk8s|cdk8s-plus-28|constructs)[\\/]/.test(f))).toEqual([]);
  expect(loaded.filter(f => f.includes(`${path.sep}src${path.sep}`)).every(f => /src[\\/](doctor|facts)[\\/]/.test(f))).toBe(true);
  expect(loaded.some(f => f.endsWith('validation.ts'))).toBe(false);
});

describe('an input that cannot be read does not hide the others (exit 2)', () => {
  let broken: string;
  let grafanaFile: string;
  beforeEach(() => {
    grafanaFile = write('app/grafana.yaml', yamlOf(BROKEN));
    broken = write('app/templates/service.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n');
  });

  test('text: the findings on stdout, the unreadable file with its line on stderr', () => {
    const result = run([path.join(dir, 'app')]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toContain(`Service observability/grafana (${grafanaFile}:3)`);
    expect(result.stdout.trimEnd().split('\n').pop()).toBe(
      'affinity-doctor: 1 finding in 2 manifests: 1 error, 0 warnings, 0 info. 1 input could not be read (listed on standard error).');
    expect(result.stderr).toMatch(new RegExp(`^affinity-doctor: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:\\d+: .+\n$`));
  });

  test('json: the findings, then an unreadable-input entry with file and line', () => {
    const out = JSON.parse(run(['-f', 'json', path.join(dir, 'app')]).stdout);
    expect(out.map((f: any) => [f.rule, f.severity, f.resource.file, f.resource.line])).toEqual([
      ['local-sessions-without-affinity', 'error', grafanaFile, 3],
      ['unreadable-input', 'error', broken, 4],
    ]);
  });

  test('sarif: the results, and the unreadable file as a tool execution notification; the run is not successful', () => {
    const log = JSON.parse(run(['-f', 'sarif', path.join(dir, 'app')]).stdout);
    expect(log.runs[0].results.map((r: any) => r.ruleId)).toEqual(['local-sessions-without-affinity']);
    expect(log.runs[0].invocations).toEqual([{
      executionSuccessful: false,
      toolExecutionNotifications: [{
        descriptor: { id: 'unreadable-input' },
        level: 'error',
        message: { text: expect.any(String) },
        locations: [{ physicalLocation: { artifactLocation: { uri: broken }, region: { startLine: 4, startColumn: expect.any(Number) } } }],
      }],
    }]);
  });
});

describe('one app per folder', () => {
  test('objects in different folders never meet, unless --together', () => {
    // GIVEN a Grafana in one folder and, in another, a Service without affinity that would select it
    write('one/grafana.yaml', yamlOf([BROKEN[0]]));
    write('two/service.yaml', yamlOf([BROKEN[1]]));
    // WHEN / THEN
    expect(run([dir]).exitCode).toBe(0);
    const together = run(['--together', dir]);
    expect(together.exitCode).toBe(1);
    expect(together.stdout).toContain('local-sessions-without-affinity');
  });
});

describe('junit', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DOMParser } = require('@xmldom/xmldom');
  const parse = (text: string) => new DOMParser({ onError: (level: string, message: string) => { throw new Error(`${level}: ${message}`); } })
    .parseFromString(text, 'text/xml');
  const children = (node: any, name: string): any[] => Array.from(node.childNodes as ArrayLike<any>).filter((n: any) => n.nodeName === name);

  test('well-formed JUnit XML: testsuites > testsuite per rule > testcase, counts that add up, failures for errors only', () => {
    // GIVEN an error, an info finding and a file that cannot be read
    write('app/grafana.yaml', yamlOf(BROKEN));
    write('app/lb.yaml', yamlOf([service('lb', { ...CLIENT_IP, type: 'LoadBalancer' })]));
    write('app/bad.yaml', 'kind: [\n');
    // WHEN
    const result = run(['--format', 'junit', path.join(dir, 'app')]);
    // THEN
    expect(result.exitCode).toBe(2);
    expect(result.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const root = parse(result.stdout).documentElement;
    expect(root.nodeName).toBe('testsuites');
    const suites = children(root, 'testsuite');
    const names = suites.map(s => s.getAttribute('name'));
    expect(names).toEqual(expect.arrayContaining(['local-sessions-without-affinity', 'client-ip-without-local-traffic-policy', 'unreadable-input']));
    let tests = 0;
    let failures = 0;
    let errors = 0;
    for (const suite of suites) {
      const cases = children(suite, 'testcase');
      expect(cases.length).toBe(Number(suite.getAttribute('tests')));
      expect(cases.reduce((n, c) => n + children(c, 'failure').length, 0)).toBe(Number(suite.getAttribute('failures')));
      expect(cases.reduce((n, c) => n + children(c, 'error').length, 0)).toBe(Number(suite.getAttribute('errors')));
      for (const c of cases) {
        expect(c.getAttribute('name')).not.toBe('');
        expect(c.getAttribute('classname')).toBe(suite.getAttribute('name'));
        for (const f of [...children(c, 'failure'), ...children(c, 'error')]) {
          expect(f.getAttribute('message')).not.toBe('');
          expect(f.getAttribute('type')).not.toBe('');
        }
      }
      tests += cases.length;
      failures += Number(suite.getAttribute('failures'));
      errors += Number(suite.getAttribute('errors'));
    }
    expect([tests, failures, errors]).toEqual(['tests', 'failures', 'errors'].map(a => Number(root.getAttribute(a))));
    expect([failures, errors]).toEqual([1, 1]);
    const grafanaCase = children(suites[names.indexOf('local-sessions-without-affinity')], 'testcase')[0];
    expect(grafanaCase.getAttribute('name')).toBe(`Service observability/grafana (${path.join(dir, 'app', 'grafana.yaml')}:3)`);
    expect(children(grafanaCase, 'failure')[0].textContent).toContain('fix: Pin each client to a pod');
    const infoCase = children(suites[names.indexOf('client-ip-without-local-traffic-policy')], 'testcase')[0];
    expect(children(infoCase, 'failure')).toEqual([]);
    expect(children(infoCase, 'system-out')[0].textContent).toMatch(/^info: /);
  });

  test('a clean run: every rule a passing case', () => {
    const root = parse(run(['-f', 'junit', write('ok.yaml', yamlOf([FIXED[0]]))]).stdout).documentElement;
    expect(root.getAttribute('failures')).toBe('0');
    expect(children(root, 'testsuite').every(s => children(s, 'testcase').length === 1)).toBe(true);
  });

  test('XML special characters in names are escaped', () => {
    const file = write('a & <b> "c".yaml', yamlOf(BROKEN));
    const root = parse(run(['-f', 'junit', file]).stdout).documentElement;
    const suite = children(root, 'testsuite').find(s => s.getAttribute('name') === 'local-sessions-without-affinity');
    expect(children(suite, 'testcase')[0].getAttribute('file')).toBe(file);
  });
});
