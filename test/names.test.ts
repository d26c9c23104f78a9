import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NameRule } from '../src/facts/names';
import { checkName, checkObjectNames, definedMetadata } from '../src/names';
import { newChart } from './util/manifests';

describe('checkName', () => {
  test('passes a name that follows the rule', () => {
    const chart = newChart();
    expect(() => checkName(chart, 'name', 'grafana', NameRule.DNS_1035_LABEL)).not.toThrow();
  });

  test('refuses with the construct path, the prop, the quoted name and the rule', () => {
    const chart = newChart();
    expect(() => checkName(chart, 'cookie.name', 'Grafana', NameRule.DNS_1123_SUBDOMAIN)).toThrow(
      "test: 'cookie.name' (\"Grafana\") must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253 characters");
  });
});

describe('checkObjectNames', () => {
  test('checks metadata.name by the rule of the object\'s kind', () => {
    // GIVEN a Deployment (a subdomain) and a Service (a DNS-1035 label) with the same dotted name
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Web', { metadata: { name: 'web.v2' }, containers: [{ image: 'nginx' }] });
    const service = new kplus.Service(chart, 'Svc', { metadata: { name: 'web.v2' }, ports: [{ port: 80 }] });
    // THEN only the Service is refused
    expect(() => checkObjectNames(deployment, ApiObject.of(deployment))).not.toThrow();
    expect(() => checkObjectNames(service, ApiObject.of(service))).toThrow(
      "test/Svc: 'metadata.name' (\"web.v2\") must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters");
  });

  test('checks the namespace as a DNS-1123 label, under the given prefix', () => {
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'Store', { metadata: { name: 'store', namespace: 'Sessions' } });
    expect(() => checkObjectNames(secret, ApiObject.of(secret), 'storeMetadata')).toThrow(
      "test/Store: 'storeMetadata.namespace' (\"Sessions\") must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
  });

  test('checks a name cdk8s generated from the construct path', () => {
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'My_Store');
    expect(() => checkObjectNames(secret, ApiObject.of(secret))).toThrow(/^test\/My_Store: 'metadata\.name' \("test-my_store-c8[0-9a-f]{6}"\) must be a DNS-1123 subdomain/);
  });

  test('refuses an explicit undefined name, which would leave the object without one', () => {
    // GIVEN metadata whose name key is present but undefined (cdk8s spreads it over the generated name)
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'Store', { metadata: { name: undefined } });
    // THEN the object would be written without a name, and it is refused
    expect(ApiObject.of(secret).toJson().metadata?.name).toBeUndefined();
    expect(() => checkObjectNames(secret, ApiObject.of(secret))).toThrow(
      "test/Store: 'metadata.name' (undefined) must be a name, or left out for the one cdk8s generates: an explicit undefined leaves the object without a name");
  });

  test('leaves an object without a namespace alone', () => {
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'Store', { metadata: { name: 'store' } });
    expect(() => checkObjectNames(secret, ApiObject.of(secret))).not.toThrow();
  });
});

describe('definedMetadata', () => {
  test('drops the keys set to undefined, so cdk8s keeps the name it generates', () => {
    // GIVEN metadata with an optional name passed through as undefined
    const chart = newChart();
    const secret = new kplus.Secret(chart, 'Store', { metadata: definedMetadata({ name: undefined, labels: { app: 'shop' } }) });
    // THEN the generated name stays, and what was given is kept
    expect(ApiObject.of(secret).toJson().metadata).toEqual({ name: expect.stringMatching(/^test-store-c8[0-9a-f]{6}$/), labels: { app: 'shop' } });
    expect(definedMetadata(undefined)).toBeUndefined();
  });
});
