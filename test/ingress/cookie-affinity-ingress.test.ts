import { ApiObject, App, Chart, Duration, LazyResolver, ResolutionContext, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SEED_INGRESS, service } from './util';
import { AffinityDoctor, AffinityDoctorValidation, CookieAffinityIngress, IngressController, KongCookieAffinity, NginxAffinityMode, SameSite } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

/** A Service object of another app: the backend names a Service this app may or may not declare. */
function elsewhere(name: string, namespace?: string): kplus.Service {
  return service(new Chart(Testing.app(), 'elsewhere', { namespace }), name);
}

describe('CookieAffinityIngress with ingress-nginx (the default)', () => {
  test('GIVEN the seed\'s cookie and rule THEN the Ingress is the seed\'s, exactly', () => {
    // GIVEN
    const chart = newChart();
    const svc = service(chart);
    // WHEN
    const ingress = new CookieAffinityIngress(chart, 'Ingress', {
      metadata: { name: 'app-ingress' },
      cookie: { name: 'app-affinity', maxAge: Duration.hours(1) },
    });
    ingress.addHostRule('app.example.com', '/', kplus.IngressBackend.fromService(svc, { port: 80 }));
    // THEN
    expect(only(synthValid(chart), 'Ingress')).toEqual(SEED_INGRESS);
    expect(ingress.controller.name).toBe('ingress-nginx');
  });

  test('GIVEN the seed\'s rule in props THEN the same Ingress comes out', () => {
    const chart = newChart();
    new CookieAffinityIngress(chart, 'Ingress', {
      metadata: { name: 'app-ingress' },
      cookie: { name: 'app-affinity', maxAge: Duration.seconds(3600) },
      rules: [{ host: 'app.example.com', path: '/', pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(service(chart)) }],
    });
    expect(only(synthValid(chart), 'Ingress')).toEqual(SEED_INGRESS);
  });

  test('GIVEN no cookie THEN only the affinity annotation is written, and the controller\'s defaults apply', () => {
    const chart = newChart();
    new CookieAffinityIngress(chart, 'Ingress', { rules: [{ path: '/', backend: kplus.IngressBackend.fromService(service(chart)) }] });
    expect(only(synthValid(chart), 'Ingress').metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/affinity': 'cookie' });
  });

  test('GIVEN a rule on another path than / THEN Path=/ is written, which the controller would otherwise take from the rule', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { defaultBackend: kplus.IngressBackend.fromService(service(chart)) });
    ingress.addRule('/api', kplus.IngressBackend.fromService(service(chart, 'api', 'Api')));
    expect(only(synthValid(chart), 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/session-cookie-path']).toBe('/');
  });

  test('GIVEN TLS added after construction THEN the cookie is Secure', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { name: 'app-affinity' } });
    ingress.addRule('/', kplus.IngressBackend.fromService(service(chart)));
    ingress.addTls([{ hosts: ['app.example.com'], secret: kplus.Secret.fromSecretName(chart, 'Tls', 'app-tls') }]);
    expect(only(synthValid(chart), 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/session-cookie-secure']).toBe('true');
  });

  test.each([
    ['nginx.ingress.kubernetes.io/affinity', 'Cookie', '"cookie"'],
    ['nginx.ingress.kubernetes.io/session-cookie-name', 'other', '"app-affinity"'],
    ['nginx.ingress.kubernetes.io/session-cookie-secure', 'true', 'unset'],
  ])('GIVEN %s set to %j after construction THEN synth refuses: the controller would read another cookie, or none', (key, value, kept) => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { name: 'app-affinity' } });
    ingress.addDefaultBackend(kplus.IngressBackend.fromService(service(chart)));
    ingress.metadata.addAnnotation(key, value);
    expect(() => Testing.synth(chart)).toThrow(`[test/Ingress] 'metadata.annotations' (${key}: ${JSON.stringify(value)}) must stay ${kept === 'unset' ? 'unset' : kept}, as the Ingress wrote it for 'cookie': `
      + 'something set it after the Ingress was made; remove that, and let \'cookie\' (or the controller\'s options) render it');
  });

  test('GIVEN TLS but secure: false THEN no Secure annotation is written', () => {
    const chart = newChart();
    new CookieAffinityIngress(chart, 'Ingress', {
      cookie: { secure: false },
      tls: [{ hosts: ['app.example.com'] }],
      rules: [{ path: '/', backend: kplus.IngressBackend.fromService(service(chart)) }],
    });
    expect(only(synthValid(chart), 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/session-cookie-secure']).toBeUndefined();
  });

  test('GIVEN one of the controller\'s annotations in metadata THEN it is refused rather than overwritten', () => {
    const chart = newChart();
    expect(() => new CookieAffinityIngress(chart, 'Ingress', {
      metadata: { annotations: { 'nginx.ingress.kubernetes.io/affinity': 'none' } },
    })).toThrow('test/Ingress: \'metadata.annotations\' (nginx.ingress.kubernetes.io/affinity: "none") must not set nginx.ingress.kubernetes.io/affinity: ingress-nginx reads it for the cookie, which \'cookie\' renders; remove it');
  });

  test('GIVEN an Ingress name the API server refuses THEN it is refused eagerly', () => {
    const chart = newChart();
    expect(() => new CookieAffinityIngress(chart, 'Ingress', { metadata: { name: 'App_Ingress' } }))
      .toThrow('test/Ingress: \'metadata.name\' ("App_Ingress") must be a DNS-1123 subdomain');
  });

  test('GIVEN no backend at all THEN it is reported at synth in the library\'s format, beside cdk8s-plus\'s own message', () => {
    // Found by the property tests: cdk8s-plus's own message named no prop.
    const chart = newChart();
    new CookieAffinityIngress(chart, 'Ingress');
    expect(() => Testing.synth(chart)).toThrow(
      '  [test/Ingress] \'rules\' (none) must hold at least one rule, or a \'defaultBackend\' must be given: an Ingress with neither routes nothing; add one with addRule(), addHostRule() or addDefaultBackend()');
  });

  describe('a default backend, which ingress-nginx gives no cookie', () => {
    const ONLY_DEFAULT = '\'defaultBackend\' (the Ingress\'s only backend) gets no \'cookie\' with ingress-nginx, which sets the cookie only on the paths of the Ingress\'s rules, '
      + 'so no user would be kept on one pod: route the traffic with a rule instead, such as addRule(\'/\', backend) (or addHostRule(host, \'/\', backend))';

    test('GIVEN only addDefaultBackend() THEN the synth fails, naming \'cookie\', \'defaultBackend\' and what to do', () => {
      // GIVEN
      const chart = newChart();
      const ingress = new CookieAffinityIngress(chart, 'Ingress');
      // WHEN
      ingress.addDefaultBackend(kplus.IngressBackend.fromService(service(chart)));
      // THEN
      expect(() => Testing.synth(chart)).toThrow(`[test/Ingress] ${ONLY_DEFAULT}`);
    });

    test('GIVEN the default backend in props THEN the same', () => {
      const chart = newChart();
      new CookieAffinityIngress(chart, 'Ingress', { cookie: { name: 'app-affinity' }, defaultBackend: kplus.IngressBackend.fromService(service(chart)) });
      expect(() => Testing.synth(chart)).toThrow(ONLY_DEFAULT);
    });

    test('GIVEN a rule added after construction, beside the default backend THEN the synth succeeds', () => {
      // Rules may come after the constructor: this is told at synth.
      const chart = newChart();
      const ingress = new CookieAffinityIngress(chart, 'Ingress', { defaultBackend: kplus.IngressBackend.fromService(service(chart)) });
      ingress.addRule('/api', kplus.IngressBackend.fromService(service(chart, 'api', 'Api')));
      const ing = only(synthValid(chart), 'Ingress');
      expect(ing.spec.defaultBackend.service.name).toBe('app-service');
      expect(ing.spec.rules[0].http.paths.map((p: any) => p.path)).toEqual(['/api']);
    });

    test('GIVEN a host\'s default backend (a rule for path / of the host) THEN the synth succeeds', () => {
      const chart = newChart();
      const ingress = new CookieAffinityIngress(chart, 'Ingress');
      ingress.addHostDefaultBackend('app.example.com', kplus.IngressBackend.fromService(service(chart)));
      expect(only(synthValid(chart), 'Ingress').spec.rules[0].http.paths[0].path).toBe('/');
    });

    test('GIVEN a controller that writes the cookie on the Service THEN the default backend alone is fine', () => {
      // Traefik reads the sticky cookie from the Service, whichever way the Ingress reaches it.
      const chart = newChart();
      new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(service(chart)) });
      expect(() => Testing.synth(chart)).not.toThrow();
    });
  });
});

