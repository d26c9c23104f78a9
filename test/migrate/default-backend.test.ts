import { AffinityMigration, MigrationFate, MigrationResult, MigrationTarget } from '../../src';
import { crdSchemaErrors, hasCrdSchema } from '../util/crd-schemas';
import { validateManifests } from '../util/manifests';

// Where affinity-migrate writes an Ingress's spec.defaultBackend. ingress-nginx
// (controller.go, createServers): beside rules, the default backend is the
// location / of each rule host's server, the paths no rule of the host
// matches, unless a rule for / (Prefix or ImplementationSpecific) replaces it;
// it never reaches another host, nor the catch-all server (which serves a
// rule without a host). Without rules, it is the catch-all server's /.
// Either way it gets no cookie.

const A = 'nginx.ingress.kubernetes.io/';
const TARGETS = Object.values(MigrationTarget);
/** Targets that can write a route without a host. */
const HOSTLESS = TARGETS.filter(t => t !== MigrationTarget.CONTOUR && t !== MigrationTarget.NGINX_PLUS);

type Path = { path: string; pathType?: string; service: string };

function ingress(name: string, rules: Array<{ host?: string; paths: Path[] }>, options: { defaultBackend?: string; cookie?: boolean } = {}): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'web', annotations: options.cookie ?? true ? { [`${A}affinity`]: 'cookie' } : {} },
    spec: {
      ingressClassName: 'nginx',
      ...(options.defaultBackend ? { defaultBackend: { service: { name: options.defaultBackend, port: { number: 80 } } } } : {}),
      ...(rules.length > 0 ? {
        rules: rules.map(r => ({
          ...(r.host ? { host: r.host } : {}),
          http: { paths: r.paths.map(p => ({ path: p.path, pathType: p.pathType ?? 'Prefix', backend: { service: { name: p.service, port: { number: 80 } } } })) },
        })),
      } : {}),
    },
  };
}

/** The reproduction: a default backend beside one rule of one host. */
const DOCS = ingress('docs', [{ host: 'docs.example.com', paths: [{ path: '/search', service: 'docs-search' }] }], { defaultBackend: 'docs-home' });

function migrate(target: MigrationTarget, docs: any[]): MigrationResult {
  return AffinityMigration.migrate(docs, { target, gateway: 'public' });
}

