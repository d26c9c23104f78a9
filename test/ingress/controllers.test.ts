import { Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { service } from './util';
import {
  AffinityCookie,
  AlbStickiness,
  CookieAffinityIngress,
  IngressController,
  IngressControllerBindOptions,
  IngressControllerConfig,
  NginxAffinityMode,
  SameSite,
} from '../../src';
import { Manifest, newChart, only, synthValid } from '../util/manifests';

/** Every controller the library renders, with the cookie fields it can take. */
const CONTROLLERS: Array<{ name: string; make: () => IngressController; readsService: boolean; cookie: AffinityCookie }> = [
  { name: 'nginx', make: () => IngressController.nginx(), readsService: false, cookie: { name: 'app-affinity', maxAge: Duration.hours(1) } },
  { name: 'traefik', make: () => IngressController.traefik(), readsService: true, cookie: { name: 'app-affinity', maxAge: Duration.hours(1) } },
  { name: 'haproxy', make: () => IngressController.haproxy(), readsService: true, cookie: { name: 'app-affinity' } },
  { name: 'awsAlb', make: () => IngressController.awsAlb(), readsService: false, cookie: { maxAge: Duration.hours(1) } },
  { name: 'gke', make: () => IngressController.gke(), readsService: true, cookie: { maxAge: Duration.hours(1) } },
];

function render(controller: IngressController, cookie = {}, path = '/') {
  const chart = newChart();
  const svc = service(chart);
  const ingress = new CookieAffinityIngress(chart, 'Ingress', { metadata: { name: 'app-ingress' }, controller, cookie });
  ingress.addHostRule('app.example.com', path, kplus.IngressBackend.fromService(svc));
  const manifests = synthValid(chart);
  return { ingress, manifests, ing: only(manifests, 'Ingress'), svc: only(manifests, 'Service') };
}

describe.each(CONTROLLERS)('controller $name (contract every renderer passes)', ({ make, readsService, cookie }) => {
  test('renders valid manifests, as in its snapshot', () => {
    expect(render(make(), cookie).manifests).toMatchSnapshot();
  });

  test('keeps the Ingress a plain Ingress: the rule routes to the Service', () => {
    const { ing } = render(make());
    expect(ing.spec.rules).toEqual([{
      host: 'app.example.com',
      http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'app-service', port: { number: 80 } } } }] },
    }]);
  });

  test('writes the cookie where the controller reads it, and nowhere else', () => {
    const { ingress, ing, svc } = render(make());
    const serviceKeys = Object.keys(ingress.serviceAnnotations);
    expect(serviceKeys.length > 0).toBe(readsService);
    expect(Object.keys(svc.metadata.annotations ?? {}).sort()).toEqual(serviceKeys.sort());
    expect(Object.keys(ing.metadata.annotations ?? {}).some(k => serviceKeys.includes(k))).toBe(false);
  });

  test('has a name and is the controller the Ingress reports', () => {
    const controller = make();
    const { ingress } = render(controller);
    expect(ingress.controller).toBe(controller);
    expect(controller.name.length > 0).toBe(true);
  });

  test('refuses a cookie the model refuses, before any controller rule', () => {
    expect(() => render(make(), { name: 'bad;name' })).toThrow(/^test\/Ingress: 'cookie.name' \("bad;name"\) must be an RFC 6265 token/);
  });
});