describe('CookieAffinityIngress refuses the rules cdk8s-plus or the API server would refuse, in the library\'s format', () => {
  // Found by the property tests: cdk8s-plus threw these in its own words
  // (naming no prop), and let hosts and class names through that the API
  // server refuses.
  const backend = (chart: Chart) => kplus.IngressBackend.fromService(service(chart));

  test('GIVEN a second default backend THEN it is refused', () => {
    const chart = newChart();
    const b = backend(chart);
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { defaultBackend: b });
    expect(() => ingress.addDefaultBackend(b)).toThrow(
      'test/Ingress: \'defaultBackend\' (a second one) must be given once: an Ingress has one default backend; route other traffic with addRule() or addHostRule()');
  });

  test('GIVEN a path that does not begin with / THEN it is refused', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress');
    expect(() => ingress.addRule('api', backend(chart))).toThrow('test/Ingress: \'rules\' (path "api") must begin with \'/\'');
  });

  test('GIVEN the same host and path twice THEN the second is refused, and a refused call adds none of its rules', () => {
    const chart = newChart();
    const b = backend(chart);
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { rules: [{ host: 'app.example.com', path: '/a', backend: b }] });
    expect(() => ingress.addRules({ path: '/b', backend: b }, { host: 'app.example.com', path: '/a', backend: b })).toThrow(
      'test/Ingress: \'rules\' (host "app.example.com" path "/a") must be routed once: this Ingress already has a rule for it');
    ingress.addRule('/b', b);
    expect(only(synthValid(chart), 'Ingress').spec.rules.map((r: any) => [r.host, r.http.paths.map((p: any) => p.path)]))
      .toEqual([['app.example.com', ['/a']], [undefined, ['/b']]]);
  });

  test.each([
    ['Upper.Example.com'],
    ['app_1.example.com'],
    ['10.0.0.1'],
    ['*'],
  ])('GIVEN the host %s THEN it is refused', host => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress');
    expect(() => ingress.addHostRule(host, '/', backend(chart))).toThrow(
      `test/Ingress: 'rules' (host ${JSON.stringify(host)}) must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253 characters, optionally after '*.', and not an IP address`);
  });

  test('GIVEN a wildcard host THEN it is kept', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress');
    ingress.addHostRule('*.example.com', '/', backend(chart));
    expect(only(synthValid(chart), 'Ingress').spec.rules[0].host).toBe('*.example.com');
  });

  test('GIVEN an empty host THEN addHostRule and addHostDefaultBackend refuse it', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress');
    const b = backend(chart);
    const message = 'test/Ingress: \'host\' ("") must not be empty: use addRule() or addDefaultBackend() for every host';
    expect(() => ingress.addHostRule('', '/', b)).toThrow(message);
    expect(() => ingress.addHostDefaultBackend('', b)).toThrow(message);
  });

  test.each([
    ['className', { className: 'Nginx_Public' }, '"Nginx_Public"'],
    ['the controller\'s class', { controller: IngressController.nginx({ ingressClassName: '' }) }, '""'],
  ])('GIVEN an IngressClass name the API server refuses in %s THEN it is refused', (_where, props, shown) => {
    const chart = newChart();
    expect(() => new CookieAffinityIngress(chart, 'Ingress', props)).toThrow(
      `test/Ingress: 'className' (${shown}) must be a DNS-1123 subdomain`);
  });
});

