// affinity-doctor: time to check 5,000 manifests against the time to parse
// the same YAML alone, and the CLI's start-up against node's own. Prints
// ratios measured in this run; never fails on a figure.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'yaml';
import { median, msSince, spreadPercent, table } from './stats';
import { runRules } from '../src/doctor/engine';
import { parseManifests } from '../src/doctor/load';

const MANIFESTS = 5000;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const STARTS = Number(process.env.BENCH_CHILD_REPEATS ?? 5) * 2;

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

function parseAlone(text: string): number {
  const start = process.hrtime.bigint();
  const docs = yaml.parseAllDocuments(text);
  let n = 0;
  for (const d of Array.isArray(docs) ? docs : []) {
    if (d.toJS()) n++;
  }
  const ms = msSince(start);
  if (n !== MANIFESTS) throw new Error(`parsed ${n} manifests, expected ${MANIFESTS}`);
  return ms;
}

function doctor(text: string): { ms: number; findings: number } {
  const start = process.hrtime.bigint();
  const findings = runRules(parseManifests(text, 'bench.yaml')).length;
  return { ms: msSince(start), findings };
}

function startMs(args: string[]): number {
  const start = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
  return msSince(start);
}

export function doctorBench(): void {
  const text = manifestsYaml(MANIFESTS);
  const parse: number[] = [];
  const check: number[] = [];
  let findings = 0;
  // Warm-up, then interleaved repeats so neither side always runs first.
  parseAlone(text);
  doctor(text);
  for (let r = 0; r < REPEATS; r++) {
    if (r % 2 === 0) {
      parse.push(parseAlone(text));
      const d = doctor(text); check.push(d.ms); findings = d.findings;
    } else {
      const d = doctor(text); check.push(d.ms); findings = d.findings;
      parse.push(parseAlone(text));
    }
  }
  console.log(`\naffinity-doctor on ${MANIFESTS} manifests (${(text.length / 1024 / 1024).toFixed(1)} MiB of YAML, ${findings} findings), ${REPEATS} repeats`);
  console.log(table(['what', 'ms', 'spread'], [
    ['parse the YAML alone (yaml.parseAllDocuments + toJS)', median(parse).toFixed(1), `${spreadPercent(parse).toFixed(0)}%`],
    ['doctor: parse with lines + every rule', median(check).toFixed(1), `${spreadPercent(check).toFixed(0)}%`],
  ]));

  // The CLI as a user starts it, on one small file, against an empty node.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-bench-'));
  const small = path.join(dir, 'app.yaml');
  fs.writeFileSync(small, manifestsYaml(4));
  const cli = path.join(__dirname, '..', 'src', 'doctor', 'cli.js');
  const nodeStarts: number[] = [];
  const cliStarts: number[] = [];
  try {
    startMs([cli, small]);
    for (let r = 0; r < STARTS; r++) {
      nodeStarts.push(startMs(['-e', '0']));
      cliStarts.push(startMs([cli, small]));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\naffinity-doctor start-up, fresh processes (${STARTS} each, interleaved)`);
  console.log(table(['what', 'ms', 'spread'], [
    ['node -e 0', median(nodeStarts).toFixed(1), `${spreadPercent(nodeStarts).toFixed(0)}%`],
    ['affinity-doctor app.yaml (4 manifests)', median(cliStarts).toFixed(1), `${spreadPercent(cliStarts).toFixed(0)}%`],
  ]));
  console.log('\nDoctor, against the targets (goals to report, not checks):');
  console.log(`- doctor / parse alone at ${MANIFESTS} manifests: ${(median(check) / median(parse)).toFixed(2)} (target <= 2)`);
  console.log(`- CLI start-up / node -e 0: ${(median(cliStarts) / median(nodeStarts)).toFixed(2)} (+${(median(cliStarts) - median(nodeStarts)).toFixed(0)} ms)`);
}

if (require.main === module) {
  doctorBench();
}
