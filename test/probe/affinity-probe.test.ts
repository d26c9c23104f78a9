import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Duration, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AffinityDoctor, AffinityDoctorValidation, AffinityProbe, AffinityProbeProps, AffinityTimeout,
  GrafanaSessions, MultiPodGrafana, ProbeIdentity, Severity, StickyService,
} from '../../src';
import { CURL_IMAGE, HTTP_ECHO_IMAGE } from '../../src/probe/affinity-probe';
import { MIN_REQUESTS } from '../../src/probe/script';
import { synthExample } from '../util/examples';
import { Manifest, newChart, only, synthValid, validateManifests } from '../util/manifests';

/** An existing Service whose pods (`app: api`) answer on 8080. */
function apiService(chart: Chart): kplus.Service {
  return new kplus.Service(chart, 'Api', { metadata: { name: 'api' }, ports: [{ port: 8080 }], selector: kplus.Pods.select(chart, 'ApiPods', { labels: { app: 'api' } }) });
}

function synthProbe(props: AffinityProbeProps = {}, namespace = 'default'): Manifest[] {
  const chart = newChart(namespace);
  new AffinityProbe(chart, 'Probe', props);
  return synthValid(chart);
}

describe('AffinityProbe with its own echo app', () => {
  test('renders the seed test app: http-echo pods naming themselves, a ClientIP Service 80 -> 5678, and a probe Job', () => {
    // GIVEN / WHEN
    const manifests = synthProbe();

    // THEN
    expect(manifests.map(m => m.kind)).toEqual(['Deployment', 'Service', 'Service', 'Job']);
    const deployment = only(manifests, 'Deployment');
    expect(deployment.spec.replicas).toEqual(3);
    const echo = deployment.spec.template.spec.containers[0];
    expect(echo.image).toEqual(HTTP_ECHO_IMAGE);
    expect(echo.args).toEqual(['-text=$(POD_NAME)']);
    expect(echo.env).toEqual([{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }]);
    expect(echo.ports).toEqual([{ containerPort: 5678, name: 'http' }]);
    expect(echo.readinessProbe.httpGet).toMatchObject({ path: '/', port: 5678 });
    expect(echo.livenessProbe.httpGet).toMatchObject({ path: '/', port: 5678 });
    expect(echo.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, allowPrivilegeEscalation: false });
    expect(echo.resources.requests).toEqual({ cpu: '10m', memory: '16Mi' });

    const [service, spread] = manifests.filter(m => m.kind === 'Service');
    expect(service.spec.type).toEqual('ClusterIP');
    expect(service.spec.sessionAffinity).toEqual('ClientIP');
    expect(service.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 300 } });
    expect(service.spec.ports).toEqual([{ port: 80, targetPort: 5678, name: 'http' }]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);

    // The spread Service: the same pods and target, without affinity.
    expect(spread.metadata.namespace).toEqual('default');
    expect(spread.spec).toEqual({ type: 'ClusterIP', selector: deployment.spec.selector.matchLabels, ports: [{ port: 80, targetPort: 5678 }] });

    const job = only(manifests, 'Job');
    expect(job.metadata.namespace).toEqual('default');
    expect(job.spec.backoffLimit).toEqual(0);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toEqual('Never');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    const probe = pod.containers[0];
    expect(probe.image).toEqual(CURL_IMAGE);
    expect(probe.command.slice(0, 2)).toEqual(['/bin/sh', '-c']);
    // The kubelet would rewrite these before sh sees the script.
    expect(probe.command[2]).not.toMatch(/\$\$|\$\([A-Za-z_][A-Za-z0-9_]*\)/);
    expect(probe.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(envOf(job)).toEqual({
      PROBE_URL: `http://${service.metadata.name}:80/`,
      PROBE_REQUESTS: '21',
      PROBE_INTERVAL_SECONDS: '1',
      PROBE_WAIT_SECONDS: '120',
      PROBE_SPREAD_URL: `http://${spread.metadata.name}:80/`,
      PROBE_SPREAD_SECONDS: '120',
    });
    // Each wait ends by the clock (up to 3s late), each request within 5s plus the interval (and 1s for its processes), and 60s to start the pod.
    expect(job.spec.activeDeadlineSeconds).toEqual((120 + 3) + (120 + 3) + 21 * (5 + 1 + 1) + 60);
    expect(manifests).toMatchSnapshot();
  });

  test('takes replicas, affinityTimeout, requests and interval', () => {
    const manifests = synthProbe({ replicas: 5, affinityTimeout: Duration.minutes(10), requests: 50, interval: Duration.seconds(0) });
    expect(only(manifests, 'Deployment').spec.replicas).toEqual(5);
    expect(manifests.find(m => m.kind === 'Service')!.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toEqual(600);
    expect(envOf(only(manifests, 'Job'))).toMatchObject({ PROBE_REQUESTS: '50', PROBE_INTERVAL_SECONDS: '0' });
  });

  test('exposes its parts', () => {
    const probe = new AffinityProbe(newChart(), 'Probe');
    expect(probe.deployment).toBeInstanceOf(kplus.Deployment);
    expect(probe.service).toBeInstanceOf(StickyService);
    expect(probe.job).toBeInstanceOf(kplus.Job);
    expect(probe.requests).toEqual(21);
    expect(probe.url).toEqual(`http://${probe.service.name}:80/`);
  });
});

