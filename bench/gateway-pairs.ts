// The Traefik IngressRoute, Envoy Gateway, Istio and XBackendTrafficPolicy
// constructs next to their hand-written twins, in the shape of the bench's
// construct/twin pairs (`Pair` in bench/pairs.ts, whose list includes them).
// Each twin writes the same objects with cdk8s and cdk8s-plus alone: the
// custom resources as plain `ApiObject`s, the backend as a `kplus.Service`.
// test/bench.test.ts checks that both sides render the same manifests.
import { ApiObject, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { BackendCookieAffinity, EnvoyCookieAffinity, MeshCookieAffinity, TraefikCookieAffinityRoute } from '../src';

/** Adds `n` instances of one way of writing a construct to a chart. */
export type GatewayBuild = (chart: Chart, n: number) => void;

/** A construct and its hand-written twin (the fields of bench/pairs.ts's `Pair`). */
export interface GatewayPair {
  readonly id: string;
  readonly library: string;
  readonly twin: string;
  readonly objectsEach: number;
  readonly buildLibrary: GatewayBuild;
  readonly buildTwin: GatewayBuild;
  readonly buildWrapped?: GatewayBuild;
  readonly namespace?: string;
}

/** Every instance's cookie: a name of its own and an eight-hour Max-Age. */
const COOKIE_MAX_AGE = Duration.hours(8);

function backend(chart: Chart, i: number): kplus.Service {
  return new kplus.Service(chart, `Svc${i}`, { metadata: { name: `svc-${i}`, namespace: 'default' }, ports: [{ port: 80 }] });
}

/** Where instance `i`'s object goes: in a wrapper Construct of the instance's id when `wrap` (see `Pair.buildWrapped`). */
function holder(chart: Chart, wrap: boolean, id: string): [Construct, string] {
  return wrap ? [new Construct(chart, id), 'Resource'] : [chart, id];
}

/** The IngressRoute twin. */
function traefikTwin(wrap: boolean): GatewayBuild {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      backend(chart, i);
      const [scope, id] = holder(chart, wrap, `Route${i}`);
      new ApiObject(scope, id, {
        apiVersion: 'traefik.io/v1alpha1',
        kind: 'IngressRoute',
        metadata: { name: `route-${i}`, namespace: 'default' },
        spec: {
          routes: [{
            kind: 'Rule',
            match: `Host(\`app${i}.example.com\`)`,
            services: [{
              name: `svc-${i}`,
              port: 80,
              sticky: { cookie: { name: `APP${i}`, secure: false, httpOnly: true, sameSite: 'lax', maxAge: 28800, path: '/' } },
            }],
          }],
        },
      });
    }
  };
}

const TRAEFIK_ROUTE: GatewayPair = {
  id: 'traefik-route',
  library: 'TraefikCookieAffinityRoute',
  twin: 'IngressRoute as a plain ApiObject',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new TraefikCookieAffinityRoute(chart, `Route${i}`, {
        metadata: { name: `route-${i}` },
        hostnames: [`app${i}.example.com`],
        backend: backend(chart, i),
        cookie: { name: `APP${i}`, maxAge: COOKIE_MAX_AGE },
      });
    }
  },
  buildTwin: traefikTwin(false),
  buildWrapped: traefikTwin(true),
};

/** The HTTPRoute and BackendTrafficPolicy twin; wrapped, both sit in the instance's Construct, as the library's do. */
function envoyTwin(wrap: boolean): GatewayBuild {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      backend(chart, i);
      const scope = wrap ? new Construct(chart, `Envoy${i}`) : chart;
      new ApiObject(scope, wrap ? 'Route' : `Envoy${i}Route`, {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: `route-${i}`, namespace: 'default' },
        spec: {
          parentRefs: [{ name: 'eg' }],
          hostnames: [`app${i}.example.com`],
          rules: [{
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [{ name: `svc-${i}`, port: 80 }],
          }],
        },
      });
      new ApiObject(scope, wrap ? 'Resource' : `Envoy${i}`, {
        apiVersion: 'gateway.envoyproxy.io/v1alpha1',
        kind: 'BackendTrafficPolicy',
        metadata: { name: `route-${i}`, namespace: 'default' },
        spec: {
          targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: `route-${i}` }],
          loadBalancer: {
            type: 'ConsistentHash',
            consistentHash: {
              type: 'Cookie',
              cookie: { name: `APP${i}`, ttl: '8h', attributes: { Path: '/', SameSite: 'Lax' } },
            },
          },
        },
      });
    }
  };
}