describe('CookieAffinityIngress with a controller that reads the Service', () => {
  test('GIVEN Traefik and TLS added after construction THEN the Service\'s cookie is Secure', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.traefik() });
    ingress.addRule('/', kplus.IngressBackend.fromService(service(chart)));
    ingress.addTls([{ hosts: ['app.example.com'] }]);
    expect(only(synthValid(chart), 'Service').metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie.secure']).toBe('true');
  });

  test('GIVEN backends through every kplus method, and a Service declared after the Ingress in another chart THEN every Service carries the annotation', () => {
    // GIVEN
    const app = Testing.app();
    const front = new Chart(app, 'front');
    const back = new Chart(app, 'back');
    const ingress = new CookieAffinityIngress(front, 'Ingress', {
      controller: IngressController.traefik(),
      defaultBackend: kplus.IngressBackend.fromService(service(back, 'fallback', 'Fallback')),
      rules: [{ path: '/a', backend: kplus.IngressBackend.fromService(service(back, 'svc-a', 'A')) }],
    });
    // WHEN
    ingress.addRule('/b', kplus.IngressBackend.fromService(service(back, 'svc-b', 'B')));
    ingress.addHostRule('c.example.com', '/', kplus.IngressBackend.fromService(service(back, 'svc-c', 'C')));
    ingress.addHostDefaultBackend('d.example.com', kplus.IngressBackend.fromService(service(back, 'svc-d', 'D')));
    // A Service declared after the Ingress's rule that names it.
    const late = new kplus.Service(back, 'Late', { metadata: { name: 'svc-late' }, ports: [{ port: 80 }] });
    ingress.addRule('/late', kplus.IngressBackend.fromService(late));
    // THEN
    const services = synthValid(back).filter(m => m.kind === 'Service');
    expect(services.map(s => [s.metadata.name, s.metadata.annotations?.['traefik.ingress.kubernetes.io/service.sticky.cookie']]).sort())
      .toEqual([['fallback', 'true'], ['svc-a', 'true'], ['svc-b', 'true'], ['svc-c', 'true'], ['svc-d', 'true'], ['svc-late', 'true']]);
    synthValid(front);
  });

  describe('GIVEN Traefik and a cookie name', () => {
    const traefik = (chart: Chart, cookie: { name?: string; domain?: string }) =>
      new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.traefik(), cookie });
    const shop = (chart: Chart) => kplus.IngressBackend.fromService(service(chart, 'shop', 'Shop'));
    const api = (chart: Chart) => kplus.IngressBackend.fromService(service(chart, 'api', 'Api'));
    const SHARED = (where: string, services = '"shop" and "api"') => `[test/Ingress] 'cookie.name' ("WEB") must not be shared by Services ${services} on ${where}: `
      + 'Traefik gives each Service its own sticky cookie under that name and Path, so a request to one replaces the other\'s cookie and neither stays sticky; '
      + 'leave \'cookie.name\' out (Traefik then names each Service\'s cookie apart), or route each Service through its own Ingress with its own cookie name';

    test('WHEN two Services are routed on one host THEN synth refuses: each would replace the other\'s cookie', () => {
      const chart = newChart();
      const ingress = traefik(chart, { name: 'WEB' });
      ingress.addHostRule('shop.example.com', '/', shop(chart));
      ingress.addHostRule('shop.example.com', '/api', api(chart));
      expect(() => Testing.synth(chart)).toThrow(SHARED('host "shop.example.com"'));
    });

    test('WHEN one of them is routed on any host THEN it meets the other on every host', () => {
      const chart = newChart();
      const ingress = traefik(chart, { name: 'WEB' });
      ingress.addHostRule('shop.example.com', '/', shop(chart));
      ingress.addRule('/api', api(chart));
      // The Service routed on any host is named first.
      expect(() => Testing.synth(chart)).toThrow(SHARED('host "shop.example.com"', '"api" and "shop"'));
    });

    test('WHEN the cookie\'s Domain spans the hosts THEN Services on different hosts share it too', () => {
      const chart = newChart();
      const ingress = traefik(chart, { name: 'WEB', domain: 'example.com' });
      ingress.addHostRule('shop.example.com', '/', shop(chart));
      ingress.addHostRule('api.example.com', '/', api(chart));
      expect(() => Testing.synth(chart)).toThrow(SHARED('the hosts of Domain "example.com"'));
    });

    test('WHEN the Services are on different hosts, or the name is left out, or one Service has several paths THEN it synthesizes', () => {
      const apart = newChart();
      const hosts = traefik(apart, { name: 'WEB' });
      hosts.addHostRule('shop.example.com', '/', shop(apart));
      hosts.addHostRule('api.example.com', '/', api(apart));
      synthValid(apart);
      const unnamed = newChart();
      const own = traefik(unnamed, {});
      own.addHostRule('shop.example.com', '/', shop(unnamed));
      own.addHostRule('shop.example.com', '/api', api(unnamed));
      synthValid(unnamed);
      const one = newChart();
      const backend = shop(one);
      const paths = traefik(one, { name: 'WEB' });
      paths.addHostRule('shop.example.com', '/', backend);
      paths.addHostRule('shop.example.com', '/cart', backend);
      synthValid(one);
    });
  });

  describe('GIVEN two Ingresses that write the same cookie for different Services', () => {
    const traefik = (chart: Chart, id: string, cookie: { name?: string; domain?: string }, className?: string) =>
      new CookieAffinityIngress(chart, id, { controller: IngressController.traefik({ ingressClassName: className }), cookie });
    const backend = (chart: Chart, name: string) => kplus.IngressBackend.fromService(service(chart, name, `${name}-svc`));
    const synthErrors = (chart: Chart) => {
      try {
        Testing.synth(chart);
        return [];
      } catch (e) {
        return (e as Error).message.split('\n').slice(1).map(line => line.trim());
      }
    };
    const across = (path: string, services: string, where: string, otherPath: string) =>
      `[${path}] 'cookie.name' ("WEB") must not be shared by Services ${services} (through ${otherPath}) on ${where}: `
      + 'Traefik gives each Service its own sticky cookie under that name and Path, so a request to one replaces the other\'s cookie '
      + 'and neither stays sticky; leave \'cookie.name\' out (Traefik then names each Service\'s cookie apart), or give each Ingress its own cookie name';

    test('WHEN both route on one host THEN synth refuses, on each Ingress, naming the other', () => {
      const chart = newChart();
      traefik(chart, 'Shop', { name: 'WEB' }).addHostRule('shop.example.com', '/', backend(chart, 'shop'));
      traefik(chart, 'Api', { name: 'WEB' }).addHostRule('shop.example.com', '/api', backend(chart, 'api'));
      expect(synthErrors(chart)).toEqual([
        across('test/Shop', '"shop" and "api"', 'host "shop.example.com"', 'test/Api'),
        across('test/Api', '"api" and "shop"', 'host "shop.example.com"', 'test/Shop'),
      ]);
    });

    test('WHEN a cookie\'s Domain spans the other\'s host THEN synth refuses', () => {
      const chart = newChart();
      traefik(chart, 'Shop', { name: 'WEB', domain: '.Example.com' }).addHostRule('shop.example.com', '/', backend(chart, 'shop'));
      traefik(chart, 'Api', { name: 'WEB' }).addHostRule('api.example.com', '/', backend(chart, 'api'));
      expect(synthErrors(chart)).toEqual([
        across('test/Shop', '"shop" and "api"', 'the hosts of Domain "example.com" and host "api.example.com"', 'test/Api'),
        across('test/Api', '"api" and "shop"', 'host "api.example.com" and the hosts of Domain "example.com"', 'test/Shop'),
      ]);
    });

    test('WHEN the hosts differ, or the names, the classes, or the Service is the same THEN it synthesizes', () => {
      const hosts = newChart();
      traefik(hosts, 'Shop', { name: 'WEB' }).addHostRule('shop.example.com', '/', backend(hosts, 'shop'));
      traefik(hosts, 'Api', { name: 'WEB' }).addHostRule('api.example.com', '/', backend(hosts, 'api'));
      synthValid(hosts);
      const names = newChart();
      traefik(names, 'Shop', { name: 'SHOP' }).addHostRule('shop.example.com', '/', backend(names, 'shop'));
      traefik(names, 'Api', { name: 'API' }).addHostRule('shop.example.com', '/api', backend(names, 'api'));
      synthValid(names);
      const classes = newChart();
      traefik(classes, 'Shop', { name: 'WEB' }, 'public').addHostRule('shop.example.com', '/', backend(classes, 'shop'));
      traefik(classes, 'Api', { name: 'WEB' }, 'internal').addHostRule('shop.example.com', '/api', backend(classes, 'api'));
      synthValid(classes);
      const same = newChart();
      const shop = backend(same, 'shop');
      traefik(same, 'Shop', { name: 'WEB' }).addHostRule('shop.example.com', '/', shop);
      traefik(same, 'Cart', { name: 'WEB' }).addHostRule('shop.example.com', '/cart', shop);
      synthValid(same);
    });

    test('WHEN ingress-nginx keeps the cookie in persistent mode THEN synth refuses across Ingresses too', () => {
      const chart = newChart();
      const nginx = (id: string) =>
        new CookieAffinityIngress(chart, id, { controller: IngressController.nginx({ affinityMode: NginxAffinityMode.PERSISTENT }) });
      nginx('Shop').addHostRule('shop.example.com', '/', backend(chart, 'shop'));
      nginx('Api').addHostRule('shop.example.com', '/api', backend(chart, 'api'));
      expect(synthErrors(chart)[0]).toBe('[test/Shop] \'controller\' (ingress-nginx with affinityMode persistent) must not keep one cookie ("INGRESSCOOKIE") for Services "shop" and "api" (through test/Api) on host "shop.example.com": '
        + 'in persistent mode the cookie names a pod of the Service that set it, so a request to the other Service finds none of its pods there, picks one and replaces the cookie, and neither stays sticky; '
        + 'use the balanced mode (the default: the cookie holds a key that each Service maps to one of its pods), or give each Ingress its own cookie name');
    });
  });

  test('GIVEN ingress-nginx in persistent mode and two Services on one host THEN synth refuses; in balanced mode (the default) it synthesizes', () => {
    const make = (mode?: NginxAffinityMode) => {
      const chart = newChart();
      const ingress = new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.nginx({ affinityMode: mode }) });
      ingress.addHostRule('shop.example.com', '/', kplus.IngressBackend.fromService(service(chart, 'shop', 'Shop')));
      ingress.addHostRule('shop.example.com', '/api', kplus.IngressBackend.fromService(service(chart, 'api', 'Api')));
      return chart;
    };
    expect(() => Testing.synth(make(NginxAffinityMode.PERSISTENT))).toThrow(
      '[test/Ingress] \'controller\' (ingress-nginx with affinityMode persistent) must not keep one cookie ("INGRESSCOOKIE") for Services "shop" and "api" on host "shop.example.com": '
      + 'in persistent mode the cookie names a pod of the Service that set it, so a request to the other Service finds none of its pods there, picks one and replaces the cookie, and neither stays sticky; '
      + 'use the balanced mode (the default: the cookie holds a key that each Service maps to one of its pods), or route each Service through its own Ingress with its own cookie name');
    synthValid(make());
    synthValid(make(NginxAffinityMode.BALANCED));
    // ingress-nginx serves a rule without a host only from its catch-all server, and gives the default backend no affinity.
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', {
      controller: IngressController.nginx({ affinityMode: NginxAffinityMode.PERSISTENT }),
      defaultBackend: kplus.IngressBackend.fromService(service(chart, 'fallback', 'Fallback')),
    });
    ingress.addHostRule('shop.example.com', '/', kplus.IngressBackend.fromService(service(chart, 'shop', 'Shop')));
    ingress.addRule('/api', kplus.IngressBackend.fromService(service(chart, 'api', 'Api')));
    synthValid(chart);
  });

  test('GIVEN a Service of the app written as a plain ApiObject THEN it is annotated too', () => {
    const chart = newChart();
    new ApiObject(chart, 'Raw', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'raw' }, spec: { ports: [{ port: 80 }], selector: { app: 'raw' } } });
    new CookieAffinityIngress(chart, 'Ingress', {
      controller: IngressController.haproxy(),
      defaultBackend: kplus.IngressBackend.fromService(elsewhere('raw'), { port: 80 }),
    });
    expect(only(synthValid(chart), 'Service').metadata.annotations).toEqual({ 'haproxy.org/cookie-persistence': 'SERVERID' });
  });

  test('GIVEN a Service the app does not declare THEN synth fails, saying what to do', () => {
    const chart = newChart();
    const external = elsewhere('legacy');
    new CookieAffinityIngress(chart, 'Ingress', {
      controller: IngressController.traefik(),
      defaultBackend: kplus.IngressBackend.fromService(external, { port: 80 }),
    });
    expect(() => Testing.synth(chart)).toThrow('[test/Ingress] \'backend\' (Service "legacy") must be a Service declared in this app: Traefik reads the cookie from annotations on the Service, which cannot be written to one the app does not declare; declare it in the app (a kplus.Service, or an ApiObject or Include of it), or use a controller that reads the Ingress, such as IngressController.nginx()');
  });

  test('GIVEN a Service of the same name in another namespace THEN it is not taken for the backend: the Ingress is refused', () => {
    const chart = newChart('shop');
    service(new Chart(chart.node.scope as App, 'other', { namespace: 'other' }), 'app-service');
    const local = elsewhere('app-service', 'shop');
    expect(() => new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.gke(), defaultBackend: kplus.IngressBackend.fromService(local, { port: 80 }) }))
      .toThrow('test/Ingress: \'backend\' (Service "app-service" in namespace "other") must be in the Ingress\'s namespace, "shop"');
  });

  test('GIVEN two Services of the backend\'s name and namespace THEN it is refused', () => {
    const app = Testing.app();
    const one = new Chart(app, 'one');
    service(one);
    service(new Chart(app, 'two'));
    expect(() => new CookieAffinityIngress(one, 'Ingress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(elsewhere('app-service'), { port: 80 }) }))
      .toThrow('one/Ingress: \'backend\' (Service "app-service") must match one Service of the app, not 2 (one/Service/Resource, two/Service/Resource): give them distinct names or namespaces');
  });

  test('GIVEN a resource backend THEN it is refused: only a Service can carry the cookie', () => {
    const chart = newChart();
    const bucket = new ApiObject(chart, 'Bucket', { apiVersion: 'storage.example.com/v1', kind: 'Bucket', metadata: { name: 'static' } });
    expect(() => new CookieAffinityIngress(chart, 'Ingress', {
      controller: IngressController.traefik(),
      defaultBackend: kplus.IngressBackend.fromResource({ apiGroup: 'storage.example.com', kind: 'Bucket', name: bucket.name, apiVersion: 'v1', resourceType: 'buckets', resourceName: 'static', asApiResource: () => undefined, asNonApiResource: () => undefined } as any),
    })).toThrow('test/Ingress: \'backend\' (Bucket "static") must be a Service: Traefik reads the cookie from annotations on the backend Service; route to one with kplus.IngressBackend.fromService()');
  });

  test('GIVEN two Traefik Ingresses with the same cookie on one Service THEN both work', () => {
    const chart = newChart();
    const svc = service(chart);
    for (const id of ['A', 'B']) {
      new CookieAffinityIngress(chart, id, { controller: IngressController.traefik(), cookie: { name: 'same' }, defaultBackend: kplus.IngressBackend.fromService(svc) });
    }
    expect(only(synthValid(chart), 'Service').metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie.name']).toBe('same');
  });

  test('GIVEN two Ingresses that annotate one Service differently THEN the second is refused, naming both', () => {
    const chart = newChart();
    const svc = service(chart);
    new CookieAffinityIngress(chart, 'A', { controller: IngressController.traefik(), cookie: { name: 'one' }, defaultBackend: kplus.IngressBackend.fromService(svc) });
    expect(() => new CookieAffinityIngress(chart, 'B', { controller: IngressController.traefik(), cookie: { name: 'two' }, defaultBackend: kplus.IngressBackend.fromService(svc) }))
      .toThrow('test/B: \'backend\' (Service "app-service") is also a backend of test/A, which annotates it traefik.ingress.kubernetes.io/service.sticky.cookie.name: "one" where this Ingress needs "two"; Traefik keeps one cookie per Service: give both Ingresses the same cookie and controller, or route them to different Services');
  });

  test('GIVEN two Traefik Ingresses on one Service and TLS added to the first after both THEN synth names the other Ingress as the writer', () => {
    const chart = newChart();
    const svc = service(chart);
    const first = new CookieAffinityIngress(chart, 'A', { controller: IngressController.traefik(), cookie: { name: 'cart' } });
    first.addHostRule('a.example.com', '/', kplus.IngressBackend.fromService(svc));
    const second = new CookieAffinityIngress(chart, 'B', { controller: IngressController.traefik(), cookie: { name: 'cart' } });
    second.addHostRule('b.example.com', '/', kplus.IngressBackend.fromService(svc));
    first.addTls([{ hosts: ['a.example.com'] }]);
    expect(() => Testing.synth(chart)).toThrow('[test/A] \'backend\' (Service "app-service") is also a backend of test/B, which annotates it traefik.ingress.kubernetes.io/service.sticky.cookie.secure: "false" where this Ingress needs "true"; Traefik keeps one cookie per Service: give both Ingresses the same cookie and controller, or route them to different Services');
  });

  test('GIVEN metadata.annotations null (plain JavaScript) THEN it reads as none', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { metadata: { annotations: null as any }, rules: [{ path: '/', backend: kplus.IngressBackend.fromService(service(chart)) }] });
    expect(only(synthValid(chart), 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/affinity']).toBe('cookie');
    // Each Ingress has a map of its own, even where the controller writes none on Services.
    ingress.serviceAnnotations.extra = 'kept';
    expect(ingress.serviceAnnotations).toEqual({ extra: 'kept' });
    expect(new CookieAffinityIngress(chart, 'Second', { defaultBackend: kplus.IngressBackend.fromService(service(chart, 'other', 'Other')) }).serviceAnnotations).toEqual({});
  });

  test('GIVEN an app whose own resolver changes a Service annotation THEN synth reports what the controller would read', () => {
    const app = new App({ resolvers: [new LazyResolver(), { resolve: (context: ResolutionContext) => { if (context.value === 'true') context.replaceValue('TRUE'); } }] });
    const chart = new Chart(app, 'test');
    new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(service(chart)) });
    expect(() => Testing.synth(chart)).toThrow('has the annotation traefik.ingress.kubernetes.io/service.sticky.cookie: "TRUE" where this Ingress needs "true"');
  });

  test('GIVEN the first Ingress\'s Service annotations changed after it wrote them THEN a second Ingress with the same cookie is compared with what was written', () => {
    const chart = newChart();
    const svc = service(chart);
    const first = new CookieAffinityIngress(chart, 'A', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(svc) });
    first.serviceAnnotations['traefik.ingress.kubernetes.io/service.sticky.cookie.httponly'] = 'false';
    expect(() => new CookieAffinityIngress(chart, 'B', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(svc) })).not.toThrow();
    expect(() => Testing.synth(chart)).toThrow('[test/A] \'backend\' (Service "app-service") is also a backend of test/B, which annotates it traefik.ingress.kubernetes.io/service.sticky.cookie.httponly: "true" where this Ingress needs "false"');
  });

  test('GIVEN a Service that already has one of the annotations THEN the Ingress is refused rather than overwrite it', () => {
    const chart = newChart();
    const svc = service(chart);
    svc.metadata.addAnnotation('haproxy.org/cookie-persistence', 'legacy');
    expect(() => new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.haproxy(), cookie: { name: 'fresh' }, defaultBackend: kplus.IngressBackend.fromService(svc) }))
      .toThrow('test/Ingress: \'backend\' (Service "app-service") already has the annotation haproxy.org/cookie-persistence: "legacy" where this Ingress needs "fresh": remove it from the Service, and let \'cookie\' render it');
  });

  test('GIVEN the app is synthesized twice THEN the annotations stay as they are', () => {
    const chart = newChart();
    new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.gke(), defaultBackend: kplus.IngressBackend.fromService(service(chart)) });
    const first = synthValid(chart);
    expect(synthValid(chart)).toEqual(first);
  });

  test('GIVEN a backend added after a first synth THEN the next synth annotates its Service too', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(service(chart)) });
    synthValid(chart);
    ingress.addRule('/late', kplus.IngressBackend.fromService(service(chart, 'late', 'Late')));
    const late = synthValid(chart).find(m => m.kind === 'Service' && m.metadata.name === 'late')!;
    expect(late?.metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie']).toBe('true');
  });

  test('GIVEN an app synthesized with App.synth THEN the Services are annotated in the files', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'web');
    new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.traefik(), cookie: { sameSite: SameSite.STRICT }, defaultBackend: kplus.IngressBackend.fromService(service(chart)) });
    const yaml = app.synthYaml();
    expect(yaml).toContain('traefik.ingress.kubernetes.io/service.sticky.cookie.samesite: strict');
  });
});

