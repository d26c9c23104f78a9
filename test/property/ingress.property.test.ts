import { ApiObject, App, Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { cookieFactProblems } from './cookie-facts';
import { affinityCookie, validCookieFields as v } from './cookies';
import { buildAndCheck, charRange, charString, check, mostly, objectName, runs, validName } from './harness';
import { AffinityCookie, AlbStickiness, CookieAffinityIngress, IngressController, NginxAffinityMode } from '../../src';
import { ALB_STICKINESS_MAX_SECONDS } from '../../src/facts/aws-alb';
import { COOKIE_MAX_AGE_MAX_SECONDS } from '../../src/facts/cookie';
import { GKE_BACKEND_CONFIG_ANNOTATION, GKE_COOKIE_TTL_MAX_SECONDS } from '../../src/facts/gke';
import { HAPROXY_COOKIE_PERSISTENCE_ANNOTATION } from '../../src/facts/haproxy';
import { TRAEFIK_STICKY_ANNOTATIONS } from '../../src/facts/traefik';
import { Manifest, validateManifests } from '../util/manifests';

/** Mostly left out, sometimes `arbitrary`: for the props most users never set. */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 5 }, { arbitrary, weight: 1 });
}

/** An IngressClass name: mostly left out, sometimes one the API server refuses. */
const className = rarely(objectName);

/** Every controller factory with its options, as plain data (so a counterexample prints readably). */
const controllers = fc.oneof(
  fc.record({
    kind: fc.constant('nginx' as const),
    affinityMode: fc.option(fc.constantFrom(...Object.values(NginxAffinityMode)), { nil: undefined }),
    changeOnFailure: fc.option(fc.boolean(), { nil: undefined }),
    ingressClassName: className,
  }),
  fc.record({ kind: fc.constant('traefik' as const), ingressClassName: className }),
  fc.record({ kind: fc.constant('haproxy' as const), ingressClassName: className }),
  fc.record({
    kind: fc.constant('awsAlb' as const),
    stickiness: fc.option(fc.constantFrom(...Object.values(AlbStickiness)), { nil: undefined }),
    ingressClassName: className,
  }),
  fc.record({ kind: fc.constant('gke' as const), ingressClass: fc.option(fc.constantFrom('gce', 'gce-internal'), { nil: undefined }) }),
);

type ControllerSpec = typeof controllers extends fc.Arbitrary<infer T> ? T : never;

function makeController(spec: ControllerSpec): IngressController {
  switch (spec.kind) {
    case 'nginx': return IngressController.nginx(spec);
    case 'traefik': return IngressController.traefik(spec);
    case 'haproxy': return IngressController.haproxy(spec);
    case 'awsAlb': return IngressController.awsAlb(spec);
    case 'gke': return IngressController.gke(spec);
  }
}

/** The annotation a Service-reading controller needs on every backend Service. */
function serviceAnnotationOf(spec: ControllerSpec): string | undefined {
  switch (spec.kind) {
    case 'traefik': return TRAEFIK_STICKY_ANNOTATIONS.enabled;
    case 'haproxy': return HAPROXY_COOKIE_PERSISTENCE_ANNOTATION;
    case 'gke': return GKE_BACKEND_CONFIG_ANNOTATION;
    default: return undefined;
  }
}

const seconds = (max: number) => v.maxAgeSeconds(max).map(s => Duration.seconds(s));

/** Cookies with the fields this controller can express, near its limits. */
function fittingCookie(spec: ControllerSpec): fc.Arbitrary<AffinityCookie> {
  switch (spec.kind) {
    case 'nginx':
      return fc.record({
        // Names and paths RFC 6265 takes but ingress-nginx may not: the renderer must refuse those.
        name: mostly(v.name, v.rfcName),
        maxAge: seconds(COOKIE_MAX_AGE_MAX_SECONDS),
        path: mostly(v.path, v.rfcPath),
        domain: v.domain,
        secure: fc.constant(true),
        httpOnly: fc.constant(true),
        sameSite: v.sameSite,
      }, { requiredKeys: [] });
    case 'traefik':
      return fc.record({
        name: v.rfcName,
        maxAge: seconds(COOKIE_MAX_AGE_MAX_SECONDS),
        path: v.rfcPath,
        domain: v.domain,
        secure: fc.boolean(),
        httpOnly: fc.boolean(),
        sameSite: v.sameSite,
      }, { requiredKeys: [] });
    case 'haproxy':
      return fc.record({ name: v.rfcName }, { requiredKeys: [] });
    case 'awsAlb':
      return spec.stickiness === AlbStickiness.APP_COOKIE
        ? fc.record({ name: mostly(v.rfcName, fc.constantFrom('AWSALB', 'awsalbapp-1', 'AWSALBTG')), maxAge: seconds(ALB_STICKINESS_MAX_SECONDS + 1) }, { requiredKeys: ['name'] })
        : fc.record({ maxAge: seconds(ALB_STICKINESS_MAX_SECONDS + 1) }, { requiredKeys: [] });
    case 'gke':
      return fc.record({ maxAge: seconds(GKE_COOKIE_TTL_MAX_SECONDS + 1) }, { requiredKeys: [] });
  }
}

