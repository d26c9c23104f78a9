import { ApiObject } from 'cdk8s';
import { newChart, synthValid, validateManifests } from './manifests';

describe('the schema-validation helper', () => {
  test('refuses a manifest that breaks the Kubernetes schema', () => {
    expect(() => validateManifests([{
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'bad' },
      spec: { sessionAffinity: 'Cookie', ports: [{ port: 'http' }] },
    }])).toThrow(/Service bad: .*port must be integer.*sessionAffinity must be equal to one of the allowed values/);
  });

  test('refuses a kind it has no schema for, instead of passing it unchecked', () => {
    const chart = newChart();
    new ApiObject(chart, 'Thing', { apiVersion: 'example.com/v1', kind: 'Thing' });
    expect(() => synthValid(chart)).toThrow(/no schema for example.com\/v1 Thing/);
  });

  test('refuses a manifest without a name, or with a name the API server refuses', () => {
    expect(() => validateManifests([{ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'x' }, spec: { ports: [{ port: 80 }] } }]))
      .toThrow(/metadata.name is missing/);
    expect(() => validateManifests([{ apiVersion: 'v1', kind: 'Service', metadata: { name: '1-svc' }, spec: { ports: [{ port: 80 }] } }]))
      .toThrow(/metadata.name "1-svc" does not match/);
  });

  test('passes a valid manifest', () => {
    expect(() => validateManifests([{
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'good' },
      spec: { sessionAffinity: 'ClientIP', ports: [{ port: 80 }] },
    }])).not.toThrow();
  });
});

describe('the strict custom-resource check', () => {
  const route = (rule: Record<string, unknown>) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'app' },
    spec: { parentRefs: [{ name: 'gw' }], rules: [rule] },
  });

  test('passes a custom resource its CRD accepts', () => {
    expect(() => validateManifests([route({
      backendRefs: [{ name: 'app', port: 80 }],
      sessionPersistence: { sessionName: 'app-affinity', type: 'Cookie', absoluteTimeout: '1h', cookieConfig: { lifetimeType: 'Permanent' } },
    })])).not.toThrow();
  });

  test('refuses an unknown field, which the API server would silently prune', () => {
    expect(() => validateManifests([route({ backendRefs: [{ name: 'app', port: 80 }], sessionPersistance: { type: 'Cookie' } })]))
      .toThrow(/HTTPRoute app: \/spec\/rules\/0: must NOT have additional properties 'sessionPersistance'/);
  });

  test('refuses a value outside the CRD\'s pattern or enum', () => {
    expect(() => validateManifests([route({ sessionPersistence: { type: 'Cookie', absoluteTimeout: '1d' } })]))
      .toThrow(/\/spec\/rules\/0\/sessionPersistence\/absoluteTimeout: must match pattern/);
    expect(() => validateManifests([route({ sessionPersistence: { type: 'IP' } })]))
      .toThrow(/\/spec\/rules\/0\/sessionPersistence\/type: must be equal to one of the allowed values/);
  });

  test('takes an int-or-string field as either', () => {
    const scaled = (value: unknown) => ({
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'grafana' },
      spec: { scaleTargetRef: { name: 'grafana' }, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }], fallback: { failureThreshold: 3, replicas: value } },
    });
    expect(() => validateManifests([scaled(2)])).not.toThrow();
  });
});
