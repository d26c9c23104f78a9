// Cookie affinity on Gateway API routes: CookieAffinityRoute against the same
// HTTPRoutes written with the generated L1 class by hand. It prints medians
// and ratios from one run; it never fails on a figure.
import { App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { median, msSince, spreadPercent, table } from './stats';
import { CookieAffinityRoute } from '../src';
import {
  HttpRoute,
  HttpRouteSpecRulesMatchesPathType,
  HttpRouteSpecRulesSessionPersistenceCookieConfigLifetimeType,
  HttpRouteSpecRulesSessionPersistenceType,
} from '../src/imports/gateway-httproutes';

/** One way to write N sticky routes, each to its own Service. */
export interface RouteVariant {
  readonly name: string;
  addRoute(chart: Chart, i: number, backend: kplus.Service): void;
}

export const ROUTE_LIBRARY: RouteVariant = {
  name: 'CookieAffinityRoute',
  addRoute: (chart, i, backend) => new CookieAffinityRoute(chart, `Route${i}`, {
    metadata: { name: `route-${i}` },
    gateway: 'eg',
    hostnames: [`app${i}.example.com`],
    backend,
    cookie: { name: `APP${i}`, maxAge: Duration.hours(8) },
  }),
};

export const ROUTE_L1: RouteVariant = {
  name: 'HttpRoute L1 by hand',
  addRoute: (chart, i, backend) => new HttpRoute(chart, `Route${i}`, {
    metadata: { name: `route-${i}`, namespace: 'default' },
    spec: {
      parentRefs: [{ name: 'eg' }],
      hostnames: [`app${i}.example.com`],
      rules: [{
        matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: '/' } }],
        backendRefs: [{ name: backend.name, port: 80 }],
        sessionPersistence: {
          sessionName: `APP${i}`,
          type: HttpRouteSpecRulesSessionPersistenceType.COOKIE,
          absoluteTimeout: '8h',
          cookieConfig: { lifetimeType: HttpRouteSpecRulesSessionPersistenceCookieConfigLifetimeType.PERMANENT },
        },
      }],
    },
  }),
};

export const ROUTE_VARIANTS = [ROUTE_LIBRARY, ROUTE_L1];

/** A chart with `n` Services and one sticky route to each. */
export function buildRouteChart(variant: RouteVariant, n: number, app: App = Testing.app()): Chart {
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < n; i++) {
    const backend = new kplus.Service(chart, `Svc${i}`, { metadata: { name: `svc-${i}`, namespace: 'default' }, ports: [{ port: 80 }] });
    variant.addRoute(chart, i, backend);
  }
  return chart;
}

/** The HTTPRoutes of a synthesized chart, for comparing the variants. */
export function renderedRoutes(manifests: any[]): unknown[] {
  return manifests.filter(m => m.kind === 'HTTPRoute');
}

/** Prints the comparison; called from bench/run.ts. */
export function runCookieRouteBench(repeats: number): void {
  const expected = JSON.stringify(renderedRoutes(buildRouteChart(ROUTE_LIBRARY, 2).toJson()));
  for (const v of ROUTE_VARIANTS) {
    if (JSON.stringify(renderedRoutes(buildRouteChart(v, 2).toJson())) !== expected) {
      throw new Error(`cookie-route variant ${v.name} renders other HTTPRoutes than ${ROUTE_LIBRARY.name}`);
    }
  }
  const sizes = [100, 1000];
  const samples = new Map<string, number[]>();
  for (const v of ROUTE_VARIANTS) for (const n of sizes) buildRouteChart(v, n).toJson(); // warm-up
  for (let r = 0; r < repeats; r++) {
    for (const n of sizes) {
      for (const v of r % 2 === 0 ? ROUTE_VARIANTS : [...ROUTE_VARIANTS].reverse()) {
        const start = process.hrtime.bigint();
        buildRouteChart(v, n).toJson();
        const key = `${v.name}@${n}`;
        samples.set(key, [...(samples.get(key) ?? []), msSince(start)]);
      }
    }
  }
  const rows: string[][] = [];
  for (const n of sizes) {
    const base = median(samples.get(`${ROUTE_L1.name}@${n}`)!);
    for (const v of ROUTE_VARIANTS) {
      const t = samples.get(`${v.name}@${n}`)!;
      rows.push([v.name, String(n), median(t).toFixed(2), `${spreadPercent(t).toFixed(0)}%`, (median(t) / base).toFixed(2)]);
    }
  }
  console.log(`\nCookie affinity on HTTPRoutes: N Services + N routes, build + toJson (${repeats} repeats)`);
  console.log(table(['variant', 'N', 'total ms', 'spread', 'vs L1 by hand'], rows));
}
