import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { buildAndCheck, check, minSynthShare, mostly, objectName, seconds, validName } from './harness';
import { doctorErrors, mixes as mixesOf } from './outcomes';
import {
  AffinityCookie,
  BackendCookieAffinity,
  CookieAffinityRoute,
  CookieLifetime,
  EnvoyCookieAffinity,
  MeshCookieAffinity,
  SameSite,
  TraefikCookieAffinityRoute,
} from '../../src';
import { ENVOY_POLICY_TARGET_GROUP, ENVOY_POLICY_TARGET_KINDS } from '../../src/facts/envoy-gateway';
import { GATEWAY_DURATION_PATTERN, sessionPersistenceProblem } from '../../src/facts/gateway-api';
import { ISTIO_HASH_KEYS } from '../../src/facts/istio';
import { Manifest } from '../util/manifests';

// ---- generators ---------------------------------------------------------------

/** `undefined` most of the time (4 in 5), else a value: for the props users seldom set. */
function sometimes<T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: arb, weight: 1 });
}

const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&\'*+-.^_`|~';
const SEPARATORS = '()<>@,;:\\"/[]?={} \t';

/** RFC 6265 tokens of every length around the Gateway API's 128-character limit. */
const validCookieName = fc.oneof(
  fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 20 }),
  fc.constantFrom(127, 128, 129, 200).map(n => 'C'.repeat(n)),
  fc.constantFrom('SHOP_AFFINITY', 'INGRESSCOOKIE', 'route', 'sticky-v2'),
);

/** Cookie names no controller takes: separators, controls, unicode, empty. */
const invalidCookieName = fc.oneof(
  fc.tuple(fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), maxLength: 5 }), fc.constantFrom(...SEPARATORS.split('')))
    .map(([a, sep]) => `${a}${sep}x`),
  fc.constantFrom('', 'caf\u00e9', 'a\u0000b', '\u007f'),
);

/** Durations around the cookie model's 400 days and the Gateway API format's 99999h, fractions included. */
const durationSeconds = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 34_560_000 }), weight: 4 },
  seconds,
  fc.constantFrom(0.001, 1.5, 359_999_999.999, 359_999_999, 360_000_000, 1e10),
);

const cookie: fc.Arbitrary<AffinityCookie> = fc.record({
  name: fc.option(mostly(validCookieName, invalidCookieName), { nil: undefined }),
  maxAge: fc.option(durationSeconds.map(s => Duration.seconds(s)), { nil: undefined }),
  path: sometimes(mostly(fc.constantFrom('/', '/shop', '/a/b'), fc.constantFrom('', 'shop', '/a;b', '/caf\u00e9'))),
  domain: sometimes(mostly(fc.constantFrom('example.com', '.example.com', 'shop.example.com'), fc.constantFrom('', 'exa mple.com', '-x.com', 'a..b'))),
  secure: sometimes(fc.boolean()),
  httpOnly: sometimes(fc.boolean()),
  sameSite: sometimes(fc.constantFrom(...Object.values(SameSite))),
}, { requiredKeys: [] });

/** Host names: valid, wildcard, and every way a route refuses one. */
const hostname = mostly(
  fc.oneof(fc.constantFrom('shop.example.com', '*.example.com', 'a', 'x-1.example.org', '10.0.0.1'), validName),
  fc.constantFrom('', 'Shop.example.com', 'shop.example.com:443', '*', '*.', 'a..b', 'a_b.com', '-a.com', '**.example.com', 'x'.repeat(254),
    `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}`, 'shop.example.com`'),
);
const hostnames = sometimes(fc.oneof(
  { arbitrary: fc.array(hostname, { maxLength: 3 }), weight: 5 },
  { arbitrary: fc.constantFrom(16, 17).map(n => Array.from({ length: n }, (_, i) => `h${i}.example.com`)), weight: 1 },
));

const backendSpec = fc.record({
  name: mostly(validName, objectName),
  chartNamespace: fc.option(objectName, { nil: undefined }),
  ports: fc.oneof(
    { arbitrary: fc.constant([8080]), weight: 10 },
    { arbitrary: fc.constant([80, 8080]), weight: 1 },
    { arbitrary: fc.constant([]), weight: 1 },
  ),
});
type BackendSpec = typeof backendSpec extends fc.Arbitrary<infer T> ? T : never;

const port = sometimes(mostly(fc.constant(8080), fc.constantFrom(80, 443, 0, 70_000, 8080.5)));

