import * as kplus from 'cdk8s-plus-28';
import { CookieAffinityIngress, IngressController, SameSite } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

describe('IngressController.kong()', () => {
  test('GIVEN Kong\'s guide (session-id at /) THEN an Ingress of class kong, the policy, and the annotation on its backend Service', () => {
    // GIVEN https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/
    const chart = newChart('kong');
    const echo = new kplus.Service(chart, 'EchoService', { metadata: { name: 'echo' }, ports: [{ port: 1027 }] });

    // WHEN
    new CookieAffinityIngress(chart, 'Echo', {
      controller: IngressController.kong(),
      cookie: { name: 'session-id', path: '/' },
      defaultBackend: kplus.IngressBackend.fromService(echo),
    });

    // THEN
    const manifests = synthValid(chart);
    expect(only(manifests, 'Ingress').spec.ingressClassName).toBe('kong');
    const policy = only(manifests, 'KongUpstreamPolicy');
    expect(policy.metadata.namespace).toBe('kong');
    expect(policy.spec).toEqual({ algorithm: 'sticky-sessions', hashOn: { input: 'none' }, stickySessions: { cookie: 'session-id', cookiePath: '/' } });
    expect(only(manifests, 'Service').metadata.annotations).toEqual({ 'konghq.com/upstream-policy': policy.metadata.name });
    expect(manifests).toMatchSnapshot();
  });

  test('GIVEN SameSite THEN refused, naming the first field Kong cannot carry (cookie.secure): Kong\'s cookie has a name and a path only', () => {
    const chart = newChart();
    const service = new kplus.Service(chart, 'EchoService', { metadata: { name: 'echo' }, ports: [{ port: 80 }] });
    expect(() => new CookieAffinityIngress(chart, 'Echo', {
      controller: IngressController.kong(),
      cookie: { sameSite: SameSite.NONE, secure: true },
      defaultBackend: kplus.IngressBackend.fromService(service),
    })).toThrow('test/Echo: \'cookie.secure\' (true) cannot be written in a KongUpstreamPolicy');
  });
});
