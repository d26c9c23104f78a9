import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { newChart } from './util/manifests';

// Every public factory and constructor, called as plain JavaScript calls it:
// no types, so options may be left out, a required prop may be missing and a
// number may stand where a Duration belongs. Each gets the library's error,
// naming the prop, or works; never a TypeError from deep inside. A string
// where an enum belongs, a boolean or a string of the wrong type, and a
// SecretKeyRef of the wrong shape get the library's error too: the props to
// try are read from the jsii assembly, so a prop added later without a check
// fails here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const lib: any = require('../src');

type Props = { [key: string]: any };

interface Case {
  /** The factory or class, as users call it. */
  readonly name: string;
  /** Makes it (and binds it to a consumer, when it is a backend) with these options; `undefined` for none. */
  readonly make: (chart: Chart, options?: Props) => unknown;
  /** The least a call needs; leave out when every option is optional. */
  readonly valid?: (chart: Chart) => Props;
  /** Props (paths) that hold a Duration. */
  readonly durations?: string[];
  /** How the error names a prop, where it is a positional argument checked by the consumer. */
  readonly namedInError?: { [prop: string]: string };
  /**
   * Props typed in cdk8s-plus (inherited props, its enums), which the
   * library's assembly does not describe, with what they hold.
   */
  readonly dependencyTyped?: { [path: string]: Kind };
}

/** What a prop holds, among those plain JavaScript can get wrong without a TypeError. */
type Kind = 'enum' | 'boolean' | 'string' | 'secretKeyRef' | 'secret' | 'bindable' | 'construct' | 'list' | 'size' | 'envMap';

/** The cdk8s-plus constructs the library's props take (a Service, a Deployment). */
const CONSTRUCT_PROPS = ['cdk8s-plus-28.Service', 'cdk8s-plus-28.Deployment'];


const backend = (chart: Chart) => new kplus.Service(chart, 'Backend', { metadata: { name: 'backend' }, ports: [{ port: 3000 }] });
const secretRef = (chart: Chart, key = 'password') => ({ secret: kplus.Secret.fromSecretName(chart, `Secret-${key}`, 'app-secrets'), key });
const deployment = (chart: Chart) => new kplus.Deployment(chart, 'Workload', { containers: [{ image: 'app:1.0.0', portNumber: 8080 }] });
/** An app that binds the store under test. */
const storeConsumer = (chart: Chart, store: unknown) => new lib.SharedSessionApp(chart, 'Shop', { image: 'shop:1.0.0', port: 8080, store });
/** A Grafana that binds the session mode under test. */
const grafana = (chart: Chart, sessions: unknown, replicas?: number) => new lib.MultiPodGrafana(chart, 'Grafana', { adminPassword: secretRef(chart, 'admin'), sessions, replicas });
const cookieProps = ['cookie.maxAge'];

