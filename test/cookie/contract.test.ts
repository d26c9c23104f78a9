import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import {
  AffinityCookie,
  AlbStickiness,
  BackendCookieAffinity,
  CookieAffinityIngress,
  ContourCookieAffinityProxy,
  CookieAffinityRoute,
  EnvoyCookieAffinity,
  GatewayApiRelease,
  GatewayImplementation,
  GkeGatewayCookieAffinity,
  IngressController,
  KongCookieAffinity,
  NginxPlusCookieAffinity,
  MeshCookieAffinity,
  SameSite,
  TraefikCookieAffinityRoute,
} from '../../src';
import { gatewaySeconds } from '../gateway/helpers';
import { charRange, charString, check, propsNamedBy } from '../property/harness';
import { GATEWAY_API_MAIN_CRD_DIR } from '../util/cel';
import { crdSchemaErrors } from '../util/crd-schemas';
import { Manifest, newChart, only, synthValid, validateManifests } from '../util/manifests';

/**
 * The one cookie contract, over every renderer of the cookie model: the
 * ingress controllers (CookieAffinityIngress), the Gateway API resources,
 * Envoy Gateway, Istio and Traefik's IngressRoute. The same cookie comes out
 * in each renderer's own field; a field a renderer cannot express is refused,
 * naming `cookie.<field>`, never dropped.
 */

/** What a browser would get from the rendered object: the cookie's name and Max-Age. */
interface Seen { name?: string; maxAgeSeconds?: number }

type Field = keyof AffinityCookie;

interface Renderer {
  /** The fields of the contract cookie (name, maxAge) it can write. */
  writes: Array<'name' | 'maxAge'>;
  /** The fields it cannot write, with a value that must be refused. */
  refuses: Partial<AffinityCookie>;
  /** The fields it cannot do without (refused when left out). */
  requires?: Field[];
  /** Builds the renderer for `cookie` with a backend Service in `chart`. */
  build(chart: Chart, backend: kplus.Service, cookie: AffinityCookie): void;
  /** Where the renderer wrote the cookie's name and Max-Age. */
  read(manifests: Manifest[]): Seen;
  /** Synthesizes and validates, when the renderer's objects need other CRDs than `crds/`. */
  synth?(chart: Chart): Manifest[];
}

/** Gateway API kinds against the main-branch CRDs (schema and CEL), the rest as usual. */
function synthGatewayMain(chart: Chart): Manifest[] {
  const manifests = Testing.synth(chart) as Manifest[];
  const gateway = manifests.filter(m => m.apiVersion.startsWith('gateway.networking.'));
  validateManifests(manifests.filter(m => !gateway.includes(m)));
  const problems = gateway.flatMap(m => crdSchemaErrors(m, GATEWAY_API_MAIN_CRD_DIR));
  if (problems.length > 0) {
    throw new Error(`manifests fail the Gateway API main CRDs:\n${problems.join('\n')}`);
  }
  return manifests;
}

const int = (text: string | undefined) => (text === undefined ? undefined : Number(text));
const annotations = (m: Manifest[], kind: string) => only(m, kind).metadata.annotations ?? {};
const albAttributes = (m: Manifest[]) => Object.fromEntries(
  (annotations(m, 'Ingress')['alb.ingress.kubernetes.io/target-group-attributes'] as string).split(',').map(kv => kv.split('=')),
);
const permanentOrNot = (sp: any): number | undefined =>
  (sp.cookieConfig?.lifetimeType === 'Permanent' ? gatewaySeconds(sp.absoluteTimeout) : undefined);

/**
 * An Ingress to the backend: its default backend, or (`routeWithRule`, for ingress-nginx, which
 * gives the default backend no cookie and refuses an Ingress with no other) an Exact rule at the
 * cookie's Path, which that Path covers, or at '/' for a Path the cookie model refuses anyway.
 */
