import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'yaml';
import { AffinityDoctor, AffinityMigration, MigrationFate, MigrationGatewayApi, MigrationTarget } from '../../src';
import { run } from '../../src/migrate/cli';
import { GATEWAY_API_MAIN_CRD_DIR } from '../util/cel';
import { crdSchemaErrors, hasCrdSchema } from '../util/crd-schemas';
import { validateManifests } from '../util/manifests';
import { TS_REGISTER } from '../util/ts-register-path';

// affinity-migrate on a folder of real-world-shaped ingress-nginx Ingresses
// (test/migrate/fixtures/nginx): per target, the objects (each checked
// against its CRD, strict schema and CEL), the report and the exit status.

const ROOT = path.resolve(__dirname, '..', '..');
// Relative, as a user types it (jest runs in the repository root).
const FIXTURES = path.relative(process.cwd(), path.join(__dirname, 'fixtures', 'nginx'));
const GATEWAY_ARGS = ['--gateway', 'public', '--gateway-namespace', 'infra'];

function objectsOf(stdout: string): any[] {
  return yaml.parseAllDocuments(stdout).map(d => d.toJSON()).filter(o => o !== null);
}

/** Every object against its CRD (strict schema, then CEL) or, for core kinds, the Kubernetes schema. */
function expectValid(objects: any[], gatewayApi: MigrationGatewayApi = MigrationGatewayApi.V1_6): void {
  const problems: string[] = [];
  for (const o of objects) {
    const main = gatewayApi === MigrationGatewayApi.MAIN && o.apiVersion.startsWith('gateway.networking');
    if (main || hasCrdSchema(o.apiVersion, o.kind)) {
      problems.push(...crdSchemaErrors(o, main ? GATEWAY_API_MAIN_CRD_DIR : undefined).map(e => `${o.kind} ${o.metadata.name}: ${e}`));
    } else {
      validateManifests([o]);
    }
  }
  expect(problems).toEqual([]);
}

function linesOf(stderr: string): string[] {
  return stderr.split('\n').filter(l => l !== '');
}

function line(stderr: string, ingress: string, subject: string): string {
  const found = linesOf(stderr).filter(l => l.includes(`Ingress ${ingress}: ${subject}: `));
  expect(found).toHaveLength(1);
  return found[0].slice(found[0].indexOf(`Ingress ${ingress}: `));
}

const A = 'nginx.ingress.kubernetes.io/';

describe.each(Object.values(MigrationTarget))('GIVEN the nginx fixtures WHEN migrated --to %s', target => {
  const result = run(['--to', target, ...GATEWAY_ARGS, FIXTURES]);
  const objects = objectsOf(result.stdout);

  test('THEN every object its CRD accepts (strict schema and CEL), and the exit status says something was not exact', () => {
    expect(result.exitCode).toBe(1);
    expect(objects.length).toBeGreaterThan(0);
    expectValid(objects);
  });

  test('THEN standard output is YAML documents only, and the report names each Ingress', () => {
    expect(result.stdout.startsWith('---\n')).toBe(true);
    for (const l of linesOf(result.stderr)) {
      expect(l).toMatch(/^test\/migrate\/fixtures\/nginx\/[a-z-]+\.yaml:\d+: Ingress [a-z-]+\/[a-z-]+: \S.*: (carried|approximated|dropped|ignored): /);
    }
    expect(relative(result.stdout)).toMatchSnapshot('stdout');
    expect(relative(result.stderr)).toMatchSnapshot('stderr');
  });

  test('THEN "Cookie" is no affinity in the source, and nothing persists for it', () => {
    expect(line(result.stderr, 'web/legacy', `${A}affinity`)).toContain('dropped: no affinity in the source');
    const legacy = JSON.stringify(objects.filter(o => o.metadata.name.startsWith('legacy')));
    expect(legacy).not.toMatch(/sessionPersistence|sticky|LEGACY|Cookie/);
  });

  test('THEN the Ingress of another class is left out, and said so', () => {
    expect(line(result.stderr, 'web/intranet', 'spec.ingressClassName')).toContain('ignored');
    expect(objects.some(o => o.metadata.name === 'intranet')).toBe(false);
  });

  test('THEN every cookie annotation of the shop has an explicit fate', () => {
    for (const a of ['affinity', 'affinity-mode', 'session-cookie-name', 'session-cookie-path', 'session-cookie-max-age',
      'session-cookie-expires', 'session-cookie-samesite', 'session-cookie-secure', 'session-cookie-change-on-failure']) {
      expect(line(result.stderr, 'shop/shop', `${A}${a}`)).toMatch(/: (carried|approximated|dropped): /);
    }
  });
});

describe('fates that differ per target', () => {
  const stderrOf = (target: MigrationTarget) => run(['--to', target, ...GATEWAY_ARGS, FIXTURES]).stderr;

  test.each([
    [MigrationTarget.GATEWAY_API, 'carried'],
    [MigrationTarget.ENVOY_GATEWAY, 'carried'],
    [MigrationTarget.ISTIO, 'carried'],
    [MigrationTarget.KONG, 'carried'],
    [MigrationTarget.GKE, 'dropped: GKE\'s load balancer names its cookie GCLB'],
    [MigrationTarget.TRAEFIK, 'carried'],
    [MigrationTarget.CONTOUR, 'dropped: Contour names its cookie X-Contour-Session-Affinity'],
    [MigrationTarget.NGINX_PLUS, 'carried'],
  ])('GIVEN session-cookie-name WHEN --to %s THEN %s', (target, fate) => {
    expect(line(stderrOf(target), 'shop/shop', `${A}session-cookie-name`)).toContain(`: ${fate}`);
  });

  test.each([
    [MigrationTarget.GATEWAY_API, 'dropped'],
    [MigrationTarget.ENVOY_GATEWAY, 'carried: cookie attribute SameSite=Lax'],
    [MigrationTarget.ISTIO, 'carried: cookie attribute SameSite=Lax'],
    [MigrationTarget.KONG, 'dropped'],
    [MigrationTarget.GKE, 'dropped'],
    [MigrationTarget.TRAEFIK, 'carried'],
    [MigrationTarget.CONTOUR, 'carried: cookieRewritePolicies X-Contour-Session-Affinity sameSite'],
    [MigrationTarget.NGINX_PLUS, 'carried'],
  ])('GIVEN session-cookie-samesite WHEN --to %s THEN %s', (target, fate) => {
    expect(line(stderrOf(target), 'shop/shop', `${A}session-cookie-samesite`)).toContain(`: ${fate}`);
  });

  test.each([
    [MigrationTarget.GATEWAY_API, 'carried: absoluteTimeout with cookieConfig.lifetimeType Permanent 3600s'],
    [MigrationTarget.ENVOY_GATEWAY, 'carried: ttl 3600s'],
    [MigrationTarget.KONG, 'dropped'],
    [MigrationTarget.GKE, 'carried: cookieTtlSec 3600s'],
    [MigrationTarget.CONTOUR, 'dropped: Contour writes a session cookie'],
    [MigrationTarget.NGINX_PLUS, 'carried: expires 3600s'],
  ])('GIVEN session-cookie-max-age WHEN --to %s THEN %s', (target, fate) => {
    expect(line(stderrOf(target), 'shop/shop', `${A}session-cookie-max-age`)).toContain(`: ${fate}`);
  });

  test('GIVEN TLS WHEN --to a Gateway API target THEN it is reported as moving to the Gateway listener; WHEN --to traefik THEN carried', () => {
    expect(line(stderrOf(MigrationTarget.GATEWAY_API), 'shop/shop', 'spec.tls[0]'))
      .toBe('Ingress shop/shop: spec.tls[0]: approximated: TLS moves to the Gateway: give a listener of Gateway infra/public for shop.example.com the certificateRefs Secret shop/shop-tls (a ReferenceGrant in shop must let the Gateway read it)');
    expect(line(stderrOf(MigrationTarget.TRAEFIK), 'shop/shop', 'spec.tls[0]')).toBe('Ingress shop/shop: spec.tls[0]: carried: TLS secret shop-tls for shop.example.com');
  });
});

