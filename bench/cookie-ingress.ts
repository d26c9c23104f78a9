// CookieAffinityIngress against the same Ingresses and Services with the
// annotations written by hand, for ingress-nginx (annotations on the Ingress)
// and Traefik (annotations on each Service, found in the app at synth).
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { median, msSince, spreadPercent, table } from './stats';
import { CookieAffinityIngress, IngressController } from '../src';

/** One way of writing N Services, each behind its own cookie-affinity Ingress. */
export interface CookieVariant {
  readonly name: string;
  build(chart: Chart, n: number): void;
}

const COOKIE = { name: 'app-affinity', maxAge: Duration.hours(1) };

function appService(chart: Chart, i: number): kplus.Service {
  const service = new kplus.Service(chart, `Svc${i}`, { metadata: { name: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] });
  service.selectLabel('app', `app-${i}`);
  return service;
}

function library(controller: () => IngressController): (chart: Chart, n: number) => void {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      const ingress = new CookieAffinityIngress(chart, `Ing${i}`, { metadata: { name: `app-${i}` }, controller: controller(), cookie: COOKIE });
      ingress.addHostRule(`app-${i}.example.com`, '/', kplus.IngressBackend.fromService(appService(chart, i)));
    }
  };
}

function byHand(ingressAnnotations: Record<string, string>, serviceAnnotations: Record<string, string>): (chart: Chart, n: number) => void {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      const service = appService(chart, i);
      for (const [k, v] of Object.entries(serviceAnnotations)) service.metadata.addAnnotation(k, v);
      const ingress = new kplus.Ingress(chart, `Ing${i}`, { metadata: { name: `app-${i}`, annotations: ingressAnnotations } });
      ingress.addHostRule(`app-${i}.example.com`, '/', kplus.IngressBackend.fromService(service));
    }
  };
}

const N = 'nginx.ingress.kubernetes.io/';
const T = 'traefik.ingress.kubernetes.io/service.sticky.cookie';

export const COOKIE_VARIANTS: CookieVariant[] = [
  { name: 'nginx: library', build: library(() => IngressController.nginx()) },
  {
    name: 'nginx: by hand',
    build: byHand({ [`${N}affinity`]: 'cookie', [`${N}session-cookie-name`]: 'app-affinity', [`${N}session-cookie-max-age`]: '3600', [`${N}session-cookie-expires`]: '3600' }, {}),
  },
  { name: 'traefik: library', build: library(() => IngressController.traefik()) },
  {
    name: 'traefik: by hand',
    build: byHand({}, {
      [T]: 'true',
      [`${T}.name`]: 'app-affinity',
      [`${T}.maxage`]: '3600',
      [`${T}.secure`]: 'false',
      [`${T}.httponly`]: 'true',
      [`${T}.samesite`]: 'lax',
      [`${T}.path`]: '/',
    }),
  },
];

/** Manifests of a variant's chart of `n` pairs. */
export function synthCookieVariant(variant: CookieVariant, n: number): any[] {
  const chart = new Chart(Testing.app(), 'bench');
  variant.build(chart, n);
  return chart.toJson();
}

/** Manifests in a fixed order (the variants create them in different orders). */
export function sorted(manifests: any[]): any[] {
  const key = (m: any) => `${m.kind}/${m.metadata.name}`;
  return [...manifests].sort((x, y) => key(x).localeCompare(key(y)));
}

function sample(variant: CookieVariant, n: number): number {
  const rounds = Math.max(1, Math.round(1000 / n));
  let total = 0;
  for (let i = 0; i < rounds; i++) {
    const start = process.hrtime.bigint();
    synthCookieVariant(variant, n);
    total += msSince(start);
  }
  return total / rounds;
}

/** Prints the cost of CookieAffinityIngress next to the same objects by hand. */
export function cookieIngressBench(repeats: number, sizes = [10, 100, 1000]): void {
  for (const [lib, hand] of [[0, 1], [2, 3]]) {
    const a = JSON.stringify(sorted(synthCookieVariant(COOKIE_VARIANTS[lib], 2)));
    const b = JSON.stringify(sorted(synthCookieVariant(COOKIE_VARIANTS[hand], 2)));
    if (a !== b) {
      throw new Error(`${COOKIE_VARIANTS[lib].name} and ${COOKIE_VARIANTS[hand].name} render differently:\n${a}\n${b}`);
    }
  }
  const samples = new Map<string, number[]>();
  for (const v of COOKIE_VARIANTS) for (const n of sizes) sample(v, n);
  for (let r = 0; r < repeats; r++) {
    for (const n of sizes) {
      const order = COOKIE_VARIANTS.map((_, i) => COOKIE_VARIANTS[(i + r) % COOKIE_VARIANTS.length]);
      for (const v of order) {
        samples.set(`${v.name}@${n}`, [...(samples.get(`${v.name}@${n}`) ?? []), sample(v, n)]);
      }
    }
  }
  const rows: string[][] = [];
  for (const n of sizes) {
    COOKIE_VARIANTS.forEach((v, i) => {
      const t = samples.get(`${v.name}@${n}`)!;
      const hand = median(samples.get(`${COOKIE_VARIANTS[i - (i % 2) + 1].name}@${n}`)!);
      rows.push([v.name, String(n), median(t).toFixed(2), `${spreadPercent(t).toFixed(0)}%`, ((median(t) / n) * 1000).toFixed(1), (median(t) / hand).toFixed(2)]);
    });
  }
  console.log('\nCookieAffinityIngress: N Services, each behind an Ingress with cookie affinity; construct tree + chart.toJson()');
  console.log(table(['variant', 'N', 'total ms', 'spread', 'µs/pair', 'vs by hand'], rows));
}
