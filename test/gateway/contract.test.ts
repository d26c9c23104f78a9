import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { backendService, gatewaySeconds } from './helpers';
import {
  AffinityCookie,
  BackendCookieAffinity,
  SameSite,
  CookieAffinityRoute,
  EnvoyCookieAffinity,
  MeshCookieAffinity,
  NginxPlusCookieAffinity,
  TraefikCookieAffinityRoute,
} from '../../src';
import { Manifest, newChart, only, synthValid } from '../util/manifests';

/** What a browser would get from the rendered object: the cookie's name and Max-Age. */
interface Seen { name?: string; maxAgeSeconds?: number }

interface Renderer {
  build(chart: Chart, backend: kplus.Service, cookie: AffinityCookie): void;
  read(manifests: Manifest[]): Seen;
}

const permanentOrNot = (sp: any): number | undefined =>
  sp.cookieConfig.lifetimeType === 'Permanent' ? gatewaySeconds(sp.absoluteTimeout) : undefined;

/**
 * Every cookie renderer of this folder. The ingress-controller renderers
 * (CookieAffinityIngress) keep their own contract test next to them.
 */
const RENDERERS: Record<string, Renderer> = {
  'CookieAffinityRoute (HTTPRoute)': {
    build: (chart, backend, cookie) => new CookieAffinityRoute(chart, 'Subject', { gateway: 'eg', backend, cookie }),
    read: m => {
      const sp = only(m, 'HTTPRoute').spec.rules[0].sessionPersistence;
      return { name: sp.sessionName, maxAgeSeconds: permanentOrNot(sp) };
    },
  },
  'BackendCookieAffinity (XBackendTrafficPolicy)': {
    build: (chart, service, cookie) => new BackendCookieAffinity(chart, 'Subject', { service, cookie }),
    read: m => {
      const sp = only(m, 'XBackendTrafficPolicy').spec.sessionPersistence;
      return { name: sp.sessionName, maxAgeSeconds: permanentOrNot(sp) };
    },
  },
  'EnvoyCookieAffinity (BackendTrafficPolicy)': {
    build: (chart, backend, cookie) => new EnvoyCookieAffinity(chart, 'Subject', { gateway: 'eg', backend, cookie }),
    read: m => {
      const c = only(m, 'BackendTrafficPolicy').spec.loadBalancer.consistentHash.cookie;
      return { name: c.name, maxAgeSeconds: gatewaySeconds(c.ttl) || undefined };
    },
  },
  'MeshCookieAffinity (DestinationRule)': {
    build: (chart, service, cookie) => new MeshCookieAffinity(chart, 'Subject', { service, cookie }),
    read: m => {
      const c = only(m, 'DestinationRule').spec.trafficPolicy.loadBalancer.consistentHash.httpCookie;
      return { name: c.name, maxAgeSeconds: parseFloat(c.ttl) || undefined };
    },
  },
  'TraefikCookieAffinityRoute (IngressRoute)': {
    build: (chart, backend, cookie) => new TraefikCookieAffinityRoute(chart, 'Subject', { backend, cookie }),
    read: m => {
      const c = only(m, 'IngressRoute').spec.routes[0].services[0].sticky.cookie;
      return { name: c.name, maxAgeSeconds: c.maxAge };
    },
  },
  'NginxPlusCookieAffinity (VirtualServer)': {
    build: (chart, backend, cookie) => new NginxPlusCookieAffinity(chart, 'Subject', { host: 'shop.example.com', backend, cookie }),
    read: m => {
      const c = only(m, 'VirtualServer').spec.upstreams[0].sessionCookie;
      return { name: c.name === 'INGRESSCOOKIE' ? undefined : c.name, maxAgeSeconds: c.expires === undefined ? undefined : Number(c.expires.replace(/s$/, '')) };
    },
  },
};

const CASES = Object.entries(RENDERERS);

function render(renderer: Renderer, cookie: AffinityCookie): Manifest[] {
  const chart = newChart();
  renderer.build(chart, backendService(chart), cookie);
  return synthValid(chart);
}

describe('every cookie renderer', () => {
  test.each(CASES)('%s: the default cookie passes its CRD strictly and is a session cookie', (_name, renderer) => {
    expect(renderer.read(render(renderer, {})).maxAgeSeconds).toBeUndefined();
  });

  test.each(CASES)('%s: writes the name and Max-Age it was given', (_name, renderer) => {
    expect(renderer.read(render(renderer, { name: 'SID', maxAge: Duration.hours(2) }))).toEqual({ name: 'SID', maxAgeSeconds: 7200 });
  });

  test.each(CASES)('%s: writes the longest Max-Age browsers keep (400 days)', (_name, renderer) => {
    expect(renderer.read(render(renderer, { name: 'SID', maxAge: Duration.days(400) })).maxAgeSeconds).toBe(400 * 86400);
  });

  test.each(CASES)('%s: refuses a name that is no RFC 6265 token, with the model\'s message', (_name, renderer) => {
    expect(() => render(renderer, { name: 'SID;' })).toThrow(
      'test/Subject: \'cookie.name\' ("SID;") must be an RFC 6265 token: one or more US-ASCII characters, with no spaces, controls or separators');
  });

  test.each(CASES)('%s: refuses a Max-Age browsers would not keep', (_name, renderer) => {
    expect(() => render(renderer, { maxAge: Duration.days(401) })).toThrow(
      'test/Subject: \'cookie.maxAge\' (34646400s) must be a whole number of seconds from 1 to 34560000');
    expect(() => render(renderer, { maxAge: Duration.millis(1500) })).toThrow(
      'test/Subject: \'cookie.maxAge\' (1.5s) must be a whole number of seconds');
  });

  test.each(CASES)('%s: refuses an object name the API server would refuse', (_name, renderer) => {
    const chart = new Chart(Testing.app(), 'Bad_Chart');
    expect(() => renderer.build(chart, backendService(chart), {})).toThrow(/^Bad_Chart\/Subject: 'metadata\.name' \("bad_chart-subject-.*"\) must be a DNS-1123 subdomain/);
  });

  test.each(CASES)('%s: refuses SameSite=None without Secure, with the model\'s message', (_name, renderer) => {
    expect(() => render(renderer, { sameSite: SameSite.NONE, secure: false })).toThrow(
      'test/Subject: \'cookie.secure\' (false) must be true when \'sameSite\' is NONE');
  });
});