const ENVOY: GatewayPair = {
  id: 'envoy',
  library: 'EnvoyCookieAffinity',
  twin: 'HTTPRoute + BackendTrafficPolicy as plain ApiObjects',
  objectsEach: 3,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new EnvoyCookieAffinity(chart, `Envoy${i}`, {
        metadata: { name: `route-${i}` },
        gateway: 'eg',
        hostnames: [`app${i}.example.com`],
        backend: backend(chart, i),
        cookie: { name: `APP${i}`, maxAge: COOKIE_MAX_AGE },
      });
    }
  },
  buildTwin: envoyTwin(false),
  buildWrapped: envoyTwin(true),
};

/** The DestinationRule twin. */
function meshTwin(wrap: boolean): GatewayBuild {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      backend(chart, i);
      const [scope, id] = holder(chart, wrap, `Mesh${i}`);
      new ApiObject(scope, id, {
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { name: `sticky-${i}`, namespace: 'default' },
        spec: {
          host: `svc-${i}.default.svc.cluster.local`,
          trafficPolicy: {
            loadBalancer: {
              consistentHash: {
                httpCookie: { name: `APP${i}`, path: '/', ttl: '28800s', attributes: [{ name: 'SameSite', value: 'Lax' }] },
              },
            },
          },
        },
      });
    }
  };
}

const MESH: GatewayPair = {
  id: 'mesh',
  library: 'MeshCookieAffinity',
  twin: 'DestinationRule as a plain ApiObject',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new MeshCookieAffinity(chart, `Mesh${i}`, {
        metadata: { name: `sticky-${i}` },
        service: backend(chart, i),
        cookie: { name: `APP${i}`, maxAge: COOKIE_MAX_AGE },
      });
    }
  },
  buildTwin: meshTwin(false),
  buildWrapped: meshTwin(true),
};

/** The XBackendTrafficPolicy twin. */
function backendPolicyTwin(wrap: boolean): GatewayBuild {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      backend(chart, i);
      const [scope, id] = holder(chart, wrap, `Policy${i}`);
      new ApiObject(scope, id, {
        apiVersion: 'gateway.networking.x-k8s.io/v1alpha1',
        kind: 'XBackendTrafficPolicy',
        metadata: { name: `policy-${i}`, namespace: 'default' },
        spec: {
          targetRefs: [{ group: '', kind: 'Service', name: `svc-${i}` }],
          sessionPersistence: { sessionName: `APP${i}`, type: 'Cookie', absoluteTimeout: '8h', cookieConfig: { lifetimeType: 'Permanent' } },
        },
      });
    }
  };
}

const BACKEND_POLICY: GatewayPair = {
  id: 'backend-policy',
  library: 'BackendCookieAffinity',
  twin: 'XBackendTrafficPolicy as a plain ApiObject',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new BackendCookieAffinity(chart, `Policy${i}`, {
        metadata: { name: `policy-${i}` },
        service: backend(chart, i),
        cookie: { name: `APP${i}`, maxAge: COOKIE_MAX_AGE },
      });
    }
  },
  buildTwin: backendPolicyTwin(false),
  buildWrapped: backendPolicyTwin(true),
};

/** The pairs to add to bench/pairs.ts's list. */
export const GATEWAY_PAIRS: readonly GatewayPair[] = [TRAEFIK_ROUTE, ENVOY, MESH, BACKEND_POLICY];