describe('CookieAffinityIngress writes into a backend Service when the backend is added, and its validation only reads', () => {
  test.each([
    ['Traefik', IngressController.traefik(), 'traefik.ingress.kubernetes.io/service.sticky.cookie'],
    ['HAProxy', IngressController.haproxy(), 'haproxy.org/cookie-persistence'],
    ['GKE', IngressController.gke(), 'cloud.google.com/backend-config'],
  ])('GIVEN %s THEN a validator on the App, which cdk8s runs before the Ingress\'s own, sees the annotated Service', (_name, controller, key) => {
    // GIVEN an App-level validator that reads the Service as the files will hold it
    const app = Testing.app();
    const chart = new Chart(app, 'web');
    const svc = service(chart);
    const seen: Array<string | undefined> = [];
    app.node.addValidation({ validate: () => { seen.push(ApiObject.of(svc).toJson().metadata.annotations?.[key]); return []; } });
    // WHEN the backend is added and the app synthesized
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { controller });
    ingress.addRule('/', kplus.IngressBackend.fromService(svc));
    app.synth();
    // THEN the annotation was already there when the App's validator ran
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(v => v !== undefined)).toBe(true);
  });

  test('GIVEN the Ingress validated twice THEN nothing changes between the two (validation writes nothing)', () => {
    const chart = newChart();
    const svc = service(chart);
    new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(svc) });
    const before = JSON.stringify(ApiObject.of(svc).toJson());
    expect(chart.node.validate()).toEqual([]);
    for (const c of chart.node.findAll()) {
      expect(c.node.validate()).toEqual([]);
    }
    expect(JSON.stringify(ApiObject.of(svc).toJson())).toBe(before);
  });

  test('GIVEN an annotation of the controller changed on the Service after the Ingress wrote it THEN synth reports it', () => {
    const chart = newChart();
    const svc = service(chart);
    new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.haproxy(), cookie: { name: 'fresh' }, defaultBackend: kplus.IngressBackend.fromService(svc) });
    svc.metadata.addAnnotation('haproxy.org/cookie-persistence', 'legacy');
    expect(() => Testing.synth(chart)).toThrow('[test/Ingress] \'backend\' (Service "app-service") has the annotation haproxy.org/cookie-persistence: "legacy" where this Ingress needs "fresh": something set it after the Ingress wrote it; remove that, and let \'cookie\' render it');
  });

  test('GIVEN a Service declared after the rule that names it (not through fromService) THEN it gets the annotations at synth', () => {
    const chart = newChart();
    new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(elsewhere('late'), { port: 80 }) });
    new ApiObject(chart, 'Late', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'late' }, spec: { ports: [{ port: 80 }] } });
    const late = synthValid(chart).find(m => m.kind === 'Service' && m.metadata.name === 'late');
    expect(late?.metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie']).toBe('true');
  });
});

