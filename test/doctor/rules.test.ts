import * as fs from 'fs';
import * as path from 'path';
import { CASES } from './cases';
import { CLIENT_IP, grafana, ingress, service, workload } from './fixtures';
import { AffinityDoctor, Severity } from '../../src';

const rulesOf = (manifests: any[]) => AffinityDoctor.check(manifests).map(f => f.rule);

describe('every rule', () => {
  test.each(CASES.map(c => [c.rule, c] as const))('%s: found in the triggering manifests, with its message', (_, c) => {
    // WHEN
    const found = AffinityDoctor.check(c.trigger).filter(f => f.rule === c.rule);
    // THEN
    expect(found.map(f => f.message)).toEqual([c.message]);
    const info = AffinityDoctor.rules().find(r => r.id === c.rule)!;
    expect(found[0].severity).toBe(info.severity);
    expect(found[0].fix).toBe(info.fix);
  });

  test.each(CASES.map(c => [c.rule, c] as const))('%s: not found in the fixed manifests', (_, c) => {
    expect(rulesOf(c.clean)).not.toContain(c.rule);
  });

  test('has a triggering and a clean case, a one-line rationale and fix, and a README row', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    for (const rule of AffinityDoctor.rules()) {
      expect(CASES.some(c => c.rule === rule.id)).toBe(true);
      expect(rule.rationale).not.toContain('\n');
      expect(rule.fix).not.toContain('\n');
      expect(readme).toContain(`| \`${rule.id}\` | ${rule.severity} | ${rule.rationale.replace(/\|/g, '\\|')} | ${rule.fix.replace(/\|/g, '\\|')} |`);
    }
  });

  test('ids are unique', () => {
    const ids = AffinityDoctor.rules().map(r => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('matching Services to workloads', () => {
  test('a Service selects only the workloads in its own namespace', () => {
    // GIVEN a round-robin Service in "web" and multi-pod Grafana in "observability"
    const manifests = [grafana({ namespace: 'observability' }), service('grafana', {}, undefined, 'web')];
    // THEN nothing links them
    expect(rulesOf(manifests)).toEqual([]);
  });

  test('every selector label must match', () => {
    const manifests = [grafana({ labels: { app: 'grafana', tier: 'ui' } }), service('grafana', { selector: { app: 'grafana', tier: 'api' } })];
    expect(rulesOf(manifests)).toEqual([]);
    const matching = [grafana({ labels: { app: 'grafana', tier: 'ui' } }), service('grafana', { selector: { app: 'grafana', tier: 'ui' } })];
    expect(rulesOf(matching)).toEqual(['local-sessions-without-affinity']);
  });

  test('a Service without a selector matches nothing', () => {
    expect(rulesOf([grafana(), service('grafana', { selector: undefined })])).toEqual([]);
  });

  test('a DaemonSet runs several pods', () => {
    expect(rulesOf([grafana({ kind: 'DaemonSet' }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('a single fixed replica keeps its sessions safely', () => {
    expect(rulesOf([grafana({ replicas: 1 }), service('grafana')])).toEqual([]);
  });
});

describe('where Grafana keeps sessions', () => {
  test('a shared database from a ConfigMap through envFrom', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'grafana-env' }, data: { GF_DATABASE_TYPE: 'mysql' } };
    expect(rulesOf([grafana({ envFrom: [{ configMapRef: { name: 'grafana-env' } }] }), cm, service('grafana')])).toEqual([]);
  });

  test('a shared database from a Secret key, base64 in data', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { url: Buffer.from('postgres://grafana@db:5432/grafana').toString('base64') } };
    const env = [{ name: 'GF_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }];
    expect(rulesOf([grafana({ env }), secret, service('grafana')])).toEqual([]);
  });

  test('a shared database in grafana.ini from a mounted ConfigMap', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ini' }, data: { 'grafana.ini': '[server]\nhttp_port = 3000\n[database]\ntype = postgres\nhost = db:5432\n' } };
    const volumes = [{ name: 'config', configMap: { name: 'ini' } }];
    const volumeMounts = [{ name: 'config', mountPath: '/etc/grafana' }];
    expect(rulesOf([grafana({ volumes, volumeMounts }), cm, service('grafana')])).toEqual([]);
  });

  test('configuration the manifests do not hold is not guessed', () => {
    expect(rulesOf([grafana({ envFrom: [{ secretRef: { name: 'elsewhere' } }] }), service('grafana')])).toEqual([]);
  });

  test('an explicit sqlite3 is local', () => {
    expect(rulesOf([grafana({ env: [{ name: 'GF_DATABASE_TYPE', value: 'sqlite3' }] }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('Grafana images on any registry and of any edition', () => {
    for (const image of ['docker.io/grafana/grafana-oss:10.4.0', 'grafana/grafana-enterprise', 'registry.example.com:5000/mirror/grafana@sha256:abc']) {
      expect(rulesOf([grafana({ image }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
    }
    expect(rulesOf([grafana({ image: 'grafana/loki:3.0.0' }), service('grafana')])).toEqual([]);
  });
});

describe('cookie affinity in front of a Service', () => {
  const round = [grafana(), service('grafana')];
  const backendRefs = [{ name: 'grafana', port: 3000 }];

  test.each([
    ['a Gateway API HTTPRoute with sessionPersistence', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'grafana' },
      spec: { rules: [{ backendRefs, sessionPersistence: { sessionName: 'grafana', type: 'Cookie' } }] },
    }],
    ['an Istio DestinationRule with an httpCookie hash', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'grafana' },
      spec: { host: 'grafana', trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'g', ttl: '0s' } } } } },
    }],
    ['a Traefik IngressRoute with a sticky cookie', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: 'grafana' },
      spec: { routes: [{ match: 'Host(`g`)', kind: 'Rule', services: [{ name: 'grafana', port: 3000, sticky: { cookie: {} } }] }] },
    }],
    ['an XBackendTrafficPolicy with sessionPersistence', {
      apiVersion: 'gateway.networking.x-k8s.io/v1alpha1',
      kind: 'XBackendTrafficPolicy',
      metadata: { name: 'grafana' },
      spec: { targetRefs: [{ group: '', kind: 'Service', name: 'grafana' }], sessionPersistence: { type: 'Cookie' } },
    }],
  ])('%s', (_, front) => {
    expect(rulesOf([...round, front])).toEqual([]);
  });

  test('an Envoy Gateway cookie hash on the route to the Service', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'grafana' }, spec: { rules: [{ backendRefs }] } };
    const policy = {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'grafana' },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'grafana' }], loadBalancer: { type: 'ConsistentHash', consistentHash: { type: 'Cookie', cookie: { name: 'g' } } } },
    };
    expect(rulesOf([...round, route])).toEqual(['local-sessions-without-affinity']);
    expect(rulesOf([...round, route, policy])).toEqual([]);
  });

  test('HAProxy cookie persistence on the Ingress, AWS ALB stickiness on the Ingress', () => {
    expect(rulesOf([...round, ingress('grafana', 'grafana', { 'haproxy.org/cookie-persistence': 'grafana' })])).toEqual([]);
    expect(rulesOf([...round, ingress('grafana', 'grafana', {
      'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=3600',
      'alb.ingress.kubernetes.io/target-type': 'ip',
    })])).toEqual([]);
    expect(rulesOf([...round, ingress('grafana', 'grafana', { 'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=false' })])).toEqual(['local-sessions-without-affinity']);
  });

  test('AWS ALB stickiness with instance targets (the default) pins a client to a node, not a pod', () => {
    // GIVEN stickiness on an ALB Ingress without target-type ip
    const front = ingress('grafana', 'grafana', { 'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=true' });
    // THEN kube-proxy on that node still spreads the requests over the pods
    expect(rulesOf([...round, front])).toEqual(['local-sessions-without-affinity']);
  });

  test('a GKE BackendConfig with cookie affinity named on the Service', () => {
    const backendConfig = {
      apiVersion: 'cloud.google.com/v1',
      kind: 'BackendConfig',
      metadata: { name: 'grafana' },
      spec: { sessionAffinity: { affinityType: 'GENERATED_COOKIE', affinityCookieTtlSec: 3600 } },
    };
    const annotated = service('grafana', {}, { 'cloud.google.com/backend-config': '{"default": "grafana"}' });
    expect(rulesOf([grafana(), annotated, backendConfig])).toEqual([]);
    expect(rulesOf([grafana(), annotated])).toEqual(['local-sessions-without-affinity']);
  });

  test('ingress-nginx service-upstream sends traffic to the virtual IP, where ClientIP works', () => {
    const manifests = [workload('app', { replicas: 3 }), service('app', CLIENT_IP)];
    expect(rulesOf([...manifests, ingress('app', 'app', { 'nginx.ingress.kubernetes.io/service-upstream': 'true' })])).toEqual([]);
  });
});

test('a cookie name RFC 6265 allows but ingress-nginx drops', () => {
  const manifests = [ingress('app', 'app', { 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/session-cookie-name': 'app!route' })];
  expect(rulesOf(manifests)).toEqual(['nginx-cookie-name-invalid']);
});

describe('severity filter', () => {
  test('minSeverity leaves out the findings below it', () => {
    const manifests = [grafana(), service('grafana', { ...CLIENT_IP, type: 'LoadBalancer' })];
    expect(AffinityDoctor.check(manifests).map(f => f.severity)).toEqual([Severity.INFO]);
    expect(AffinityDoctor.check(manifests, { minSeverity: Severity.WARNING })).toEqual([]);
  });
});