describe('ingress-nginx', () => {
  test('GIVEN its documentation\'s example cookie THEN the annotations are those of the example', () => {
    // https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/ (ingress.yaml)
    const { ing } = render(IngressController.nginx(), { name: 'route', maxAge: Duration.seconds(172800) });
    expect(ing.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/affinity': 'cookie',
      'nginx.ingress.kubernetes.io/session-cookie-name': 'route',
      'nginx.ingress.kubernetes.io/session-cookie-expires': '172800',
      'nginx.ingress.kubernetes.io/session-cookie-max-age': '172800',
    });
    expect(ing.spec.ingressClassName).toBeUndefined();
  });

  test('GIVEN every field and option THEN each has its annotation', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', {
      controller: IngressController.nginx({ affinityMode: NginxAffinityMode.PERSISTENT, changeOnFailure: true, ingressClassName: 'nginx' }),
      cookie: { name: 'sticky', maxAge: Duration.minutes(30), path: '/app', domain: 'example.com', secure: true, sameSite: SameSite.STRICT },
      rules: [{ path: '/app', backend: kplus.IngressBackend.fromService(service(chart)) }],
    });
    const ing = only(synthValid(chart), 'Ingress');
    expect(ingress.controller.ingressClassName).toBe('nginx');
    expect(ing.spec.ingressClassName).toBe('nginx');
    expect(ing.metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/affinity': 'cookie',
      'nginx.ingress.kubernetes.io/affinity-mode': 'persistent',
      'nginx.ingress.kubernetes.io/session-cookie-name': 'sticky',
      'nginx.ingress.kubernetes.io/session-cookie-max-age': '1800',
      'nginx.ingress.kubernetes.io/session-cookie-expires': '1800',
      'nginx.ingress.kubernetes.io/session-cookie-path': '/app',
      'nginx.ingress.kubernetes.io/session-cookie-domain': 'example.com',
      'nginx.ingress.kubernetes.io/session-cookie-samesite': 'Strict',
      'nginx.ingress.kubernetes.io/session-cookie-secure': 'true',
      'nginx.ingress.kubernetes.io/session-cookie-change-on-failure': 'true',
    });
  });

  test.each([
    ['cookie.name', { name: 'app!affinity' }, '"app!affinity"', 'must hold only letters, digits, \'-\', \'.\', \'_\' and \'~\' with ingress-nginx, which replaces any other name with INGRESSCOOKIE'],
    ['cookie.path', { path: '/app(1)' }, '"/app(1)"', 'must hold only letters, digits and \'-\', \'.\', \'_\', \'~\', \'/\', \':\', \'?\', \'&\', \'=\' with ingress-nginx, which ignores any other path'],
    ['cookie.httpOnly', { httpOnly: false }, 'false', 'cannot be set with ingress-nginx: it writes every affinity cookie HttpOnly; leave \'httpOnly\' out'],
  ])('refuses %s it would drop or cannot honour', (prop, cookie, value, rule) => {
    expect(() => render(IngressController.nginx(), cookie)).toThrow(`test/Ingress: '${prop}' (${value}) ${rule}`);
  });
});

