// affinity-doctor: the CLI on 5,000 manifests in files against the fastest
// well-kept YAML parser on npm (js-yaml) parsing the same files, in the same
// run; its memory on about 50 MB of manifests under a 512 MB heap; and its
// start-up against node's own. Prints ratios measured in this run; never
// fails on a figure.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as jsYaml from 'js-yaml';
import * as yaml from 'yaml';
import { median, msSince, spreadPercent, table } from './stats';
import { run } from '../src/doctor/cli';
import { listInputs } from '../src/doctor/load';

const MANIFESTS = 5000;
const MEMORY_MB = Number(process.env.BENCH_DOCTOR_MB ?? 50);
const HEAP_MB = 512;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const STARTS = Number(process.env.BENCH_CHILD_REPEATS ?? 5) * 2;
/** The app of the synth-time rows: 200 Ingresses and their Services (400 objects), in 1 and 8 charts. */
const APP_PAIR = 'cookie-ingress-nginx';
const APP_INSTANCES = 200;
const APP_CHARTS = [1, 8];

/** A Helm-sized mix: per app a Deployment, a Service, an Ingress and an HPA, over 25 namespaces. */
function manifestsYaml(count: number): string {
  const docs: string[] = [];
  for (let i = 0; docs.length < count; i++) {
    const ns = `team-${i % 25}`;
    const app = `app-${i}`;
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${app}
  namespace: ${ns}
  labels: {app: ${app}}
spec:
  replicas: ${1 + (i % 4)}
  selector:
    matchLabels: {app: ${app}}
  template:
    metadata:
      labels: {app: ${app}, tier: web}
    spec:
      containers:
      - name: app
        image: ${i % 10 === 0 ? 'grafana/grafana:11.3.0' : 'ghcr.io/example/app:1.0.0'}
        env:
        - {name: LOG_LEVEL, value: info}
        ports:
        - containerPort: 8080
        volumeMounts:
        - {name: tmp, mountPath: /tmp}
      volumes:
      - name: tmp
        emptyDir: {}`);
    docs.push(`apiVersion: v1
kind: Service
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  ${i % 3 === 0 ? 'sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: 10800\n  ' : ''}selector: {app: ${app}}
  ports:
  - port: 80
    targetPort: 8080`);
    docs.push(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${app}
  namespace: ${ns}
  annotations:
    nginx.ingress.kubernetes.io/affinity: ${i % 2 === 0 ? 'cookie' : 'none'}
    nginx.ingress.kubernetes.io/session-cookie-max-age: "3600"
spec:
  rules:
  - host: ${app}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: ${app}
            port: {number: 80}`);
    docs.push(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${app}
  namespace: ${ns}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${app}}
  minReplicas: 1
  maxReplicas: 5`);
  }
  return docs.slice(0, count).join('\n---\n') + '\n';
}

/**
 * Writes `count` manifests as one app per namespace folder, one file per
 * app (Deployment, Service, Ingress, HPA), as a GitOps repository holds them.
 * `padding` adds a dashboards ConfigMap of that many bytes to each app, for
 * the memory run.
 */
export function writeTree(dir: string, count: number, padding = 0, folders = 25): { files: number; bytes: number } {
  const docs = manifestsYaml(count).split('\n---\n');
  let files = 0;
  let bytes = 0;
  for (let i = 0; i * 4 < docs.length; i++) {
    const folder = path.join(dir, `team-${i % folders}`);
    fs.mkdirSync(folder, { recursive: true });
    let text = docs.slice(i * 4, i * 4 + 4).join('\n---\n') + '\n';
    if (padding > 0) {
      text += `---\n${dashboards(`app-${i}`, `team-${i % 25}`, padding)}`;
    }
    fs.writeFileSync(path.join(folder, `app-${i}.yaml`), text);
    files++;
    bytes += text.length;
  }
  return { files, bytes };
}

/** A ConfigMap of Grafana dashboards JSON, as kube-prometheus ships them (most of its bytes). */
function dashboards(app: string, ns: string, size: number): string {
  const panel = '        {"type": "timeseries", "title": "Requests", "targets": [{"expr": "sum(rate(http_requests_total[5m])) by (code)"}]},\n';
  const panels = panel.repeat(Math.max(1, Math.round(size / panel.length)));
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: ${app}-dashboards
  namespace: ${ns}
data:
  ${app}.json: |-
    {
      "title": "${app}",
      "panels": [
${panels}        {"type": "text"}
      ]
    }
`;
}

/** The parser alone on the same files: read each file, parse every document. */
function parseAlone(files: string[], parse: (text: string) => unknown[]): { ms: number; docs: number } {
  const start = process.hrtime.bigint();
  let docs = 0;
  for (const f of files) {
    for (const d of parse(fs.readFileSync(f, 'utf-8'))) {
      if (d) docs++;
    }
  }
  return { ms: msSince(start), docs };
}

