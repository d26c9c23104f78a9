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