const cases: Case[] = [
  {
    name: 'LoadBalancerStickiness.awsNlb',
    make: (c, o) => new lib.StickyService(c, 'S', {
      type: kplus.ServiceType.LOAD_BALANCER, loadBalancerStickiness: lib.LoadBalancerStickiness.awsNlb(o),
    }),
  },
  { name: 'StickyService', make: (c, o) => new lib.StickyService(c, 'S', o), durations: ['affinityTimeout'], dependencyTyped: { type: 'enum', ports: 'list', externalIPs: 'list', loadBalancerSourceRanges: 'list' } },
  {
    name: 'StickyService.exposeWorkload',
    make: (c, o) => lib.StickyService.exposeWorkload(deployment(c), o),
    durations: ['affinityTimeout'],
    dependencyTyped: { serviceType: 'enum' },
  },
  { name: 'CookieAffinityIngress', make: (c, o) => new lib.CookieAffinityIngress(c, 'I', o), durations: cookieProps, dependencyTyped: { rules: 'list', tls: 'list' } },
  ...['nginx', 'traefik', 'haproxy', 'awsAlb', 'gke'].map(f => ({
    name: `IngressController.${f}`, make: (c: Chart, o?: Props) => new lib.CookieAffinityIngress(c, 'I', { controller: lib.IngressController[f](o) }),
  })),
  { name: 'CookieAffinityRoute', make: (c, o) => new lib.CookieAffinityRoute(c, 'R', o), valid: c => ({ gateway: 'eg', backend: backend(c) }), durations: [...cookieProps, 'sessionTimeout'] },
  { name: 'BackendCookieAffinity', make: (c, o) => new lib.BackendCookieAffinity(c, 'P', o), valid: c => ({ service: backend(c) }), durations: [...cookieProps, 'sessionTimeout'] },
  { name: 'EnvoyCookieAffinity', make: (c, o) => new lib.EnvoyCookieAffinity(c, 'E', o), valid: c => ({ gateway: 'eg', backend: backend(c) }), durations: cookieProps },
  { name: 'MeshCookieAffinity', make: (c, o) => new lib.MeshCookieAffinity(c, 'M', o), valid: c => ({ service: backend(c) }), durations: cookieProps },
  { name: 'TraefikCookieAffinityRoute', make: (c, o) => new lib.TraefikCookieAffinityRoute(c, 'T', o), valid: c => ({ backend: backend(c) }), durations: cookieProps },
  { name: 'KongCookieAffinity', make: (c, o) => new lib.KongCookieAffinity(c, 'K', o), valid: c => ({ service: backend(c) }), durations: cookieProps },
  { name: 'GkeGatewayCookieAffinity', make: (c, o) => new lib.GkeGatewayCookieAffinity(c, 'G', o), valid: c => ({ service: backend(c) }), durations: cookieProps },
  { name: 'ContourCookieAffinityProxy', make: (c, o) => new lib.ContourCookieAffinityProxy(c, 'C', o), valid: c => ({ backend: backend(c) }), durations: cookieProps },
  { name: 'NginxPlusCookieAffinity', make: (c, o) => new lib.NginxPlusCookieAffinity(c, 'N', o), valid: c => ({ backend: backend(c), host: 'shop.example.com' }), durations: cookieProps },
  {
    name: 'GatewayImplementation.envoyGateway',
    make: (c, o) => new lib.CookieAffinityRoute(c, 'R', { gateway: 'eg', backend: backend(c), implementation: lib.GatewayImplementation.envoyGateway(o) }),
  },
  // Every option of Redis is optional, but a Redis run in the chart needs a password (or an external `url`).
  { name: 'SessionStore.redis', make: (c, o) => storeConsumer(c, lib.SessionStore.redis(o)), valid: c => ({ password: secretRef(c) }) },
  { name: 'SessionStore.memcached', make: (c, o) => storeConsumer(c, lib.SessionStore.memcached(o)) },
  { name: 'SessionStore.postgres', make: (c, o) => storeConsumer(c, lib.SessionStore.postgres(o)), valid: c => ({ password: secretRef(c) }) },
  { name: 'SessionStore.jwt', make: (c, o) => storeConsumer(c, lib.SessionStore.jwt(o)), valid: c => secretRef(c, 'jwt') },
  { name: 'SharedSessionApp', make: (c, o) => new lib.SharedSessionApp(c, 'Shop', o), valid: c => ({ image: 'shop:1.0.0', port: 8080, store: lib.SessionStore.jwt(secretRef(c, 'jwt')) }) },
  { name: 'KedaScaledObject', make: (c, o) => new lib.KedaScaledObject(c, 'K', o), valid: c => ({ target: deployment(c), minReplicas: 1, maxReplicas: 3 }), durations: ['pollingInterval', 'cooldownPeriod'] },
  ...['cpuUtilization', 'memoryUtilization'].map(f => ({
    name: `KedaTrigger.${f}`,
    make: (c: Chart, o?: Props) => new lib.KedaScaledObject(c, 'K', { target: deployment(c), minReplicas: 1, maxReplicas: 3, triggers: [lib.KedaTrigger[f](50, o)] }),
  })),
  { name: 'KedaTrigger.custom', make: (c, o) => new lib.KedaScaledObject(c, 'K', { target: deployment(c), minReplicas: 1, maxReplicas: 3, triggers: [lib.KedaTrigger.custom(o)] }), valid: () => ({ type: 'cron', metadata: { timezone: 'UTC' } }) },
  {
    name: 'MultiPodGrafana',
    make: (c, o) => new lib.MultiPodGrafana(c, 'Grafana', o),
    valid: c => ({ adminPassword: secretRef(c, 'admin') }),
    dependencyTyped: { serviceType: 'enum' },
  },
  { name: 'GrafanaSessions.clientIpAffinity', make: (c, o) => grafana(c, lib.GrafanaSessions.clientIpAffinity(o)), durations: ['affinityTimeout'] },
  { name: 'GrafanaSessions.persistentVolume', make: (c, o) => grafana(c, lib.GrafanaSessions.persistentVolume(o), 1), dependencyTyped: { accessMode: 'enum' } },
  {
    name: 'GrafanaSessions.sharedDatabase',
    make: (c, o) => grafana(c, lib.GrafanaSessions.sharedDatabase(o)),
    valid: c => ({ database: lib.SessionStore.postgres({ password: secretRef(c) }), secretKey: secretRef(c, 'secret-key') }),
  },
  { name: 'ProbeIdentity.firstBodyLine', make: c => new lib.AffinityProbe(c, 'Probe', { podIdentity: lib.ProbeIdentity.firstBodyLine() }) },
  {
    name: 'ProbeIdentity.responseHeader',
    // The probe reaches a Service's pods by its selector too: the backend selects some.
    make: (c, o) => {
      const service = backend(c);
      service.selectLabel('app', 'backend');
      return new lib.AffinityProbe(c, 'Probe', { service, podIdentity: lib.ProbeIdentity.responseHeader(o?.name) });
    },
    valid: () => ({ name: 'X-Pod-Name' }),
    namedInError: { name: 'podIdentity' },
  },
  { name: 'AffinityProbe', make: (c, o) => new lib.AffinityProbe(c, 'Probe', o), durations: ['affinityTimeout', 'interval'] },
  // The calls on manifests: plain JSON in and out, no chart.
  { name: 'AffinityDoctor.check', make: (_c, o) => lib.AffinityDoctor.check([], o) },
  { name: 'AffinityDoctor.checkYaml', make: (_c, o) => lib.AffinityDoctor.checkYaml('', o) },
  { name: 'AffinityMigration.migrate', make: (_c, o) => lib.AffinityMigration.migrate([], o), valid: () => ({ target: lib.MigrationTarget.TRAEFIK }) },
  { name: 'AffinityMigration.migrateYaml', make: (_c, o) => lib.AffinityMigration.migrateYaml('', o), valid: () => ({ target: lib.MigrationTarget.TRAEFIK }) },
  { name: 'AffinityDoctorValidation', make: (c, o) => new lib.AffinityDoctorValidation(c, o) },
  { name: 'AffinityDoctorValidation.addTo', make: (c, o) => lib.AffinityDoctorValidation.addTo(c, o) },
];