/** Where a backend Service is declared. */
type Where = 'same' | 'other' | 'external' | 'raw';

type How = 'propsRule' | 'propsDefault' | 'addRule' | 'addHostRule' | 'addDefaultBackend' | 'addHostDefaultBackend' | 'resource';

/** The route a rule takes, so that generated rules can be kept apart (cdk8s-plus refuses repeats). */
function routeOf(r: { how: How; host: string; path: string }): string {
  switch (r.how) {
    case 'propsDefault':
    case 'addDefaultBackend': return 'default';
    case 'addHostDefaultBackend': return `${r.host}/`;
    case 'addHostRule': return `${r.host}${r.path}`;
    default: return r.path;
  }
}

/**
 * A case: a controller and everything around the Ingress. A third of the
 * cases are wild (any field may be wrong, several at once); the others are
 * well-formed, only their values random, so most of them reach synth.
 */
const cases = fc.tuple(controllers, fc.integer({ min: 0, max: 2 })).chain(([ctl, level]) => {
  const wild = level === 0;
  const pick = <T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> => (wild ? mostly(valid, invalid) : valid);
  const none = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => (wild ? rarely(arbitrary) : fc.constant(undefined));
  const rule = fc.record({
    service: fc.nat(),
    how: pick(fc.constantFrom<How>('propsRule', 'propsDefault', 'addRule', 'addHostRule', 'addDefaultBackend', 'addHostDefaultBackend'), fc.constant<How>('resource')),
    host: pick(fc.domain().filter(h => !/^[0-9.]+$/.test(h)), fc.constantFrom('', 'Upper.Example.com', '10.0.0.1', '*.example.com')),
    path: pick(charString(`${charRange('a', 'z')}${charRange('0', '9')}/_-`, 0, 10).map(rest => `/${rest}`), fc.constantFrom('/', 'api', '')),
  });
  return fc.record({
    ctl: fc.constant(ctl),
    wild: fc.constant(wild),
    cookie: pick(fittingCookie(ctl), affinityCookie),
    name: fc.option(pick(validName, objectName), { nil: undefined }),
    namespace: none(objectName),
    chartNamespace: fc.option(pick(fc.constantFrom('apps', 'web'), objectName), { nil: undefined }),
    className: none(objectName),
    services: fc.array(fc.record({
      where: pick(fc.constantFrom<Where>('same', 'same', 'other', 'raw'), fc.constant<Where>('external')),
      name: fc.oneof(fc.constantFrom('web', 'api', 'app-service'), validName),
      preAnnotated: rarely(pick<readonly [string, string]>(fc.constant(['example.com/unrelated', 'kept']), fc.constantFrom<readonly [string, string]>(
        [HAPROXY_COOKIE_PERSISTENCE_ANNOTATION, 'OTHER'],
        [TRAEFIK_STICKY_ANNOTATIONS.enabled, 'true'],
        [TRAEFIK_STICKY_ANNOTATIONS.name, 'OTHER'],
      ))),
    }), { minLength: 1, maxLength: 3 }),
    rules: wild ? fc.array(rule, { maxLength: 4 }) : fc.uniqueArray(rule, { minLength: 1, maxLength: 4, selector: routeOf }),
    otherNamespace: none(fc.constantFrom('elsewhere')),
    tls: fc.constantFrom('none', 'none', 'props', 'after', 'both'),
    userAnnotation: rarely(pick(fc.constant('example.com/x'), fc.constantFrom('nginx.ingress.kubernetes.io/session-cookie-name', 'alb.ingress.kubernetes.io/target-type'))),
  });
});

type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;