describe('CookieAffinityIngress in a chart of many objects relates the backends it cannot find near at one walk of the app', () => {
  // A chart with more than a few dozen children is not listed for each
  // Ingress (that grew with the square of the chart): the Ingresses whose
  // Service is not known wait for one walk of the app, made before anything
  // reads it.
  const KEY = 'traefik.ingress.kubernetes.io/service.sticky.cookie.name';

  function flatChart(app: App, pairs: number, cookie = (i: number) => `app-${i}`): Chart {
    const chart = new Chart(app, 'flat');
    for (let i = 0; i < pairs; i++) {
      const svc = service(chart, `app-${i}`, `Svc${i}`);
      new CookieAffinityIngress(chart, `Ing${i}`, {
        controller: IngressController.traefik(),
        cookie: { name: cookie(i) },
        rules: [{ host: `app-${i}.example.com`, path: '/', backend: kplus.IngressBackend.fromService(svc) }],
      });
    }
    return chart;
  }

  test('GIVEN 100 Services each behind its own Traefik Ingress THEN every Service has its cookie, as with a few', () => {
    const manifests = synthValid(flatChart(Testing.app(), 100));
    const services = manifests.filter(m => m.kind === 'Service');
    expect(services).toHaveLength(100);
    for (const svc of services) {
      expect(svc.metadata.annotations[KEY]).toBe(svc.metadata.name);
    }
  });

  test('GIVEN the doctor added to the app before the charts THEN it reads the Services with their annotations (no finding)', () => {
    const app = Testing.app();
    AffinityDoctorValidation.addTo(app);
    const chart = flatChart(app, 80);
    // The last Service's pods keep sessions to themselves: only its cookie keeps users on one.
    const pods = new kplus.Deployment(chart, 'Pods', { replicas: 2, containers: [{ image: 'app:1', portNumber: 8080, securityContext: { user: 1000 } }] });
    pods.podMetadata.addLabel('app', 'app-79');
    pods.metadata.addAnnotation(AffinityDoctor.LOCAL_SESSIONS_ANNOTATION, 'true');
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('GIVEN one Ingress validated on its own, before the app THEN its Service is annotated and nothing is reported', () => {
    const chart = flatChart(Testing.app(), 80);
    const last = chart.node.findChild('Ing79');
    const svc = ApiObject.of(chart.node.findChild('Svc79'));
    // Waiting for the walk until then: the chart was too large to list for it.
    expect(svc.toJson().metadata.annotations).toBeUndefined();
    expect(last.node.validate()).toEqual([]);
    expect(svc.toJson().metadata.annotations[KEY]).toBe('app-79');
  });

  test('GIVEN a late Ingress whose cookie differs from an earlier one on the same Service THEN synth says so, in the words of the refusal when added', () => {
    const app = Testing.app();
    const chart = flatChart(app, 80);
    new CookieAffinityIngress(chart, 'Other', {
      controller: IngressController.traefik(),
      cookie: { name: 'other' },
      rules: [{ host: 'other.example.com', path: '/', backend: kplus.IngressBackend.fromService(chart.node.findChild('Svc79') as kplus.Service) }],
    });
    expect(chart.node.findChild('Other').node.validate()).toEqual(['\'backend\' (Service "app-79") is also a backend of flat/Ing79, which annotates it traefik.ingress.kubernetes.io/service.sticky.cookie.name: "app-79" where this Ingress needs "other"; Traefik keeps one cookie per Service: give both Ingresses the same cookie and controller, or route them to different Services']);
  });

  test('GIVEN a late Ingress in another namespace than its only Service THEN synth refuses it in the words of the refusal when added', () => {
    const app = Testing.app();
    flatChart(app, 80);
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const cart = service(shop, 'cart');
    const web = new Chart(app, 'web', { namespace: 'web' });
    // Known to the index only at the walk: declared after the flat chart's Ingresses began to wait.
    const ingress = new CookieAffinityIngress(web, 'Ingress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(cart) });
    const errors = ingress.node.validate();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^'backend' \(Service "cart" in namespace "shop"\) must be in the Ingress's namespace, "web"/);
  });

  test('GIVEN a Service the walk did not find, declared after a first validation THEN the next synth annotates it', () => {
    const app = Testing.app();
    const chart = flatChart(app, 80);
    const ingress = new CookieAffinityIngress(chart, 'Late', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(elsewhere('late'), { port: 80 }) });
    expect(ingress.node.validate()).toEqual([expect.stringContaining('\'backend\' (Service "late") must be a Service declared in this app')]);
    new ApiObject(chart, 'LateService', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'late' }, spec: { ports: [{ port: 80 }] } });
    const late = synthValid(chart).find(m => m.kind === 'Service' && m.metadata.name === 'late');
    expect(late?.metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie']).toBe('true');
  });

  test('GIVEN a KongCookieAffinity on a Service a waiting Kong Ingress annotates THEN it is refused when made, naming the Ingress\'s policy, as without the wait', () => {
    const app = Testing.app();
    const chart = flatChart(app, 80);
    const shop = service(chart, 'shop', 'Shop');
    const ingress = new CookieAffinityIngress(chart, 'KongIngress', { controller: IngressController.kong(), defaultBackend: kplus.IngressBackend.fromService(shop) });
    const policy = ingress.controllerObjects[0].name;
    expect(() => new KongCookieAffinity(chart, 'Policy', { service: shop })).toThrow(
      `flat/Policy: 'service' (shop) already has the annotation konghq.com/upstream-policy: ${policy}`);
  });

  test('GIVEN an app resolver that throws something other than an Error at the walk THEN the others are still related and the synth reports it', () => {
    const app = new App({
      outdir: Testing.app().outdir,
      resolvers: [{
        resolve(context: ResolutionContext) {
          if (context.key.join('/').includes('sticky.cookie.path') && context.value === '/x') {
          // eslint-disable-next-line no-throw-literal
            throw 'a resolver refused /x';
          }
        },
      }],
    });
    const chart = flatChart(app, 80);
    const bad = service(chart, 'bad', 'Bad');
    bad.metadata.addAnnotation('traefik.ingress.kubernetes.io/service.sticky.cookie.path', '/x');
    const badIngress = new CookieAffinityIngress(chart, 'BadIngress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(bad) });
    const good = service(chart, 'good', 'Good');
    new CookieAffinityIngress(chart, 'GoodIngress', { controller: IngressController.traefik(), defaultBackend: kplus.IngressBackend.fromService(good) });
    expect(badIngress.node.validate()).toEqual(['a resolver refused /x']);
    expect(ApiObject.of(good).toJson().metadata.annotations['traefik.ingress.kubernetes.io/service.sticky.cookie']).toBe('true');
  });
});

describe('CookieAffinityIngress with the AWS ALB refuses at synth a backend Service whose own ALB annotations undo the stickiness', () => {
  // The AWS Load Balancer Controller builds each Service's target group from the
  // Ingress's and the Service's annotations merged key by key, the Service's winning.
  const ATTRIBUTES = 'alb.ingress.kubernetes.io/target-group-attributes';
  const TARGET_TYPE = 'alb.ingress.kubernetes.io/target-type';
  const STICKY = 'stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=3600';

  function albApp(namespace?: string) {
    const chart = newChart(namespace);
    const svc = service(chart, 'web');
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { controller: IngressController.awsAlb(), cookie: { maxAge: Duration.hours(1) } });
    return { chart, svc, route: () => ingress.addRule('/', kplus.IngressBackend.fromService(svc)) };
  }

  test('GIVEN target-group-attributes on the Service set before the Ingress THEN synth names the Service, the annotation, why and the value that keeps both', () => {
    // GIVEN a deregistration delay on the Service, set before the Ingress is made
    const chart = newChart();
    const svc = new kplus.Service(chart, 'Service', {
      metadata: { name: 'web', annotations: { [ATTRIBUTES]: 'deregistration_delay.timeout_seconds=30' } },
      ports: [{ port: 80, targetPort: 8080 }],
    });
    // WHEN the ALB Ingress routes to it
    new CookieAffinityIngress(chart, 'Ingress', {
      controller: IngressController.awsAlb(), cookie: { maxAge: Duration.hours(1) }, defaultBackend: kplus.IngressBackend.fromService(svc),
    });
    // THEN the synth fails in the library's format
    expect(() => Testing.synth(chart)).toThrow(`[test/Ingress] 'backend' (Service "web") has the annotation ${ATTRIBUTES}: "deregistration_delay.timeout_seconds=30", `
      + `which the AWS Load Balancer Controller reads over the Ingress's "${STICKY}" for that Service's target group: `
      + 'its value replaces the Ingress\'s whole, so the target group gets none of the Ingress\'s stickiness attributes, and the ALB keeps no browser on one pod; '
      + 'remove it from the Service (IngressController.awsAlb() writes what stickiness needs on the Ingress), '
      + `or write there the Ingress's stickiness beside your attributes: "${STICKY},deregistration_delay.timeout_seconds=30"`);
  });

  test('GIVEN target-type instance set on the Service after the rule THEN synth refuses it: the ALB would stick to a node', () => {
    // GIVEN
    const { chart, svc, route } = albApp('shop');
    route();
    // WHEN the annotation is added afterwards
    svc.metadata.addAnnotation(TARGET_TYPE, 'instance');
    // THEN
    expect(() => Testing.synth(chart)).toThrow(`[test/Ingress] 'backend' (Service "web" in namespace "shop") has the annotation ${TARGET_TYPE}: "instance", `
      + 'which the AWS Load Balancer Controller reads over the Ingress\'s "ip" for that Service\'s target group: its target group then holds the nodes, not the pods: '
      + 'the ALB keeps a browser on a node, and kube-proxy there spreads its requests over the pods; remove it from the Service (IngressController.awsAlb() writes what stickiness needs on the Ingress), or set it to "ip"');
  });

  test('GIVEN other stickiness on the Service THEN synth says which wins', () => {
    const { chart, svc, route } = albApp();
    route();
    svc.metadata.addAnnotation(ATTRIBUTES, 'stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=60');
    expect(() => Testing.synth(chart)).toThrow('so the target group gets its stickiness (stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=60) '
      + `instead of the Ingress's (${STICKY})`);
  });

  test('GIVEN the Service repeats the Ingress\'s stickiness beside its own attributes, or target-type ip THEN the synth passes', () => {
    const { chart, svc, route } = albApp();
    svc.metadata.addAnnotation(ATTRIBUTES, `deregistration_delay.timeout_seconds=30, ${STICKY.split(',').reverse().join(',')}`);
    svc.metadata.addAnnotation(TARGET_TYPE, 'ip');
    route();
    expect(() => synthValid(chart)).not.toThrow();
  });

  test('GIVEN Services declared after a first synth, one of the backend\'s name in another namespace THEN the next synth reads only the backend\'s own', () => {
    // GIVEN an Ingress whose Service the app does not declare yet: nothing to read
    const app = Testing.app();
    const web = new Chart(app, 'web', { namespace: 'web' });
    const ingress = new CookieAffinityIngress(web, 'Ingress', { controller: IngressController.awsAlb() });
    ingress.addRule('/', kplus.IngressBackend.fromService(elsewhere('cart', 'web'), { port: 80 }));
    expect(() => Testing.synth(web)).not.toThrow();
    // WHEN a Service of that name in another namespace, and the backend's own, are declared since
    service(new Chart(app, 'shop', { namespace: 'shop' }), 'cart').metadata.addAnnotation(TARGET_TYPE, 'instance');
    service(web, 'cart').metadata.addAnnotation(ATTRIBUTES, 'stickiness.enabled=false');
    // THEN the next synth reads the backend's own, and only it
    const synth = () => Testing.synth(web);
    expect(synth).toThrow(`[web/Ingress] 'backend' (Service "cart" in namespace "web") has the annotation ${ATTRIBUTES}: "stickiness.enabled=false", `
      + 'which the AWS Load Balancer Controller reads over the Ingress\'s "stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=86400" for that Service\'s target group: '
      + 'its value replaces the Ingress\'s whole, so the target group gets no stickiness.enabled=true, and the ALB keeps no browser on one pod');
    expect(synth).not.toThrow(/"instance"/);
  });

  test('GIVEN a controller that does not write the ALB\'s annotations THEN the Service\'s ALB annotations are not its concern', () => {
    const chart = newChart();
    const svc = service(chart, 'web');
    svc.metadata.addAnnotation(TARGET_TYPE, 'instance');
    new CookieAffinityIngress(chart, 'Ingress', { defaultBackend: kplus.IngressBackend.fromService(svc) }).addRule('/', kplus.IngressBackend.fromService(svc));
    expect(() => Testing.synth(chart)).not.toThrow();
  });
});

describe('CookieAffinityIngress with the AWS ALB refuses at synth IngressClassParams of its class, declared in the app, whose targetType is not ip', () => {
  // The controller (v2.13 and later) reads spec.targetType of the IngressClassParams its
  // IngressClass names over the target-type annotations of the Ingress and its Services.
  const TARGET_TYPE = 'alb.ingress.kubernetes.io/target-type';

  function albClass(chart: Chart, targetType: string, className = 'alb', annotations: Record<string, string> = {}) {
    new ApiObject(chart, `Params-${className}`, { apiVersion: 'elbv2.k8s.aws/v1beta1', kind: 'IngressClassParams', metadata: { name: `${className}-params` }, spec: { targetType } } as any);
    new ApiObject(chart, `Class-${className}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: className, annotations },
      spec: { controller: 'ingress.k8s.aws/alb', parameters: { apiGroup: 'elbv2.k8s.aws', kind: 'IngressClassParams', name: `${className}-params` } },
    } as any);
  }

  function albIngress(chart: Chart, ingressClassName?: string) {
    const svc = service(chart, 'web');
    return new CookieAffinityIngress(chart, 'Ingress', {
      controller: IngressController.awsAlb({ ingressClassName }),
      cookie: { maxAge: Duration.hours(1) },
      defaultBackend: kplus.IngressBackend.fromService(svc),
    });
  }

  test('GIVEN the class\'s IngressClassParams with targetType instance THEN synth names the class, its parameters, why and what to do', () => {
    // GIVEN the app's own class alb, whose parameters register the nodes
    const chart = newChart();
    albClass(chart, 'instance');
    // WHEN an ALB Ingress of that class routes to a Service
    albIngress(chart);
    // THEN the synth fails in the library's format
    expect(() => Testing.synth(chart)).toThrow('[test/Ingress] \'className\' ("alb") names IngressClass "alb", whose IngressClassParams "alb-params" set targetType: "instance", '
      + 'which the AWS Load Balancer Controller reads over the target-type annotations of the Ingress and its Services for every target group of the class: '
      + 'its target group then holds the nodes, not the pods: the ALB keeps a browser on a node, and kube-proxy there spreads its requests over the pods; '
      + 'set targetType: ip there (or leave it out), or give the Ingress a class whose IngressClassParams do not (className, or IngressController.awsAlb({ ingressClassName }))');
  });

  test('GIVEN the class\'s IngressClassParams declared after the Ingress THEN the synth still reads them', () => {
    const chart = newChart();
    albIngress(chart);
    albClass(chart, 'instance');
    expect(() => Testing.synth(chart)).toThrow(/IngressClassParams "alb-params" set targetType: "instance"/);
  });

  test('GIVEN targetType ip in the class\'s IngressClassParams THEN the synth passes, and a Service\'s target-type instance no longer matters', () => {
    // GIVEN
    const chart = newChart();
    albClass(chart, 'ip');
    albIngress(chart);
    // WHEN the Service says instance: the class's parameters win over it
    ApiObject.of(chart.node.findAll().find(c => c instanceof kplus.Service)!).metadata.addAnnotation(TARGET_TYPE, 'instance');
    // THEN
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('GIVEN IngressClassParams with targetType instance for another class, or none in the app THEN the synth passes: only the Ingress\'s own class counts, and the cluster\'s are not known', () => {
    const other = newChart();
    albClass(other, 'instance', 'alb-internal');
    albIngress(other);
    expect(() => Testing.synth(other)).not.toThrow();
    const none = newChart();
    albIngress(none);
    expect(() => Testing.synth(none)).not.toThrow();
  });

  test('GIVEN the Ingress\'s className names the class with targetType instance THEN the synth names that class', () => {
    const chart = newChart();
    albClass(chart, 'ip');
    albClass(chart, 'instance', 'alb-nodes');
    albIngress(chart, 'alb-nodes');
    expect(() => Testing.synth(chart)).toThrow(/'className' \("alb-nodes"\) names IngressClass "alb-nodes", whose IngressClassParams "alb-nodes-params" set targetType: "instance"/);
  });
});

describe('CookieAffinityIngress refuses a backend Service in another namespace', () => {
  const MESSAGE = '\'backend\' (Service "cart" in namespace "shop") must be in the Ingress\'s namespace, "web": an Ingress routes only to Services of its own namespace, so the controller would find no such Service; create the Ingress in the Service\'s namespace, or route to a Service in "web"';

  function crossNamespace(controller: IngressController) {
    // GIVEN an Ingress in "web" and a Service in "shop"
    const app = Testing.app();
    const web = new Chart(app, 'web', { namespace: 'web' });
    const shop = new Chart(app, 'shop', { namespace: 'shop' });
    const svc = service(shop, 'cart');
    const ingress = new CookieAffinityIngress(web, 'Ingress', { controller });
    return { web, route: () => ingress.addRule('/cart', kplus.IngressBackend.fromService(svc)) };
  }

  test('GIVEN a controller that writes into the Service (Traefik) THEN the rule is refused when added, naming the backend and both namespaces', () => {
    const { route } = crossNamespace(IngressController.traefik());
    expect(route).toThrow(`web/Ingress: ${MESSAGE}`);
  });

  test('GIVEN ingress-nginx, which writes nothing into the Service THEN the synth fails with the same words', () => {
    const { web, route } = crossNamespace(IngressController.nginx());
    route();
    expect(() => Testing.synth(web)).toThrow(`[web/Ingress] ${MESSAGE}`);
  });

  test('GIVEN the backend in the Ingress\'s own namespace, beside one of the same name elsewhere THEN it is taken', () => {
    const app = Testing.app();
    const web = new Chart(app, 'web', { namespace: 'web' });
    service(new Chart(app, 'shop', { namespace: 'shop' }), 'cart');
    const mine = service(web, 'cart');
    const ingress = new CookieAffinityIngress(web, 'Ingress', { controller: IngressController.haproxy() });
    ingress.addRule('/cart', kplus.IngressBackend.fromService(mine));
    expect(ApiObject.of(mine).toJson().metadata.annotations).toEqual({ 'haproxy.org/cookie-persistence': 'SERVERID' });
  });
});

describe('CookieAffinityIngress refuses at synth a cookie Path that leaves some rule paths without the cookie', () => {
  const backend = (chart: Chart) => kplus.IngressBackend.fromService(service(chart));

  test('GIVEN cookie.path /admin and a rule on / THEN the synth names cookie.path, its value and the paths it must cover', () => {
    // GIVEN
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { name: 'a', path: '/admin' } });
    // WHEN
    ingress.addHostRule('web.example.com', '/', backend(chart));
    // THEN
    expect(() => Testing.synth(chart)).toThrow(
      '[test/Ingress] \'cookie.path\' ("/admin") must cover every path the Ingress routes ("/"): browsers send the cookie back only with requests at or below its Path (RFC 6265 path-match), '
      + 'so requests to "/" would not stay on one pod; use "/", or leave \'cookie.path\' out');
  });

  test('GIVEN a rule added after the constructor outside the cookie Path THEN it is caught at synth, with the longest Path that covers every rule', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', {
      cookie: { path: '/app/a' },
      controller: IngressController.traefik(),
    });
    const b = backend(chart);
    ingress.addHostRule('web.example.com', '/app/a', b);
    // Covered so far: valid.
    expect(() => Testing.synth(chart)).not.toThrow();
    ingress.addHostRule('web.example.com', '/app/b', b);
    expect(() => Testing.synth(chart)).toThrow(/'cookie\.path' \("\/app\/a"\) must cover every path the Ingress routes \("\/app\/a", "\/app\/b"\): .* so requests to "\/app\/b" would not stay on one pod; use "\/app" or "\/"/);
  });

  test.each([
    ['/app', '/app'],
    ['/app', '/app/x'],
    ['/app/', '/app/x'],
    ['/', '/anything'],
  ])('GIVEN cookie.path %s and a rule on %s THEN the Ingress is valid (the Path covers the rule)', (cookiePath, rulePath) => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { path: cookiePath } });
    ingress.addHostRule('web.example.com', rulePath, backend(chart));
    expect(only(synthValid(chart), 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/session-cookie-path']).toBe(cookiePath);
  });

  test.each([
    ['/app', '/application'],
    ['/app/', '/app'],
    ['/app/x', '/app'],
  ])('GIVEN cookie.path %s and a rule on %s THEN the synth refuses it (not a path-match)', (cookiePath, rulePath) => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { path: cookiePath } });
    ingress.addHostRule('web.example.com', rulePath, backend(chart));
    expect(() => Testing.synth(chart)).toThrow(`'cookie.path' (${JSON.stringify(cookiePath)}) must cover every path the Ingress routes (${JSON.stringify(rulePath)})`);
  });

  test('GIVEN cookie.path /app/ and a Prefix rule on /app/ THEN the synth refuses it: a Prefix match ignores the trailing slash, so the rule also routes /app', () => {
    // GIVEN (Prefix is cdk8s-plus's default pathType)
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { path: '/app/' } });
    ingress.addHostRule('web.example.com', '/app/', backend(chart));
    // THEN
    expect(() => Testing.synth(chart)).toThrow(
      '\'cookie.path\' ("/app/") must cover every path the Ingress routes ("/app/"): browsers send the cookie back only with requests at or below its Path (RFC 6265 path-match), '
      + 'so requests to "/app" (which the prefix "/app/" matches too: a prefix match ignores a trailing \'/\') would not stay on one pod; use "/app" or "/", or leave \'cookie.path\' out');
  });

  test.each([
    ['/app', kplus.HttpIngressPathType.PREFIX],
    ['/app/', kplus.HttpIngressPathType.IMPLEMENTATION_SPECIFIC],
    ['/app/', kplus.HttpIngressPathType.EXACT],
  ])('GIVEN cookie.path %s and a rule on /app/ of pathType %s THEN the Ingress is valid (the Path covers what the rule routes)', (cookiePath, pathType) => {
    // GIVEN
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { path: cookiePath } });
    ingress.addHostRule('web.example.com', '/app/', backend(chart), pathType);
    // THEN
    const rendered = only(synthValid(chart), 'Ingress');
    expect(rendered.metadata.annotations['nginx.ingress.kubernetes.io/session-cookie-path']).toBe(cookiePath);
    expect(rendered.spec.rules[0].http.paths[0].pathType).toBe(pathType);
  });

  test('GIVEN use-regex and a regular-expression path THEN the path is read by its literal start: a Path above it passes, one inside its last segment does not', () => {
    const regexIngress = (cookiePath: string) => {
      const chart = newChart();
      const ingress = new CookieAffinityIngress(chart, 'Ingress', {
        metadata: { annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true' } },
        cookie: { path: cookiePath },
      });
      ingress.addHostRule('web.example.com', '/api/v[0-9]+/.*', backend(chart), kplus.HttpIngressPathType.IMPLEMENTATION_SPECIFIC);
      return chart;
    };
    expect(() => synthValid(regexIngress('/api'))).not.toThrow();
    expect(() => Testing.synth(regexIngress('/api/v'))).toThrow(
      '\'cookie.path\' ("/api/v") must cover every path the Ingress routes ("/api/v[0-9]+/.*" (a regular expression)): browsers send the cookie back only with requests at or below its Path (RFC 6265 path-match), '
      + 'so requests to "/api/v[0-9]+/.*" (a regular expression) would not stay on one pod; use "/api" or "/", or leave \'cookie.path\' out');
  });

  test('GIVEN use-regex and the rewrite-target pattern /checkout(/|$)(.*) THEN cookie.path /checkout covers it: the expression goes on only at a \'/\' or ends', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', {
      metadata: { annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true', 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' } },
      cookie: { path: '/checkout' },
    });
    ingress.addHostRule('web.example.com', '/checkout(/|$)(.*)', backend(chart), kplus.HttpIngressPathType.IMPLEMENTATION_SPECIFIC);
    expect(() => synthValid(chart)).not.toThrow();
  });

  test('GIVEN no cookie.path and rules on several paths THEN ingress-nginx gets its Path=/ and nothing is refused (the default covers every path)', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { name: 'a' } });
    const b = backend(chart);
    ingress.addHostRule('web.example.com', '/a', b);
    ingress.addHostRule('web.example.com', '/b', b);
    expect(only(synthValid(chart), 'Ingress').metadata.annotations['nginx.ingress.kubernetes.io/session-cookie-path']).toBe('/');
  });

  test('GIVEN the refused Ingress validated twice THEN the same error comes each time (the validation writes nothing)', () => {
    const chart = newChart();
    const ingress = new CookieAffinityIngress(chart, 'Ingress', { cookie: { path: '/admin' } });
    ingress.addHostRule('web.example.com', '/', backend(chart));
    const first = ingress.node.validate();
    expect(ingress.node.validate()).toEqual(first);
    expect(first).toHaveLength(1);
  });
});