const ingress = (controller: () => IngressController, routeWithRule = false) => (chart: Chart, backend: kplus.Service, cookie: AffinityCookie) =>
  new CookieAffinityIngress(chart, 'Subject', {
    metadata: { namespace: backend.metadata.namespace },
    controller: controller(),
    cookie,
    ...(routeWithRule
      ? { rules: [{ path: typeof cookie.path === 'string' && cookie.path.startsWith('/') ? cookie.path : '/', pathType: kplus.HttpIngressPathType.EXACT, backend: kplus.IngressBackend.fromService(backend) }] }
      : { defaultBackend: kplus.IngressBackend.fromService(backend) }),
  });

/** Everything but the name and Max-Age, which a renderer that writes only those refuses. */
const ONLY_NAME_AND_MAX_AGE: Partial<AffinityCookie> = { path: '/app', domain: 'example.com', secure: true, httpOnly: true, sameSite: SameSite.STRICT };

const RENDERERS: Record<string, Renderer> = {
  'ingress-nginx (Ingress annotations)': {
    build: ingress(() => IngressController.nginx(), true),
    read: m => {
      const a = annotations(m, 'Ingress');
      return { name: a['nginx.ingress.kubernetes.io/session-cookie-name'], maxAgeSeconds: int(a['nginx.ingress.kubernetes.io/session-cookie-max-age']) };
    },
    writes: ['name', 'maxAge'],
    refuses: { httpOnly: false },
  },
  'Traefik (Service annotations)': {
    build: ingress(() => IngressController.traefik()),
    read: m => {
      const a = annotations(m, 'Service');
      return { name: a['traefik.ingress.kubernetes.io/service.sticky.cookie.name'], maxAgeSeconds: int(a['traefik.ingress.kubernetes.io/service.sticky.cookie.maxage']) };
    },
    writes: ['name', 'maxAge'],
    refuses: {},
  },
  'HAProxy (Service annotation)': {
    build: ingress(() => IngressController.haproxy()),
    read: m => ({ name: annotations(m, 'Service')['haproxy.org/cookie-persistence'] }),
    writes: ['name'],
    refuses: { maxAge: Duration.hours(2), ...ONLY_NAME_AND_MAX_AGE },
  },
  'AWS ALB, lb_cookie (target group attributes)': {
    build: ingress(() => IngressController.awsAlb()),
    read: m => ({ maxAgeSeconds: int(albAttributes(m)['stickiness.lb_cookie.duration_seconds']) }),
    writes: ['maxAge'],
    refuses: { name: 'SID', ...ONLY_NAME_AND_MAX_AGE },
  },
  'AWS ALB, app_cookie (target group attributes)': {
    build: ingress(() => IngressController.awsAlb({ stickiness: AlbStickiness.APP_COOKIE })),
    read: m => {
      const a = albAttributes(m);
      return { name: a['stickiness.app_cookie.cookie_name'], maxAgeSeconds: int(a['stickiness.app_cookie.duration_seconds']) };
    },
    writes: ['name', 'maxAge'],
    refuses: ONLY_NAME_AND_MAX_AGE,
    requires: ['name'],
  },
  'GKE (BackendConfig)': {
    build: ingress(() => IngressController.gke()),
    read: m => ({ maxAgeSeconds: only(m, 'BackendConfig').spec.sessionAffinity.affinityCookieTtlSec || undefined }),
    writes: ['maxAge'],
    refuses: { name: 'SID', ...ONLY_NAME_AND_MAX_AGE },
  },
  'CookieAffinityRoute (HTTPRoute)': {
    build: (chart, backend, cookie) => new CookieAffinityRoute(chart, 'Subject', { gateway: 'eg', backend, cookie }),
    read: m => {
      const sp = only(m, 'HTTPRoute').spec.rules[0].sessionPersistence;
      return { name: sp.sessionName, maxAgeSeconds: permanentOrNot(sp) };
    },
    writes: ['name', 'maxAge'],
    refuses: ONLY_NAME_AND_MAX_AGE,
  },
  'BackendCookieAffinity (XBackendTrafficPolicy)': {
    build: (chart, service, cookie) => new BackendCookieAffinity(chart, 'Subject', { service, cookie }),
    read: m => {
      const sp = only(m, 'XBackendTrafficPolicy').spec.sessionPersistence;
      return { name: sp.sessionName, maxAgeSeconds: permanentOrNot(sp) };
    },
    writes: ['name', 'maxAge'],
    refuses: ONLY_NAME_AND_MAX_AGE,
  },
  'EnvoyCookieAffinity (BackendTrafficPolicy)': {
    build: (chart, backend, cookie) => new EnvoyCookieAffinity(chart, 'Subject', { gateway: 'eg', backend, cookie }),
    read: m => {
      const c = only(m, 'BackendTrafficPolicy').spec.loadBalancer.consistentHash.cookie;
      return { name: c.name, maxAgeSeconds: gatewaySeconds(c.ttl) || undefined };
    },
    writes: ['name', 'maxAge'],
    refuses: { httpOnly: false },
  },
  'MeshCookieAffinity (DestinationRule)': {
    build: (chart, service, cookie) => new MeshCookieAffinity(chart, 'Subject', { service, cookie }),
    read: m => {
      const c = only(m, 'DestinationRule').spec.trafficPolicy.loadBalancer.consistentHash.httpCookie;
      return { name: c.name, maxAgeSeconds: parseFloat(c.ttl) || undefined };
    },
    writes: ['name', 'maxAge'],
    refuses: { httpOnly: false },
  },
  'TraefikCookieAffinityRoute (IngressRoute)': {
    build: (chart, backend, cookie) => new TraefikCookieAffinityRoute(chart, 'Subject', { backend, cookie }),
    read: m => {
      const c = only(m, 'IngressRoute').spec.routes[0].services[0].sticky.cookie;
      return { name: c.name, maxAgeSeconds: c.maxAge };
    },
    writes: ['name', 'maxAge'],
    refuses: {},
  },
  'CookieAffinityRoute, Gateway API main (HTTPRoute)': {
    build: (chart, backend, cookie) => new CookieAffinityRoute(chart, 'Subject', { gateway: 'eg', backend, cookie, gatewayApiRelease: GatewayApiRelease.MAIN }),
    read: m => {
      const sp = only(m, 'HTTPRoute').spec.rules[0].sessionPersistence;
      return { name: sp.cookie.name, maxAgeSeconds: sp.cookie.lifetimeType === 'Permanent' ? gatewaySeconds(sp.absoluteTimeout) : undefined };
    },
    synth: synthGatewayMain,
    writes: ['name', 'maxAge'],
    refuses: { domain: 'example.com', secure: true, httpOnly: true, sameSite: SameSite.STRICT },
  },
  'Kong Ingress Controller (KongUpstreamPolicy)': {
    build: ingress(() => IngressController.kong()),
    read: m => ({ name: only(m, 'KongUpstreamPolicy').spec.stickySessions.cookie }),
    writes: ['name'],
    refuses: { maxAge: Duration.hours(2), domain: 'example.com', secure: true, httpOnly: true, sameSite: SameSite.STRICT },
  },
  'KongCookieAffinity (KongUpstreamPolicy)': {
    build: (chart, service, cookie) => new KongCookieAffinity(chart, 'Subject', { service, cookie }),
    read: m => ({ name: only(m, 'KongUpstreamPolicy').spec.stickySessions.cookie }),
    writes: ['name'],
    refuses: { maxAge: Duration.hours(2), domain: 'example.com', secure: true, httpOnly: true, sameSite: SameSite.STRICT },
  },
  'CookieAffinityRoute, Envoy Gateway (HTTPRoute and BackendTrafficPolicy)': {
    build: (chart, backend, cookie) => new CookieAffinityRoute(chart, 'Subject', { gateway: 'eg', backend, cookie, implementation: GatewayImplementation.envoyGateway() }),
    read: m => {
      const c = only(m, 'BackendTrafficPolicy').spec.loadBalancer.consistentHash.cookie;
      return { name: c.name, maxAgeSeconds: gatewaySeconds(c.ttl) || undefined };
    },
    writes: ['name', 'maxAge'],
    refuses: { httpOnly: false },
  },
  'CookieAffinityRoute, Kong (HTTPRoute and KongUpstreamPolicy)': {
    build: (chart, backend, cookie) => new CookieAffinityRoute(chart, 'Subject', { gateway: 'kong', backend, cookie, implementation: GatewayImplementation.kong() }),
    read: m => ({ name: only(m, 'KongUpstreamPolicy').spec.stickySessions.cookie }),
    writes: ['name'],
    refuses: { maxAge: Duration.hours(2), domain: 'example.com', secure: true, httpOnly: true, sameSite: SameSite.STRICT },
  },
  'GkeGatewayCookieAffinity (GCPBackendPolicy)': {
    build: (chart, service, cookie) => new GkeGatewayCookieAffinity(chart, 'Subject', { service, cookie }),
    read: m => ({ maxAgeSeconds: only(m, 'GCPBackendPolicy').spec.default.sessionAffinity.cookieTtlSec || undefined }),
    writes: ['maxAge'],
    refuses: { name: 'SID', ...ONLY_NAME_AND_MAX_AGE },
  },
  'CookieAffinityRoute, GKE Gateway (HTTPRoute and GCPBackendPolicy)': {
    build: (chart, backend, cookie) => new CookieAffinityRoute(chart, 'Subject', { gateway: 'gke', backend, cookie, implementation: GatewayImplementation.gkeGateway() }),
    read: m => ({ maxAgeSeconds: only(m, 'GCPBackendPolicy').spec.default.sessionAffinity.cookieTtlSec || undefined }),
    writes: ['maxAge'],
    refuses: { name: 'SID', ...ONLY_NAME_AND_MAX_AGE },
  },
  'ContourCookieAffinityProxy (HTTPProxy)': {
    build: (chart, backend, cookie) => new ContourCookieAffinityProxy(chart, 'Subject', { fqdn: 'shop.example.com', backend, cookie }),
    // Contour's cookie is named X-Contour-Session-Affinity and has no Max-Age, whatever is asked.
    read: () => ({}),
    writes: [],
    refuses: { name: 'SID', maxAge: Duration.hours(2), httpOnly: false },
  },
  'NginxPlusCookieAffinity (VirtualServer)': {
    build: (chart, backend, cookie) => new NginxPlusCookieAffinity(chart, 'Subject', { host: 'shop.example.com', backend, cookie }),
    read: m => {
      const c = only(m, 'VirtualServer').spec.upstreams[0].sessionCookie;
      return { name: c.name, maxAgeSeconds: c.expires === undefined ? undefined : Number(c.expires.replace(/s$/, '')) };
    },
    writes: ['name', 'maxAge'],
    refuses: {},
  },
};