/** The library's jsii assembly: the one the last compile wrote, else the accepted API's. */
function assembly(): { types: { [fqn: string]: any } } {
  const root = join(__dirname, '..');
  const file = [join(root, '.jsii'), join(root, 'api', '.baseline', '.jsii')].find(existsSync);
  if (file === undefined) {
    throw new Error('no jsii assembly: run `npx projen compile`');
  }
  return JSON.parse(readFileSync(file, 'utf-8'));
}

const ASSEMBLY = assembly();
const OURS = 'cdk8s-session-affinity.';

/** What a jsii type reference holds, when it is a kind plain JavaScript can get wrong; nested structs of the library are walked. */
function kindOf(type: any): Kind | 'struct' | undefined {
  if (type?.collection?.kind === 'array') return 'list';
  if (type?.collection?.kind === 'map' && type.collection.elementtype?.fqn === 'cdk8s-plus-28.EnvValue') return 'envMap';
  if (type?.fqn === 'cdk8s.Size') return 'size';
  if (type?.primitive === 'boolean') return 'boolean';
  if (type?.primitive === 'string') return 'string';
  if (type?.fqn === `${OURS}SecretKeyRef`) return 'secretKeyRef';
  if (type?.fqn === 'cdk8s-plus-28.ISecret') return 'secret';
  if (CONSTRUCT_PROPS.includes(type?.fqn)) return 'construct';
  const declared = type?.fqn?.startsWith(OURS) ? ASSEMBLY.types[type.fqn] : undefined;
  if (declared?.kind === 'enum') return 'enum';
  // The library's factory-made objects (an IngressController, a SessionStore): each has a bind() method.
  if (declared?.kind === 'class' && hasBind(declared)) return 'bindable';
  if (declared?.kind === 'interface' && declared.datatype) return 'struct';
  return undefined;
}

/** Whether a class of the library, or one it extends, has a bind() method. */
function hasBind(declared: any): boolean {
  if (declared.methods?.some((m: any) => m.name === 'bind')) return true;
  const base = declared.base?.startsWith(OURS) ? ASSEMBLY.types[declared.base] : undefined;
  return base !== undefined && hasBind(base);
}

