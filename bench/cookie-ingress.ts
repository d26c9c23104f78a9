// CookieAffinityIngress against the same Ingresses and Services with the
// annotations written by hand, for ingress-nginx and the AWS Load Balancer
// Controller (annotations on the Ingress), and Traefik and HAProxy
// (annotations on each backend Service, which the Ingress finds in the app).
import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AffinityCookie, CookieAffinityIngress, IngressController } from '../src';

/** One way of writing N Services, each behind its own cookie-affinity Ingress. */
export interface CookieVariant {
  readonly name: string;
  build(chart: Chart, n: number): void;
}

const COOKIE = { name: 'app-affinity', maxAge: Duration.hours(1) };
/** HAProxy's annotation sets the cookie's name only. */
const NAME_ONLY = { name: 'app-affinity' };
/** The ALB writes its own cookie: only its duration is set. */
const DURATION_ONLY = { maxAge: Duration.hours(1) };

function appService(chart: Chart, i: number): kplus.Service {
  const service = new kplus.Service(chart, `Svc${i}`, { metadata: { name: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] });
  service.selectLabel('app', `app-${i}`);
  return service;
}

function library(controller: () => IngressController, cookie: AffinityCookie = COOKIE): (chart: Chart, n: number) => void {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      const ingress = new CookieAffinityIngress(chart, `Ing${i}`, { metadata: { name: `app-${i}` }, controller: controller(), cookie });
      ingress.addHostRule(`app-${i}.example.com`, '/', kplus.IngressBackend.fromService(appService(chart, i)));
    }
  };
}

function byHand(
  ingressAnnotations: Record<string, string>,
  serviceAnnotations: Record<string, string>,
  className?: string,
): (chart: Chart, n: number) => void {
  return (chart, n) => {
    for (let i = 0; i < n; i++) {
      const service = appService(chart, i);
      for (const [k, v] of Object.entries(serviceAnnotations)) service.metadata.addAnnotation(k, v);
      const ingress = new kplus.Ingress(chart, `Ing${i}`, { metadata: { name: `app-${i}`, annotations: ingressAnnotations }, className });
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
  { name: 'haproxy: library', build: library(() => IngressController.haproxy(), NAME_ONLY) },
  { name: 'haproxy: by hand', build: byHand({}, { 'haproxy.org/cookie-persistence': 'app-affinity' }) },
  { name: 'aws-alb: library', build: library(() => IngressController.awsAlb(), DURATION_ONLY) },
  {
    name: 'aws-alb: by hand',
    build: byHand({
      'alb.ingress.kubernetes.io/target-type': 'ip',
      'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=3600',
    }, {}, 'alb'),
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
