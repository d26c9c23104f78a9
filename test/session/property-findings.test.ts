import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SessionStore, SharedSessionApp, SharedSessionAppProps } from '../../src';
import { IMAGE_RULE } from '../../src/facts/kubernetes-images';
import { describeNameRule, NameRule } from '../../src/facts/names';
import { newChart, only, synthValid } from '../util/manifests';

// Regressions for what test/property/session.property.test.ts found.

const named = (chart: Chart, name = 'shop-sessions') => ({ secret: kplus.Secret.fromSecretName(chart, 'Auth', name), key: 'password' });

/** GIVEN a shop app in namespace `shop` WHEN built with these props THEN this error, in full. */
function refused(props: (chart: Chart) => Partial<SharedSessionAppProps>, message: string): void {
  const chart = newChart('shop');
  let error: Error | undefined;
  try {
    new SharedSessionApp(chart, 'Shop', { image: 'shop:1', port: 8080, store: SessionStore.memcached(), ...props(chart) });
  } catch (e) {
    error = e as Error;
  }
  expect(error?.message).toEqual(message);
}

describe('SharedSessionApp: what the properties found', () => {
  test('metadata with an undefined name still gets cdk8s\'s name (it was written as no name at all)', () => {
    // GIVEN metadata built from optional values, as TypeScript users write it
    const chart = newChart();
    const name: string | undefined = undefined;
    new SharedSessionApp(chart, 'Shop', { metadata: { name, namespace: 'shop' }, image: 'shop:1', port: 8080, store: SessionStore.memcached() });
    // THEN the Deployment is named, and the store after it
    const manifests = synthValid(chart);
    const deployment = manifests.find(m => m.kind === 'Deployment' && m.spec.template.spec.containers[0].name === 'app')!;
    expect(deployment.metadata).toMatchObject({ name: 'test-shop-c8276140', namespace: 'shop' });
    expect(only(manifests, 'Service', 'test-shop-c8276140').spec.sessionAffinity).toBeUndefined();
    expect(only(manifests, 'Deployment', 'test-shop-c8276140-memcached').metadata.namespace).toEqual('shop');
  });

  test.each([
    ['an empty image', '', 'test/Shop: \'image\' ("") ' + IMAGE_RULE],
    ['an image with a space', 'shop app', 'test/Shop: \'image\' ("shop app") ' + IMAGE_RULE],
  ])('refuses %s', (_what, image, message) => refused(() => ({ image }), message));

  test('refuses an env name the API server refuses', () => refused(() => ({ env: { '': kplus.EnvValue.fromValue('x') } }),
    'test/Shop: \'env\' ("") must hold environment variable names: a letter, \'_\', \'-\' or \'.\', then letters, digits, \'_\', \'-\' or \'.\''));

  test('takes an env name Kubernetes takes, though a shell could not read it', () => {
    const chart = newChart('shop');
    const app = new SharedSessionApp(chart, 'Shop', { image: 'shop:1', port: 8080, store: SessionStore.memcached(), env: { 'log.level': kplus.EnvValue.fromValue('debug') } });
    synthValid(chart);
    expect(app.container.env.variables['log.level']).toBeDefined();
  });

  test('refuses memory cdk8s-plus cannot write (it threw a plain error at synth)', () => refused(
    () => ({ resources: { memory: { request: Size.kibibytes(512) } } }),
    'test/Shop: \'resources.memory.request\' (512Ki) must be a whole number of mebibytes, at least 1Mi'));

  test('refuses a memory request above its limit', () => refused(
    () => ({ resources: { memory: { request: Size.mebibytes(512), limit: Size.mebibytes(256) } } }),
    'test/Shop: \'resources.memory.request\' (512Mi) must not exceed the memory limit (256Mi)'));

  test('refuses a CPU request above its limit', () => refused(
    () => ({ resources: { cpu: { request: kplus.Cpu.units(2), limit: kplus.Cpu.millis(500) } } }),
    'test/Shop: \'resources.cpu.request\' (2) must not exceed the CPU limit (500m)'));
});

