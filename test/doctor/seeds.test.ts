// The Grafana of "Session Affinity in Kubernetes" (../shared/seeds/000_*):
// 4 pods scaled by KEDA, sessions in each pod's local SQLite, and first a
// round-robin Service, then the seed's fixed LoadBalancer Service.
import * as yaml from 'yaml';
import { AffinityDoctor, Severity } from '../../src';
import { SEED_SERVICES } from '../seeds';

// The workload the seed describes ("4 pods (KEDA autoscaling)", "Local
// SQLite database for sessions"): Grafana's defaults, nothing shared.
const GRAFANA_WORKLOAD = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: grafana
  namespace: observability
spec:
  replicas: 4
  selector:
    matchLabels:
      app: grafana
  template:
    metadata:
      labels:
        app: grafana
    spec:
      containers:
      - name: grafana
        image: grafana/grafana:11.3.0
        ports:
        - containerPort: 3000
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: grafana
  namespace: observability
spec:
  scaleTargetRef:
    name: grafana
  minReplicaCount: 4
  maxReplicaCount: 8
  triggers:
  - type: cpu
    metricType: Utilization
    metadata:
      value: "70"
`;

// The seed's Service before the fix: its "Configuration Example" without the affinity lines.
const ROUND_ROBIN_SERVICE = `
apiVersion: v1
kind: Service
metadata:
  name: grafana
  namespace: observability
spec:
  ports:
  - port: 3000
    targetPort: 3000
  selector:
    app: grafana
`;

function check(...docs: string[]) {
  return AffinityDoctor.checkYaml(docs.join('\n---\n'), { file: 'grafana.yaml' });
}

describe('the seed\'s Grafana', () => {
  test('broken: 4 pods, local SQLite, round-robin Service: the "logged out randomly" error', () => {
    // WHEN
    const findings = check(GRAFANA_WORKLOAD, ROUND_ROBIN_SERVICE);
    // THEN
    expect(findings).toEqual([{
      rule: 'local-sessions-without-affinity',
      severity: Severity.ERROR,
      resource: { apiVersion: 'v1', kind: 'Service', namespace: 'observability', name: 'grafana', file: 'grafana.yaml', line: 41 },
      message: 'Service observability/grafana spreads requests over the 4 to 8 pods (scaled by ScaledObject grafana) of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); with no ClientIP or cookie affinity in front, users are logged out at random',
      fix: 'Pin each client to a pod (sessionAffinity: ClientIP on the Service, or cookie affinity at the ingress), or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).',
    }]);
  });

  test('fixed with the seed\'s ClientIP LoadBalancer Service: no error or warning, two trade-offs as information', () => {
    // WHEN
    const findings = check(GRAFANA_WORKLOAD, SEED_SERVICES['grafana-lb']);
    // THEN
    expect(findings.filter(f => f.severity !== Severity.INFO)).toEqual([]);
    expect(findings.map(f => f.rule)).toEqual(['client-ip-without-local-traffic-policy', 'client-ip-autoscaled']);
  });

  test('fixed with the seed\'s ClusterIP Service: no error or warning', () => {
    const findings = check(GRAFANA_WORKLOAD, SEED_SERVICES.grafana);
    expect(findings.filter(f => f.severity !== Severity.INFO)).toEqual([]);
  });

  test('fixed with a shared database instead: clean', () => {
    const shared = yaml.parseAllDocuments(GRAFANA_WORKLOAD).map(d => d.toJS());
    shared[0].spec.template.spec.containers[0].env = [{ name: 'GF_DATABASE_TYPE', value: 'postgres' }];
    expect(AffinityDoctor.check([...shared, yaml.parse(ROUND_ROBIN_SERVICE)])).toEqual([]);
  });
});

describe('the seeds\' Services', () => {
  test.each(Object.keys(SEED_SERVICES))('%s has no error or warning', name => {
    const findings = AffinityDoctor.checkYaml(SEED_SERVICES[name]);
    expect(findings.filter(f => f.severity !== Severity.INFO)).toEqual([]);
  });
});
