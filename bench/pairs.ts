// Every construct next to its hand-written twin: the same objects, written
// with cdk8s / cdk8s-plus as a careful user would without this library. The
// twins render the same manifests (test/bench.test.ts checks each pair), so a
// ratio between the two is what the library adds: its checks and indirection.
import { ApiObject, App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { COOKIE_VARIANTS } from './cookie-ingress';
import { GATEWAY_PAIRS } from './gateway-pairs';
import { QUICK_FIX, QUICK_FIX_BY_HAND } from './grafana';
import { MORE_PAIRS } from './more-pairs';
import { PLATFORM_PAIRS } from './platform-pairs';
import { SHARED_SESSION_VARIANTS } from './shared-session-app';
import { HAND_WRITTEN, LIBRARY } from './variants';
import { CookieAffinityRoute, LoadBalancerStickiness, StickyService } from '../src';

/** Adds `n` instances of one way of writing a construct to a chart. */
export type Build = (chart: Chart, n: number) => void;

/** A construct and its hand-written twin. */
export interface Pair {
  /** Short name, used on the command line of `instructions.js`. */
  readonly id: string;
  /** What the library side is. */
  readonly library: string;
  /** What the twin is. */
  readonly twin: string;
  /** Objects each instance writes, so a run can be sized in objects. */
  readonly objectsEach: number;
  readonly buildLibrary: Build;
  readonly buildTwin: Build;
  /**
   * The twin with each instance's object in a plain `Construct` of the
   * instance's id, as the library's construct holds it (`<id>/Resource`):
   * the same manifests, one node more per instance, to measure what that
   * node costs (`instructions.js <pair> wrapped <N>`).
   */
  readonly buildWrapped?: Build;
  /** The chart's namespace, if the constructs need one. */
  readonly namespace?: string;
  /** What must be equal between the two sides' manifests (all of them unless given). */
  readonly compared?: (manifests: any[]) => unknown;
}

const STICKY_SERVICE: Pair = {
  id: 'sticky-service',
  library: 'StickyService',
  twin: 'kplus.Service + JSON patch',
  objectsEach: 1,
  buildLibrary: (chart, n) => LIBRARY.build(chart, n),
  buildTwin: (chart, n) => HAND_WRITTEN.build(chart, n),
};

const NLB_ANNOTATIONS = {
  'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
  'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance',
  'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip',
};

function loadBalancerServices(stickiness: () => LoadBalancerStickiness | undefined, annotations?: { [key: string]: string }): Build {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      const service = new StickyService(chart, `Svc${i}`, {
        metadata: { name: `app-${i}`, annotations },
        type: kplus.ServiceType.LOAD_BALANCER,
        ports: [{ port: 80, targetPort: 8080 }],
        loadBalancerStickiness: stickiness(),
      });
      service.selectLabel('app', `app-${i}`);
    }
  };
}

const AWS_NLB: Pair = {
  id: 'aws-nlb',
  library: 'StickyService + LoadBalancerStickiness.awsNlb()',
  twin: 'StickyService + the annotations by hand',
  objectsEach: 1,
  buildLibrary: loadBalancerServices(() => LoadBalancerStickiness.awsNlb()),
  buildTwin: loadBalancerServices(() => undefined, NLB_ANNOTATIONS),
};

function routeBackend(chart: Chart, i: number): kplus.Service {
  return new kplus.Service(chart, `Svc${i}`, { metadata: { name: `svc-${i}`, namespace: 'default' }, ports: [{ port: 80 }] });
}

/** The route twin, its HTTPRoute in a wrapper Construct when `wrap` (see `Pair.buildWrapped`). */
function routeTwin(wrap: boolean): Build {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      const backend = routeBackend(chart, i);
      new ApiObject(wrap ? new Construct(chart, `Route${i}`) : chart, wrap ? 'Resource' : `Route${i}`, {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: `route-${i}`, namespace: 'default' },
        spec: {
          parentRefs: [{ name: 'eg' }],
          hostnames: [`app${i}.example.com`],
          rules: [{
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [{ name: backend.name, port: 80 }],
            sessionPersistence: {
              sessionName: `APP${i}`,
              type: 'Cookie',
              absoluteTimeout: '8h',
              cookieConfig: { lifetimeType: 'Permanent' },
            },
          }],
        },
      });
    }
  };
}

const COOKIE_ROUTE: Pair = {
  id: 'cookie-route',
  library: 'CookieAffinityRoute',
  twin: 'HTTPRoute as a plain ApiObject',
  objectsEach: 2,
  buildLibrary: (chart, n) => {
    for (let i = 0; i < n; i++) {
      new CookieAffinityRoute(chart, `Route${i}`, {
        metadata: { name: `route-${i}` },
        gateway: 'eg',
        hostnames: [`app${i}.example.com`],
        backend: routeBackend(chart, i),
        cookie: { name: `APP${i}`, maxAge: Duration.hours(8) },
      });
    }
  },
  buildTwin: routeTwin(false),
  buildWrapped: routeTwin(true),
};