/** Every route the output writes, as `host path -> service` (`*` for a route without a host), in the order written. */
function routesOf(result: MigrationResult): string[] {
  const out: string[] = [];
  for (const o of result.objects) {
    switch (o.kind) {
      case 'HTTPRoute':
        for (const r of o.spec.rules) {
          out.push(`${o.spec.hostnames?.[0] ?? '*'} ${r.matches[0].path.type === 'Exact' ? '=' : ''}${r.matches[0].path.value} -> ${r.backendRefs[0].name}`);
        }
        break;
      case 'IngressRoute':
        for (const r of o.spec.routes) {
          const host = /Host\(`([^`]*)`\)/.exec(r.match)?.[1] ?? '*';
          const path = /PathPrefix\(`([^`]*)`\)/.exec(r.match)?.[1] ?? `=${/Path\(`([^`]*)`\)/.exec(r.match)?.[1]}`;
          out.push(`${host} ${path} -> ${r.services[0].name}`);
        }
        break;
      case 'HTTPProxy':
        for (const r of o.spec.routes) {
          out.push(`${o.spec.virtualhost.fqdn} ${r.conditions[0].prefix ?? `=${r.conditions[0].exact}`} -> ${r.services[0].name}`);
        }
        break;
      case 'VirtualServer':
        for (const r of o.spec.routes) {
          out.push(`${o.spec.host} ${r.path} -> ${o.spec.upstreams.find((u: any) => u.name === r.action.pass).service}`);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

function notesOn(result: MigrationResult, subject: string, of?: string): string[] {
  return result.notes.filter(n => n.subject === subject && (of === undefined || n.ingress === of)).map(n => `${n.fate}: ${n.detail}`);
}

/** The Services the output gives a cookie: per route, per Service policy or per upstream. */
function cookieServices(result: MigrationResult): string[] {
  const out = new Set<string>();
  for (const o of result.objects) {
    if (o.kind === 'HTTPRoute') {
      o.spec.rules.filter((r: any) => r.sessionPersistence).forEach((r: any) => out.add(r.backendRefs[0].name));
    } else if (o.kind === 'IngressRoute') {
      o.spec.routes.forEach((r: any) => r.services.filter((s: any) => s.sticky).forEach((s: any) => out.add(s.name)));
    } else if (o.kind === 'HTTPProxy') {
      o.spec.routes.filter((r: any) => r.loadBalancerPolicy).forEach((r: any) => out.add(r.services[0].name));
    } else if (o.kind === 'VirtualServer') {
      o.spec.upstreams.filter((u: any) => u.sessionCookie).forEach((u: any) => out.add(u.service));
    } else if (o.kind === 'BackendTrafficPolicy') {
      const route = result.objects.find(r => r.kind === 'HTTPRoute' && r.metadata.name === o.spec.targetRefs[0].name);
      route.spec.rules.forEach((r: any) => out.add(r.backendRefs[0].name));
    } else if (o.kind === 'DestinationRule') {
      out.add(o.spec.host.split('.')[0]);
    } else if (o.kind === 'KongUpstreamPolicy' || o.kind === 'GCPBackendPolicy') {
      out.add(o.metadata.name.replace(/-(sticky|affinity)$/, ''));
    }
  }
  return [...out].sort();
}

function expectValid(objects: any[]): void {
  const problems: string[] = [];
  for (const o of objects) {
    if (hasCrdSchema(o.apiVersion, o.kind)) {
      problems.push(...crdSchemaErrors(o).map(e => `${o.kind} ${o.metadata.name}: ${e}`));
    } else {
      validateManifests([o]);
    }
  }
  expect(problems).toEqual([]);
}

describe.each(TARGETS)('GIVEN an Ingress with rules and a default backend WHEN migrated --to %s', target => {
  test('THEN the default backend is the fallback / of the rule host only, never a route without a host, with no cookie, and the report says so', () => {
    // WHEN
    const result = migrate(target, [DOCS]);
    // THEN one object for the host: its rule, then / to the default backend; nothing for any other host
    expect(routesOf(result)).toEqual(['docs.example.com /search -> docs-search', 'docs.example.com / -> docs-home']);
    // (Envoy Gateway: the default backend's rule in a route of its own for the host, which its cookie policy does not target)
    expect(result.objects.filter(o => ['HTTPRoute', 'IngressRoute', 'HTTPProxy', 'VirtualServer'].includes(o.kind))).toHaveLength(target === MigrationTarget.ENVOY_GATEWAY ? 2 : 1);
    // AND only the rule's Service gets the cookie (ingress-nginx gives the default backend none)
    expect(cookieServices(result)).toEqual(['docs-search']);
    // AND the report says where it went
    const lines = notesOn(result, 'spec.defaultBackend');
    expect(lines[0]).toMatch(/^carried: Service docs-home written as the fallback of docs\.example\.com \(.*\), as ingress-nginx serves the default backend of an Ingress with rules: for the paths no rule of the host matches, and for no other host$/);
    expect(lines.slice(1).every(l => l.includes('the default backend no affinity'))).toBe(true);
    expectValid(result.objects);
  });

  test('THEN with several hosts, the fallback is written on each host but the one whose own rule for / takes its place; an Exact / does not', () => {
    // GIVEN three hosts: a has /a, b has its own / (ImplementationSpecific, which ingress-nginx reads as Prefix), c has only an Exact /
    const several = ingress('multi', [
      { host: 'a.example.com', paths: [{ path: '/a', service: 'svc-a' }] },
      { host: 'b.example.com', paths: [{ path: '/', pathType: 'ImplementationSpecific', service: 'svc-b' }] },
      { host: 'c.example.com', paths: [{ path: '/', pathType: 'Exact', service: 'svc-c' }] },
    ], { defaultBackend: 'home' });
    // WHEN
    const result = migrate(target, [several]);
    // THEN
    expect(routesOf(result)).toEqual([
      'a.example.com /a -> svc-a', 'a.example.com / -> home',
      'b.example.com / -> svc-b',
      'c.example.com =/ -> svc-c', 'c.example.com / -> home',
    ]);
    expect(notesOn(result, 'spec.defaultBackend')[0]).toMatch(new RegExp('^carried: Service home written as the fallback of a\\.example\\.com, c\\.example\\.com \\(.*\\), .*; '
      + 'not on b\\.example\\.com, where the rule spec\\.rules\\[1\\]\\.http\\.paths\\[0\\] for / takes its place, as in ingress-nginx$'));
    expect(cookieServices(result)).not.toContain('home');
    expectValid(result.objects);
  });

  test('THEN with rules without a host only, the default backend is not written: ingress-nginx leaves the catch-all\'s / to its own default backend', () => {
    const hostless = ingress('hostless', [{ paths: [{ path: '/app', service: 'app' }] }], { defaultBackend: 'home' });
    const result = migrate(target, [hostless]);
    expect(routesOf(result).filter(r => r.includes('home'))).toEqual([]);
    expect(notesOn(result, 'spec.defaultBackend')).toEqual([
      'dropped: Service home is not written: beside rules, ingress-nginx serves the default backend only as the fallback (location /) of the rules\' hosts, never for other hosts; '
      + 'not for the rule without a host: ingress-nginx serves that from its catch-all server, whose / an Ingress with rules leaves to the controller\'s own default backend',
    ]);
    expect(result.exact).toBe(false);
  });

  test('THEN another Ingress\'s rule for / of the host takes its place; another Ingress with rules for the host makes it approximated', () => {
    // GIVEN another Ingress with a rule for / of docs.example.com
    const root = ingress('root', [{ host: 'docs.example.com', paths: [{ path: '/', service: 'portal' }] }], { cookie: false });
    const replaced = migrate(target, [DOCS, root]);
    // THEN the default backend is not written: ingress-nginx's server for the host has that rule at /
    expect(routesOf(replaced).filter(r => r.includes('docs-home'))).toEqual([]);
    expect(notesOn(replaced, 'spec.defaultBackend')).toEqual([expect.stringMatching(/^dropped: Service docs-home is not written: .*; not on docs\.example\.com, where a rule of Ingress web\/root for \/ takes its place, as in ingress-nginx$/)]);
    // GIVEN another Ingress with rules for the host, none for /
    const other = ingress('other', [{ host: 'docs.example.com', paths: [{ path: '/api', service: 'api' }] }], { cookie: false });
    const shared = migrate(target, [DOCS, other]);
    // THEN written, but approximated: the oldest Ingress of the host decides its /
    expect(routesOf(shared)).toContain('docs.example.com / -> docs-home');
    expect(notesOn(shared, 'spec.defaultBackend')[0]).toMatch(/^approximated: Service docs-home written as the fallback of docs\.example\.com .*: on docs\.example\.com \(also in Ingress web\/other\) this is right only if this Ingress is the oldest$/);
  });
});

describe('GIVEN an Ingress without rules and a default backend', () => {
  const only = ingress('home', [], { defaultBackend: 'home', cookie: false });

  test.each(HOSTLESS)('WHEN migrated --to %s THEN a route for / without a host, as before, and the report says it is the catch-all', target => {
    const result = migrate(target, [only]);
    expect(routesOf(result)).toEqual(['* / -> home']);
    expect(notesOn(result, 'spec.defaultBackend')).toEqual([
      'carried: Service home written as a route for / without a host, as ingress-nginx serves the default backend of an Ingress without rules: as its catch-all server\'s /, for the hosts it has no server for',
    ]);
    expect(result.exact).toBe(true);
    expectValid(result.objects);
  });

  test.each([MigrationTarget.CONTOUR, MigrationTarget.NGINX_PLUS])('WHEN migrated --to %s THEN dropped: the object needs a host', target => {
    const result = migrate(target, [only]);
    expect(result.objects).toEqual([]);
    expect(notesOn(result, 'spec.defaultBackend')).toEqual([expect.stringMatching(/^dropped: an? (HTTPProxy|VirtualServer) needs a host/)]);
  });

  test.each(HOSTLESS)('WHEN migrated --to %s beside another Ingress\'s host without a rule for / THEN approximated: the route without a host answers that host\'s other paths too', target => {
    const docs = ingress('docs', [{ host: 'docs.example.com', paths: [{ path: '/search', service: 'docs-search' }] }]);
    const result = migrate(target, [only, docs]);
    expect(routesOf(result)).toContain('* / -> home');
    expect(notesOn(result, 'spec.defaultBackend')).toEqual([expect.stringMatching(
      /^approximated: .*; but that route also answers the paths no route matches on docs\.example\.com, which ingress-nginx served from their own servers \(there, the controller's own default backend\)$/)]);
    // AND a host whose / is its own default backend is not reached
    const covered = migrate(target, [only, DOCS]);
    expect(notesOn(covered, 'spec.defaultBackend', 'web/home')).toEqual([expect.stringMatching(/^carried: /)]);
  });

  test('WHEN two such Ingresses are migrated THEN approximated: ingress-nginx gives the catch-all to the oldest', () => {
    const second = ingress('second', [], { defaultBackend: 'other', cookie: false });
    const result = migrate(MigrationTarget.GATEWAY_API, [only, second]);
    expect(result.notes.filter(n => n.subject === 'spec.defaultBackend').map(n => n.fate)).toEqual([MigrationFate.APPROXIMATED, MigrationFate.APPROXIMATED]);
    expect(notesOn(result, 'spec.defaultBackend')[0]).toMatch(/Ingress web\/second also has a default backend without rules: ingress-nginx gives its catch-all server's \/ to the one it read first \(the oldest\)/);
  });
});