const CASES = Object.entries(RENDERERS);

/** A backend Service every renderer accepts: one port, in the default namespace. */
function render(renderer: Renderer, cookie: AffinityCookie): Manifest[] {
  const chart = newChart();
  const backend = new kplus.Service(chart, 'Backend', { metadata: { name: 'backend', namespace: 'default' }, ports: [{ port: 3000 }] });
  renderer.build(chart, backend, cookie);
  return renderer.synth ? renderer.synth(chart) : synthValid(chart);
}

/** The contract cookie, with the fields this renderer writes. */
function contractCookie(renderer: Renderer, name: string, maxAge: Duration): AffinityCookie {
  return {
    ...(renderer.writes.includes('name') ? { name } : {}),
    ...(renderer.writes.includes('maxAge') ? { maxAge } : {}),
  };
}

describe('the cookie contract, over every cookie renderer', () => {
  test.each(CASES)('%s: the same cookie (name, Max-Age) comes out in the renderer\'s own field', (_name, renderer) => {
    const seen = renderer.read(render(renderer, contractCookie(renderer, 'SID', Duration.hours(2))));
    expect(seen).toEqual({
      name: renderer.writes.includes('name') ? 'SID' : undefined,
      maxAgeSeconds: renderer.writes.includes('maxAge') ? 7200 : undefined,
    });
  });

  const refusals = CASES.flatMap(([name, renderer]) => (Object.entries(renderer.refuses) as Array<[Field, unknown]>)
    .map(([field, value]) => [name, field, value, renderer] as const));

  test.each(refusals)('%s: refuses cookie.%s (%p), which it cannot write, naming the field', (_name, field, value, renderer) => {
    const cookie = { ...contractCookie(renderer, 'SID', Duration.hours(2)), [field]: value };
    expect(() => render(renderer, cookie)).toThrow(new RegExp(`^test/Subject: 'cookie\\.${field}' \\(.*\\) \\S`));
  });

  test.each(CASES)('%s: refuses what the model refuses, with the model\'s message', (_name, renderer) => {
    expect(() => render(renderer, { name: 'SID;' })).toThrow(
      'test/Subject: \'cookie.name\' ("SID;") must be an RFC 6265 token');
    expect(() => render(renderer, { maxAge: Duration.millis(1500) })).toThrow(
      'test/Subject: \'cookie.maxAge\' (1.5s) must be a whole number of seconds');
  });

  test.each(CASES)('%s: on generated cookies, a given name or Max-Age is written as given or refused by field, never dropped', (_name, renderer) => {
    const cookies = fc.record({
      name: charString(`${charRange('A', 'Z')}${charRange('a', 'z')}${charRange('0', '9')}_.~-`, 1, 20),
      maxAge: fc.oneof(fc.integer({ min: 1, max: 400 * 86400 }), fc.constantFrom(1, 60, 3600, 86400, 86401, 604800, 604801))
        .map(s => Duration.seconds(s)),
      path: fc.constantFrom('/', '/app'),
      domain: fc.constantFrom('example.com', '.example.com'),
      secure: fc.boolean(),
      httpOnly: fc.boolean(),
      sameSite: fc.constantFrom(...Object.values(SameSite)),
    }, { requiredKeys: [] });
    // Mostly without the fields this renderer refuses, so that most cookies get through to the manifests.
    const fitting = fc.tuple(cookies, fc.integer({ min: 0, max: 3 })).map(([cookie, n]) => (n === 0 ? cookie
      : Object.fromEntries(Object.entries(cookie).filter(([field]) => !(field in renderer.refuses))) as AffinityCookie));
    check(fitting, cookie => {
      let manifests: Manifest[];
      try {
        manifests = render(renderer, cookie);
      } catch (e) {
        const props = propsNamedBy(e);
        expect(props).toHaveLength(1);
        expect(props![0]).toMatch(/^cookie\.(name|maxAge|path|domain|secure|httpOnly|sameSite)$/);
        const field = props![0].slice('cookie.'.length) as Field;
        expect(cookie[field] !== undefined || renderer.requires?.includes(field)).toBe(true);
        return;
      }
      // Accepted: whatever the renderer writes of name and Max-Age is what was given.
      const seen = renderer.read(manifests);
      for (const field of ['name', 'maxAge'] as const) {
        if (cookie[field] !== undefined) {
          expect(renderer.writes).toContain(field);
        }
      }
      if (cookie.name !== undefined) {
        expect(seen.name).toBe(cookie.name);
      }
      if (cookie.maxAge !== undefined) {
        expect(seen.maxAgeSeconds).toBe(cookie.maxAge.toSeconds());
      }
    }, 50);
  });
});