/** Manifests in a fixed order (the two sides may create them in different orders). */
export function byKindAndName(manifests: any[]): any[] {
  const key = (m: any) => `${m.kind}/${m.metadata.name}`;
  return [...manifests].sort((x, y) => key(x).localeCompare(key(y)));
}

/** cdk8s labels pods with their construct address, which differs by construct path only. */
function withoutAddresses(manifests: any[]): any[] {
  return JSON.parse(JSON.stringify(manifests), (key, value) => (key === 'cdk8s.io/metadata.addr' ? undefined : value));
}

const COOKIE_INGRESS_NGINX: Pair = {
  id: 'cookie-ingress-nginx',
  library: 'CookieAffinityIngress (ingress-nginx)',
  twin: 'kplus.Ingress + annotations by hand',
  objectsEach: 2,
  buildLibrary: COOKIE_VARIANTS[0].build,
  buildTwin: COOKIE_VARIANTS[1].build,
  compared: byKindAndName,
};

const COOKIE_INGRESS_TRAEFIK: Pair = {
  id: 'cookie-ingress-traefik',
  library: 'CookieAffinityIngress (Traefik)',
  twin: 'kplus.Ingress + Service annotations by hand',
  objectsEach: 2,
  buildLibrary: COOKIE_VARIANTS[2].build,
  buildTwin: COOKIE_VARIANTS[3].build,
  compared: byKindAndName,
};

const COOKIE_INGRESS_HAPROXY: Pair = {
  id: 'cookie-ingress-haproxy',
  library: 'CookieAffinityIngress (HAProxy)',
  twin: 'kplus.Ingress + Service annotation by hand',
  objectsEach: 2,
  buildLibrary: COOKIE_VARIANTS[4].build,
  buildTwin: COOKIE_VARIANTS[5].build,
  compared: byKindAndName,
};

const COOKIE_INGRESS_AWS_ALB: Pair = {
  id: 'cookie-ingress-aws-alb',
  library: 'CookieAffinityIngress (AWS ALB)',
  twin: 'kplus.Ingress + annotations by hand',
  objectsEach: 2,
  buildLibrary: COOKIE_VARIANTS[6].build,
  buildTwin: COOKIE_VARIANTS[7].build,
  compared: byKindAndName,
};

const SHARED_SESSION_APP: Pair = {
  id: 'shared-session-app',
  library: 'SharedSessionApp + Redis store',
  twin: 'the same six objects by hand',
  objectsEach: 6,
  namespace: 'bench',
  buildLibrary: SHARED_SESSION_VARIANTS[0][1],
  buildTwin: SHARED_SESSION_VARIANTS[1][1],
};

const GRAFANA_QUICK_FIX: Pair = {
  id: 'grafana-quick-fix',
  library: 'MultiPodGrafana (clientIpAffinity)',
  twin: 'kplus.Deployment + Service + JSON patch',
  objectsEach: 2,
  namespace: 'observability',
  buildLibrary: QUICK_FIX.build,
  buildTwin: QUICK_FIX_BY_HAND.build,
  compared: m => withoutAddresses(m),
};

/** Every pair, in the order the bench prints them. */
export const PAIRS: Pair[] = [
  STICKY_SERVICE, AWS_NLB, COOKIE_ROUTE, COOKIE_INGRESS_NGINX, COOKIE_INGRESS_TRAEFIK, COOKIE_INGRESS_HAPROXY, COOKIE_INGRESS_AWS_ALB,
  SHARED_SESSION_APP, GRAFANA_QUICK_FIX,
  ...PLATFORM_PAIRS, ...GATEWAY_PAIRS,
  // Last, after any other list of pairs.
  ...MORE_PAIRS,
];

/** The pair of that id. */
export function pairNamed(id: string): Pair {
  const found = PAIRS.find(p => p.id === id);
  if (!found) {
    throw new Error(`no pair ${id}; have ${PAIRS.map(p => p.id).join(', ')}`);
  }
  return found;
}

/** Instances of a pair's construct that make about `objects` objects. */
export function instancesFor(pair: Pair, objects: number): number {
  return Math.max(1, Math.round(objects / pair.objectsEach));
}

/** A side of a pair: the construct, its twin, or the twin with a wrapper node per instance. */
export type Side = 'library' | 'twin' | 'wrapped';

/** A fresh chart with `n` instances of one side of a pair: the construct tree only. */
export function pairChart(pair: Pair, side: Side, n: number): Chart {
  const chart = new Chart(new App({ outdir: '/dev/null' }), 'bench', { namespace: pair.namespace });
  const build = side === 'library' ? pair.buildLibrary : side === 'twin' ? pair.buildTwin : pair.buildWrapped;
  if (build === undefined) {
    throw new Error(`pair ${pair.id} has no ${side} side`);
  }
  build(chart, n);
  return chart;
}

/** What must be equal between the two sides of a pair, from a chart's manifests. */
export function comparedOutput(pair: Pair, manifests: any[]): unknown {
  return pair.compared ? pair.compared(manifests) : manifests;
}
