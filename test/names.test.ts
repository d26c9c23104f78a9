import { ApiObject, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SessionStore, SharedSessionApp, SharedSessionAppProps } from '../src';
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

describe('no two objects with one name', () => {
  const password = (chart: Chart, id: string) => ({ secret: kplus.Secret.fromSecretName(chart, id, 'redis-auth'), key: 'password' });
  const app = (chart: Chart, id: string, props: Partial<SharedSessionAppProps> = {}) => new SharedSessionApp(chart, id, {
    image: 'shop:1.0.0', port: 8080, store: SessionStore.redis({ name: 'sessions', password: password(chart, `${id}Auth`) }), ...props,
  });

  test('GIVEN two stores named sessions in one namespace THEN synth refuses, naming both construct paths', () => {
    // GIVEN two apps, each with its own Redis store named `sessions`
    const chart = newChart('shop');
    app(chart, 'Cart');
    app(chart, 'Checkout');
    // THEN each kind the store writes is reported once, with both paths
    expect(() => Testing.synth(chart)).toThrow(
      '2 objects are the Service "sessions" in namespace shop, made by test/Cart and test/Checkout: '
      + 'the last applied would replace the others; give each its own name or namespace');
    expect(() => Testing.synth(chart)).toThrow('2 objects are the StatefulSet (apps) "sessions" in namespace shop, made by test/Cart and test/Checkout');
  });

  test('GIVEN two apps named shop, one namespace from its chart and one written out THEN refused: no namespace is the chart\'s', () => {
    const root = Testing.app();
    const a = new Chart(root, 'a', { namespace: 'web' });
    const b = new Chart(root, 'b');
    app(a, 'Shop', { metadata: { name: 'shop' }, store: SessionStore.memcached({ name: 'cache-a' }) });
    app(b, 'Shop', { metadata: { name: 'shop', namespace: 'web' }, store: SessionStore.memcached({ name: 'cache-b' }) });
    expect(() => Testing.synth(a)).toThrow('2 objects are the Deployment (apps) "shop" in namespace web, made by a/Shop and b/Shop');
  });

  test('GIVEN an object without a namespace and one in default THEN refused: both land in default', () => {
    const root = Testing.app();
    const a = new Chart(root, 'a');
    const b = new Chart(root, 'b', { namespace: 'default' });
    app(a, 'Shop', { metadata: { name: 'shop' }, store: SessionStore.memcached({ name: 'cache-a' }) });
    app(b, 'Shop', { metadata: { name: 'shop' }, store: SessionStore.memcached({ name: 'cache-b' }) });
    expect(() => Testing.synth(a)).toThrow('2 objects are the Service "shop" in namespace default, made by a/Shop and b/Shop');
  });

  test('GIVEN one name in two namespaces, or for two kinds THEN synth passes', () => {
    const chart = newChart('one');
    app(chart, 'Shop', { metadata: { name: 'shop' }, store: SessionStore.memcached({ name: 'cache' }) });
    app(chart, 'Other', { metadata: { name: 'shop', namespace: 'two' }, store: SessionStore.memcached({ name: 'cache' }) });
    // The app's Deployment and Service share the name `shop`: different kinds are different objects.
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('GIVEN many objects THEN one validation on the app, added once', () => {
    const chart = newChart();
    const added = jest.spyOn(chart.node.root.node, 'addValidation');
    for (let i = 0; i < 5; i++) {
      app(chart, `App${i}`, { store: SessionStore.memcached() });
    }
    expect(added).toHaveBeenCalledTimes(1);
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});