/** The props (dotted paths) of a struct and the structs it extends in the library, with what each holds. */
function propsOf(fqn: string, prefix = ''): { [path: string]: Kind } {
  const struct = ASSEMBLY.types[fqn];
  const found: { [path: string]: Kind } = {};
  for (const parent of struct.interfaces ?? []) {
    if (parent.startsWith(OURS)) Object.assign(found, propsOf(parent, prefix));
  }
  for (const prop of struct.properties ?? []) {
    const kind = kindOf(prop.type);
    if (kind === 'struct') {
      Object.assign(found, propsOf(prop.type.fqn, `${prefix}${prop.name}.`));
    } else if (kind !== undefined) {
      found[`${prefix}${prop.name}`] = kind;
    }
  }
  return found;
}

/** The props a table case's constructor or factory takes, read from the assembly (its last struct parameter). */
function declaredProps(name: string): { [path: string]: Kind } {
  const [className, method] = name.split('.');
  const type = ASSEMBLY.types[`${OURS}${className}`];
  const callable = method === undefined ? type.initializer : type.methods.find((m: any) => m.static && m.name === method);
  const struct = [...(callable?.parameters ?? [])].reverse().find((p: any) => kindOf(p.type) === 'struct');
  return struct === undefined ? {} : propsOf(struct.type.fqn);
}

