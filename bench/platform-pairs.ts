// The Kong, GKE Gateway, Contour and NGINX Plus constructs next to their
// hand-written twins, in the shape of the bench's construct/twin pairs
// (`Pair` in bench/pairs.ts, whose list includes them). Each twin writes the
// same objects with cdk8s and cdk8s-plus alone; test/gateway/platform-bench.test.ts
// checks that both sides render the same manifests.
import { ApiObject, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ContourCookieAffinityProxy, GkeGatewayCookieAffinity, KongCookieAffinity, NginxPlusCookieAffinity } from '../src';

/** Adds `n` instances of one way of writing a construct to a chart. */
export type PlatformBuild = (chart: Chart, n: number) => void;

/** A construct and its hand-written twin (the fields of bench/pairs.ts's `Pair`). */
export interface PlatformPair {
  readonly id: string;
  readonly library: string;
  readonly twin: string;
  readonly objectsEach: number;
  readonly buildLibrary: PlatformBuild;
  readonly buildTwin: PlatformBuild;
  readonly buildWrapped?: PlatformBuild;
  readonly namespace?: string;
}

function backend(chart: Chart, i: number, annotations?: { [key: string]: string }): kplus.Service {
  return new kplus.Service(chart, `Svc${i}`, { metadata: { name: `svc-${i}`, namespace: 'default', annotations }, ports: [{ port: 80 }] });
}

/** The KongUpstreamPolicy twin, in a wrapper Construct when `wrap` (see `Pair.buildWrapped`). */
function kongTwin(wrap: boolean): PlatformBuild {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      backend(chart, i, { 'konghq.com/upstream-policy': `sticky-${i}` });
      new ApiObject(wrap ? new Construct(chart, `Kong${i}`) : chart, wrap ? 'Resource' : `Kong${i}`, {
        apiVersion: 'configuration.konghq.com/v1beta1',
        kind: 'KongUpstreamPolicy',
        metadata: { name: `sticky-${i}`, namespace: 'default' },
        spec: { algorithm: 'sticky-sessions', hashOn: { input: 'none' }, stickySessions: { cookie: 'SID', cookiePath: '/' } },
      });
    }
  };
}

const KONG: PlatformPair = {
  id: 'kong',
  library: 'KongCookieAffinity',
  twin: 'KongUpstreamPolicy as a plain ApiObject + the Service annotation',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new KongCookieAffinity(chart, `Kong${i}`, { metadata: { name: `sticky-${i}` }, service: backend(chart, i), cookie: { name: 'SID' } });
    }
  },
  buildTwin: kongTwin(false),
  buildWrapped: kongTwin(true),
};

/** The GCPBackendPolicy twin, in a wrapper Construct when `wrap` (see `Pair.buildWrapped`). */
function gkeGatewayTwin(wrap: boolean): PlatformBuild {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      backend(chart, i);
      new ApiObject(wrap ? new Construct(chart, `Gke${i}`) : chart, wrap ? 'Resource' : `Gke${i}`, {
        apiVersion: 'networking.gke.io/v1',
        kind: 'GCPBackendPolicy',
        metadata: { name: `policy-${i}`, namespace: 'default' },
        spec: { default: { sessionAffinity: { type: 'GENERATED_COOKIE', cookieTtlSec: 0 } }, targetRef: { group: '', kind: 'Service', name: `svc-${i}` } },
      });
    }
  };
}

const GKE_GATEWAY: PlatformPair = {
  id: 'gke-gateway',
  library: 'GkeGatewayCookieAffinity',
  twin: 'GCPBackendPolicy as a plain ApiObject',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new GkeGatewayCookieAffinity(chart, `Gke${i}`, { metadata: { name: `policy-${i}` }, service: backend(chart, i) });
    }
  },
  buildTwin: gkeGatewayTwin(false),
  buildWrapped: gkeGatewayTwin(true),
};

/** The HTTPProxy twin, in a wrapper Construct when `wrap` (see `Pair.buildWrapped`). */
function contourTwin(wrap: boolean): PlatformBuild {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      backend(chart, i);
      new ApiObject(wrap ? new Construct(chart, `Proxy${i}`) : chart, wrap ? 'Resource' : `Proxy${i}`, {
        apiVersion: 'projectcontour.io/v1',
        kind: 'HTTPProxy',
        metadata: { name: `proxy-${i}`, namespace: 'default' },
        spec: {
          virtualhost: { fqdn: `app-${i}.example.com` },
          routes: [{
            conditions: [{ prefix: '/' }],
            services: [{ name: `svc-${i}`, port: 80 }],
            loadBalancerPolicy: { strategy: 'Cookie' },
            cookieRewritePolicies: [{ name: 'X-Contour-Session-Affinity', sameSite: 'Lax' }],
          }],
        },
      });
    }
  };
}

const CONTOUR: PlatformPair = {
  id: 'contour',
  library: 'ContourCookieAffinityProxy',
  twin: 'HTTPProxy as a plain ApiObject',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new ContourCookieAffinityProxy(chart, `Proxy${i}`, { metadata: { name: `proxy-${i}` }, fqdn: `app-${i}.example.com`, backend: backend(chart, i) });
    }
  },
  buildTwin: contourTwin(false),
  buildWrapped: contourTwin(true),
};

/** The VirtualServer twin, in a wrapper Construct when `wrap` (see `Pair.buildWrapped`). */
function nginxPlusTwin(wrap: boolean): PlatformBuild {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      backend(chart, i);
      new ApiObject(wrap ? new Construct(chart, `Vs${i}`) : chart, wrap ? 'Resource' : `Vs${i}`, {
        apiVersion: 'k8s.nginx.org/v1',
        kind: 'VirtualServer',
        metadata: { name: `vs-${i}`, namespace: 'default' },
        spec: {
          host: `app-${i}.example.com`,
          upstreams: [{
            name: 'backend',
            service: `svc-${i}`,
            port: 80,
            sessionCookie: { enable: true, name: 'INGRESSCOOKIE', path: '/', httpOnly: true, secure: false, samesite: 'lax' },
          }],
          routes: [{ path: '/', action: { pass: 'backend' } }],
        },
      });
    }
  };
}

const NGINX_PLUS: PlatformPair = {
  id: 'nginx-plus',
  library: 'NginxPlusCookieAffinity',
  twin: 'VirtualServer as a plain ApiObject',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new NginxPlusCookieAffinity(chart, `Vs${i}`, { metadata: { name: `vs-${i}` }, host: `app-${i}.example.com`, backend: backend(chart, i) });
    }
  },
  buildTwin: nginxPlusTwin(false),
  buildWrapped: nginxPlusTwin(true),
};

/** The pairs to add to bench/pairs.ts's list. */
export const PLATFORM_PAIRS: readonly PlatformPair[] = [KONG, GKE_GATEWAY, CONTOUR, NGINX_PLUS];