describe('AffinityProbe against an existing Service', () => {
  test('deploys only the Job, in the Service\'s namespace, calling its port and path', () => {
    // GIVEN
    const chart = newChart();
    const grafana = new StickyService(chart, 'Grafana', {
      metadata: { name: 'grafana', namespace: 'observability' },
      ports: [{ port: 3000, targetPort: 3000 }],
    });
    grafana.selectLabel('app', 'grafana');

    // WHEN
    const probe = new AffinityProbe(chart, 'Probe', { service: grafana, path: '/whoami', podIdentity: ProbeIdentity.firstBodyLine() });

    // THEN
    const manifests = synthValid(chart);
    expect(probe.deployment).toBeUndefined();
    expect(manifests.map(m => m.kind)).toEqual(['Service', 'Service', 'Job']);
    const job = only(manifests, 'Job');
    expect(job.metadata.namespace).toEqual('observability');
    expect(envOf(job).PROBE_URL).toEqual('http://grafana:3000/whoami');
    expect(envOf(job).PROBE_IDENTITY_HEADER).toBeUndefined();
    const spread = manifests.filter(m => m.kind === 'Service')[1];
    expect(spread.metadata.namespace).toEqual('observability');
    expect(spread.spec).toEqual({ type: 'ClusterIP', selector: { app: 'grafana' }, ports: [{ port: 3000, targetPort: 3000 }] });
    expect(envOf(job).PROBE_SPREAD_URL).toEqual(`http://${spread.metadata.name}:3000/whoami`);
    // Only the probe calls the Service without affinity: the doctor does not ask it to keep users on their pods.
    expect(spread.metadata.annotations).toEqual({ [AffinityDoctor.USER_FACING_ANNOTATION]: 'false' });
  });

  test('GIVEN a Service that reaches only the pods on the client\'s node, or of its zone first THEN the Service without affinity reaches the same pods, no more', () => {
    // A plain Service with internalTrafficPolicy Local reaches one pod when one runs on the Job's node:
    // the probe's second Service must see that pod only, or its answers from one pod would read as sticky.
    const chart = newChart();
    const api = new kplus.Service(chart, 'Api', {
      metadata: { name: 'api', annotations: { 'service.kubernetes.io/topology-mode': 'Auto' } },
      ports: [{ port: 80, targetPort: 8080 }],
    });
    api.selectLabel('app', 'api');
    ApiObject.of(api).addJsonPatch(JsonPatch.add('/spec/internalTrafficPolicy', 'Local'));
    new AffinityProbe(chart, 'Probe', { service: api, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') });
    const spread = synthValid(chart).filter(m => m.kind === 'Service')[1];
    expect(spread.spec.internalTrafficPolicy).toEqual('Local');
    expect(spread.metadata.annotations).toEqual({ [AffinityDoctor.USER_FACING_ANNOTATION]: 'false', 'service.kubernetes.io/topology-mode': 'Auto' });
  });

  test('GIVEN Grafana\'s quick fix probed with the doctor at synth THEN the app synthesizes: the probe\'s Service without affinity is not taken for a way in for users', () => {
    // GIVEN Grafana on SQLite behind its sticky Service, and a probe of that Service
    const app = Testing.app();
    const chart = new Chart(app, 'grafana', { namespace: 'observability' });
    const grafana = new MultiPodGrafana(chart, 'Grafana', {
      adminPassword: { secret: kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin'), key: 'password' },
      sessions: GrafanaSessions.clientIpAffinity(),
    });
    new AffinityProbe(chart, 'Probe', { service: grafana.service, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') });
    AffinityDoctorValidation.addTo(app);
    // WHEN the app is written THEN the doctor finds nothing that fails it
    expect(() => app.synth()).not.toThrow();
    // AND the same files read by the CLI's engine give no error either
    const errors = AffinityDoctor.check(chart.toJson()).filter(f => f.severity === Severity.ERROR);
    expect(errors).toEqual([]);
  });

  test('reads the pod\'s name from the response header podIdentity names', () => {
    // GIVEN an app whose health endpoint answers alike on every pod, naming the pod in a header
    const chart = newChart();
    const api = apiService(chart);

    // WHEN
    const probe = new AffinityProbe(chart, 'Probe', { service: api, path: '/api/health', podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') });

    // THEN
    const job = only(synthValid(chart), 'Job');
    expect(envOf(job).PROBE_IDENTITY_HEADER).toEqual('X-Pod-Name');
    expect(probe.podIdentity).toEqual({ responseHeader: 'X-Pod-Name', description: 'response header X-Pod-Name' });
  });

  test('GIVEN a header name with a $ THEN it is written so that Kubernetes\' $$ reduction gives it back', () => {
    const chart = newChart();
    const api = apiService(chart);
    new AffinityProbe(chart, 'Probe', { service: api, podIdentity: ProbeIdentity.responseHeader('X-Pod$$Name') });
    const job = only(synthValid(chart), 'Job');
    expect(envOf(job).PROBE_IDENTITY_HEADER).toEqual('X-Pod$$$$Name');
    expect(kubernetesExpansion(envOf(job).PROBE_IDENTITY_HEADER)).toEqual('X-Pod$$Name');
  });

  test('GIVEN labels the Service selects after the probe is made THEN the spread Service selects them too, on the port\'s target', () => {
    // GIVEN a Service whose port targets a named container port, and one more label added later
    const chart = newChart();
    const web = new kplus.Service(chart, 'Web', {
      metadata: { name: 'web', namespace: 'shop' },
      ports: [{ port: 80, targetPort: 8080, protocol: kplus.Protocol.TCP }],
      selector: kplus.Pods.select(chart, 'WebPods', { labels: { app: 'web' } }),
    });

    // WHEN
    new AffinityProbe(chart, 'Probe', { service: web, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') });
    web.selectLabel('tier', 'frontend');

    // THEN the spread Service matches the Service's selector as written, and has no affinity
    const spread = synthValid(chart).filter(m => m.kind === 'Service')[1];
    expect(spread.metadata.namespace).toEqual('shop');
    expect(spread.spec).toEqual({
      type: 'ClusterIP',
      selector: { app: 'web', tier: 'frontend' },
      ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
    });
  });

  test('picks the named port of a Service with several', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'Web', { ports: [{ port: 80, name: 'http' }, { port: 8080, name: 'admin' }], selector: kplus.Pods.select(chart, 'WebPods', { labels: { app: 'web' } }) });
    const probe = new AffinityProbe(chart, 'Probe', { service, port: 8080, podIdentity: ProbeIdentity.firstBodyLine() });
    expect(probe.url).toEqual(`http://${service.name}:8080/`);
  });
});

/** The refusal of a `requests` count, which names the range and the chance of a false PASS. */
function requestsRefused(value: string): string {
  return `test/Probe: 'requests' (${value}) must be a whole number from 21 to 1000: a Service that is not sticky, over two pods answering at random, gives all N answers from one pod once in 2^(N-1) runs, a false PASS; 21 keeps that under one in a million (1 in 2^20)`;
}

describe('AffinityProbe refuses', () => {
  const refusals: Array<[string, AffinityProbeProps, string]> = [
    ['one replica', { replicas: 1 },
      "test/Probe: 'replicas' (1) must be a whole number of at least 2: with one pod every answer comes from it, and the probe proves nothing"],
    ['one request', { requests: 1 }, requestsRefused('1')],
    ['two requests, all from one pod of two by chance once in two runs', { requests: 2 }, requestsRefused('2')],
    ['the old default of ten requests, a false PASS once in 512 runs', { requests: 10 }, requestsRefused('10')],
    ['20 requests, a false PASS once in 2^19 runs, above one in a million', { requests: 20 }, requestsRefused('20')],
    ['more than 1000 requests', { requests: 1001 }, requestsRefused('1001')],
    ['a fractional request count', { requests: 21.5 }, requestsRefused('21.5')],
    ['a fractional interval', { interval: Duration.millis(1500) },
      "test/Probe: 'interval' (1.5s) must be a whole number of seconds from 0 to 60"],
    ['an interval as long as the affinity timeout', { interval: Duration.seconds(30), affinityTimeout: Duration.seconds(30) },
      "test/Probe: 'interval' (30s) must be shorter than the Service's affinityTimeout (30s): affinity lapses between requests otherwise"],
    ['a path without a leading slash', { path: 'health' },
      "test/Probe: 'path' (\"health\") must start with '/' and contain no spaces or control characters"],
    ['an affinity timeout Kubernetes refuses', { affinityTimeout: Duration.days(2) },
      "test/Probe/Service: 'affinityTimeout' (172800s) must be a whole number of seconds from 1 to 86400 (24 hours)"],
  ];
  test.each(refusals)('%s', (_what, props, message) => {
    expect(() => new AffinityProbe(newChart(), 'Probe', props)).toThrow(message);
  });

  test('an existing Service without podIdentity, since identical answers prove nothing', () => {
    // GIVEN a Service whose pods all answer /api/health alike
    const chart = newChart();
    const service = apiService(chart);

    // WHEN probed without saying where an answer names its pod THEN it is refused
    expect(() => new AffinityProbe(chart, 'Probe', { service, path: '/api/health' })).toThrow(
      "test/Probe: 'podIdentity' (not given) must say where each answer of an existing 'service' names the pod that sent it, such as ProbeIdentity.responseHeader('X-Pod-Name') with the header set from the pod's metadata.name: pods that answer alike, as every health endpoint does, give identical answers whether or not the Service is sticky, so identical answers prove nothing");
  });

  test('an existing Service that selects no pods by label, since the probe cannot reach two of its pods without affinity', () => {
    // GIVEN a Service without a selector (its endpoints kept by hand or by another controller)
    const chart = newChart();
    const service = new kplus.Service(chart, 'Api', { metadata: { name: 'api' }, ports: [{ port: 8080 }] });

    // WHEN probed THEN it is refused
    expect(() => new AffinityProbe(chart, 'Probe', { service, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') })).toThrow(
      "test/Probe: 'service' (api) must select its pods by label before the probe is made: the probe reaches the same pods through a Service without affinity, to see two of them answer, and a Service without a selector names no pods it could select");
  });

  test.each(['', 'X Pod', 'X-Pod:', 'Pod\u00e9', 'X-(Pod)'])('a response header name that is no HTTP token: %j', (name) => {
    const chart = newChart();
    const service = apiService(chart);
    expect(() => new AffinityProbe(chart, 'Probe', { service, podIdentity: ProbeIdentity.responseHeader(name) })).toThrow(
      `test/Probe: 'podIdentity' (responseHeader(${JSON.stringify(name)})) must name an HTTP header: one or more letters, digits or !#$%&'*+-.^_\`|~ (an RFC 9110 token)`);
  });

  test('a response header for the echo app, whose pods name themselves in the body only', () => {
    expect(() => new AffinityProbe(newChart(), 'Probe', { podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') })).toThrow(
      "test/Probe: 'podIdentity' (response header X-Pod-Name) must be ProbeIdentity.firstBodyLine() (or left out) for the echo app the probe deploys: http-echo names its pod in its body, in no header");
  });

  test('echo-app settings with an existing Service', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'Web', { ports: [{ port: 80 }], selector: kplus.Pods.select(chart, 'WebPods', { labels: { app: 'web' } }) });
    expect(() => new AffinityProbe(chart, 'Probe', { service, affinityTimeout: AffinityTimeout.AFFINITY_PROBE }))
      .toThrow("test/Probe: 'affinityTimeout' (300s) only applies to the echo app the probe deploys: leave it out when probing an existing 'service'");
    expect(() => new AffinityProbe(chart, 'Probe2', { service, replicas: 4 }))
      .toThrow("test/Probe2: 'replicas' (4) only applies to the echo app the probe deploys: leave it out when probing an existing 'service'");
  });

  test('a Service with several ports and no port chosen, or a port it lacks', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'Web', { ports: [{ port: 80, name: 'http' }, { port: 8080, name: 'admin' }], selector: kplus.Pods.select(chart, 'WebPods', { labels: { app: 'web' } }) });
    expect(() => new AffinityProbe(chart, 'Probe', { service, podIdentity: ProbeIdentity.firstBodyLine() }))
      .toThrow("test/Probe: 'port' (not given) must name one of the Service's ports (80, 8080): it has several");
    expect(() => new AffinityProbe(chart, 'Probe2', { service, port: 9090, podIdentity: ProbeIdentity.firstBodyLine() }))
      .toThrow("test/Probe2: 'port' (9090) must be one of the Service's ports (80, 8080)");
  });

  test('a chart name Kubernetes refuses', () => {
    const chart = newChart();
    expect(() => new AffinityProbe(chart, 'My_Probe')).toThrow(
      "test/My_Probe: 'metadata.name' (\"test-my_probe-c8b441b0\") must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253 characters");
  });
});

// --- The script, run as rendered ------------------------------------------

function envOf(job: Manifest): Record<string, string> {
  return Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
}

/** What the kubelet does to an env value before the container sees it: `$$` becomes `$` (no `$(VAR)` here). */
function kubernetesExpansion(value: string): string {
  return value.replace(/\$\$/g, '$');
}

interface Run { code: number; stdout: string; seconds: number }

/** Where the script's first phase calls, and for how long (by default: two pods answering in turn, found at once). */
interface Spread { url?: string; seconds?: number }

/**
 * Runs the Job's script with sh and curl, its env as the container gets it
 * but for the URLs (and the spread phase's wait, when given, and any `env`).
 */
function runScript(job: Manifest, url: string, spread: Spread = {}, env: Record<string, string> = {}): Promise<Run> {
  const spreadEnv = {
    PROBE_SPREAD_URL: spread.url ?? twoPods.url,
    ...(spread.seconds !== undefined ? { PROBE_SPREAD_SECONDS: String(spread.seconds) } : {}),
  };
  return runRendered(job, { PATH: process.env.PATH!, PROBE_URL: url, ...spreadEnv, ...env });
}

/** Runs the Job's script with sh, its env as the container gets it, with `env` on top; `seconds` is how long it took. */
function runRendered(job: Manifest, env: Record<string, string>): Promise<Run> {
  const [shell, flag, script] = job.spec.template.spec.containers[0].command;
  expect(shell).toEqual('/bin/sh');
  const rendered = Object.fromEntries(Object.entries(envOf(job)).map(([k, v]) => [k, kubernetesExpansion(v)]));
  expect(rendered.PROBE_SPREAD_URL).toMatch(/^http:\/\//);
  const start = Date.now();
  return new Promise(resolve => {
    execFile('sh', [flag, script], { env: { ...rendered, ...env }, timeout: 30_000 },
      (error, stdout) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, seconds: (Date.now() - start) / 1000 }));
  });
}

/** A local stand-in for the Service: answers with the names in turn. */
async function standIn(names: string[]): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    const name = names[hits % names.length];
    hits++;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`${name}\n`);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    hits: () => hits,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

/**
 * A stand-in for the spread Service over two Ready pods: answers name pod a
 * and pod b in turn, in the body and in X-Pod-Name.
 */
let twoPods: { url: string; close: () => Promise<void> };
beforeAll(async () => {
  twoPods = await standInWith(n => {
    const pod = n % 2 === 0 ? 'pod-a' : 'pod-b';
    return { headers: { 'X-Pod-Name': pod }, body: `${pod}\n` };
  });
});
afterAll(() => twoPods.close());

/** One answer of a stand-in backend. */
interface Answer { status?: number; headers?: Record<string, string>; body: string }

/** A local stand-in for the Service whose n-th answer is `answer(n)` (from 0; the first is the readiness check). */
async function standInWith(answer: (n: number) => Answer): Promise<{ url: string; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    const a = answer(hits++);
    res.writeHead(a.status ?? 200, { 'content-type': 'text/plain', ...a.headers });
    res.end(a.body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/health`,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}

describe('the probe script with a response header naming the pod, run as rendered against a local stand-in', () => {
  // GIVEN the Job probing an existing Service whose pods name themselves in X-Pod-Name
  const chart = newChart();
  const api = apiService(chart);
  new AffinityProbe(chart, 'Probe', {
    service: api, path: '/api/health', interval: Duration.seconds(0), podIdentity: ProbeIdentity.responseHeader('X-Pod-Name'),
  });
  const job = only(synthValid(chart), 'Job');
  const healthy = '{"database":"ok","version":"11.3.0"}\n';

  test('fails when two backends answer the same body with different identity headers', async () => {
    // WHEN the answers alternate between two pods whose bodies are identical
    const server = await standInWith(n => ({ headers: { 'X-Pod-Name': n % 2 === 0 ? 'api-7d9f-aaaaa' : 'api-7d9f-bbbbb' }, body: healthy }));
    try {
      const run = await runScript(job, server.url);
      // THEN the probe sees two pods and fails
      expect(run.stdout).toMatch(/^\s+10 api-7d9f-aaaaa$/m);
      expect(run.stdout).toMatch(/^\s+11 api-7d9f-bbbbb$/m);
      expect(run.stdout).toContain('affinity probe: FAIL: 21 answers came from 2 pods');
      expect(run.code).toEqual(1);
    } finally {
      await server.close();
    }
  });

  test('passes when one backend answers every request, matching the header name without regard to case', async () => {
    const server = await standInWith(() => ({ headers: { 'x-pod-name': ' api-7d9f-aaaaa ' }, body: healthy }));
    try {
      const run = await runScript(job, server.url);
      expect(run.stdout).toContain('each answer names its pod in its response header X-Pod-Name');
      expect(run.stdout).toContain('request 21/21: api-7d9f-aaaaa');
      expect(run.stdout).toContain('affinity probe: PASS: all 21 answers came from api-7d9f-aaaaa');
      expect(run.code).toEqual(0);
    } finally {
      await server.close();
    }
  });

  test('fails when an answer lacks the header, even if every other answer names one pod', async () => {
    const server = await standInWith(n => ({ headers: n === 4 ? {} as Record<string, string> : { 'X-Pod-Name': 'api-7d9f-aaaaa' }, body: healthy }));
    try {
      const run = await runScript(job, server.url);
      expect(run.stdout).toContain('request 4/21: (answer without a pod name in its response header X-Pod-Name)');
      expect(run.stdout).toContain('affinity probe: FAIL: 1 of 21 answers did not name their pod in the response header X-Pod-Name; an answer that does not say which pod sent it proves nothing');
      expect(run.code).toEqual(1);
    } finally {
      await server.close();
    }
  });

  test('fails when no answer has the header: identical answers are not one pod', async () => {
    const server = await standInWith(() => ({ body: healthy }));
    try {
      const run = await runScript(job, server.url);
      expect(run.stdout).toContain('affinity probe: FAIL: 21 of 21 answers did not name their pod');
      expect(run.code).toEqual(1);
    } finally {
      await server.close();
    }
  });

  test('reads a header whose name holds a $, as the container gets it', async () => {
    const dollar = newChart();
    const svc = apiService(dollar);
    new AffinityProbe(dollar, 'Probe', { service: svc, interval: Duration.seconds(0), podIdentity: ProbeIdentity.responseHeader('X-Pod$$Name') });
    const server = await standInWith(() => ({ headers: { 'X-Pod$$Name': 'api-a' }, body: healthy }));
    const spread = await standInWith(n => ({ headers: { 'X-Pod$$Name': n % 2 === 0 ? 'api-a' : 'api-b' }, body: healthy }));
    try {
      const run = await runScript(only(synthValid(dollar), 'Job'), server.url, { url: spread.url });
      expect(run.stdout).toContain('affinity probe: PASS: all 21 answers came from api-a, while without affinity both api-a and api-b answered');
    } finally {
      await server.close();
      await spread.close();
    }
  });
});

describe('the probe script, run as rendered with sh and curl against a local stand-in', () => {
  // The rendered Job, with no pause so the test runs in well under a second.
  const job = only(synthProbe({ interval: Duration.seconds(0) }), 'Job');

  test('passes when every answer names one pod', async () => {
    const server = await standIn(['echo-7d9f-abcde']);
    try {
      const run = await runScript(job, server.url);
      expect(run.stdout).toContain('request 21/21: echo-7d9f-abcde');
      expect(run.stdout).toMatch(/^\s+21 echo-7d9f-abcde$/m);
      expect(run.stdout).toContain('affinity probe: PASS: all 21 answers came from echo-7d9f-abcde');
      expect(run.code).toEqual(0);
      // One readiness request, then the 21 counted.
      expect(server.hits()).toEqual(22);
    } finally {
      await server.close();
    }
  });

  test('fails when answers alternate between pods, and says which pods answered how often', async () => {
    const server = await standIn(['echo-a', 'echo-b']);
    try {
      const run = await runScript(job, server.url);
      expect(run.stdout).toMatch(/^\s+10 echo-a$/m);
      expect(run.stdout).toMatch(/^\s+11 echo-b$/m);
      expect(run.stdout).toContain('affinity probe: FAIL: 21 answers came from 2 pods');
      expect(run.code).toEqual(1);
    } finally {
      await server.close();
    }
  });

  test('fails when an answer\'s body is empty: an empty line names no pod', async () => {
    const server = await standInWith(() => ({ body: '' }));
    try {
      const run = await runScript(job, server.url);
      expect(run.stdout).toContain('request 1/21: (answer without a pod name in its first line of the body)');
      expect(run.stdout).toContain('affinity probe: FAIL: 21 of 21 answers did not name their pod in the first line of the body');
      expect(run.code).toEqual(1);
    } finally {
      await server.close();
    }
  });

  test('fails when a request gets no answer', async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.writeHead(hits === 5 ? 503 : 200);
      res.end('echo-a\n');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const run = await runScript(job, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(run.stdout).toContain('(no answer)');
      expect(run.stdout).toContain('affinity probe: FAIL: 1 of 21 requests got no answer');
      expect(run.code).toEqual(1);
    } finally {
      await new Promise(resolve => server.close(resolve));
    }
  });
});

describe('the probe script before it checks stickiness: two pods must answer without affinity', () => {
  // GIVEN the rendered Job of the echo app, with no pause between requests
  const job = only(synthProbe({ interval: Duration.seconds(0) }), 'Job');

  test('GIVEN one Ready pod (the others still starting) THEN the Job is INCONCLUSIVE, not PASS, though every answer came from one pod', async () => {
    // WHEN the sticky Service and the Service without affinity both reach only echo-a
    const sticky = await standIn(['echo-a']);
    const spread = await standIn(['echo-a']);
    try {
      const run = await runScript(job, sticky.url, { url: spread.url, seconds: 1 });

      // THEN it stops before the stickiness check, with a non-zero exit
      expect(run.stdout).toContain('without affinity: echo-a');
      expect(run.stdout).toContain('affinity probe: INCONCLUSIVE: within 1s every answer without affinity came from echo-a: fewer than two pods are Ready, or the first line of the body is alike on every pod; one pod answers every request whether or not the Service is sticky, so stickiness was not tested');
      expect(run.stdout).not.toContain('PASS');
      expect(run.stdout).not.toContain('request 1/21');
      expect(run.code).toEqual(3);
      expect(sticky.hits()).toEqual(1);
    } finally {
      await sticky.close();
      await spread.close();
    }
  });

  test('GIVEN a second pod that becomes Ready later THEN the Job waits for it, then checks stickiness and passes', async () => {
    // WHEN the first three answers without affinity come from echo-a only
    const sticky = await standIn(['echo-a']);
    const spread = await standIn(['echo-a', 'echo-a', 'echo-a', 'echo-b']);
    try {
      const run = await runScript(job, sticky.url, { url: spread.url, seconds: 20 });

      // THEN both pods are named, and the sticky Service's 21 answers from one pod pass
      expect(run.stdout).toContain('without affinity: echo-a\nwithout affinity: echo-b\n');
      expect(run.stdout).toContain('affinity probe: PASS: all 21 answers came from echo-a, while without affinity both echo-a and echo-b answered');
      expect(run.code).toEqual(0);
      expect(spread.hits()).toEqual(4);
    } finally {
      await sticky.close();
      await spread.close();
    }
  });

  test('GIVEN no answer without affinity names a pod THEN the Job is INCONCLUSIVE', async () => {
    const sticky = await standIn(['echo-a']);
    const spread = await standInWith(() => ({ body: '' }));
    try {
      const run = await runScript(job, sticky.url, { url: spread.url, seconds: 0 });
      expect(run.stdout).toContain(`affinity probe: INCONCLUSIVE: no answer from ${spread.url} named its pod in its first line of the body within 0s; without two pods answering, stickiness cannot be told apart from a single pod`);
      expect(run.code).toEqual(3);
    } finally {
      await sticky.close();
      await spread.close();
    }
  });

  test('GIVEN Grafana probed with firstBodyLine() on /api/health THEN its pods, alike in their first line, never pass', async () => {
    // GIVEN an existing Service over four pods that all answer the same JSON
    const chart = newChart();
    const grafana = new StickyService(chart, 'Grafana', { metadata: { name: 'grafana' }, ports: [{ port: 3000 }] });
    grafana.selectLabel('app', 'grafana');
    new AffinityProbe(chart, 'Probe', { service: grafana, path: '/api/health', interval: Duration.seconds(0), podIdentity: ProbeIdentity.firstBodyLine() });
    const grafanaJob = only(synthValid(chart), 'Job');
    const health = '{\n  "database": "ok",\n  "version": "11.3.0"\n}\n';
    const sticky = await standInWith(() => ({ body: health }));
    const spread = await standInWith(() => ({ body: health }));
    try {
      // WHEN the Job runs
      const run = await runScript(grafanaJob, sticky.url, { url: spread.url, seconds: 1 });

      // THEN the first line `{` is seen as one pod only: INCONCLUSIVE, naming the identity as a cause
      expect(run.stdout).toContain('affinity probe: INCONCLUSIVE: within 1s every answer without affinity came from {: fewer than two pods are Ready, or the first line of the body is alike on every pod');
      expect(run.stdout).not.toContain('PASS');
      expect(run.code).toEqual(3);
    } finally {
      await sticky.close();
      await spread.close();
    }
  });
});

describe('AffinityProbe requests: a PASS by chance is negligible', () => {
  test('GIVEN two pods answering at random THEN all N answers come from one with a chance of 2^(1-N): the fewest requests allowed, and the default, keep it at most one in a million', () => {
    // GIVEN the chance that a Service without affinity over two pods gives every answer from one of them
    const chance = (n: number): number => 2 * 0.5 ** n;

    // THEN the minimum is the fewest requests that keep that chance at most one in a million
    expect(MIN_REQUESTS).toEqual(21);
    expect(chance(MIN_REQUESTS)).toBeLessThanOrEqual(1e-6);
    expect(chance(MIN_REQUESTS - 1)).toBeGreaterThan(1e-6);
    // AND the default makes at least that many, and the minimum itself is taken
    expect(new AffinityProbe(newChart(), 'Probe').requests).toBeGreaterThanOrEqual(MIN_REQUESTS);
    expect(new AffinityProbe(newChart(), 'Probe', { requests: MIN_REQUESTS }).requests).toEqual(MIN_REQUESTS);
  });

  test('GIVEN a Job whose PROBE_REQUESTS was edited below the minimum THEN its script ends INCONCLUSIVE before calling anything', async () => {
    const job = only(synthProbe({ interval: Duration.seconds(0) }), 'Job');
    const sticky = await standIn(['echo-a']);
    try {
      const run = await runScript(job, sticky.url, {}, { PROBE_REQUESTS: '2' });
      expect(run.stdout).toContain('affinity probe: INCONCLUSIVE: 2 requests are too few: a Service without affinity over two pods would give them all from one pod with a chance of 1 in 2^1; at least 21 bring it under one in a million');
      expect(run.stdout).not.toContain('PASS');
      expect(run.code).toEqual(3);
      expect(sticky.hits()).toEqual(0);
    } finally {
      await sticky.close();
    }
  });

  test('GIVEN a PASS THEN the log says how unlikely it was by chance', async () => {
    const job = only(synthProbe({ interval: Duration.seconds(0) }), 'Job');
    const sticky = await standIn(['echo-a']);
    try {
      const run = await runScript(job, sticky.url);
      expect(run.stdout).toContain('affinity probe: PASS: all 21 answers came from echo-a, while without affinity both pod-a and pod-b answered; by chance alone, two or more pods answering at random would give all 21 answers from one pod at most once in 2^20 runs');
      expect(run.code).toEqual(0);
    } finally {
      await sticky.close();
    }
  });
});

describe('AffinityProbe refuses a Service without a virtual IP, where ClientIP affinity never applies', () => {
  const selector = (chart: Chart): kplus.Pods => kplus.Pods.select(chart, 'ApiPods', { labels: { app: 'api' } });

  test('GIVEN a headless Service (clusterIP: None) THEN it is refused, as StickyService refuses it', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'Api', { metadata: { name: 'api' }, clusterIP: 'None', ports: [{ port: 8080 }], selector: selector(chart) });
    expect(() => new AffinityProbe(chart, 'Probe', { service, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') })).toThrow(
      "test/Probe: 'service' (api, clusterIP: None) must have a cluster IP: a headless Service has no virtual IP, so clients resolve pod IPs from DNS and nothing applies ClientIP affinity, so there is no stickiness to prove, and the probe would reach a pod directly on the Service's port and end in \"never answered\"");
  });

  test('GIVEN a Service made headless in its manifest (clusterIPs: [None]) THEN it is refused too', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'Api', { metadata: { name: 'api' }, ports: [{ port: 8080 }], selector: selector(chart) });
    ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/clusterIPs', ['None']));
    expect(() => new AffinityProbe(chart, 'Probe', { service, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') }))
      .toThrow("test/Probe: 'service' (api, clusterIP: None) must have a cluster IP");
  });

  test('GIVEN an ExternalName Service THEN it is refused', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'Api', {
      metadata: { name: 'api' }, type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'api.example.com', ports: [{ port: 8080 }], selector: selector(chart),
    });
    expect(() => new AffinityProbe(chart, 'Probe', { service, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') })).toThrow(
      "test/Probe: 'service' (api, type ExternalName) must be a ClusterIP, NodePort or LoadBalancer Service: an ExternalName Service is a DNS alias, and kube-proxy has no endpoints to keep a client on, so there is no stickiness to prove");
  });

  test('GIVEN a Service with a cluster IP given explicitly THEN it is probed', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'Api', { metadata: { name: 'api' }, clusterIP: '10.96.0.42', ports: [{ port: 8080 }], selector: selector(chart) });
    const probe = new AffinityProbe(chart, 'Probe', { service, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') });
    expect(probe.url).toEqual('http://api:8080/');
  });
});

/** A server that accepts connections and never answers: a Service behind a NetworkPolicy that drops replies, or a hung app. */
async function blackHole(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer(socket => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise(resolve => {
      sockets.forEach(s => s.destroy());
      server.close(() => resolve());
    }),
  };
}

describe('the probe script\'s waits are measured by the clock, so every path ends with its verdict', () => {
  const job = only(synthProbe({ interval: Duration.seconds(0) }), 'Job');

  test('GIVEN a Service that accepts connections and never answers WHEN the Job waits up to 3s THEN it says so and exits 2 after about 3s, not one 5s request per second waited', async () => {
    const hole = await blackHole();
    try {
      const run = await runScript(job, hole.url, {}, { PROBE_WAIT_SECONDS: '3' });
      expect(run.stdout).toContain(`affinity probe: FAIL: ${hole.url} never answered within 3s`);
      expect(run.code).toEqual(2);
      // It took 23s before: each of the 4 turns waited for curl's 5s, then slept 1s.
      expect(run.seconds).toBeGreaterThanOrEqual(2);
      expect(run.seconds).toBeLessThan(3 + 3);
    } finally {
      await hole.close();
    }
  }, 20_000);

  test('GIVEN a Service without affinity that accepts connections and never answers WHEN the Job waits up to 3s THEN it ends INCONCLUSIVE after about 3s', async () => {
    const sticky = await standIn(['echo-a']);
    const hole = await blackHole();
    try {
      const run = await runScript(job, sticky.url, { url: hole.url, seconds: 3 });
      expect(run.stdout).toContain(`affinity probe: INCONCLUSIVE: no answer from ${hole.url} named its pod in its first line of the body within 3s`);
      expect(run.code).toEqual(3);
      expect(run.seconds).toBeLessThan(3 + 3);
    } finally {
      await sticky.close();
      await hole.close();
    }
  }, 20_000);
});

/**
 * Stand-ins for `curl`, `date` and `sleep` on a clock of their own (a file
 * of seconds): sleep adds to it, and a request that gets no answer takes
 * all of its `--max-time`. The script runs as rendered, with the Job's own
 * waits and request count, in well under a second.
 *
 * - FAKE_READY_FROM: from this second the Service (PROBE_URL) answers `pod-a`,
 *   FAKE_READY_ANSWERS times (then never again); before, it never answers
 * - FAKE_SPREAD: `never` (never answers), or the second from which the
 *   Service without affinity names `pod-b` (before: `pod-a`)
 */
const FAKE_TOOLS: Record<string, string> = {
  date: 'cat "$FAKE_CLOCK"\n',
  sleep: 'echo $(($(cat "$FAKE_CLOCK") + $1)) > "$FAKE_CLOCK"\n',
  curl: `max=""; url=""; out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --max-time) max="$2"; shift ;;
    -o) out="$2"; shift ;;
    -D) shift ;;
    -*) ;;
    *) url="$1" ;;
  esac
  shift
done
[ -n "$max" ] || { echo "curl without --max-time" >&2; exit 99; }
now=$(cat "$FAKE_CLOCK")
never() { echo $((now + max)) > "$FAKE_CLOCK"; exit 28; }
if [ "$url" = "$PROBE_URL" ]; then
  given=$(cat "$FAKE_CLOCK.ready")
  [ "$now" -ge "$FAKE_READY_FROM" ] && [ "$given" -lt "$FAKE_READY_ANSWERS" ] || never
  echo $((given + 1)) > "$FAKE_CLOCK.ready"
  pod=pod-a
else
  [ "$FAKE_SPREAD" != never ] || never
  if [ "$now" -ge "$FAKE_SPREAD" ]; then pod=pod-b; else pod=pod-a; fi
fi
[ -n "$out" ] || echo "$pod"
`,
};

describe('the probe script, on a clock of its own, ends every path with its verdict within the Job\'s activeDeadlineSeconds', () => {
  // GIVEN the Job as rendered by default: 120s to wait for an answer, 120s for two pods, 21 requests 1s apart
  const job = only(synthProbe(), 'Job');
  const deadline: number = job.spec.activeDeadlineSeconds;
  const env = envOf(job);
  const start = 1_000_000;
  let tools: string;
  beforeAll(() => {
    tools = fs.mkdtempSync(path.join(os.tmpdir(), 'probe-clock-'));
    for (const [name, body] of Object.entries(FAKE_TOOLS)) {
      fs.writeFileSync(path.join(tools, name), `#!/bin/sh\n${body}`, { mode: 0o755 });
    }
  });
  afterAll(() => fs.rmSync(tools, { recursive: true, force: true }));

  async function onTheClock(fake: { readyFrom: number; readyAnswers: number; spread: number | 'never' }): Promise<Run> {
    const clock = path.join(tools, `clock-${Math.random().toString(36).slice(2)}`);
    fs.writeFileSync(clock, String(start));
    fs.writeFileSync(`${clock}.ready`, '0');
    const run = await runRendered(job, {
      PATH: `${tools}:${process.env.PATH}`,
      PROBE_URL: env.PROBE_URL,
      FAKE_CLOCK: clock,
      FAKE_READY_FROM: String(start + fake.readyFrom),
      FAKE_READY_ANSWERS: String(fake.readyAnswers),
      FAKE_SPREAD: fake.spread === 'never' ? 'never' : String(start + fake.spread),
    });
    return { ...run, seconds: Number(fs.readFileSync(clock, 'utf8')) - start };
  }

  // The pod's start (its scheduling and image pull) counts against the deadline too: the Job allows it 60s.
  const started = 60;

  test.each([
    ['the Service never answers (a NetworkPolicy drops its traffic)', { readyFrom: Infinity, readyAnswers: 0, spread: 'never' as const }, 2,
      `affinity probe: FAIL: ${env.PROBE_URL} never answered within 120s`, 120],
    ['it answers at the last moment, and the Service without affinity never does', { readyFrom: 119, readyAnswers: 1, spread: 'never' as const }, 3,
      `affinity probe: INCONCLUSIVE: no answer from ${env.PROBE_SPREAD_URL} named its pod in its first line of the body within 120s`, 240],
    ['it answers at the last moment, a second pod answers without affinity at the last moment, then no request gets an answer',
      { readyFrom: 119, readyAnswers: 1, spread: 238 }, 1,
      // 238s of waits, then 21 requests of 5s each, 1s apart
      'affinity probe: FAIL: 21 of 21 requests got no answer', 238 + 21 * 5 + 20 * 1],
  ])('GIVEN %s THEN it ends with its verdict well within the deadline', async (_what, fake, code, verdict, about) => {
    // WHEN the script runs
    const run = await onTheClock({ ...fake, readyFrom: Number.isFinite(fake.readyFrom) ? fake.readyFrom : 10 ** 9 });

    // THEN it printed its verdict and exit code, in about the time its waits and requests allow
    expect(run.stdout).toContain(verdict);
    expect(run.code).toEqual(code);
    expect(run.seconds).toBeGreaterThanOrEqual(about - 1);
    expect(run.seconds).toBeLessThanOrEqual(about + 3);
    // AND well within the Job's deadline, after the pod's start: at least 30s to spare for the processes each request starts
    expect(started + run.seconds).toBeLessThanOrEqual(deadline - 30);
  });
});