describe('session stores: what the properties found', () => {
  test.each<[string, (chart: Chart) => SessionStore, string]>([
    ['a store image no pod can start with', () => SessionStore.memcached({ image: ' memcached:1.6' }),
      'test/Shop: \'store.image\' (" memcached:1.6") ' + IMAGE_RULE],
    ['an empty store image', c => SessionStore.redis({ password: named(c), image: '' }),
      'test/Shop: \'store.image\' ("") ' + IMAGE_RULE],
    ['a Secret named with fromSecretName(\'\')', c => SessionStore.redis({ password: named(c, '') }),
      `test/Shop: 'store.password' ("") must be ${describeNameRule(NameRule.DNS_1123_SUBDOMAIN)}`],
    ['a JWT Secret with a bad name', c => SessionStore.jwt({ secret: kplus.Secret.fromSecretName(c, 'Keys', 'App_Keys'), key: 'jwt' }),
      `test/Shop: 'store.secret' ("App_Keys") must be ${describeNameRule(NameRule.DNS_1123_SUBDOMAIN)}`],
    ['a chart Secret in another namespace than the pods', c => SessionStore.postgres({
      password: { secret: new kplus.Secret(c, 'Auth', { metadata: { name: 'auth', namespace: 'other' }, stringData: { password: 'pw' } }), key: 'password' },
    }), 'test/Shop: \'store.password\' (Secret auth in namespace other) must be a Secret in the namespace of the pods that read it (shop)'],
    ['a JWT key the chart Secret does not hold', c => SessionStore.jwt({ secret: new kplus.Secret(c, 'Keys', { metadata: { name: 'keys' }, stringData: { other: 'k' } }), key: 'jwt' }),
      'test/Shop: \'store.key\' (key "jwt" of Secret keys) must name a key the Secret holds'],
    ['the same name for the URL and the password variables', c => SessionStore.redis({ password: named(c), urlEnv: 'REDIS', passwordEnv: 'REDIS' }),
      'test/Shop: \'store.passwordEnv\' ("REDIS") must differ from urlEnv: the URL and the password are two variables'],
    ['the same name for PostgreSQL\'s variables', c => SessionStore.postgres({ password: named(c), passwordEnv: 'SESSION_DATABASE' }),
      'test/Shop: \'store.passwordEnv\' ("SESSION_DATABASE") must differ from urlEnv: the URL and the password are two variables'],
    ['a store named as its app (two Services of one name)', c => SessionStore.redis({ password: named(c), name: 'test-shop-c8276140' }),
      'test/Shop: \'store.name\' ("test-shop-c8276140") must differ from the name of the app using the store: their Services would collide'],
    ['a cluster domain that makes the URL invalid', () => SessionStore.memcached({ clusterDomain: 'bad domain' }),
      `test/Shop: 'store.clusterDomain' ("bad domain") must be ${describeNameRule(NameRule.DNS_1123_SUBDOMAIN)}`],
    ['store memory cdk8s-plus cannot write', () => SessionStore.memcached({ resources: { memory: { request: Size.kibibytes(512), limit: Size.kibibytes(512) } } }),
      'test/Shop: \'store.resources.memory.request\' (512Ki) must be a whole number of mebibytes, at least 1Mi'],
    ['a store memory request above its limit', c => SessionStore.redis({ password: named(c), resources: { memory: { request: Size.gibibytes(1), limit: Size.mebibytes(256) } } }),
      'test/Shop: \'store.resources.memory.request\' (1024Mi) must not exceed the memory limit (256Mi)'],
    ['Memcached memory at its container\'s limit (killed for memory when full)', () => SessionStore.memcached({
      memory: Size.mebibytes(256), resources: { memory: { request: Size.mebibytes(256), limit: Size.mebibytes(256) } },
    }), 'test/Shop: \'store.memory\' (256Mi) must stay below the container\'s memory limit (256Mi)'],
    ['a volume claim of zero bytes', c => SessionStore.postgres({ password: named(c), storage: Size.mebibytes(0) }),
      'test/Shop: \'store.storage\' (0) must be a whole number of mebibytes, at least 1Mi'],
    ['a volume claim of half a mebibyte (it threw a plain error)', c => SessionStore.redis({ password: named(c), storage: Size.kibibytes(512) }),
      'test/Shop: \'store.storage\' (512Ki) must be a whole number of mebibytes, at least 1Mi'],
    ['a storage class the API server refuses', c => SessionStore.postgres({ password: named(c), storageClassName: 'Fast_SSD' }),
      `test/Shop: 'store.storageClassName' ("Fast_SSD") must be ${describeNameRule(NameRule.DNS_1123_SUBDOMAIN)}`],
    ['a storage class for a Redis without a claim (it was dropped)', c => SessionStore.redis({ password: named(c), storageClassName: 'fast' }),
      'test/Shop: \'store.storageClassName\' ("fast") applies only to a volume claim: give \'storage\' too, or drop it (without \'storage\' Redis keeps its data on an emptyDir)'],
    ['a storage class for an external Redis (it was dropped)', () => SessionStore.redis({ url: 'redis://cache', storageClassName: 'fast' }),
      'test/Shop: \'store.storageClassName\' (given) applies only to a Redis run in the chart: drop it, or drop \'url\''],
    ['resources for an external PostgreSQL (they were dropped)', c => SessionStore.postgres({ url: 'postgresql://db/app', password: named(c), resources: { cpu: { request: kplus.Cpu.millis(100) } } }),
      'test/Shop: \'store.resources\' (given) applies only to a PostgreSQL run in the chart: drop it, or drop \'url\''],
    ['a cluster domain for an external Memcached (it was dropped)', () => SessionStore.memcached({ url: 'memcached://cache', clusterDomain: 'corp.internal' }),
      'test/Shop: \'store.clusterDomain\' (given) applies only to a Memcached run in the chart: drop it, or drop \'url\''],
  ])('refuses %s', (_what, store, message) => refused(chart => ({ store: store(chart) }), message));

  test('an empty storage class is kept: it asks for no dynamic provisioning', () => {
    const chart = newChart('shop');
    new SharedSessionApp(chart, 'Shop', { metadata: { name: 'shop' }, image: 'shop:1', port: 8080, store: SessionStore.postgres({ password: named(chart), storageClassName: '' }) });
    expect(only(synthValid(chart), 'StatefulSet', 'shop-postgres').spec.volumeClaimTemplates[0].spec.storageClassName).toEqual('');
  });

  test('a chart Secret without a namespace is let be: kubectl -n places it', () => {
    const chart = new Chart(Testing.app(), 'test');
    const secret = new kplus.Secret(chart, 'Auth', { metadata: { name: 'auth' }, stringData: { password: 'pw' } });
    new SharedSessionApp(chart, 'Shop', { metadata: { name: 'shop', namespace: 'shop' }, image: 'shop:1', port: 8080, store: SessionStore.redis({ password: { secret, key: 'password' } }) });
    expect(only(synthValid(chart), 'Deployment', 'shop').spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef).toEqual({ name: 'auth', key: 'password' });
  });
});