const routeOptions = fc.record({
  chartId: mostly(fc.constantFrom('test', 'shop-chart'), fc.constantFrom('My_App', 'Shop', 'x'.repeat(70), 'a.b')),
  name: fc.option(objectName, { nil: undefined }),
  namespace: sometimes(objectName),
  gateway: mostly(fc.constantFrom('eg', 'istio-gateway', 'gw.example'), objectName),
  gatewayNamespace: sometimes(objectName),
  sectionName: sometimes(mostly(fc.constantFrom('http', 'https', 'web.tls'), objectName)),
  hostnames,
  pathPrefix: sometimes(mostly(fc.constantFrom('/', '/shop', '/a-b/c'), fc.constantFrom('', 'shop', '/a b', '/`x`'))),
  port,
  backend: backendSpec,
  cookie: sometimes(cookie),
  tls: fc.option(fc.boolean(), { nil: undefined }),
});

/** The backend Service, in a chart of its own: it is the user's object, not the library's output. */
function backendIn(app: ReturnType<typeof Testing.app>, spec: BackendSpec): kplus.Service {
  const chart = new Chart(app, 'backends', { namespace: spec.chartNamespace });
  return new kplus.Service(chart, 'Backend', {
    metadata: { name: spec.name },
    ports: spec.ports.map(p => ({ port: p, targetPort: 8000 })),
  });
}

/** Milliseconds of a Gateway API duration (`1h30m`, `500ms`). */
function gatewayMillis(text: string): number {
  expect(text).toMatch(GATEWAY_DURATION_PATTERN);
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9]+)(ms|h|m|s)/g)) {
    total += Number(n) * units[unit];
  }
  return total;
}

const mixes = mixesOf();
const mix = (name: string) => mixes.of(name);

/** Every synthesized set of manifests must also be clean for the doctor. */
function expectDoctorClean(manifests: Manifest[]): void {
  expect(doctorErrors(manifests)).toEqual([]);
}