describe('Traefik', () => {
  test('GIVEN the cookie of its documentation\'s "On Service" examples THEN the Service has those annotations', () => {
    // https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
    const { svc, ing } = render(IngressController.traefik(), {
      name: 'foobar', secure: true, sameSite: SameSite.NONE, httpOnly: true, maxAge: Duration.seconds(42),
    });
    expect(svc.metadata.annotations).toEqual({
      'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.name': 'foobar',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.secure': 'true',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.samesite': 'none',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.httponly': 'true',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.maxage': '42',
      'traefik.ingress.kubernetes.io/service.sticky.cookie.path': '/',
    });
    expect(ing.metadata.annotations).toBeUndefined();
  });

  test('GIVEN a domain and path (which covers the rule\'s) THEN both are written', () => {
    const { svc } = render(IngressController.traefik(), { domain: 'foo.com', path: '/foobar' }, '/foobar');
    expect(svc.metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie.domain']).toBe('foo.com');
    expect(svc.metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie.path']).toBe('/foobar');
  });
});

describe('HAProxy', () => {
  test('GIVEN the name of its documentation\'s example THEN the Service has cookie-persistence', () => {
    // https://github.com/haproxytech/kubernetes-ingress/blob/master/documentation/annotations.md#cookie-persistence
    const { svc, ing } = render(IngressController.haproxy(), { name: 'mycookie' });
    expect(svc.metadata.annotations).toEqual({ 'haproxy.org/cookie-persistence': 'mycookie' });
    expect(ing.metadata.annotations).toBeUndefined();
  });

  test('GIVEN no name THEN it writes SERVERID, since the controller has no default', () => {
    expect(render(IngressController.haproxy()).svc.metadata.annotations).toEqual({ 'haproxy.org/cookie-persistence': 'SERVERID' });
  });

  test.each([
    ['maxAge', { maxAge: Duration.hours(1) }, '3600s', 'its cookie-persistence annotation sets the cookie\'s name only, and HAProxy writes a session cookie; leave \'maxAge\' out'],
    ['path', { path: '/app' }, '"/app"', 'its cookie-persistence annotation sets the cookie\'s name only; leave \'path\' out'],
    ['domain', { domain: 'example.com' }, '"example.com"', 'its cookie-persistence annotation sets the cookie\'s name only; leave \'domain\' out'],
    ['secure', { secure: true }, 'true', 'its cookie-persistence annotation sets the cookie\'s name only; leave \'secure\' out'],
    ['httpOnly', { httpOnly: true }, 'true', 'its cookie-persistence annotation sets the cookie\'s name only; leave \'httpOnly\' out'],
    ['sameSite', { sameSite: SameSite.STRICT }, 'Strict', 'its cookie-persistence annotation sets the cookie\'s name only; leave \'sameSite\' out'],
  ])('refuses %s, which it cannot express', (field, cookie, value, why) => {
    expect(() => render(IngressController.haproxy(), cookie)).toThrow(
      `test/Ingress: 'cookie.${field}' (${value}) cannot be set with the HAProxy Kubernetes Ingress Controller: ${why}`);
  });
});

describe('AWS Load Balancer Controller', () => {
  test('GIVEN its documentation\'s sticky-session example duration THEN the Ingress has its attributes and target type', () => {
    // https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-group-attributes
    const { ing, svc } = render(IngressController.awsAlb(), { maxAge: Duration.seconds(60) });
    expect(attributes(ing)).toEqual({
      'stickiness.enabled': 'true',
      'stickiness.type': 'lb_cookie',
      'stickiness.lb_cookie.duration_seconds': '60',
    });
    expect(ing.metadata.annotations['alb.ingress.kubernetes.io/target-group-attributes'])
      .toBe('stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=60');
    expect(ing.metadata.annotations['alb.ingress.kubernetes.io/target-type']).toBe('ip');
    expect(ing.spec.ingressClassName).toBe('alb');
    expect(svc.metadata.annotations).toBeUndefined();
  });

  test('GIVEN no max age THEN the ALB\'s own default of one day is written out', () => {
    expect(attributes(render(IngressController.awsAlb()).ing)['stickiness.lb_cookie.duration_seconds']).toBe('86400');
  });

  test('GIVEN application-based stickiness THEN the application\'s cookie name and the duration are written', () => {
    const { ing } = render(IngressController.awsAlb({ stickiness: AlbStickiness.APP_COOKIE }), { name: 'JSESSIONID', maxAge: Duration.hours(3) });
    expect(attributes(ing)).toEqual({
      'stickiness.enabled': 'true',
      'stickiness.type': 'app_cookie',
      'stickiness.app_cookie.cookie_name': 'JSESSIONID',
      'stickiness.app_cookie.duration_seconds': '10800',
    });
  });

  test.each([
    ['a duration over 7 days', {}, { maxAge: Duration.days(8) }, '\'cookie.maxAge\' (691200s) must be a whole number of seconds from 1 to 604800 (7 days) with the AWS Load Balancer Controller'],
    ['a name with lb_cookie', {}, { name: 'route' }, '\'cookie.name\' ("route") cannot be set with the AWS Load Balancer Controller and lb_cookie stickiness: the ALB writes its own AWSALB cookie and sets only its duration; to follow a cookie your application sets, use IngressController.awsAlb({ stickiness: AlbStickiness.APP_COOKIE })'],
    ['no name with app_cookie', { stickiness: AlbStickiness.APP_COOKIE }, {}, '\'cookie.name\' (not given) must name the cookie your application sets, with the AWS Load Balancer Controller and app_cookie stickiness'],
    ['an AWSALB name with app_cookie', { stickiness: AlbStickiness.APP_COOKIE }, { name: 'AWSALBAPP-1' }, '\'cookie.name\' ("AWSALBAPP-1") must not start with AWSALB: the ALB keeps AWSALB, AWSALBAPP and AWSALBTG for its own cookies'],
    ['a SameSite', {}, { sameSite: SameSite.LAX }, '\'cookie.sameSite\' (Lax) cannot be set with the AWS Load Balancer Controller: the ALB writes its own AWSALB cookie and sets only its duration; leave \'sameSite\' out'],
    ['a path', {}, { path: '/' }, '\'cookie.path\' ("/") cannot be set with the AWS Load Balancer Controller: the ALB writes its own AWSALB cookie and sets only its duration; leave \'path\' out'],
  ])('refuses %s', (_label, options, cookie, message) => {
    expect(() => render(IngressController.awsAlb(options), cookie)).toThrow(`test/Ingress: ${message}`);
  });

  test('GIVEN a className other than the controller\'s THEN it is refused', () => {
    const chart = newChart();
    expect(() => new CookieAffinityIngress(chart, 'Ingress', { className: 'nginx', controller: IngressController.awsAlb() }))
      .toThrow('test/Ingress: \'className\' ("nginx") must match the class the AWS Load Balancer Controller was given ("alb"): set it in one place');
  });
});

describe('GKE Ingress', () => {
  test('GIVEN the TTL of GKE\'s documented example THEN the BackendConfig is that example, and the Service points to it', () => {
    // https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#session_affinity
    const { manifests, svc, ingress } = render(IngressController.gke(), { maxAge: Duration.seconds(50) });
    const backendConfig = only(manifests, 'BackendConfig');
    expect(backendConfig).toEqual({
      apiVersion: 'cloud.google.com/v1',
      kind: 'BackendConfig',
      metadata: { name: 'app-ingress-affinity' },
      spec: { sessionAffinity: { affinityType: 'GENERATED_COOKIE', affinityCookieTtlSec: 50 } },
    });
    expect(JSON.parse(svc.metadata.annotations['cloud.google.com/backend-config'])).toEqual({ default: 'app-ingress-affinity' });
    expect(svc.metadata.annotations['cloud.google.com/neg']).toBe('{"ingress": true}');
    expect(ingress.controllerObjects.map(o => o.name)).toEqual(['app-ingress-affinity']);
  });

  test('GIVEN no max age THEN the TTL is 0, a session cookie, and @kubernetes-models/gke accepts it', () => {
    const { manifests } = render(IngressController.gke());
    expect(only(manifests, 'BackendConfig').spec.sessionAffinity.affinityCookieTtlSec).toBe(0);
  });

  test('GIVEN an ingress class THEN it goes to the annotation GKE reads', () => {
    const { ing } = render(IngressController.gke({ ingressClass: 'gce-internal' }));
    expect(ing.metadata.annotations).toEqual({ 'kubernetes.io/ingress.class': 'gce-internal' });
    expect(ing.spec.ingressClassName).toBeUndefined();
  });

  test('GIVEN a namespaced Ingress THEN the BackendConfig is in the Services\' namespace', () => {
    const chart = newChart('shop');
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.gke() });
    ingress.addDefaultBackend(kplus.IngressBackend.fromService(service(chart)));
    expect(only(synthValid(chart), 'BackendConfig').metadata.namespace).toBe('shop');
  });

  test.each([
    ['a TTL over a day', { maxAge: Duration.seconds(86401) }, '\'cookie.maxAge\' (86401s) must be a whole number of seconds up to 86400 (1 day) with GKE Ingress'],
    ['a name', { name: 'route' }, '\'cookie.name\' ("route") cannot be set with GKE Ingress: the load balancer writes its own GCLB cookie and sets only its lifetime; leave \'name\' out'],
    ['a SameSite', { sameSite: SameSite.STRICT }, '\'cookie.sameSite\' (Strict) cannot be set with GKE Ingress: the load balancer writes its own GCLB cookie and sets only its lifetime; leave \'sameSite\' out'],
    ['httpOnly', { httpOnly: false }, '\'cookie.httpOnly\' (false) cannot be set with GKE Ingress: the load balancer writes its own GCLB cookie and sets only its lifetime; leave \'httpOnly\' out'],
  ])('refuses %s', (_label, cookie, message) => {
    expect(() => render(IngressController.gke(), cookie)).toThrow(`test/Ingress: ${message}`);
  });

  test('GIVEN a TTL of exactly one day THEN it is accepted', () => {
    expect(only(render(IngressController.gke(), { maxAge: Duration.days(1) }).manifests, 'BackendConfig').spec.sessionAffinity.affinityCookieTtlSec).toBe(86400);
  });
});