describe('example affinity-probe', () => {
  test('deploys the echo app, its sticky Service and the Job, all valid', () => {
    const manifests = synthExample('affinity-probe');
    validateManifests(manifests);
    expect(manifests.map(m => m.kind)).toEqual(['Deployment', 'Service', 'Service', 'Job']);
    const [sticky, spread] = manifests.filter(m => m.kind === 'Service');
    expect(sticky.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toEqual(300);
    expect(spread.spec.sessionAffinity).toBeUndefined();
    expect(envOf(only(manifests, 'Job')).PROBE_REQUESTS).toEqual('21');
  });
});

describe('AffinityProbe: what the property tests found', () => {
  test('GIVEN an existing Service whose name is no DNS label THEN it is refused, since the name is the host of the probe\'s URL', () => {
    // It used to synthesize a Job probing `http://?:80/`. Found by test/property/probe.property.test.ts.
    const chart = newChart();
    const service = new kplus.Service(newChart('apps'), 'Svc', { metadata: { name: '?' }, ports: [{ port: 80 }], selector: kplus.Pods.select(chart, 'Pods', { labels: { app: 'x' } }) });
    expect(() => new AffinityProbe(chart, 'Probe', { service, podIdentity: ProbeIdentity.firstBodyLine() }))
      .toThrow('test/Probe: \'service.metadata.name\' ("?") must be a DNS-1035 label: lowercase letters, digits and \'-\', starting with a letter and ending with a letter or digit, at most 63 characters');
  });
});

describe('AffinityProbe images: what the property tests found', () => {
  test.each([['echoImage', ''], ['curlImage', ' curlimages/curl'], ['curlImage', 'curl\t8']])('GIVEN %s %j THEN it is refused, naming the prop', (prop, image) => {
    // These used to synthesize pods that cannot start. Found by test/property/probe.property.test.ts.
    expect(() => new AffinityProbe(newChart(), 'Probe', { [prop]: image }))
      .toThrow(`test/Probe: '${prop}' (${JSON.stringify(image)}) must be an image reference (such as 'grafana/grafana:11.3.0'): not empty, with no spaces or control characters`);
  });
});