/** Builds the app of a case; returns the charts whose manifests are the app's output. */
function build(c: Case): { front: Chart; charts: Chart[] } {
  const app = Testing.app();
  const front = new Chart(app, 'front', { namespace: c.chartNamespace });
  const ingressNamespace = c.namespace ?? c.chartNamespace;
  const back = new Chart(app, 'back', { namespace: ingressNamespace });
  const outside = new Chart(new App(), 'outside', { namespace: ingressNamespace });
  const backends = c.services.map((s, i) => {
    const namespace = c.otherNamespace !== undefined && i === 0 ? c.otherNamespace : ingressNamespace;
    const annotations = s.preAnnotated ? { [s.preAnnotated[0]]: s.preAnnotated[1] } : undefined;
    if (s.where === 'raw') {
      new ApiObject(back, `Raw${i}`, { apiVersion: 'v1', kind: 'Service', metadata: { name: s.name, namespace, annotations }, spec: { ports: [{ port: 80 }], selector: { app: s.name } } });
      const twin = new kplus.Service(outside, `Twin${i}`, { metadata: { name: s.name, namespace }, ports: [{ port: 80 }] });
      return kplus.IngressBackend.fromService(twin);
    }
    const scope = s.where === 'same' ? front : s.where === 'other' ? back : outside;
    const svc = new kplus.Service(scope, `Service${i}`, { metadata: { name: s.name, namespace, annotations }, ports: [{ port: 80, targetPort: 8080 }] });
    svc.selectLabel('app', s.name);
    return kplus.IngressBackend.fromService(svc);
  });
  const backendOf = (i: number) => backends[i % backends.length];
  const secret = kplus.Secret.fromSecretName(front, 'Tls', 'app-tls');
  const tls = [{ hosts: ['app.example.com'], secret }];

  const propsRules = c.rules.filter(r => r.how === 'propsRule').map(r => ({ host: r.host || undefined, path: r.path || '/', backend: backendOf(r.service) }));
  const propsDefault = c.rules.find(r => r.how === 'propsDefault');
  const ingress = new CookieAffinityIngress(front, 'Ingress', {
    metadata: {
      ...(c.name !== undefined ? { name: c.name } : {}),
      namespace: c.namespace,
      annotations: c.userAnnotation ? { [c.userAnnotation]: 'user' } : undefined,
    },
    className: c.className,
    controller: makeController(c.ctl),
    cookie: c.cookie,
    rules: propsRules,
    defaultBackend: propsDefault ? backendOf(propsDefault.service) : undefined,
    tls: c.tls === 'props' || c.tls === 'both' ? tls : undefined,
  });
  c.rules.forEach((r, i) => {
    switch (r.how) {
      case 'addRule': ingress.addRule(r.path, backendOf(r.service)); break;
      case 'addHostRule': ingress.addHostRule(r.host, r.path, backendOf(r.service)); break;
      case 'addDefaultBackend': ingress.addDefaultBackend(backendOf(r.service)); break;
      case 'addHostDefaultBackend': ingress.addHostDefaultBackend(r.host, backendOf(r.service)); break;
      case 'resource': ingress.addRule(r.path, kplus.IngressBackend.fromResource(kplus.ConfigMap.fromConfigMapName(front, `Resource${i}`, 'static'))); break;
      default: break;
    }
  });
  if (c.tls === 'after' || c.tls === 'both') {
    ingress.addTls(tls);
  }
  return { front, charts: [front, back] };
}

const mix = { refused: 0, synthesized: 0 };
const byProp: Record<string, number> = {};

describe('CookieAffinityIngress on generated props, controllers, cookies and backends', () => {
  test('either refuses them in the library\'s format, or synthesizes manifests every controller reads as meant', () => {
    check(cases, c => {
      let charts: Chart[] = [];
      const outcome = buildAndCheck(() => {
        const built = build(c);
        charts = built.charts;
        return built.front;
      });
      if ('refused' in outcome) {
        mix.refused++;
        for (const prop of outcome.refused) {
          byProp[prop] = (byProp[prop] ?? 0) + 1;
        }
        return;
      }
      mix.synthesized++;
      // Every chart of the app: the Services another chart declares carry the cookie too.
      const all: Manifest[] = [...outcome.manifests, ...charts.slice(1).flatMap(ch => Testing.synth(ch) as Manifest[])];
      validateManifests(all);
      expect(cookieFactProblems(all, serviceAnnotationOf(c.ctl))).toEqual([]);
      const ingress = all.find(m => m.kind === 'Ingress')!;
      const ingressClass = ingress.spec.ingressClassName;
      if (ingressClass !== undefined) {
        expect(ingressClass).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
      }
    }, 400);
    if (process.env.PROP_MIX) {
      console.log(`CookieAffinityIngress: ${mix.refused} refused, ${mix.synthesized} synthesized; refused by prop: ${JSON.stringify(byProp)}`);
    }
    expect(mix.synthesized).toBeGreaterThan(runs(400) * 0.25);
  });
});