function attributes(ing: Manifest): Record<string, string> {
  return Object.fromEntries(ing.metadata.annotations['alb.ingress.kubernetes.io/target-group-attributes'].split(',').map((kv: string) => kv.split('=')));
}

describe('a controller written outside the library', () => {
  // Only public members: what a controller in Python, Java, .NET or Go can use.
  class StickyHeaderController extends IngressController {
    public readonly name = 'my-controller';
    public readonly ingressClassName = 'mine';
    public readonly given: IngressControllerBindOptions[] = [];
    public bind(_scope: Construct, options: IngressControllerBindOptions): IngressControllerConfig {
      this.given.push(options);
      const { ingress, cookie } = options;
      return {
        ingressAnnotations: {
          'example.com/cookie': cookie.name ?? 'route',
          'example.com/max-age': String(cookie.maxAgeSeconds ?? 0),
          'example.com/secure': Lazy.any({ produce: () => String(ingress.resolveCookie().secure) }),
        },
        serviceAnnotations: { 'example.com/sticky': 'true' },
      };
    }
  }

  test('GIVEN a subclass that uses only public members THEN it gets the resolved cookie as plain data and its annotations are written', () => {
    // GIVEN
    const chart = newChart();
    const svc = service(chart);
    const controller = new StickyHeaderController();
    // WHEN
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { controller, cookie: { name: 'mine', maxAge: Duration.minutes(5) } });
    ingress.addRule('/', kplus.IngressBackend.fromService(svc));
    ingress.addTls([{ hosts: ['app.example.com'] }]);
    // THEN bind() got the cookie with its defaults applied, and the cookie as given
    expect(controller.given).toHaveLength(1);
    expect(controller.given[0].cookie).toEqual({ name: 'mine', maxAgeSeconds: 300, path: '/', domain: undefined, secure: false, httpOnly: true, sameSite: SameSite.LAX });
    expect(controller.given[0].givenCookie).toEqual({ name: 'mine', maxAge: Duration.minutes(5) });
    // AND what it returned is written: on the Ingress, and on the backend Service
    const manifests = synthValid(chart);
    expect(only(manifests, 'Ingress').metadata.annotations).toEqual({ 'example.com/cookie': 'mine', 'example.com/max-age': '300', 'example.com/secure': 'true' });
    expect(only(manifests, 'Ingress').spec.ingressClassName).toBe('mine');
    expect(only(manifests, 'Service').metadata.annotations).toEqual({ 'example.com/sticky': 'true' });
  });
});