describe('routing kept: gateway-api', () => {
  const objects = objectsOf(run(['--to', 'gateway-api', ...GATEWAY_ARGS, FIXTURES]).stdout);
  const route = (name: string) => objects.find(o => o.kind === 'HTTPRoute' && o.metadata.name === name);

  test('GIVEN the shop WHEN migrated THEN hosts, paths, the named port (through the Service), namespace and parentRefs are kept', () => {
    const shop = route('shop');
    expect(shop.metadata).toEqual({ name: 'shop', namespace: 'shop' });
    expect(shop.spec.parentRefs).toEqual([{ name: 'public', namespace: 'infra' }]);
    expect(shop.spec.hostnames).toEqual(['shop.example.com']);
    expect(shop.spec.rules.map((r: any) => r.matches[0].path)).toEqual([{ type: 'PathPrefix', value: '/' }, { type: 'Exact', value: '/healthz' }]);
    expect(shop.spec.rules[0].backendRefs).toEqual([{ name: 'shop-web', port: 8080 }]);
    expect(shop.spec.rules[0].sessionPersistence).toEqual({ sessionName: 'SHOPSESSION', type: 'Cookie', absoluteTimeout: '1h', cookieConfig: { lifetimeType: 'Permanent' } });
  });

  test('GIVEN a canary by weight and by header WHEN migrated THEN weighted backendRefs and a header rule on the main route', () => {
    const checkout = route('checkout');
    expect(checkout.spec.rules[0].backendRefs).toEqual([{ name: 'checkout', port: 80, weight: 80 }, { name: 'checkout-v2', port: 80, weight: 20 }]);
    expect(checkout.spec.rules[1].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' }, headers: [{ type: 'Exact', name: 'X-Canary', value: 'yes' }] }]);
    expect(checkout.spec.rules[1].backendRefs).toEqual([{ name: 'checkout-v2', port: 80 }]);
    expect(route('checkout-canary')).toBeUndefined();
  });

  test('GIVEN use-regex WHEN migrated THEN a RegularExpression path; GIVEN ImplementationSpecific THEN PathPrefix, reported', () => {
    expect(route('api').spec.rules[0].matches[0].path).toEqual({ type: 'RegularExpression', value: '(?i)^/v1(/|$)(.*).*' });
    expect(route('docs').spec.rules[0].matches[0].path).toEqual({ type: 'PathPrefix', value: '/' });
    expect(route('docs').spec.rules[0].sessionPersistence).toBeUndefined();
  });
});

describe('--gateway-api main', () => {
  const result = run(['--to', 'gateway-api', '--gateway-api', 'main', ...GATEWAY_ARGS, FIXTURES]);
  const objects = objectsOf(result.stdout);

  test('GIVEN the fixtures WHEN migrated THEN the union shape (cookie.name, cookie.path), accepted by the main-branch CRD', () => {
    expectValid(objects, MigrationGatewayApi.MAIN);
    const shop = objects.find(o => o.metadata.name === 'shop');
    expect(shop.spec.rules[0].sessionPersistence).toEqual({ type: 'Cookie', absoluteTimeout: '1h', cookie: { name: 'SHOPSESSION', path: '/', lifetimeType: 'Permanent' } });
    expect(result.stdout).not.toMatch(/sessionName|cookieConfig/);
    expect(line(result.stderr, 'shop/shop', `${A}session-cookie-path`)).toBe(`Ingress shop/shop: ${A}session-cookie-path: carried: HTTPRoute sessionPersistence path /`);
  });

  test('GIVEN the main shape WHEN checked against the v1.6.1 CRD THEN refused (the shapes differ)', () => {
    const shop = objects.find(o => o.metadata.name === 'shop');
    expect(crdSchemaErrors(shop).join('\n')).toContain("must NOT have additional properties 'cookie'");
  });
});

describe('targets with their own objects', () => {
  const objectsFor = (target: MigrationTarget) => objectsOf(run(['--to', target, ...GATEWAY_ARGS, FIXTURES]).stdout);

  test('GIVEN kong WHEN migrated THEN a sticky-sessions KongUpstreamPolicy with hashOn.input none, and the Service in the input written with the policy annotation', () => {
    const objects = objectsFor(MigrationTarget.KONG);
    const policy = objects.find(o => o.kind === 'KongUpstreamPolicy' && o.metadata.name === 'shop-web-sticky');
    expect(policy.spec).toEqual({ algorithm: 'sticky-sessions', hashOn: { input: 'none' }, stickySessions: { cookie: 'SHOPSESSION', cookiePath: '/' } });
    const svc = objects.find(o => o.kind === 'Service' && o.metadata.name === 'shop-web');
    expect(svc.metadata.annotations).toEqual({ 'konghq.com/upstream-policy': 'shop-web-sticky' });
    expect(svc.spec.ports).toEqual([{ name: 'http', port: 8080, targetPort: 8080 }]);
  });

  test('GIVEN kong and a Service not in the input WHEN migrated THEN the report says how to attach the policy', () => {
    const stderr = run(['--to', 'kong', ...GATEWAY_ARGS, FIXTURES]).stderr;
    expect(line(stderr, 'shop/checkout', 'Service shop/checkout'))
      .toBe('Ingress shop/checkout: Service shop/checkout: approximated: not in the input: attach the policy with kubectl annotate service -n shop checkout konghq.com/upstream-policy=checkout-sticky');
  });

  test('GIVEN gke WHEN migrated THEN a GCPBackendPolicy on the Service with GENERATED_COOKIE and the TTL', () => {
    const policy = objectsFor(MigrationTarget.GKE).find(o => o.kind === 'GCPBackendPolicy' && o.metadata.name === 'shop-web-affinity');
    expect(policy.spec).toEqual({ targetRef: { group: '', kind: 'Service', name: 'shop-web' }, default: { sessionAffinity: { type: 'GENERATED_COOKIE', cookieTtlSec: 3600 } } });
  });

  test('GIVEN envoy-gateway WHEN migrated THEN a BackendTrafficPolicy on the route with a cookie consistent hash', () => {
    const policy = objectsFor(MigrationTarget.ENVOY_GATEWAY).find(o => o.kind === 'BackendTrafficPolicy' && o.metadata.name === 'shop-affinity');
    expect(policy.spec).toEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'shop' }],
      loadBalancer: { type: 'ConsistentHash', consistentHash: { type: 'Cookie', cookie: { name: 'SHOPSESSION', ttl: '1h', attributes: { Path: '/', SameSite: 'Lax', Secure: '' } } } },
    });
  });

  test('GIVEN istio WHEN migrated THEN a DestinationRule on the Service FQDN with httpCookie', () => {
    const dr = objectsFor(MigrationTarget.ISTIO).find(o => o.kind === 'DestinationRule' && o.metadata.name === 'shop-web-affinity');
    expect(dr.spec).toEqual({
      host: 'shop-web.shop.svc.cluster.local',
      trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'SHOPSESSION', path: '/', ttl: '3600s', attributes: [{ name: 'SameSite', value: 'Lax' }, { name: 'Secure' }] } } } },
    });
  });

  test('GIVEN traefik WHEN migrated THEN an IngressRoute with a sticky cookie, TLS and the Host/Path match', () => {
    const ir = objectsFor(MigrationTarget.TRAEFIK).find(o => o.kind === 'IngressRoute' && o.metadata.name === 'shop');
    expect(ir.spec.tls).toEqual({ secretName: 'shop-tls' });
    expect(ir.spec.routes[0]).toEqual({
      kind: 'Rule',
      match: 'Host(`shop.example.com`) && PathPrefix(`/`)',
      services: [{ name: 'shop-web', port: 'http', sticky: { cookie: { name: 'SHOPSESSION', httpOnly: true, secure: true, sameSite: 'lax', maxAge: 3600, path: '/' } } }],
    });
  });

  test('GIVEN contour WHEN migrated THEN an HTTPProxy with the Cookie strategy and a rewrite of its cookie', () => {
    const proxy = objectsFor(MigrationTarget.CONTOUR).find(o => o.kind === 'HTTPProxy' && o.metadata.name === 'shop');
    expect(proxy.spec.virtualhost).toEqual({ fqdn: 'shop.example.com', tls: { secretName: 'shop-tls' } });
    expect(proxy.spec.routes[0]).toEqual({
      conditions: [{ prefix: '/' }],
      services: [{ name: 'shop-web', port: 8080 }],
      loadBalancerPolicy: { strategy: 'Cookie' },
      cookieRewritePolicies: [{ name: 'X-Contour-Session-Affinity', pathRewrite: { value: '/' }, secure: true, sameSite: 'Lax' }],
    });
  });

  test('GIVEN nginx-plus WHEN migrated THEN a VirtualServer with sessionCookie on the upstream, and splits for the canary', () => {
    const objects = objectsFor(MigrationTarget.NGINX_PLUS);
    const vs = objects.find(o => o.kind === 'VirtualServer' && o.metadata.name === 'shop');
    expect(vs.spec.upstreams[0]).toEqual({
      name: 'shop-web-8080',
      service: 'shop-web',
      port: 8080,
      sessionCookie: { enable: true, name: 'SHOPSESSION', path: '/', expires: '3600s', httpOnly: true, secure: true, samesite: 'lax' },
    });
    expect(vs.spec.routes).toEqual([{ path: '/', action: { pass: 'shop-web-8080' } }, { path: '=/healthz', action: { pass: 'shop-web-8080' } }]);
    const checkout = objects.find(o => o.kind === 'VirtualServer' && o.metadata.name === 'checkout');
    expect(checkout.spec.routes[0]).toEqual({
      path: '/',
      splits: [{ weight: 80, action: { pass: 'checkout-80' } }, { weight: 20, action: { pass: 'checkout-v2-80' } }],
      matches: [{ conditions: [{ header: 'X-Canary', value: 'yes' }], action: { pass: 'checkout-v2-80' } }],
    });
  });
});