describe('Gateway API constructs on generated props', () => {
  const lifetime = sometimes(fc.constantFrom(...Object.values(CookieLifetime)));
  const sessionTimeout = sometimes(durationSeconds.map(s => Duration.seconds(s)));

  test('CookieAffinityRoute: refused in the library\'s format, or a valid HTTPRoute keeping the CRD\'s CEL rules', () => {
    check(fc.tuple(routeOptions, lifetime, sessionTimeout), ([p, life, timeout]) => {
      const outcome = mix('CookieAffinityRoute').add(buildAndCheck(() => {
        const app = Testing.app();
        const backend = backendIn(app, p.backend);
        const chart = new Chart(app, p.chartId);
        new CookieAffinityRoute(chart, 'Route', {
          metadata: { name: p.name, namespace: p.namespace },
          gateway: p.gateway,
          gatewayNamespace: p.gatewayNamespace,
          sectionName: p.sectionName,
          hostnames: p.hostnames,
          pathPrefix: p.pathPrefix,
          port: p.port,
          backend,
          cookie: p.cookie,
          lifetime: life,
          sessionTimeout: timeout,
        });
        return chart;
      }));
      if ('manifests' in outcome) {
        const route = outcome.manifests.find(m => m.kind === 'HTTPRoute')!;
        // A backend in another namespace (one without any counts as `default`) comes with its ReferenceGrant.
        const ref = route.spec.rules[0].backendRefs[0];
        const grants = outcome.manifests.filter(m => m.kind === 'ReferenceGrant');
        expect(outcome.manifests).toHaveLength(1 + grants.length);
        expect(grants.map(g => [g.metadata.namespace, g.spec.from[0].namespace, g.spec.to[0].name]))
          .toEqual(ref.namespace === undefined ? [] : [[ref.namespace, route.metadata.namespace ?? 'default', ref.name]]);
        const sp = route.spec.rules[0].sessionPersistence;
        expect(sp.type).toBe('Cookie');
        expect(sessionPersistenceProblem(sp)).toBeUndefined();
        expect(sp.sessionName).toBe(p.cookie?.name);
        if (sp.cookieConfig.lifetimeType === 'Permanent') {
          expect(gatewayMillis(sp.absoluteTimeout)).toBe(Math.round(p.cookie!.maxAge!.toMilliseconds({ integral: false })));
        } else if (timeout !== undefined) {
          expect(gatewayMillis(sp.absoluteTimeout)).toBe(Math.round(timeout.toMilliseconds({ integral: false })));
        } else {
          expect(sp.absoluteTimeout).toBeUndefined();
        }
        expect(route.spec.rules[0].backendRefs[0].name).toBe(p.backend.name);
        // CEL: a backendRef to a Service must name its port.
        expect(route.spec.rules[0].backendRefs[0].port).toBeDefined();
        expectDoctorClean(outcome.manifests);
      }
    }, 400);
  });

  test('BackendCookieAffinity: refused in the library\'s format, or a valid XBackendTrafficPolicy', () => {
    check(fc.tuple(routeOptions, lifetime, sessionTimeout), ([p, life, timeout]) => {
      const outcome = mix('BackendCookieAffinity').add(buildAndCheck(() => {
        const app = Testing.app();
        const service = backendIn(app, p.backend);
        const chart = new Chart(app, p.chartId);
        new BackendCookieAffinity(chart, 'Policy', {
          metadata: { name: p.name, namespace: p.namespace },
          service,
          cookie: p.cookie,
          lifetime: life,
          sessionTimeout: timeout,
        });
        return chart;
      }));
      if ('manifests' in outcome) {
        const [policy] = outcome.manifests;
        expect(policy.spec.targetRefs).toEqual([{ group: '', kind: 'Service', name: p.backend.name }]);
        expect(sessionPersistenceProblem(policy.spec.sessionPersistence)).toBeUndefined();
        expectDoctorClean(outcome.manifests);
      }
    }, 300);
  });

  test('EnvoyCookieAffinity: refused in the library\'s format, or a valid HTTPRoute and BackendTrafficPolicy', () => {
    check(routeOptions, p => {
      const outcome = mix('EnvoyCookieAffinity').add(buildAndCheck(() => {
        const app = Testing.app();
        const backend = backendIn(app, p.backend);
        const chart = new Chart(app, p.chartId);
        new EnvoyCookieAffinity(chart, 'Envoy', {
          metadata: { name: p.name, namespace: p.namespace },
          gateway: p.gateway,
          gatewayNamespace: p.gatewayNamespace,
          sectionName: p.sectionName,
          hostnames: p.hostnames,
          pathPrefix: p.pathPrefix,
          port: p.port,
          backend,
          cookie: p.cookie,
          tls: p.tls,
        });
        return chart;
      }));
      if ('manifests' in outcome) {
        const route = outcome.manifests.find(m => m.kind === 'HTTPRoute')!;
        const policy = outcome.manifests.find(m => m.kind === 'BackendTrafficPolicy')!;
        expect(policy.spec.targetRefs[0].name).toBe(route.metadata.name);
        // The CRD's CEL rules, which the schema check does not run: targets in the Gateway API group, of
        // a kind a policy may target; a ConsistentHash of type Cookie carries its cookie.
        for (const ref of policy.spec.targetRefs) {
          expect(ref.group).toBe(ENVOY_POLICY_TARGET_GROUP);
          expect(ENVOY_POLICY_TARGET_KINDS).toContain(ref.kind);
        }
        expect(policy.spec.loadBalancer.type === 'ConsistentHash').toBe(policy.spec.loadBalancer.consistentHash !== undefined);
        expect(policy.spec.loadBalancer.consistentHash.type === 'Cookie').toBe(policy.spec.loadBalancer.consistentHash.cookie !== undefined);
        expect(policy.metadata.namespace).toBe(route.metadata.namespace);
        const c = policy.spec.loadBalancer.consistentHash.cookie;
        expect(c.name).toBe(p.cookie?.name ?? 'INGRESSCOOKIE');
        expect(gatewayMillis(c.ttl)).toBe(Math.round(p.cookie?.maxAge?.toMilliseconds({ integral: false }) ?? 0));
        expectDoctorClean(outcome.manifests);
      }
    }, 300);
  });

  test('MeshCookieAffinity: refused in the library\'s format, or a DestinationRule with exactly one hash key', () => {
    const props = fc.record({
      metadataName: fc.option(objectName, { nil: undefined }),
      metadataNamespace: sometimes(objectName),
      backend: backendSpec,
      serviceNamespace: fc.option(objectName, { nil: undefined }),
      cookie: fc.option(cookie, { nil: undefined }),
      useSourceIp: fc.option(fc.boolean(), { nil: undefined }),
      tls: fc.option(fc.boolean(), { nil: undefined }),
      clusterDomain: sometimes(mostly(fc.constantFrom('cluster.local', 'corp.internal'), fc.constantFrom('', 'Cluster.Local', 'a..b', '.local'))),
    });
    check(props, p => {
      const outcome = mix('MeshCookieAffinity').add(buildAndCheck(() => {
        const app = Testing.app();
        const chart = new Chart(app, 'backends', { namespace: p.backend.chartNamespace });
        const service = new kplus.Service(chart, 'Backend', {
          metadata: { name: p.backend.name, namespace: p.serviceNamespace },
          ports: [{ port: 8080 }],
        });
        const mesh = new Chart(app, 'test');
        new MeshCookieAffinity(mesh, 'Mesh', {
          metadata: { name: p.metadataName, namespace: p.metadataNamespace },
          service,
          cookie: p.cookie,
          useSourceIp: p.useSourceIp,
          tls: p.tls,
          clusterDomain: p.clusterDomain,
        });
        return mesh;
      }));
      if ('manifests' in outcome) {
        const [rule] = outcome.manifests;
        const hash = rule.spec.trafficPolicy.loadBalancer.consistentHash;
        // The CRD's oneOf on the hash key, which the strict schema check does not enforce.
        expect(Object.keys(hash).filter(k => (ISTIO_HASH_KEYS as readonly string[]).includes(k))).toHaveLength(1);
        expect(hash.useSourceIp === true).toBe(p.useSourceIp === true);
        const namespace = p.serviceNamespace ?? p.backend.chartNamespace;
        expect(rule.spec.host).toBe(`${p.backend.name}.${namespace}.svc.${p.clusterDomain ?? 'cluster.local'}`);
        if (hash.httpCookie) {
          expect(hash.httpCookie.ttl).toMatch(/^[0-9]+(\.[0-9]{1,9})?s$/);
        }
        expectDoctorClean(outcome.manifests);
      }
    }, 300);
  });

  test('TraefikCookieAffinityRoute: refused in the library\'s format, or a valid IngressRoute', () => {
    const props = fc.record({
      route: routeOptions,
      entryPoints: fc.option(fc.array(fc.constantFrom('web', 'websecure'), { maxLength: 2 }), { nil: undefined }),
      tlsSecret: fc.option(validName, { nil: undefined }),
    });
    check(props, ({ route: p, entryPoints, tlsSecret }) => {
      const outcome = mix('TraefikCookieAffinityRoute').add(buildAndCheck(() => {
        const app = Testing.app();
        const backend = backendIn(app, p.backend);
        const chart = new Chart(app, p.chartId);
        new TraefikCookieAffinityRoute(chart, 'Traefik', {
          metadata: { name: p.name, namespace: p.namespace },
          hostnames: p.hostnames,
          pathPrefix: p.pathPrefix,
          port: p.port,
          backend,
          cookie: p.cookie,
          entryPoints,
          tlsSecret: tlsSecret === undefined ? undefined : kplus.Secret.fromSecretName(chart, 'Tls', tlsSecret),
        });
        return chart;
      }));
      if ('manifests' in outcome) {
        const [route] = outcome.manifests;
        const service = route.spec.routes[0].services[0];
        expect(service.name).toBe(p.backend.name);
        expect(service.sticky.cookie.name).toBe(p.cookie?.name);
        expect(route.spec.routes[0].match).not.toMatch(/``/);
        expectDoctorClean(outcome.manifests);
      }
    }, 300);
  });

  test('a SESSION cookie\'s sessionTimeout is taken exactly when the Gateway API duration format holds it', () => {
    const MAX_MS = 99_999 * 3_600_000 + 3_599_999;
    const millis = fc.oneof(
      fc.integer({ min: 0, max: 5_000 }),
      fc.integer({ min: MAX_MS - 5_000, max: MAX_MS + 5_000 }),
      fc.integer({ min: 0, max: 2 * MAX_MS }),
      fc.double({ min: 0, max: 10, noNaN: true }),
    );
    check(millis, ms => {
      const outcome = buildAndCheck(() => {
        const app = Testing.app();
        const backend = backendIn(app, { name: 'shop', chartNamespace: 'shop', ports: [8080] });
        const chart = new Chart(app, 'test');
        new CookieAffinityRoute(chart, 'Route', { gateway: 'eg', backend, sessionTimeout: Duration.millis(ms) });
        return chart;
      });
      const rounded = Math.round(ms);
      if (rounded >= 1 && rounded <= MAX_MS) {
        expect('manifests' in outcome).toBe(true);
        const sp = (outcome as { manifests: Manifest[] }).manifests[0].spec.rules[0].sessionPersistence;
        expect(gatewayMillis(sp.absoluteTimeout)).toBe(rounded);
      } else {
        expect(outcome).toEqual({ refused: ['sessionTimeout'] });
      }
    }, 200);
  });

  test('a good share of the generated cases reaches synth', () => {
    for (const [name, m] of mixes.all()) {
      expect({ name, share: m.synthesized / m.total > minSynthShare() }).toEqual({ name, share: true });
    }
  });
});