/** A value of the wrong kind, as a user without types passes it, and how the error must describe what is allowed. */
const WRONG: { [kind in Kind]: { value: unknown; allowed: RegExp } } = {
  enum: { value: 'sticky', allowed: /must be one of [A-Z_0-9]+ \("/ },
  boolean: { value: 'yes', allowed: /must be true or false/ },
  string: { value: 42, allowed: /must be a string/ },
  secretKeyRef: { value: 'hunter2', allowed: /must be \{ secret, key \}/ },
  secret: { value: 'app-secrets', allowed: /must be a Secret/ },
  bindable: { value: 'sticky', allowed: /must be an? [A-Z][A-Za-z]+, such as [A-Z][A-Za-z]+\.[a-zA-Z]+\(/ },
  construct: { value: 'backend', allowed: /must be a cdk8s-plus (Service|Deployment)/ },
  // A string where a list belongs would be read character by character.
  list: { value: 'a', allowed: /must be a list of [A-Za-z ]+, such as \[/ },
  // Read as a Size, a string crashed deep inside (size.toMebibytes is not a function).
  size: { value: '1Gi', allowed: /must be a Size, such as Size\.mebibytes\(/ },
  envMap: { value: 'FOO=bar', allowed: /must be a map of names to kplus\.EnvValue/ },
};

/** Runs `make` and returns what it threw, or `undefined`. */
function thrown(make: () => unknown): unknown {
  try {
    make();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** Expects the library's own error for `prop`: not a TypeError, the prop quoted (with any prefix such as `store.`). */
function expectPropError(error: unknown, prop: string): void {
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(TypeError);
  const escaped = prop.replace(/\./g, '\\.');
  expect((error as Error).message).toMatch(new RegExp(`'([A-Za-z]+\\.)?${escaped}' \\(`));
}

function without(props: Props, prop: string): Props {
  const { [prop]: _dropped, ...rest } = props;
  return rest;
}

function withPath(props: Props, path: string, value: unknown): Props {
  const [head, ...rest] = path.split('.');
  return { ...props, [head]: rest.length === 0 ? value : withPath(props[head] ?? {}, rest.join('.'), value) };
}

describe('called from plain JavaScript', () => {
  test('GIVEN the table THEN it names every public class with a factory or constructor', () => {
    // A class added later must be added to the table too. Left out: classes
    // with neither (AffinityTimeout's constants, SqlSessionStore, which
    // SessionStore.postgres() makes).
    const covered = new Set(cases.map(c => c.name.split('.')[0]));
    const uncovered = Object.entries(lib)
      .filter(([name, value]) => typeof value === 'function' && !covered.has(name))
      .map(([name]) => name)
      .sort();
    expect(uncovered).toEqual(['AffinityTimeout', 'SqlSessionStore']);
  });

  describe.each(cases.map(c => [c.name, c] as const))('%s', (_name, c) => {
    if (c.valid === undefined) {
      test('GIVEN no options THEN it works', () => {
        const chart = newChart('shop');
        expect(thrown(() => c.make(chart))).toBeUndefined();
      });
    } else {
      test('GIVEN no options THEN the library\'s error names a required prop', () => {
        const chart = newChart('shop');
        const error = thrown(() => c.make(chart));
        expect(error).toBeInstanceOf(Error);
        expect(error).not.toBeInstanceOf(TypeError);
        expect((error as Error).message).toMatch(/'[A-Za-z.]+' \(/);
      });

      test('GIVEN the least it needs THEN it works', () => {
        const chart = newChart('shop');
        expect(thrown(() => c.make(chart, c.valid!(chart)))).toBeUndefined();
      });

      const required = Object.keys(c.valid(newChart('shop')));
      test.each(required)('GIVEN no %s THEN the library\'s error names it', prop => {
        const chart = newChart('shop');
        expectPropError(thrown(() => c.make(chart, without(c.valid!(chart), prop))), c.namedInError?.[prop] ?? prop);
      });
    }

    const typed = Object.entries({ ...declaredProps(c.name), ...c.dependencyTyped });
    if (typed.length > 0) {
      test.each(typed)('GIVEN a value of the wrong kind for %s (%s) THEN the library\'s error names it and what it allows', (prop, kind) => {
        const chart = newChart('shop');
        const error = thrown(() => c.make(chart, withPath(c.valid?.(chart) ?? {}, prop, WRONG[kind].value)));
        expectPropError(error, c.namedInError?.[prop] ?? prop);
        expect((error as Error).message).toMatch(WRONG[kind].allowed);
      });
    }

    if (c.durations?.length) {
      test.each(c.durations)('GIVEN a number for the Duration %s THEN the library\'s error names it', prop => {
        const chart = newChart('shop');
        expectPropError(thrown(() => c.make(chart, withPath(c.valid?.(chart) ?? {}, prop, 300))), prop);
      });
    }
  });
});

describe('called from plain JavaScript with a value of the wrong kind', () => {
  const ingress = (chart: Chart, controller: unknown, cookie?: Props) => new lib.CookieAffinityIngress(chart, 'I', {
    controller, cookie, defaultBackend: kplus.IngressBackend.fromService(backend(chart)),
  });

  test.each(['nginx', 'traefik'])('GIVEN a cookie of the right kinds on %s THEN the Ingress is made (the control for the cases below)', controller => {
    const chart = newChart('shop');
    expect(thrown(() => ingress(chart, lib.IngressController[controller](), { name: 'a', sameSite: lib.SameSite.STRICT, secure: true }))).toBeUndefined();
  });

  test('GIVEN SharedSessionApp env { FOO: "bar" } THEN the error names env.FOO instead of writing FOO with no value', () => {
    const chart = newChart('shop');
    const store = lib.SessionStore.jwt(secretRef(chart, 'jwt'));
    expect(() => new lib.SharedSessionApp(chart, 'Shop', { image: 'shop:1.0.0', port: 8080, store, env: { FOO: 'bar' } })).toThrow(
      'test/Shop: \'env.FOO\' ("bar" (a string)) must be a kplus.EnvValue of a string, such as EnvValue.fromValue("bar"): a bare value is written as a variable with no value, and the API server refuses a value that is not a string');
  });

  test('GIVEN SharedSessionApp env { PORT: EnvValue.fromValue(8080) } THEN the error names env.PORT: the API server takes only strings', () => {
    const chart = newChart('shop');
    const store = lib.SessionStore.jwt(secretRef(chart, 'jwt'));
    expect(() => new lib.SharedSessionApp(chart, 'Shop', { image: 'shop:1.0.0', port: 8080, store, env: { PORT: kplus.EnvValue.fromValue(8080 as any) } }))
      .toThrow(/'env\.PORT' \(\{"value":8080\} \(an object\)\) must be a kplus\.EnvValue of a string/);
  });

  test('GIVEN a SecretKeyRef whose secret is a name THEN the error names password.secret and shows the name as written', () => {
    expect(() => lib.SessionStore.redis({ password: { secret: 'redis-auth', key: 'password' } })).toThrow(
      'SessionStore.redis(): \'password.secret\' ("redis-auth" (a string)) must be a Secret, such as Secret.fromSecretName(scope, id, name)');
  });

  test('GIVEN a SecretKeyRef without its key THEN the error says password.key is missing, naming the Secret', () => {
    const chart = newChart('shop');
    expect(() => lib.SessionStore.redis({ password: { secret: kplus.Secret.fromSecretName(chart, 'Auth', 'redis-auth') } })).toThrow(
      'SessionStore.redis(): \'password.key\' (not given) is required: the key in Secret redis-auth that holds the value ({ secret, key })');
  });

  test('GIVEN a Secret alone where a SecretKeyRef belongs THEN the error says so, showing the Secret by its path', () => {
    const chart = newChart('shop');
    expect(() => new lib.MultiPodGrafana(chart, 'G', { adminPassword: kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin') })).toThrow(
      /^test\/G: 'adminPassword' \(test\/Admin \(an object\)\) must be \{ secret, key \}: .*, not the Secret alone$/);
  });

  test('GIVEN an object holding a construct in a wrong place THEN the error shows the construct by its path, not [object Object]', () => {
    const chart = newChart('shop');
    expect(() => lib.SessionStore.redis({ password: { secret: kplus.Secret.fromSecretName(chart, 'Auth', 'redis-auth'), key: 7 } })).toThrow(
      'SessionStore.redis(): \'password.key\' (7 (a number)) must be a string: the key in the Secret that holds the value');
    expect(() => new lib.SharedSessionApp(chart, 'Shop', { image: 'shop:1.0.0', port: 8080, store: { secret: kplus.Secret.fromSecretName(chart, 'Jwt', 'jwt') } }))
      .toThrow('test/Shop: \'store\' ({"secret":"<test/Jwt>"} (an object)) must be a SessionStore');
  });

  test('GIVEN SharedSessionApp args with a number THEN the error names args[1] instead of writing an integer into the container\'s args', () => {
    const chart = newChart('shop');
    const store = lib.SessionStore.jwt(secretRef(chart, 'jwt'));
    expect(() => new lib.SharedSessionApp(chart, 'Shop', { image: 'shop:1.0.0', port: 8080, store, args: ['--port', 8080] })).toThrow(
      'test/Shop: \'args[1]\' (8080 (a number)) must be a string: \'args\' must be a list of strings, such as [\'--port\', \'8080\']; quote it: "8080"');
    expect(() => new lib.SharedSessionApp(chart, 'Shop2', { image: 'shop:1.0.0', port: 8080, store, command: ['node', null] })).toThrow(
      'test/Shop2: \'command[1]\' (null (null)) must be a string: \'command\' must be a list of strings');
  });

  test('GIVEN KedaTrigger.custom metadata with a number THEN the error names metadata.threshold: the CRD declares a map of strings', () => {
    expect(() => lib.KedaTrigger.custom({ type: 'prometheus', metadata: { serverAddress: 'http://p:9090', threshold: 10 } })).toThrow(
      'KedaTrigger.custom(): \'metadata.threshold\' (10 (a number)) must be a string: \'metadata\' must be a map of strings, such as { threshold: \'10\' }, as the ScaledObject CRD declares a trigger\'s metadata; quote it: "10"');
    expect(() => lib.KedaTrigger.custom({ type: 'prometheus', metadata: ['threshold=10'] })).toThrow(
      'KedaTrigger.custom(): \'metadata\' (["threshold=10"] (a list)) must be a map of strings');
  });

  test('GIVEN TraefikCookieAffinityRoute entryPoints with a number THEN the error names the item', () => {
    const chart = newChart('shop');
    expect(() => new lib.TraefikCookieAffinityRoute(chart, 'T', { backend: backend(chart), entryPoints: ['web', 443] })).toThrow(
      'test/T: \'entryPoints[1]\' (443 (a number)) must be a string');
  });

  test('GIVEN MultiPodGrafana autoscaling: 4 THEN the error says autoscaling must be an object, not that minReplicas is missing', () => {
    const chart = newChart('shop');
    expect(() => new lib.MultiPodGrafana(chart, 'G', { adminPassword: secretRef(chart, 'admin'), autoscaling: 4 })).toThrow(
      'test/G: \'autoscaling\' (4 (a number)) must be an object, such as { minReplicas: 2, maxReplicas: 8 }');
  });

  test('GIVEN a string where the cookie object belongs THEN the error names cookie', () => {
    const chart = newChart('shop');
    expect(() => new lib.EnvoyCookieAffinity(chart, 'E', { gateway: 'eg', backend: backend(chart), cookie: 'SID' })).toThrow(
      'test/E: \'cookie\' ("SID" (a string)) must be an object of properties');
  });

  test('GIVEN IngressController.nginx({ affinityMode: "sticky" }) THEN the error lists the modes instead of writing affinity-mode: sticky', () => {
    expect(() => lib.IngressController.nginx({ affinityMode: 'sticky' })).toThrow(
      'IngressController.nginx(): \'affinityMode\' ("sticky") must be one of BALANCED ("balanced"), PERSISTENT ("persistent")');
  });

  test('GIVEN IngressController.awsAlb({ stickiness: "source_ip" }) THEN the error lists the stickiness types', () => {
    expect(() => lib.IngressController.awsAlb({ stickiness: 'source_ip' })).toThrow(
      /^IngressController\.awsAlb\(\): 'stickiness' \("source_ip"\) must be one of LB_COOKIE \("lb_cookie"\), APP_COOKIE \("app_cookie"\)$/);
  });

  test.each([
    ['scheme', 'public'],
    ['targetType', 'pod'],
  ])('GIVEN LoadBalancerStickiness.awsNlb({ %s: "%s" }) THEN the error names it', (prop, value) => {
    expect(() => lib.LoadBalancerStickiness.awsNlb({ [prop]: value })).toThrow(
      new RegExp(`^LoadBalancerStickiness\\.awsNlb\\(\\): '${prop}' \\("${value}"\\) must be one of `));
  });

  test('GIVEN a StickyService with externalTrafficPolicy "local" THEN the error lists Cluster and Local', () => {
    const chart = newChart('shop');
    expect(() => new lib.StickyService(chart, 'S', { type: kplus.ServiceType.LOAD_BALANCER, ports: [{ port: 80 }], externalTrafficPolicy: 'local' }))
      .toThrow(/'externalTrafficPolicy' \("local"\) must be one of CLUSTER \("Cluster"\), LOCAL \("Local"\)/);
  });

  test.each(['nginx', 'traefik'])('GIVEN cookie.sameSite "sideways" on %s THEN the error lists the SameSite values', controller => {
    const chart = newChart('shop');
    expect(() => ingress(chart, lib.IngressController[controller](), { name: 'a', sameSite: 'sideways' }))
      .toThrow(/'cookie\.sameSite' \("sideways"\) must be one of STRICT \("Strict"\), LAX \("Lax"\), NONE \("None"\)/);
  });

  test('GIVEN cookie.secure "yes" on Traefik THEN the error says it must be true or false', () => {
    const chart = newChart('shop');
    expect(() => ingress(chart, lib.IngressController.traefik(), { secure: 'yes' }))
      .toThrow(/'cookie\.secure' \("yes" \(a string\)\) must be true or false/);
  });

  test('GIVEN cookie.name 42 THEN the library\'s error says it must be a string, not a TypeError', () => {
    const chart = newChart('shop');
    const error = thrown(() => ingress(chart, lib.IngressController.nginx(), { name: 42 }));
    expect(error).not.toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/'cookie\.name' \(42 \(a number\)\) must be a string/);
  });

  test('GIVEN gatewayApiRelease "v2" THEN the error lists the releases instead of falling back to v1.6.1', () => {
    const chart = newChart('shop');
    expect(() => new lib.CookieAffinityRoute(chart, 'R', { gateway: 'eg', backend: backend(chart), gatewayApiRelease: 'v2' }))
      .toThrow(/'gatewayApiRelease' \("v2"\) must be one of V1_6_1 \(/);
  });

  test('GIVEN lifetime "Forever" THEN the error names lifetime, not cookie.maxAge', () => {
    const chart = newChart('shop');
    expect(() => new lib.CookieAffinityRoute(chart, 'R', { gateway: 'eg', backend: backend(chart), lifetime: 'Forever', cookie: { maxAge: lib.AffinityTimeout.IN_MEMORY_SESSIONS } }))
      .toThrow(/'lifetime' \("Forever"\) must be one of /);
  });

  test('GIVEN SessionStore.redis({ password: "hunter2" }) THEN the error says it must be { secret, key }, not a TypeError', () => {
    const error = thrown(() => storeConsumer(newChart('shop'), lib.SessionStore.redis({ password: 'hunter2' })));
    expect(error).not.toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^SessionStore\.redis\(\): 'password' \("hunter2" \(a string\)\) must be \{ secret, key \}/);
  });
});