describe('the cookie Path and Secure ingress-nginx gives a location when the annotations leave them out', () => {
  /** Two locations of one host, each to its own Service unless `oneService`. */
  function app(annotations: Record<string, string> = {}, options: { tls?: boolean; oneService?: boolean } = {}): any {
    const backend = (name: string) => ({ service: { name: options.oneService ? 'app' : name, port: { number: 80 } } });
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'app', namespace: 'shop', annotations: { [`${A}affinity`]: 'cookie', ...annotations } },
      spec: {
        ingressClassName: 'nginx',
        ...(options.tls ?? true ? { tls: [{ hosts: ['app.example.com'], secretName: 'app-tls' }] } : {}),
        rules: [{
          host: 'app.example.com',
          http: {
            paths: [
              { path: '/app', pathType: 'Prefix', backend: backend('app') },
              { path: '/api', pathType: 'Prefix', backend: backend('api') },
            ],
          },
        }],
      },
    };
  }
  const migrate = (target: MigrationTarget, ingress: any) => AffinityMigration.migrate([ingress], { target, gateway: 'public' });
  const stickyOf = (result: ReturnType<typeof migrate>) =>
    result.objects.flatMap(o => o.spec.routes.flatMap((r: any) => r.services.map((svc: any) => [r.match, svc.sticky.cookie])));
  const notesOn = (result: ReturnType<typeof migrate>, subject: string) => result.notes.filter(n => n.subject === subject).map(n => `${n.fate}: ${n.detail}`);

  test('GIVEN TLS and no path or secure annotation WHEN --to traefik THEN each route\'s cookie has its location\'s Path and Secure; the redirect Traefik lacks is reported', () => {
    // ingress-nginx: Path is the location's path, Secure on HTTPS requests (all of them: TLS, HTTP redirected)
    const result = migrate(MigrationTarget.TRAEFIK, app());
    expect(stickyOf(result)).toEqual([
      ['Host(`app.example.com`) && PathPrefix(`/app`)', { name: 'INGRESSCOOKIE', httpOnly: true, secure: true, path: '/app' }],
      ['Host(`app.example.com`) && PathPrefix(`/api`)', { name: 'INGRESSCOOKIE', httpOnly: true, secure: true, path: '/api' }],
    ]);
    expect(notesOn(result, `${A}session-cookie-secure`)).toEqual([expect.stringMatching(/^carried: not "true": .* written as IngressRoute sticky.cookie secure$/)]);
    // An IngressRoute does not redirect HTTP: an HTTP client would not keep the Secure cookie.
    // With TLS the IngressRoute matches only HTTPS: HTTP gets Traefik's 404 where ingress-nginx redirected.
    expect(notesOn(result, `${A}ssl-redirect`)).toEqual([expect.stringMatching(/^approximated: not set \(on with TLS\): ingress-nginx redirected HTTP to HTTPS, but the IngressRoute for app.example.com, with TLS, matches only HTTPS: HTTP requests get Traefik's 404/)]);
    expect(result.exact).toBe(false);
    expectValid(result.objects);
  });

  test('GIVEN TLS WHEN --to contour THEN per-route pathRewrite and Secure, exactly (an HTTPProxy with TLS redirects HTTP itself)', () => {
    const result = migrate(MigrationTarget.CONTOUR, app());
    expect(result.objects[0].spec.routes.map((r: any) => r.cookieRewritePolicies)).toEqual([
      [{ name: 'X-Contour-Session-Affinity', pathRewrite: { value: '/app' }, secure: true }],
      [{ name: 'X-Contour-Session-Affinity', pathRewrite: { value: '/api' }, secure: true }],
    ]);
    expect(result.notes.filter(n => n.fate !== 'carried')).toEqual([
      expect.objectContaining({ subject: `${A}affinity`, fate: 'approximated' }), // the cookie's name is Contour's own
      // Left out, affinity-mode is balanced; Contour's cookie is a consistent hash.
      expect.objectContaining({ subject: `${A}affinity-mode`, fate: 'approximated', detail: expect.stringMatching(/^not set \(balanced, the default\): /) }),
    ]);
    expectValid(result.objects);
  });

  test('GIVEN TLS on another Ingress of the host, or a wildcard TLS entry WHEN --to nginx-plus THEN the host counts as served over HTTPS', () => {
    const wildcard = app();
    wildcard.spec.tls = [{ hosts: ['*.example.com'], secretName: 'wildcard' }];
    const vs = migrate(MigrationTarget.NGINX_PLUS, wildcard).objects[0];
    expect(vs.spec.tls).toEqual({ secret: 'wildcard', redirect: { enable: true, code: 308 } });
    expect(vs.spec.upstreams.map((u: any) => [u.sessionCookie.path, u.sessionCookie.secure])).toEqual([['/app', true], ['/api', true]]);
    const other = { ...app({}, { tls: false }), metadata: { name: 'other', namespace: 'shop', annotations: {} } };
    other.spec.tls = [{ hosts: ['app.example.com'], secretName: 'app-tls' }];
    const result = AffinityMigration.migrate([app({}, { tls: false }), other], { target: MigrationTarget.TRAEFIK });
    expect(result.objects.filter(o => o.metadata.name === 'app').flatMap(o => o.spec.routes.map((r: any) => r.services[0].sticky.cookie.secure))).toEqual([true, true]);
  });

  test('GIVEN a default backend beside rules WHEN migrated THEN it is the fallback / of the rule host and gets no affinity, as in ingress-nginx', () => {
    const ingress = app({}, { tls: false });
    ingress.spec.defaultBackend = { service: { name: 'fallback', port: { number: 80 } } };
    const routes = migrate(MigrationTarget.TRAEFIK, ingress).objects[0].spec.routes;
    expect(routes.map((r: any) => [r.match, r.services[0].sticky !== undefined])).toEqual([
      ['Host(`app.example.com`) && PathPrefix(`/app`)', true], ['Host(`app.example.com`) && PathPrefix(`/api`)', true], ['Host(`app.example.com`) && PathPrefix(`/`)', false],
    ]);
  });

  test('GIVEN an Ingress with affinity: cookie and only a default backend WHEN migrated THEN the report does not say the cookie was carried: no location had it, and none is written', () => {
    // GIVEN the Ingress a new user had: its one backend is the default one, which ingress-nginx gives no cookie
    const onlyDefault = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'j', namespace: 'shop', annotations: { [`${A}affinity`]: 'cookie', [`${A}session-cookie-name`]: 'route' } },
      spec: { ingressClassName: 'nginx', defaultBackend: { service: { name: 'j', port: { number: 80 } } } },
    };
    // WHEN --to traefik
    const traefik = migrate(MigrationTarget.TRAEFIK, onlyDefault);
    // THEN the route has no sticky cookie, and the affinity line says why, as dropped
    expect(traefik.objects.map(o => o.spec.routes.map((r: any) => [r.match, r.services[0].sticky]))).toEqual([[['PathPrefix(`/`)', undefined]]]);
    expect(notesOn(traefik, `${A}affinity`)).toEqual([
      'dropped: no affinity in the source: ingress-nginx sets the cookie on none of this Ingress\'s locations (it gives the default backend no affinity, and the Ingress has no rule to a Service); '
      + 'no persistence written (route with a rule, such as path /, to get the cookie)',
    ]);
    expect(notesOn(traefik, `${A}session-cookie-name`)).toEqual([
      'dropped: no affinity in the source (ingress-nginx sets the cookie on none of this Ingress\'s locations), so it changes nothing',
    ]);
    expect(traefik.notes.map(n => n.detail).filter(d => d.includes('sticky.cookie'))).toEqual([]);
    expect(traefik.exact).toBe(false);
    // AND a target that holds the cookie per Service writes no cookie object for the default backend's Service
    const istio = migrate(MigrationTarget.ISTIO, onlyDefault);
    expect(istio.objects.map(o => o.kind)).toEqual(['HTTPRoute']);
    expect(notesOn(istio, `${A}affinity`)).toEqual([expect.stringMatching(/^dropped: no affinity in the source: ingress-nginx sets the cookie on none/)]);
    // AND with a rule beside the default backend, the cookie is carried for the rule
    const withRule = { ...onlyDefault, spec: { ...onlyDefault.spec, rules: [{ host: 'j.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'j', port: { number: 80 } } } }] } }] } };
    expect(notesOn(migrate(MigrationTarget.TRAEFIK, withRule), `${A}affinity`)).toEqual(['carried: cookie affinity: IngressRoute sticky.cookie']);
  });

  test('GIVEN a rule with an empty path (ImplementationSpecific) WHEN migrated THEN it is the location / and gets the cookie there, as in ingress-nginx', () => {
    // ingress-nginx's store rewrites the empty path to "/" before it makes the locations, so the
    // cookie's locations list "/" and the cookie is set there, with Path /.
    const ingress = app({}, { tls: false });
    ingress.spec.rules[0].http.paths[1] = { path: '', pathType: 'ImplementationSpecific', backend: { service: { name: 'api', port: { number: 80 } } } };
    const field = 'spec.rules[0].http.paths[1]';
    const traefik = migrate(MigrationTarget.TRAEFIK, ingress);
    // (Traefik's own default Path is /: none is written.)
    expect(traefik.objects[0].spec.routes.map((r: any) => [r.match, r.services[0].sticky !== undefined, r.services[0].sticky?.cookie.path])).toEqual([
      ['Host(`app.example.com`) && PathPrefix(`/app`)', true, '/app'], ['Host(`app.example.com`) && PathPrefix(`/`)', true, undefined],
    ]);
    expect(notesOn(traefik, field).filter(n => n.includes('affinity'))).toEqual([]);
    const gateway = migrate(MigrationTarget.GATEWAY_API, ingress);
    const route = gateway.objects.find(o => o.kind === 'HTTPRoute');
    expect(route.spec.rules.map((r: any) => [r.matches[0].path.value, r.sessionPersistence !== undefined])).toEqual([['/app', true], ['/', true]]);
    // One Service's cookie for both locations: nothing approximated for the empty path.
    const shared = app({}, { tls: false, oneService: true });
    shared.spec.rules[0].http.paths[1] = { path: '', pathType: 'ImplementationSpecific', backend: { service: { name: 'app', port: { number: 80 } } } };
    expect(notesOn(migrate(MigrationTarget.ISTIO, shared), field).filter(n => n.includes('affinity'))).toEqual([]);
  });

  test('GIVEN session-cookie-path "/" and two Services on one host WHEN --to traefik THEN approximated: each Service gets a cookie name of its own, as Traefik\'s cookie names a server of one Service', () => {
    const result = migrate(MigrationTarget.TRAEFIK, app({ [`${A}session-cookie-path`]: '/' }, { tls: false }));
    expect(stickyOf(result).map(([, c]) => [c.name, c.path])).toEqual([['INGRESSCOOKIE-app', '/'], ['INGRESSCOOKIE-api', '/']]);
    expect(notesOn(result, `${A}session-cookie-name`)).toContainEqual(expect.stringMatching(
      /^approximated: Services app and api would share the sticky cookie INGRESSCOOKIE at Path \/ on app\.example\.com: .*written as one cookie per Service: INGRESSCOOKIE-app, INGRESSCOOKIE-api$/));
    expect(result.exact).toBe(false);
    // What the doctor reads of the output: no shared cookie.
    expect(AffinityDoctor.check(result.objects).filter(f => f.rule === 'cookie-shared-by-services')).toEqual([]);
    // Without the path each route's cookie has its location's Path: nothing shared.
    expect(notesOn(migrate(MigrationTarget.TRAEFIK, app({}, { tls: false })), `${A}session-cookie-path`).filter(n => n.includes('share'))).toEqual([]);
  });

  test('GIVEN two Ingresses of one host, each to its own Service under one cookie name and Path WHEN --to traefik THEN each Service\'s cookie is named apart too', () => {
    const one = (name: string, location: string) => {
      const ing = app({ [`${A}session-cookie-name`]: 'route', [`${A}session-cookie-path`]: '/' }, { tls: false });
      const only = { ...ing.spec.rules[0].http.paths[0], path: location, backend: { service: { name, port: { number: 80 } } } };
      return { ...ing, metadata: { ...ing.metadata, name }, spec: { ...ing.spec, rules: [{ ...ing.spec.rules[0], http: { paths: [only] } }] } };
    };
    const result = AffinityMigration.migrate([one('svc-a', '/a'), one('svc-b', '/b')], { target: MigrationTarget.TRAEFIK });
    expect(stickyOf(result).map(([, c]) => [c.name, c.path])).toEqual([['route-svc-a', '/'], ['route-svc-b', '/']]);
    for (const ingress of ['shop/svc-a', 'shop/svc-b']) {
      expect(result.notes.filter(n => n.ingress === ingress && n.subject === `${A}session-cookie-name`).map(n => n.fate)).toEqual([MigrationFate.APPROXIMATED]);
    }
    expect(AffinityDoctor.check(result.objects).filter(f => f.rule === 'cookie-shared-by-services')).toEqual([]);
  });

  test('GIVEN session-cookie-secure "false" WHEN --to traefik THEN the same as unset: Secure over HTTPS', () => {
    const result = migrate(MigrationTarget.TRAEFIK, app({ [`${A}session-cookie-secure`]: 'false' }));
    expect(stickyOf(result).map(([, c]) => c.secure)).toEqual([true, true]);
    expect(notesOn(result, `${A}session-cookie-secure`)[0]).toMatch(/^carried: "false" is the same as unset for ingress-nginx/);
  });

  // With affinity-mode persistent: left out, it is balanced, which Traefik's cookie is not (approximated).
  const PERSISTENT = { [`${A}affinity-mode`]: 'persistent' };

  test('GIVEN no TLS WHEN --to traefik THEN no Secure (requests come over HTTP), exactly', () => {
    const result = migrate(MigrationTarget.TRAEFIK, app(PERSISTENT, { tls: false }));
    expect(stickyOf(result).map(([, c]) => c.secure)).toEqual([undefined, undefined]);
    expect(result.exact).toBe(true);
  });

  test('GIVEN session-cookie-secure "true" and no TLS WHEN --to traefik THEN Secure, and no redirect is missing (ingress-nginx did not redirect either)', () => {
    const result = migrate(MigrationTarget.TRAEFIK, app({ ...PERSISTENT, [`${A}session-cookie-secure`]: 'true' }, { tls: false }));
    expect(stickyOf(result).map(([, c]) => c.secure)).toEqual([true, true]);
    expect(notesOn(result, `${A}ssl-redirect`)).toEqual([]);
    expect(result.exact).toBe(true);
  });

  test('GIVEN TLS with ssl-redirect "false" WHEN --to traefik THEN approximated: ingress-nginx marks only the HTTPS requests\' cookie Secure', () => {
    const result = migrate(MigrationTarget.TRAEFIK, app({ [`${A}ssl-redirect`]: 'false' }));
    expect(stickyOf(result).map(([, c]) => c.secure)).toEqual([undefined, undefined]);
    expect(notesOn(result, `${A}session-cookie-secure`)).toEqual([expect.stringMatching(/^approximated: .*some come over HTTP/)]);
    expect(result.exact).toBe(false);
  });

  test('GIVEN one Service behind two locations WHEN --to istio THEN one cookie for both: approximated, no Path written', () => {
    const result = migrate(MigrationTarget.ISTIO, app({}, { oneService: true }));
    const rule = result.objects.find(o => o.kind === 'DestinationRule');
    expect(rule.spec.trafficPolicy.loadBalancer.consistentHash.httpCookie).toEqual({ name: 'INGRESSCOOKIE', ttl: '0s', attributes: [{ name: 'Secure' }] });
    expect(notesOn(result, `${A}session-cookie-path`)).toEqual([expect.stringMatching(/^approximated: not set: ingress-nginx scopes the cookie to each location's path \(\/app, \/api\)/)]);
    expect(result.exact).toBe(false);
  });

  test('GIVEN TLS WHEN --to kong or gke THEN approximated: neither has a Secure field', () => {
    for (const target of [MigrationTarget.KONG, MigrationTarget.GKE]) {
      expect(notesOn(migrate(target, app()), `${A}session-cookie-secure`)).toEqual([expect.stringMatching(/has no Secure field$/)]);
    }
  });
});

/** A shop Ingress (/shop to web, /shop/api to api, one host) with a canary Ingress by weight for /shop. */
function shopWithCanary(annotations: Record<string, string> = {}): any[] {
  const rule = (location: string, service: string) => ({ path: location, pathType: 'Prefix', backend: { service: { name: service, port: { number: 80 } } } });
  const ingress = (name: string, extra: Record<string, string>, paths: any[]) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'shop', annotations: extra },
    spec: { ingressClassName: 'nginx', rules: [{ host: 'shop.example.com', http: { paths } }] },
  });
  return [
    ingress('shop', { [`${A}affinity`]: 'cookie', [`${A}session-cookie-name`]: 'SHOPID', [`${A}session-cookie-path`]: '/shop', ...annotations },
      [rule('/shop', 'web'), rule('/shop/api', 'api')]),
    ingress('shop-canary', { [`${A}canary`]: 'true', [`${A}canary-weight`]: '20' }, [rule('/shop', 'web-v2')]),
  ];
}

describe('a cookie that names a server of one Service is never shared by two', () => {
  const nameNotes = (result: ReturnType<typeof AffinityMigration.migrate>) =>
    result.notes.filter(n => n.subject === `${A}session-cookie-name`).map(n => `${n.fate}: ${n.detail}`);
  /** Each IngressRoute service's name, sticky cookie name and Path. */
  const cookiesOf = (result: ReturnType<typeof AffinityMigration.migrate>) =>
    result.objects[0].spec.routes.flatMap((r: any) => r.services.map((svc: any) => [svc.name, svc.sticky.cookie.name, svc.sticky.cookie.path]));

  test('GIVEN a canary by weight beside a main Ingress whose session-cookie-path covers two Services WHEN --to traefik THEN each Service, the canary\'s too, gets a cookie name of its own', () => {
    const result = AffinityMigration.migrate(shopWithCanary(), { target: MigrationTarget.TRAEFIK });
    expect(cookiesOf(result)).toEqual([['web', 'SHOPID-web', '/shop'], ['web-v2', 'SHOPID-web-v2', '/shop'], ['api', 'SHOPID-api', '/shop']]);
    expect(nameNotes(result)).toEqual([expect.stringMatching(
      /^approximated: Services web and web-v2 and api would share the sticky cookie SHOPID at Path \/shop on shop\.example\.com: .*Traefik's names a server of the Service that set it.*: SHOPID-web, SHOPID-web-v2, SHOPID-api$/)]);
    // What the doctor reads of the output: no shared cookie.
    expect(AffinityDoctor.check(result.objects).filter(f => f.rule === 'cookie-shared-by-services')).toEqual([]);
  });

  test('GIVEN a canary by weight and no session-cookie-path WHEN --to traefik THEN main and canary, on one route and one Path, get cookies of their own', () => {
    const docs = shopWithCanary();
    delete docs[0].metadata.annotations[`${A}session-cookie-path`];
    const result = AffinityMigration.migrate(docs, { target: MigrationTarget.TRAEFIK });
    expect(cookiesOf(result)).toEqual([['web', 'SHOPID-web', '/shop'], ['web-v2', 'SHOPID-web-v2', '/shop'], ['api', 'SHOPID', '/shop/api']]);
    expect(AffinityDoctor.check(result.objects).filter(f => f.rule === 'cookie-shared-by-services')).toEqual([]);
  });

  test('GIVEN affinity-mode persistent and a canary WHEN --to traefik THEN named apart too, the note saying why ingress-nginx\'s cookie was not shared between main and canary', () => {
    const result = AffinityMigration.migrate(shopWithCanary({ [`${A}affinity-mode`]: 'persistent' }), { target: MigrationTarget.TRAEFIK });
    expect(result.objects[0].spec.routes[0].services.map((svc: any) => svc.sticky.cookie.name)).toEqual(['SHOPID-web', 'SHOPID-web-v2']);
    expect(nameNotes(result)).toEqual([expect.stringMatching(/\(so did ingress-nginx's persistent one, except between a main Ingress and its canary, .*\); written as one cookie per Service: /)]);
    expect(AffinityDoctor.check(result.objects).filter(f => f.rule === 'cookie-shared-by-services')).toEqual([]);
  });

  test('GIVEN the same WHEN --to nginx-plus THEN each upstream\'s sessionCookie gets the name of its Service, approximated as on Traefik', () => {
    const result = AffinityMigration.migrate(shopWithCanary(), { target: MigrationTarget.NGINX_PLUS });
    const vs = result.objects[0];
    expect(vs.spec.upstreams.map((u: any) => [u.service, u.sessionCookie.name, u.sessionCookie.path])).toEqual([
      ['web', 'SHOPID-web', '/shop'], ['web-v2', 'SHOPID-web-v2', '/shop'], ['api', 'SHOPID-api', '/shop'],
    ]);
    expect(nameNotes(result)).toEqual([expect.stringMatching(
      /^approximated: Services web and web-v2 and api would share the sticky cookie SHOPID at Path \/shop on shop\.example\.com: .*NGINX Plus's sticky cookie names a server of the upstream that set it.*: SHOPID-web, SHOPID-web-v2, SHOPID-api$/)]);
    expect(result.exact).toBe(false);
    expectValid(result.objects);
    // What the doctor reads of the output (it reads VirtualServer upstreams' sessionCookie): no shared cookie.
    expect(AffinityDoctor.check(result.objects).filter(f => f.rule === 'cookie-shared-by-services')).toEqual([]);
    // And it would have found the one cookie the three upstreams were given without the split.
    const unsplit = JSON.parse(JSON.stringify(vs));
    unsplit.spec.upstreams.forEach((u: any) => { u.sessionCookie.name = 'SHOPID'; });
    expect(AffinityDoctor.check([unsplit]).filter(f => f.rule === 'cookie-shared-by-services').map(f => f.message)).toEqual([
      expect.stringContaining('Services "web" and "web-v2" and "api" on host "shop.example.com" share the affinity cookie "SHOPID" (Path /shop)'),
    ]);
  });

  test('GIVEN one Service per host WHEN --to nginx-plus THEN its cookie keeps its name, carried', () => {
    const docs = shopWithCanary();
    docs[0].spec.rules[0].http.paths.pop();
    const result = AffinityMigration.migrate([docs[0]], { target: MigrationTarget.NGINX_PLUS });
    expect(result.objects[0].spec.upstreams.map((u: any) => u.sessionCookie.name)).toEqual(['SHOPID']);
    expect(nameNotes(result)).toEqual(['carried: VirtualServer upstream sessionCookie name SHOPID']);
  });
});

describe('a canary by weight beside cookie affinity', () => {
  const migrate = (target: MigrationTarget, docs: any[]) => AffinityMigration.migrate(docs, { target, gateway: 'public' });
  const notesOn = (result: ReturnType<typeof migrate>, subject: string) =>
    result.notes.filter(n => n.subject === `${A}${subject}`).map(n => `${n.fate}: ${n.detail}`);

  // ingress-nginx (affinity-canary-behavior sticky, the default) keeps a cookie holder on main or canary.
  test.each([
    [MigrationTarget.TRAEFIK, /an IngressRoute picks among its weighted services at every request/],
    [MigrationTarget.ISTIO, /Envoy picks the weighted backend at every request, before the DestinationRule's cookie hash/],
    [MigrationTarget.CONTOUR, /Envoy picks the weighted service at every request/],
    [MigrationTarget.GKE, /the weighted split take precedence over the backend service's session affinity/],
    [MigrationTarget.NGINX_PLUS, /split_clients on \$request_id/],
  ])('GIVEN a target that splits at every request (%s) WHEN migrated THEN canary-weight is approximated, saying why', (target, why) => {
    const lines = notesOn(migrate(target, shopWithCanary()), 'canary-weight');
    expect(lines).toEqual([expect.stringMatching(/^approximated: backend weights 80 \(main\) and 20 \(canary\), but /)]);
    expect(lines[0]).toMatch(why);
    expect(lines[0]).toMatch(/a returning client moves between main and canary, where ingress-nginx \(affinity-canary-behavior sticky, the default\) keeps a cookie holder on the one it reached$/);
  });

  test.each([MigrationTarget.GATEWAY_API, MigrationTarget.ENVOY_GATEWAY])('GIVEN a target whose cookie keeps the client across the split (%s) WHEN migrated THEN canary-weight is carried', target => {
    expect(notesOn(migrate(target, shopWithCanary()), 'canary-weight')).toEqual(['carried: backend weights 80 (main) and 20 (canary)']);
  });

  test('GIVEN affinity-canary-behavior legacy WHEN --to traefik THEN both carried: the pick is made at every request in either', () => {
    const result = migrate(MigrationTarget.TRAEFIK, shopWithCanary({ [`${A}affinity-canary-behavior`]: 'legacy' }));
    expect(notesOn(result, 'canary-weight')).toEqual(['carried: backend weights 80 (main) and 20 (canary)']);
    expect(notesOn(result, 'affinity-canary-behavior')).toEqual([expect.stringMatching(/^carried: an IngressRoute picks .*, as legacy picks main or canary at every request$/)]);
    // A target whose cookie keeps the pick cannot forget it.
    expect(notesOn(migrate(MigrationTarget.GATEWAY_API, shopWithCanary({ [`${A}affinity-canary-behavior`]: 'legacy' })), 'affinity-canary-behavior'))
      .toEqual([expect.stringMatching(/^dropped: /)]);
  });

  test('GIVEN affinity-canary-behavior sticky WHEN --to nginx-plus THEN approximated: a client moves between main and canary', () => {
    const result = migrate(MigrationTarget.NGINX_PLUS, shopWithCanary({ [`${A}affinity-canary-behavior`]: 'sticky' }));
    expect(notesOn(result, 'affinity-canary-behavior')).toEqual([expect.stringMatching(/^approximated: .*split_clients on \$request_id\): a client moves between main and canary, where sticky keeps it on the one its cookie names$/)]);
  });

  test('GIVEN a main Ingress without affinity WHEN --to traefik THEN the per-request split is what ingress-nginx did: carried', () => {
    const docs = shopWithCanary();
    docs[0].metadata.annotations = {};
    expect(notesOn(migrate(MigrationTarget.TRAEFIK, docs), 'canary-weight')).toEqual(['carried: backend weights 80 (main) and 20 (canary)']);
  });
});

describe('a session-cookie-path that does not cover every location', () => {
  /** The shop (/shop, /shop/api) and two more hosts of the Ingress: www (/) and plain (Exact /exact). */
  function shop(cookiePath: string): any {
    const rule = (location: string, service: string, pathType = 'Prefix') => ({ path: location, pathType, backend: { service: { name: service, port: { number: 80 } } } });
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'shop', namespace: 'shop', annotations: { [`${A}affinity`]: 'cookie', [`${A}affinity-mode`]: 'persistent', [`${A}session-cookie-path`]: cookiePath } },
      spec: {
        ingressClassName: 'nginx',
        rules: [
          { host: 'shop.example.com', http: { paths: [rule('/shop', 'web'), rule('/shop/api', 'api')] } },
          { host: 'www.example.com', http: { paths: [rule('/', 'web')] } },
          { host: 'plain.example.com', http: { paths: [rule('/exact', 'web', 'Exact')] } },
        ],
      },
    };
  }
  const pathNotes = (target: MigrationTarget, ingress: any) => AffinityMigration.migrate([ingress], { target, gateway: 'public' }).notes
    .filter(n => n.subject === `${A}session-cookie-path`).map(n => `${n.fate}: ${n.detail}`);

  const writingThePath = [
    MigrationTarget.TRAEFIK, MigrationTarget.NGINX_PLUS, MigrationTarget.CONTOUR,
    MigrationTarget.ISTIO, MigrationTarget.KONG, MigrationTarget.ENVOY_GATEWAY,
  ];
  test.each(writingThePath)(
    'GIVEN Path /shop and locations / and /exact on other hosts WHEN --to %s THEN approximated, naming them: a browser sends the cookie only under its Path', target => {
      const lines = pathNotes(target, shop('/shop'));
      expect(lines).toEqual([expect.stringMatching(/^approximated: .*\/shop, but \/shop does not cover \/ on www\.example\.com, \/exact on plain\.example\.com: /)]);
      expect(lines[0]).toMatch(/: a browser sends the cookie only with requests under its Path, so the requests there outside it get no affinity /);
      expect(lines[0]).toMatch(/\(nor did they on ingress-nginx, which wrote the same Path\); give session-cookie-path a path they share, or leave it out$/);
    });

  test('GIVEN Path / WHEN --to traefik THEN it covers every location: carried', () => {
    expect(pathNotes(MigrationTarget.TRAEFIK, shop('/'))).toEqual(['carried: IngressRoute sticky.cookie path /']);
  });

  test('GIVEN Path /shop and a location /shopping WHEN --to traefik THEN not covered: a Path matches whole segments only', () => {
    const ingress = shop('/shop');
    ingress.spec.rules = [{ host: 'shop.example.com', http: { paths: [{ path: '/shopping', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }];
    expect(pathNotes(MigrationTarget.TRAEFIK, ingress)).toEqual([expect.stringMatching(/^approximated: .* does not cover \/shopping on shop\.example\.com: /)]);
  });

  test('GIVEN Path /app/ and a Prefix location /app/ WHEN --to traefik THEN not covered: the Prefix also routes /app, as the doctor says', () => {
    const ingress = shop('/app/');
    ingress.spec.rules = [{ host: 'shop.example.com', http: { paths: [{ path: '/app/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }];
    expect(pathNotes(MigrationTarget.TRAEFIK, ingress)).toEqual([expect.stringMatching(/^approximated: .* does not cover \/app\/ on shop\.example\.com: /)]);
    expect(AffinityDoctor.check([ingress]).map(f => f.rule)).toContain('cookie-path-not-covering-route');
    // An ImplementationSpecific location /app/ is an nginx prefix, which /app does not match: covered
    ingress.spec.rules[0].http.paths[0].pathType = 'ImplementationSpecific';
    expect(pathNotes(MigrationTarget.TRAEFIK, ingress)).toEqual(['carried: IngressRoute sticky.cookie path /app/']);
  });

  /** A use-regex Ingress under session-cookie-path /shop: one location under the Path, one expression outside it. */
  function regexShop(): any {
    const rule = (location: string) => ({ path: location, pathType: 'ImplementationSpecific', backend: { service: { name: 'web', port: { number: 80 } } } });
    const ingress = shop('/shop');
    ingress.metadata.annotations[`${A}use-regex`] = 'true';
    ingress.spec.rules = [{ host: 'api.example.com', http: { paths: [rule('/shop/.*'), rule('/v[0-9]+/.*')] } }];
    return ingress;
  }

  test.each(writingThePath)(
    'GIVEN use-regex, Path /shop and a location /v[0-9]+/.* WHEN --to %s THEN approximated, naming the expression, as the doctor reads it by its literal start', target => {
      const ingress = regexShop();
      expect(pathNotes(target, ingress)).toEqual([expect.stringMatching(
        /^approximated: .*\/shop, but \/shop does not cover \/v\[0-9\]\+\/\.\* \(a regular expression\) on api\.example\.com: a browser sends the cookie only/)]);
      // The doctor says the same of the source Ingress.
      expect(AffinityDoctor.check([ingress]).filter(f => f.rule === 'cookie-path-not-covering-route').map(f => f.message)).toEqual([
        expect.stringContaining('which does not cover the path "/v[0-9]+/.*" (a regular expression) on host api.example.com'),
      ]);
    });

  test('GIVEN use-regex and Path /shop over the locations /shop/.* and /shop(/|$)(.*) WHEN --to traefik THEN covered: carried', () => {
    const ingress = regexShop();
    ingress.spec.rules[0].http.paths[1].path = '/shop(/|$)(.*)';
    expect(pathNotes(MigrationTarget.TRAEFIK, ingress)).toEqual(['carried: IngressRoute sticky.cookie path /shop']);
    expect(AffinityDoctor.check([ingress]).filter(f => f.rule === 'cookie-path-not-covering-route')).toEqual([]);
  });

  /** Grafana under /grafana and /api of one host, to one Service, with no session-cookie-path. */
  function grafanaTwoLocations(): any {
    const rule = (location: string) => ({ path: location, pathType: 'Prefix', backend: { service: { name: 'grafana', port: { number: 80 } } } });
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'grafana', namespace: 'grafana', annotations: { [`${A}affinity`]: 'cookie' } },
      spec: { ingressClassName: 'nginx', rules: [{ host: 'grafana.example.com', http: { paths: [rule('/grafana'), rule('/api')] } }] },
    };
  }

  test('GIVEN no session-cookie-path and two locations of one Service WHEN --to traefik THEN carried per route, and the note says the split is carried too', () => {
    const lines = pathNotes(MigrationTarget.TRAEFIK, grafanaTwoLocations());
    expect(lines).toEqual([
      'carried: not set: ingress-nginx scopes the cookie to the location\'s path, /grafana; written as IngressRoute sticky.cookie path /grafana; '
      + 'as on ingress-nginx, that Path does not cover /api, which reach the same Service on the host, so a user gets another pod there (set session-cookie-path "/" to keep one)',
      'carried: not set: ingress-nginx scopes the cookie to the location\'s path, /api; written as IngressRoute sticky.cookie path /api; '
      + 'as on ingress-nginx, that Path does not cover /grafana, which reach the same Service on the host, so a user gets another pod there (set session-cookie-path "/" to keep one)',
    ]);
    // AND the doctor says so of the source
    expect(AffinityDoctor.check([grafanaTwoLocations()]).map(f => f.rule)).toContain('cookie-path-not-covering-route');
  });

  test('GIVEN no session-cookie-path and two locations of one Service WHEN --to istio (one cookie per Service) THEN approximated, saying ingress-nginx kept a user on a pod per location', () => {
    expect(pathNotes(MigrationTarget.ISTIO, grafanaTwoLocations())).toEqual([expect.stringContaining(
      'not set: ingress-nginx scopes the cookie to each location\'s path (/grafana, /api); there a cookie set under one location did not come back under another, so a user was kept on a different pod under each; ')]);
  });

  test('GIVEN one location WHEN --to traefik THEN carried, with no split to tell', () => {
    const one = grafanaTwoLocations();
    one.spec.rules[0].http.paths.pop();
    expect(pathNotes(MigrationTarget.TRAEFIK, one)).toEqual(['carried: not set: ingress-nginx scopes the cookie to the location\'s path, /grafana; written as IngressRoute sticky.cookie path /grafana']);
  });

  describe('Ingresses of one Service that set session-cookie-path differently', () => {
    /** An Ingress with cookie affinity to Service web port 80 on app.example.com, with session-cookie-path when given. */
    const web = (name: string, cookiePath: string | undefined, location: string) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, namespace: 'web', annotations: { [`${A}affinity`]: 'cookie', ...(cookiePath === undefined ? {} : { [`${A}session-cookie-path`]: cookiePath }) } },
      spec: { ingressClassName: 'nginx', rules: [{ host: 'app.example.com', http: { paths: [{ path: location, pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
    });
    const pathLines = (target: MigrationTarget, ...ingresses: any[]) => AffinityMigration.migrate(ingresses, { target, gateway: 'public' }).notes
      .filter(n => n.subject === `${A}session-cookie-path`).map(n => [n.ingress, n.fate, n.detail]);
    const why = '; but Ingresses web-api ("/"), web (not set) reach Service web port 80 and set session-cookie-path differently: '
      + 'ingress-nginx gave every location of such a Service, on every host, the Path of the Ingress it read last (by creation order, which the manifests do not fix), '
      + 'or each location its own path when that Ingress had none, so which Path the source used is not known; the output keeps each Ingress\'s own';

    test('GIVEN web-api (/api, session-cookie-path "/") and web (/, none) WHEN --to traefik THEN each Ingress\'s line is approximated, saying what it wrote, not carried', () => {
      const result = AffinityMigration.migrate([web('web-api', '/', '/api'), web('web', undefined, '/')], { target: MigrationTarget.TRAEFIK });
      expect(result.notes.filter(n => n.subject === `${A}session-cookie-path`).map(n => [n.ingress, n.fate, n.detail])).toEqual([
        ['web/web-api', MigrationFate.APPROXIMATED, `IngressRoute sticky.cookie path /${why}`],
        ['web/web', MigrationFate.APPROXIMATED, `not set: written with each location's own path as Path, or a target default that is the same${why}`],
      ]);
      // AND the output is not called exact
      expect(result.exact).toBe(false);
    });

    test('GIVEN a one-cookie-per-Service target (istio) THEN approximated too', () => {
      expect(pathLines(MigrationTarget.ISTIO, web('web-api', '/', '/api'), web('web', undefined, '/')).map(l => [l[0], l[1]])).toEqual([
        ['web/web-api', MigrationFate.APPROXIMATED],
        ['web/web', MigrationFate.APPROXIMATED],
      ]);
    });

    test('GIVEN the same session-cookie-path on both, or another Service, THEN carried as before', () => {
      expect(pathLines(MigrationTarget.TRAEFIK, web('web-api', '/', '/api'), web('web', '/', '/'))).toEqual([
        ['web/web-api', MigrationFate.CARRIED, 'IngressRoute sticky.cookie path /'],
        ['web/web', MigrationFate.CARRIED, 'IngressRoute sticky.cookie path /'],
      ]);
      const other = web('web', undefined, '/');
      other.spec.rules[0].http.paths[0].backend.service.name = 'other';
      expect(pathLines(MigrationTarget.TRAEFIK, web('web-api', '/', '/api'), other)).toEqual([
        ['web/web-api', MigrationFate.CARRIED, 'IngressRoute sticky.cookie path /'],
      ]);
    });
  });

  test('GIVEN the gateway-api target at v1.6.1 WHEN migrated THEN still dropped: no cookie path is written at all', () => {
    expect(pathNotes(MigrationTarget.GATEWAY_API, shop('/shop'))).toEqual([expect.stringMatching(/^dropped: sessionPersistence has no cookie path at v1\.6\.1/)]);
  });
});

describe('canary-by-cookie', () => {
  /** The shop with a canary by weight (20) and by the cookie `canary`. */
  function docs(cookie = 'canary', weight = '20'): any[] {
    const [main, canary] = shopWithCanary();
    canary.metadata.annotations = { ...canary.metadata.annotations, [`${A}canary-weight`]: weight, [`${A}canary-by-cookie`]: cookie };
    return [main, canary];
  }
  const cookieNotes = (result: ReturnType<typeof AffinityMigration.migrate>) =>
    result.notes.filter(n => n.subject === `${A}canary-by-cookie`).map(n => `${n.fate}: ${n.detail}`);

  test('GIVEN a canary by cookie and by weight WHEN --to nginx-plus THEN carried: always to the canary, never to main, before the split', () => {
    const result = AffinityMigration.migrate(docs(), { target: MigrationTarget.NGINX_PLUS });
    const route = result.objects[0].spec.routes.find((r: any) => r.path === '/shop');
    expect(route.matches).toEqual([
      { conditions: [{ cookie: 'canary', value: 'never' }], action: { pass: 'web-80' } },
      { conditions: [{ cookie: 'canary', value: 'always' }], action: { pass: 'web-v2-80' } },
    ]);
    expect(route.splits).toEqual([{ weight: 80, action: { pass: 'web-80' } }, { weight: 20, action: { pass: 'web-v2-80' } }]);
    expect(cookieNotes(result)).toEqual(['carried: VirtualServer matches on cookie canary: always to the canary, never to the main Ingress\'s backends, '
      + 'any other value to the route\'s own backends, as ingress-nginx']);
    expect(crdSchemaErrors(result.objects[0])).toEqual([]);
    // Only the canary's path gets them.
    expect(result.objects[0].spec.routes.find((r: any) => r.path === '/shop/api').matches).toBeUndefined();
  });

  test('GIVEN a canary by cookie alone WHEN --to nginx-plus THEN only always is written: never is the route\'s own action', () => {
    const result = AffinityMigration.migrate(docs('canary', '0'), { target: MigrationTarget.NGINX_PLUS });
    const route = result.objects[0].spec.routes.find((r: any) => r.path === '/shop');
    expect(route.matches).toEqual([{ conditions: [{ cookie: 'canary', value: 'always' }], action: { pass: 'web-v2-80' } }]);
    expect(route.action).toEqual({ pass: 'web-80' });
    expect(cookieNotes(result)).toEqual([expect.stringMatching(/^carried: VirtualServer matches on cookie canary: always to the canary, any other value/)]);
  });

  test('GIVEN a cookie name with a \'-\' WHEN --to nginx-plus THEN dropped, saying the condition\'s names are letters, digits and _', () => {
    const result = AffinityMigration.migrate(docs('use-canary'), { target: MigrationTarget.NGINX_PLUS });
    expect(JSON.stringify(result.objects)).not.toContain('use-canary');
    expect(cookieNotes(result)).toEqual(['dropped: a VirtualServer cookie condition takes a name of letters, digits and _ only, not "use-canary"; use canary-by-header instead']);
  });

  test.each([
    [MigrationTarget.GATEWAY_API, 'an HTTPRoute match'],
    [MigrationTarget.ENVOY_GATEWAY, 'an HTTPRoute match'],
    [MigrationTarget.ISTIO, 'an HTTPRoute match'],
    [MigrationTarget.KONG, 'an HTTPRoute match'],
    [MigrationTarget.GKE, 'an HTTPRoute match'],
    [MigrationTarget.TRAEFIK, 'an IngressRoute rule'],
    [MigrationTarget.CONTOUR, 'an HTTPProxy condition'],
  ])('GIVEN a canary by cookie WHEN --to %s THEN dropped, because %s has no cookie condition; nothing routes to the canary on it', (target, object) => {
    const result = AffinityMigration.migrate(docs(), { target, gateway: 'public' });
    expect(cookieNotes(result)).toEqual([`dropped: ${object} has no cookie condition, so no rule is written for it; use canary-by-header instead`]);
    expect(JSON.stringify(result.objects)).not.toMatch(/"canary"|always/);
  });
});

describe('use-regex paths, per target', () => {
  /** An Ingress with use-regex and cookie affinity under Path "/", one location per path, each to its own Service. */
  function regexApi(...locations: string[]): any {
    return {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'api', namespace: 'api', annotations: { [`${A}use-regex`]: 'true', [`${A}affinity`]: 'cookie', [`${A}session-cookie-path`]: '/' } },
      spec: {
        ingressClassName: 'nginx',
        rules: [{
          host: 'api.example.com',
          http: { paths: locations.map((l, i) => ({ path: l, pathType: 'ImplementationSpecific', backend: { service: { name: `api-${i}`, port: { number: 80 } } } })) },
        }],
      },
    };
  }
  const migrate = (target: MigrationTarget, ingress: any) => AffinityMigration.migrate([ingress], { target, gateway: 'public' });
  /** The expression each target writes for the Ingress's first path. */
  function written(target: MigrationTarget, location: string): string {
    const o = migrate(target, regexApi(location)).objects[0];
    switch (target) {
      case MigrationTarget.TRAEFIK:
        return /PathRegexp\(`(.*)`\)$/.exec(o.spec.routes[0].match)![1];
      case MigrationTarget.CONTOUR:
        return o.spec.routes[0].conditions[0].regex;
      case MigrationTarget.NGINX_PLUS:
        return o.spec.routes[0].path;
      default:
        expect(o.spec.rules[0].matches[0].path.type).toBe('RegularExpression');
        return o.spec.rules[0].matches[0].path.value;
    }
  }

  test.each([
    [MigrationTarget.NGINX_PLUS, '~* ^/shop'],
    [MigrationTarget.TRAEFIK, '(?i)^/shop'],
    [MigrationTarget.CONTOUR, '/(?i:shop.*)'],
    [MigrationTarget.ENVOY_GATEWAY, '(?i)^/shop.*'],
    [MigrationTarget.ISTIO, '(?i)^/shop.*'],
    [MigrationTarget.GATEWAY_API, '(?i)^/shop.*'],
    [MigrationTarget.KONG, '(?i)^/shop.*'],
    [MigrationTarget.GKE, '(?i)^/shop.*'],
  ])('GIVEN the location /shop WHEN --to %s THEN written as %s', (target, expression) => {
    expect(written(target, '/shop')).toBe(expression);
  });

  // ingress-nginx's location ~* "^<path>": searched from the path's start, any case, anything after.
  const nginxMatches = (location: string, request: string) => new RegExp(`^${location}`, 'i').test(request);
  // The written RE2 expression, its (?i) read as JavaScript's flag: matched whole (Envoy) or searched for.
  const re2 = (expression: string) => {
    expect(expression.startsWith('(?i)')).toBe(true);
    return expression.slice('(?i)'.length);
  };
  const wholeMatches = (expression: string, request: string) => new RegExp(`^(?:${re2(expression)})$`, 'i').test(request);
  const searchMatches = (expression: string, request: string) => new RegExp(re2(expression), 'i').test(request);
  const REQUESTS = ['/shop', '/SHOP', '/shop/cart', '/shopping', '/x/shop', '/', '/b', '/x/b/y', '/v1', '/v1/', '/v1/users', '/v10', '/V1/x'];

  test.each(['/shop', '/shop/.*', '/v1(/|$)(.*)', '/a|/b', '/[|]x'])(
    'GIVEN the location %s WHEN written for each target THEN each matches the requests ingress-nginx matched, as its dialect reads it', location => {
      const expected = REQUESTS.map(r => nginxMatches(location, r));
      // Contour takes a regex condition only when it begins with '/', and Envoy matches it against the whole path.
      const contour = written(MigrationTarget.CONTOUR, location);
      expect(contour.startsWith('/(?i:') && contour.endsWith(')')).toBe(true);
      const contourWhole = (request: string) => new RegExp(`^/(?:${contour.slice('/(?i:'.length, -1)})$`, 'i').test(request);
      expect(REQUESTS.map(contourWhole)).toEqual(expected);
      // Envoy matches the whole path; the Gateway API leaves it to the implementation, so the expression must hold either way.
      for (const target of [MigrationTarget.ENVOY_GATEWAY, MigrationTarget.ISTIO, MigrationTarget.GATEWAY_API]) {
        const expression = written(target, location);
        expect(REQUESTS.map(r => wholeMatches(expression, r))).toEqual(expected);
        expect(REQUESTS.map(r => searchMatches(expression, r))).toEqual(expected);
      }
      // Traefik and nginx search the path for the expression.
      expect(REQUESTS.map(r => searchMatches(written(MigrationTarget.TRAEFIK, location), r))).toEqual(expected);
      const nginx = written(MigrationTarget.NGINX_PLUS, location);
      expect(nginx.startsWith('~* ')).toBe(true);
      expect(REQUESTS.map(r => new RegExp(nginx.slice('~* '.length), 'i').test(r))).toEqual(expected);
    });

  test('GIVEN rewrite-target without use-regex WHEN --to traefik THEN the paths are regular expressions, as ingress-nginx reads them, and the rewrite is said dropped', () => {
    const ingress = regexApi('/shop(/|$)(.*)');
    delete ingress.metadata.annotations[`${A}use-regex`];
    ingress.metadata.annotations[`${A}rewrite-target`] = '/$2';
    const result = migrate(MigrationTarget.TRAEFIK, ingress);
    expect(result.objects.find(o => o.kind === 'IngressRoute').spec.routes[0].match).toContain('PathRegexp(`(?i)^/shop(/|$)(.*)`)');
    const note = result.notes.find(n => n.subject === `${A}rewrite-target`)!;
    expect(note.fate).toBe(MigrationFate.DROPPED);
    expect(note.detail).toMatch(/^the rewrite of the path sent to the Service is not translated: .*, and so they are written: each path P written as PathRegexp/);
  });

  test('GIVEN a path with a backtick WHEN --to traefik THEN the rule quotes it with double quotes, as Traefik reads them', () => {
    const route = migrate(MigrationTarget.TRAEFIK, regexApi('/a`b')).objects.find(o => o.kind === 'IngressRoute');
    expect(route.spec.routes[0].match).toContain('PathRegexp("(?i)^/a`b")');
  });

  test('GIVEN a location with a branch that does not begin with \'/\' WHEN --to contour THEN the prefix condition /, approximated: Contour refuses a regex that does not begin with \'/\'', () => {
    const result = migrate(MigrationTarget.CONTOUR, regexApi('/a|b'));
    const proxy = result.objects.find(o => o.kind === 'HTTPProxy');
    expect(proxy.spec.routes[0].conditions).toEqual([{ prefix: '/' }]);
    expect(result.notes.filter(n => n.fate === MigrationFate.APPROXIMATED).map(n => n.detail)).toContainEqual(
      expect.stringContaining("/a|b written as the prefix condition /: Contour takes a regex condition only when it begins with '/'"));
  });

  test.each(Object.values(MigrationTarget))('GIVEN use-regex WHEN --to %s THEN approximated, saying how the paths are written', target => {
    const notes = migrate(target, regexApi('/shop')).notes.filter(n => n.subject === `${A}use-regex`);
    expect(notes.map(n => n.fate)).toEqual([MigrationFate.APPROXIMATED]);
    expect(notes[0].detail).toMatch(/^each path P written as /);
    expect(notes[0].detail).toContain(target === MigrationTarget.NGINX_PLUS ? 'with the same PCRE (but the NGINX Ingress Controller first checks it with Go\'s regexp' : 'RE2, not ingress-nginx\'s PCRE');
  });

  test.each([MigrationTarget.TRAEFIK, MigrationTarget.NGINX_PLUS])(
    'GIVEN two use-regex locations to two Services under one cookie WHEN --to %s THEN the doctor reads the output\'s routes as before: named apart, nothing shared; one name, shared', target => {
      const result = migrate(target, regexApi('/a/.*', '/b/.*'));
      const shared = (objects: any[]) => AffinityDoctor.check(objects).filter(f => f.rule === 'cookie-shared-by-services');
      expect(shared(result.objects)).toEqual([]);
      // The same objects with the cookies under one name again: the doctor reads the regex routes' cookies and finds them shared.
      const undone = structuredClone(result.objects);
      for (const o of undone) {
        const ingressRoute = (o.spec.routes ?? []).flatMap((r: any) => (r.services ?? []).map((s: any) => s.sticky?.cookie));
        for (const c of [...ingressRoute, ...(o.spec.upstreams ?? []).map((u: any) => u.sessionCookie)]) {
          if (c) {
            c.name = 'INGRESSCOOKIE';
          }
        }
      }
      expect(shared(undone).map(f => f.message)).toEqual([expect.stringContaining('Services "api-0" and "api-1" on host "api.example.com" share the affinity cookie "INGRESSCOOKIE"')]);
    });
});

describe('exit status', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'affinity-migrate-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const exact = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: cart
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/affinity: cookie
    nginx.ingress.kubernetes.io/affinity-mode: persistent
    nginx.ingress.kubernetes.io/session-cookie-name: CART
    nginx.ingress.kubernetes.io/session-cookie-max-age: "1800"
spec:
  ingressClassName: nginx
  rules:
    - host: cart.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: cart
                port:
                  number: 80
`;

  test('GIVEN affinity-mode left out WHEN migrated to a target that does not balance THEN approximated, as balanced written out is (exit 1)', () => {
    const file = path.join(dir, 'cart-balanced.yaml');
    const lines = (text: string) => {
      fs.writeFileSync(file, text);
      const result = run(['--to', 'gateway-api', '--gateway', 'public', file]);
      return { exitCode: result.exitCode, mode: linesOf(result.stderr).filter(l => l.includes(`${A}affinity-mode:`)).map(l => l.slice(l.indexOf('approximated'))) };
    };
    const unset = lines(exact.replace(/^.*affinity-mode.*\n/m, ''));
    const written = lines(exact.replace('affinity-mode: persistent', 'affinity-mode: balanced'));
    expect(unset.exitCode).toBe(1);
    expect(written.exitCode).toBe(1);
    expect(unset.mode).toEqual([`approximated: not set (balanced, the default): ${written.mode[0].slice('approximated: '.length)}`]);
  });

  test('GIVEN only what the target carries exactly WHEN migrated THEN exit 0, one carried line per annotation', () => {
    const file = path.join(dir, 'cart.yaml');
    fs.writeFileSync(file, exact);
    const result = run(['--to', 'gateway-api', '--gateway', 'public', file]);
    expect(result.exitCode).toBe(0);
    expect(linesOf(result.stderr).map(l => l.slice(file.length))).toEqual([
      `:1: Ingress shop/cart: ${A}affinity: carried: cookie affinity: HTTPRoute sessionPersistence`,
      `:1: Ingress shop/cart: ${A}affinity-mode: carried: HTTPRoute sessionPersistence keeps a client on its pod when pods are added, as persistent does`,
      `:1: Ingress shop/cart: ${A}session-cookie-max-age: carried: absoluteTimeout with cookieConfig.lifetimeType Permanent 1800s`,
      `:1: Ingress shop/cart: ${A}session-cookie-name: carried: HTTPRoute sessionPersistence sessionName CART`,
    ]);
    expectValid(objectsOf(result.stdout));
  });

  test.each([
    [['--gateway', 'x', 'f.yaml'], '--to is required (one of gateway-api, envoy-gateway, istio, kong, gke, traefik, contour, nginx-plus)'],
    [['--to', 'haproxy', 'f.yaml'], '--to must be one of gateway-api, envoy-gateway, istio, kong, gke, traefik, contour, nginx-plus, not "haproxy"'],
    [['--to', 'istio', 'f.yaml'], 'target istio writes HTTPRoutes: --gateway NAME names the Gateway they attach to'],
    [['--to', 'gateway-api', '--gateway', 'x', '--gateway-api', 'v1.5', 'f.yaml'], '--gateway-api must be one of v1.6, main, not "v1.5"'],
    [['--to', 'gateway-api', '--gateway', 'Bad_Name', 'f.yaml'], '--gateway must be a Kubernetes object name, not "Bad_Name"'],
    [['--to', 'traefik'], 'no input: give files, folders, or - for standard input'],
    [['--to', 'traefik', '--canary', 'f.yaml'], 'unknown option --canary'],
  ])('GIVEN %j WHEN run THEN exit 2: %s', (args, message) => {
    const result = run(args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(`affinity-migrate: ${message}`);
  });

  test('GIVEN a malformed file WHEN run THEN exit 2 with file:line and no stack trace', () => {
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: [x\n');
    const result = run(['--to', 'traefik', file]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^affinity-migrate: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+(:\\d+)?: `));
    expect(result.stderr).not.toContain('    at ');
  });

  test('GIVEN an empty folder WHEN run THEN exit 2: nothing was migrated, not a clean run', () => {
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    expect(run(['--to', 'traefik', empty])).toEqual({
      stdout: '',
      stderr: `affinity-migrate: no Kubernetes manifests found in ${empty}: nothing was migrated\n`,
      exitCode: 2,
    });
  });

  test('GIVEN a missing path WHEN run THEN exit 2 naming it', () => {
    const result = run(['--to', 'traefik', path.join(dir, 'nope')]);
    expect(result).toEqual({ stdout: '', stderr: `affinity-migrate: ${path.join(dir, 'nope')}: no such file or folder\n`, exitCode: 2 });
  });

  test('GIVEN standard input WHEN run from a fresh node THEN the same objects, <stdin> in the report, and the exit status', () => {
    const result = spawnSync(process.execPath, ['-r', TS_REGISTER, path.join(ROOT, 'src/migrate/cli.ts'), '--to', 'gateway-api', '--gateway', 'public', '-'], {
      input: exact, encoding: 'utf-8', cwd: ROOT,
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(`<stdin>:1: Ingress shop/cart: ${A}affinity: carried`);
    expect(objectsOf(result.stdout).map(o => o.kind)).toEqual(['HTTPRoute']);
  });
});

describe('AffinityMigration (library call)', () => {
  const ingresses = yaml.parseAllDocuments(fs.readFileSync(path.join(FIXTURES, 'shop.yaml'), 'utf-8')).map(d => d.toJSON());

  test('GIVEN JSON objects WHEN migrated THEN the same objects as the CLI, plain data, and the notes', () => {
    const result = AffinityMigration.migrate(ingresses, { target: MigrationTarget.ISTIO, gateway: 'public', gatewayNamespace: 'infra' });
    const cli = objectsOf(run(['--to', 'istio', ...GATEWAY_ARGS, path.join(FIXTURES, 'shop.yaml')]).stdout);
    expect(result.objects).toEqual(cli);
    expect(result.exact).toBe(false);
    expect(result.notes.find(n => n.subject === `${A}session-cookie-name`)).toEqual({
      ingress: 'shop/shop',
      subject: `${A}session-cookie-name`,
      fate: MigrationFate.CARRIED,
      detail: 'DestinationRule consistentHash.httpCookie name SHOPSESSION',
      file: undefined,
      line: undefined,
    });
  });

  test('GIVEN YAML text WHEN migrated THEN the notes carry the line', () => {
    const result = AffinityMigration.migrateYaml(fs.readFileSync(path.join(FIXTURES, 'shop.yaml'), 'utf-8'), { target: MigrationTarget.TRAEFIK, file: 'shop.yaml' });
    expect(result.notes[0]).toMatchObject({ file: 'shop.yaml', line: 16, ingress: 'shop/shop' });
  });

  test('GIVEN a Gateway API target without a gateway WHEN migrated THEN an error naming the option', () => {
    expect(() => AffinityMigration.migrate(ingresses, { target: MigrationTarget.GKE }))
      .toThrow("target gke writes HTTPRoutes: 'gateway' (--gateway NAME) names the Gateway they attach to");
  });
});

test('the CLI loads neither cdk8s, cdk8s-plus nor constructs', () => {
  const result = spawnSync(process.execPath, ['-r', TS_REGISTER, '-e',
    'require("./src/migrate/cli"); console.log(JSON.stringify(Object.keys(require.cache)))'], {
    encoding: 'utf-8', cwd: ROOT,
  });
  const loaded: string[] = JSON.parse(result.stdout);
  expect(loaded.filter(f => /node_modules[\\/](cdk8s|cdk8s-plus-28|constructs)[\\/]/.test(f))).toEqual([]);
  expect(loaded.filter(f => f.includes(`${path.sep}src${path.sep}`)).every(f => /src[\\/](migrate|doctor|facts)[\\/]/.test(f))).toBe(true);
});

/** Paths in the report relative to the repository, so snapshots do not depend on the checkout. */
function relative(text: string): string {
  return text.split(ROOT + path.sep).join('');
}