/** The CLI's entry point, in this process, as a user runs it on the folder. */
function doctor(dir: string): { ms: number; findings: number } {
  const start = process.hrtime.bigint();
  const result = run(['--format', 'json', dir]);
  const ms = msSince(start);
  if (result.exitCode === 2) throw new Error(`the doctor could not read the bench files: ${result.stderr}`);
  return { ms, findings: JSON.parse(result.stdout).length };
}

function startMs(args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return msSince(start);
}

/** Peak RSS and time of the CLI in a fresh node with a 512 MB heap. */
/** One fresh process: an app of `instances` ingress-nginx Ingresses and their Services over `charts` charts, synthesized. */
function appMs(charts: number, instances: number, withDoctor: 'doctor' | 'none'): number {
  const child = path.join(__dirname, 'child.js');
  const out = execFileSync(process.execPath, ['--expose-gc', '--single-threaded', child, 'app', APP_PAIR, String(charts), String(instances), withDoctor], { encoding: 'utf-8' });
  return JSON.parse(out).ms;
}

/**
 * The doctor at synth (`AffinityDoctorValidation.addTo(app)`): the same app
 * with it and without it, in one chart and in eight. cdk8s validates an app
 * once when its synth begins and again for each chart it writes; the doctor
 * renders every object when it checks, so it reads the app once per synth,
 * at the pass before the first chart is written.
 */
function synthDoctorRows(): string[][] {
  const rows: string[][] = [];
  for (const charts of APP_CHARTS) {
    const off: number[] = [];
    const on: number[] = [];
    const ratios: number[] = [];
    appMs(charts, APP_INSTANCES, 'none');
    for (let r = 0; r < STARTS; r++) {
      const first = r % 2 === 0 ? 'none' : 'doctor';
      const a = appMs(charts, APP_INSTANCES, first);
      const b = appMs(charts, APP_INSTANCES, first === 'none' ? 'doctor' : 'none');
      const [without, withDoctor] = first === 'none' ? [a, b] : [b, a];
      off.push(without);
      on.push(withDoctor);
      ratios.push(withDoctor / without);
    }
    rows.push([String(charts), median(off).toFixed(1), median(on).toFixed(1), `${spreadPercent(on).toFixed(0)}%`, median(ratios).toFixed(2)]);
  }
  return rows;
}

function memoryRun(cli: string, dir: string): { ok: boolean; status: string; maxRssMb: number; ms: number } {
  const probe = `const r = require(${JSON.stringify(cli)}).run(['--format', 'json', ${JSON.stringify(dir)}]);
process.stdout.write(JSON.stringify({ exitCode: r.exitCode, findings: JSON.parse(r.stdout).length, maxRssKb: process.resourceUsage().maxRSS }));`;
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '-e', probe], { encoding: 'utf-8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = msSince(start);
  if (child.status !== 0) {
    return { ok: false, status: `failed (${child.signal ?? `exit ${child.status}`}: ${(child.stderr || '').split('\n').find(l => /heap|memory/i.test(l)) ?? ''})`, maxRssMb: NaN, ms };
  }
  const out = JSON.parse(child.stdout);
  return { ok: out.exitCode !== 2, status: `exit ${out.exitCode}, ${out.findings} findings`, maxRssMb: out.maxRssKb / 1024, ms };
}

