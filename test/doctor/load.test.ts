// The doctor's reading against kubectl's: test/doctor/reading/ holds files
// written to cover what sigs.k8s.io/yaml and kubectl's stream reader do, and
// kubectl.json what kubectl 1.33 read from them (`kubectl annotate --local -f
// FILE -o json`, recorded by record-kubectl.sh in that folder).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AffinityDoctor, Severity } from '../../src';
import { ALL_INPUTS_APP, listInputs, loadManifests, parseText } from '../../src/doctor/load';

const READING = path.join(__dirname, 'reading');
const KUBECTL: Record<string, { objects?: any[]; error?: string }> = JSON.parse(fs.readFileSync(path.join(READING, 'kubectl.json'), 'utf-8'));
const read = (file: string) => parseText(fs.readFileSync(path.join(READING, file), 'utf-8'), file);

describe('reads what kubectl reads', () => {
  const same = Object.entries(KUBECTL).filter(([, k]) => k.objects).map(([file]) => file);

  test.each(same)('%s: the same objects as kubectl, without errors', file => {
    // GIVEN a file kubectl reads WHEN the doctor reads it
    const { docs, errors } = read(file);
    // THEN it reads the same objects, value for value
    expect(errors).toEqual([]);
    expect(docs.map(d => d.obj)).toEqual(KUBECTL[file].objects);
  });

  test('YAML 1.1 as go-yaml resolves it: merge keys, y/yes/on booleans (also as keys), octal 010, timestamps as strings', () => {
    const spec = read('00-yaml11.yaml').docs[0].obj.spec;
    expect(spec.merged).toEqual({ sessionAffinity: 'ClientIP', timeoutSeconds: 5 });
    expect(spec.bools).toEqual([true, true, true, false, false, true, false, true, false, 'yes']);
    expect(spec.true).toBe(1);
    expect(spec.ints).toEqual([8, 8, 31, 1000, 5, 10800, 7, 8]);
    expect(spec.date).toBe('2024-01-01');
  });

  test('every object keeps its line: after a BOM, and each item of a typed List', () => {
    expect(read('01-stream.yaml').docs.map(d => [d.obj.kind, d.obj.metadata.name, d.line])).toEqual([
      ['Probe', 'one', 1], ['Probe', 'bom-second', 5], ['Probe', 'item-no-kind', 14], ['ConfigMap', 'item-cm', 15],
    ]);
    expect(read('03-concat.json').docs.map(d => d.line)).toEqual([1, 2]);
  });

  test('where kubectl refuses the file, the doctor says where, and reads the rest', () => {
    expect(KUBECTL['09-inf.yaml'].error).toContain('unsupported value: +Inf');
    expect(read('09-inf.yaml')).toEqual({
      docs: [{ obj: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok' } }, file: '09-inf.yaml', line: 1 }],
      errors: [{ file: '09-inf.yaml', line: 5, message: '.inf: JSON has no infinity or NaN, so kubectl refuses this document' }],
    });
    expect(KUBECTL['06-directive.yaml'].error).toContain('did not find expected <document start>');
    expect(read('06-directive.yaml').errors).toEqual([{ file: '06-directive.yaml', line: 2, column: 1, message: 'directives end mark is expected' }]);
    expect(KUBECTL['10-template.yaml'].error).toContain('invalid map key');
    expect(read('10-template.yaml')).toEqual({
      docs: [],
      errors: [{ file: '10-template.yaml', line: 4, column: 9, message: 'a mapping used as a key, as in an unrendered template ({{ ... }}); kubectl cannot read it' }],
    });
  });

  test('beyond kubectl: a top-level JSON array and a List inside a List are read item by item', () => {
    expect(KUBECTL['02-array.json'].error).toContain('cannot unmarshal array');
    expect(read('02-array.json').docs.map(d => d.obj.metadata.name)).toEqual(['arr-a', 'arr-b']);
    expect(KUBECTL['07-nested.yaml'].error).toContain('is not a list');
    expect(read('07-nested.yaml').docs.map(d => [d.obj.metadata.name, d.line])).toEqual([['nested', 7]]);
  });

  test('content after "---" is refused with its line, as kubectl\'s reader refuses it; a broken document leaves the next one readable', () => {
    const { docs, errors } = parseText('apiVersion: v1\nkind: A\n--- {a: 1}\nb: 1\n---\nc: [\n---\napiVersion: v1\nkind: B\n', 'x.yaml');
    expect(docs.map(d => [d.obj.kind, d.line])).toEqual([['A', 1], ['B', 8]]);
    expect(errors.map(e => [e.line, e.message.split(' ')[0]])).toEqual([[3, 'invalid'], [7, 'unexpected']]);
  });

  test('AffinityDoctor.checkYaml, as the CLI: a broken document is an unreadable-input finding (error, whatever minSeverity) after the findings of the rest', () => {
    const grafana = [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: grafana}',
      'spec: {replicas: 3, selector: {matchLabels: {app: grafana}}, template: {metadata: {labels: {app: grafana}}, spec: {containers: [{name: grafana, image: grafana/grafana:11.3.0}]}}}',
      '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: broken}', 'data: {a: [1, 2 b}',
      '---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: grafana}', 'spec: {selector: {app: grafana}, ports: [{port: 3000}]}',
    ].join('\n');
    const named = AffinityDoctor.checkYaml(grafana, { file: 'app.yaml', minSeverity: Severity.ERROR });
    expect(named.map(f => [f.rule, f.severity, f.resource.file, f.resource.line])).toEqual([
      ['local-sessions-without-affinity', Severity.ERROR, 'app.yaml', 11],
      ['unreadable-input', Severity.ERROR, 'app.yaml', 9],
    ]);
    expect(named[1].message).toMatch(/^app\.yaml:9:\d+: /);
    expect(named[1].fix).toMatch(/valid YAML or JSON/);
    // Without a file: no file in the finding, the line in its message.
    const unnamed = AffinityDoctor.checkYaml(grafana);
    expect(unnamed[unnamed.length - 1]).toMatchObject({ rule: 'unreadable-input', resource: { file: undefined, line: 9 } });
    expect(unnamed[unnamed.length - 1].message).toMatch(/^line 9: /);
  });
});

describe('inputs', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-load-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };
  const CM = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\n`;

  test('each folder is an app; --together makes one; standard input is its own', () => {
    write('envs/prod/a.yaml', CM('a'));
    write('envs/staging/a.yaml', CM('a'));
    write('envs/staging/b.yaml', CM('b'));
    const apart = loadManifests([dir, '-'], { readStdin: () => CM('c') });
    expect(apart.docs.map(d => [d.obj.metadata.name, d.app === '<stdin>' ? d.app : path.relative(dir, d.app)])).toEqual([
      ['a', path.join('envs', 'prod')], ['a', path.join('envs', 'staging')], ['b', path.join('envs', 'staging')], ['c', '<stdin>'],
    ]);
    const together = loadManifests([dir], { together: true });
    expect(new Set(together.docs.map(d => d.app))).toEqual(new Set([ALL_INPUTS_APP]));
  });

  test('what is not a regular file in a folder is skipped without being opened; a dangling link is an error; a linked folder is not followed', () => {
    write('app/ok.yaml', CM('ok'));
    execFileSync('mkfifo', [path.join(dir, 'app', 'pipe.yaml')]);
    fs.symlinkSync(path.join(dir, 'gone.yaml'), path.join(dir, 'app', 'gone.yaml'));
    fs.symlinkSync(path.join(dir, 'app'), path.join(dir, 'app', 'loop.yaml'));
    // WHEN (a FIFO that was opened would block here)
    const result = loadManifests([path.join(dir, 'app')]);
    // THEN
    expect(result.docs.map(d => d.obj.metadata.name)).toEqual(['ok']);
    expect(result.errors).toEqual([{ file: path.join(dir, 'app', 'gone.yaml'), message: 'dangling symbolic link' }]);
    expect(result.notices).toEqual([
      { file: path.join(dir, 'app', 'loop.yaml'), message: 'skipped: a symbolic link to a folder is not followed' },
      { file: path.join(dir, 'app', 'pipe.yaml'), message: 'skipped: a named pipe, not a regular file' },
    ]);
  });

  test('in a folder, only the extensions kubectl reads, as written: app.YAML is skipped with a notice; named by hand, it is read', () => {
    write('app/ok.yaml', CM('ok'));
    write('app/upper.YAML', CM('upper'));
    write('app/notes.txt', 'not a manifest');
    const result = loadManifests([path.join(dir, 'app')]);
    expect(result.docs.map(d => d.obj.metadata.name)).toEqual(['ok']);
    expect(result.notices).toEqual([
      { file: path.join(dir, 'app', 'upper.YAML'), message: 'skipped: kubectl reads a folder\'s .yaml, .yml, .json files only, in lower case, and would not apply this one' },
    ]);
    expect(loadManifests([path.join(dir, 'app', 'upper.YAML')]).docs.map(d => d.obj.metadata.name)).toEqual(['upper']);
  });

  test('a named file, a missing path and a dangling link given by name', () => {
    write('one.yaml', CM('one'));
    fs.symlinkSync(path.join(dir, 'nowhere.yaml'), path.join(dir, 'link.yaml'));
    const listing = listInputs([path.join(dir, 'one.yaml'), path.join(dir, 'missing.yaml'), path.join(dir, 'link.yaml')]);
    expect(listing.files).toEqual([{ path: path.join(dir, 'one.yaml'), name: path.join(dir, 'one.yaml'), app: dir }]);
    expect(listing.errors.map(e => e.message)).toEqual(['no such file or folder', 'dangling symbolic link']);
  });
});

describe('a List gets one verdict, however it reaches the rules', () => {
  const grafanaApp = [
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'grafana' }, spec: { replicas: 3, selector: { matchLabels: { app: 'grafana' } }, template: { metadata: { labels: { app: 'grafana' } }, spec: { containers: [{ name: 'grafana', image: 'grafana/grafana:11.3.0' }] } } } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'grafana' }, spec: { selector: { app: 'grafana' }, ports: [{ port: 80 }] } },
  ];
  const rulesOf = (findings: Array<{ rule: string }>) => findings.map(f => f.rule);

  test('check() reads a List as its items, as checkYaml() and the CLI do', () => {
    const expected = rulesOf(AffinityDoctor.check(grafanaApp));
    expect(expected).toContain('local-sessions-without-affinity');
    const list = { apiVersion: 'v1', kind: 'List', items: grafanaApp };
    expect(rulesOf(AffinityDoctor.check([list]))).toEqual(expected);
    expect(rulesOf(AffinityDoctor.checkYaml(JSON.stringify(list)))).toEqual(expected);
  });

  test('a typed List\'s items without kind take it from the list', () => {
    const services = { apiVersion: 'v1', kind: 'ServiceList', items: [{ metadata: { name: 'grafana' }, spec: grafanaApp[1].spec }] };
    expect(rulesOf(AffinityDoctor.check([grafanaApp[0], services]))).toEqual(rulesOf(AffinityDoctor.check(grafanaApp)));
  });
});

describe('AffinityDoctor.check() and checkYaml() from plain JavaScript', () => {
  test('GIVEN YAML text to check() or objects to checkYaml() THEN the error names the argument and the other method', () => {
    expect(() => AffinityDoctor.check('apiVersion: v1' as any)).toThrow(
      'AffinityDoctor.check(): \'manifests\' ("apiVersion: v1" (a string)) must be a list of manifest objects; for YAML or JSON text, use AffinityDoctor.checkYaml()');
    expect(() => AffinityDoctor.checkYaml({ a: 1 } as any)).toThrow(
      'AffinityDoctor.checkYaml(): \'text\' ({"a":1} (an object)) must be YAML or JSON text; for manifest objects, use AffinityDoctor.check()');
  });
});