export function doctorBench(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-bench-'));
  try {
    const tree = path.join(dir, 'repo');
    const written = writeTree(tree, MANIFESTS);
    const files = listInputs([tree]).files.map(f => f.path);
    const loadAll = (text: string) => jsYaml.loadAll(text);
    const yamlPackage = (text: string) => yaml.parseAllDocuments(text).map(d => d.toJS());
    const parse: number[] = [];
    const check: number[] = [];
    let findings = 0;
    // Warm-up, then interleaved repeats so neither side always runs first.
    if (parseAlone(files, loadAll).docs !== MANIFESTS) throw new Error('js-yaml did not read every manifest');
    doctor(tree);
    for (let r = 0; r < REPEATS; r++) {
      const order = r % 2 === 0 ? ['parse', 'doctor'] : ['doctor', 'parse'];
      for (const what of order) {
        if (what === 'parse') {
          parse.push(parseAlone(files, loadAll).ms);
        } else {
          const d = doctor(tree);
          check.push(d.ms);
          findings = d.findings;
        }
      }
    }
    // The parser the doctor used before, for scale (fewer repeats: it is slow).
    const older = [0, 1, 2].map(() => parseAlone(files, yamlPackage).ms);
    console.log(`\naffinity-doctor on ${MANIFESTS} manifests in ${written.files} files, 25 folders (${(written.bytes / 1024 / 1024).toFixed(1)} MiB of YAML, ${findings} findings), ${REPEATS} repeats`);
    // The fastest of the repeats too: on a shared machine it is the run least disturbed by others.
    console.log(table(['what', 'median ms', 'spread', 'fastest ms', 'vs js-yaml (median)', 'vs js-yaml (fastest)'], [
      ['js-yaml loadAll on the same files (read + parse)', median(parse).toFixed(1), `${spreadPercent(parse).toFixed(0)}%`, Math.min(...parse).toFixed(1), '1.00', '1.00'],
      ['affinity-doctor --format json <folder> (in process)', median(check).toFixed(1), `${spreadPercent(check).toFixed(0)}%`, Math.min(...check).toFixed(1),
        (median(check) / median(parse)).toFixed(2), (Math.min(...check) / Math.min(...parse)).toFixed(2)],
      ['yaml parseAllDocuments + toJS (for scale, 3 runs)', median(older).toFixed(1), `${spreadPercent(older).toFixed(0)}%`, Math.min(...older).toFixed(1),
        (median(older) / median(parse)).toFixed(2), (Math.min(...older) / Math.min(...parse)).toFixed(2)],
    ]));

    // Memory: about 50 MB of manifests, mostly dashboards ConfigMaps, in a fresh node with a 512 MB heap.
    // The CLI users run: the jsii-compiled lib/ (npx projen compile), which
    // loads its modules as it needs them, not the bench's own tsc copy.
    const cli = path.join(__dirname, '..', '..', '..', 'lib', 'doctor', 'cli.js');
    if (!fs.existsSync(cli)) {
      throw new Error(`${cli} is missing: run \`npx projen compile\` before the doctor's rows`);
    }
    const big = path.join(dir, 'big');
    const perApp = Math.round((MEMORY_MB * 1024 * 1024) / (MANIFESTS / 4) - 3000);
    const bigTree = writeTree(big, MANIFESTS, perApp);
    const bigMiB = bigTree.bytes / 1024 / 1024;
    const mem = memoryRun(cli, big);
    // The worst case: every file in one folder, so all of it is one app held at once.
    const oneFolder = path.join(dir, 'one-folder');
    writeTree(oneFolder, MANIFESTS, perApp, 1);
    const memOne = memoryRun(cli, oneFolder);
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const baseline = memoryRun(cli, empty);
    console.log(`\naffinity-doctor on ${bigMiB.toFixed(1)} MiB (${bigTree.files} files, mostly dashboards ConfigMaps), fresh node --max-old-space-size=${HEAP_MB}`);
    console.log(table(['what', 'result', 'peak RSS MiB', 'ms'], [
      ['node + the CLI, an empty folder', baseline.status, baseline.maxRssMb.toFixed(0), baseline.ms.toFixed(0)],
      ['25 folders (25 apps)', mem.status, mem.maxRssMb.toFixed(0), mem.ms.toFixed(0)],
      ['one folder (one app)', memOne.status, memOne.maxRssMb.toFixed(0), memOne.ms.toFixed(0)],
    ]));

    // The CLI as a user starts it, on one small file, against an empty node.
    const small = path.join(dir, 'app.yaml');
    fs.writeFileSync(small, manifestsYaml(4));
    const nodeStarts: number[] = [];
    const cliStarts: number[] = [];
    startMs([cli, small]);
    for (let r = 0; r < STARTS; r++) {
      nodeStarts.push(startMs(['-e', '0']));
      cliStarts.push(startMs([cli, small]));
    }
    console.log(`\naffinity-doctor start-up, fresh processes (${STARTS} each, interleaved)`);
    console.log(table(['what', 'ms', 'spread'], [
      ['node -e 0', median(nodeStarts).toFixed(1), `${spreadPercent(nodeStarts).toFixed(0)}%`],
      ['affinity-doctor app.yaml (4 manifests; lib/)', median(cliStarts).toFixed(1), `${spreadPercent(cliStarts).toFixed(0)}%`],
    ]));
    const atSynth = synthDoctorRows();
    console.log(`\nThe doctor at synth: App.synthYaml() of ${APP_INSTANCES} Ingresses (ingress-nginx) and their Services in each chart's namespace, with AffinityDoctorValidation.addTo(app) and without, fresh processes (${STARTS} each, alternating; ratio: median of each repeat's own)`);
    console.log(table(['charts', 'without ms', 'with ms', 'spread', 'with / without'], atSynth));
    console.log('\nDoctor, against the targets (goals to report, not checks):');
    console.log(`- doctor / js-yaml alone on the same ${MANIFESTS} manifests: ${(median(check) / median(parse)).toFixed(2)} by medians, ${(Math.min(...check) / Math.min(...parse)).toFixed(2)} by fastest runs (target <= 1.5)`);
    for (const [what, m] of [['25 folders', mem], ['one folder', memOne]] as const) {
      console.log(`- ${bigMiB.toFixed(0)} MiB in ${what} under a ${HEAP_MB} MB heap: ${m.ok ? 'checked' : 'NOT checked'}, peak RSS ${m.maxRssMb.toFixed(0)} MiB (${(m.maxRssMb - baseline.maxRssMb).toFixed(0)} MiB above an empty run)`);
    }
    console.log(`- CLI checking a 4-manifest file / node -e 0 (wall time; --version is in the whole-process rows): ${(median(cliStarts) / median(nodeStarts)).toFixed(2)} (+${(median(cliStarts) - median(nodeStarts)).toFixed(0)} ms)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  doctorBench();
}
