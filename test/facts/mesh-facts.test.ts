import { ENVOY_POLICY_TARGET_KINDS } from '../../src/facts/envoy-gateway';
import { isClusterDomain, protobufDuration, serviceFqdn } from '../../src/facts/istio';
import { traefikMatch, traefikSameSite } from '../../src/facts/traefik-crd';

describe('Istio facts', () => {
  test.each([
    [0, '0s'],
    [1800, '1800s'],
    [1.5, '1.5s'],
    [0.000000001, '0.000000001s'],
  ])('protobufDuration(%p) is %p', (seconds, text) => {
    expect(protobufDuration(seconds)).toBe(text);
  });
  test.each([-1, NaN, Infinity])('protobufDuration(%p) is refused', (seconds) => {
    expect(protobufDuration(seconds)).toBeUndefined();
  });
  test('serviceFqdn', () => {
    expect(serviceFqdn('ratings', 'prod')).toBe('ratings.prod.svc.cluster.local');
    expect(serviceFqdn('ratings', 'prod', 'corp.internal')).toBe('ratings.prod.svc.corp.internal');
  });
  test('cluster domains', () => {
    expect(isClusterDomain('cluster.local')).toBe(true);
    expect(isClusterDomain('Cluster.local')).toBe(false);
    expect(isClusterDomain('.local')).toBe(false);
  });
});

describe('Envoy Gateway facts', () => {
  test('a BackendTrafficPolicy cannot target a Service', () => {
    expect(ENVOY_POLICY_TARGET_KINDS).toContain('HTTPRoute');
    expect(ENVOY_POLICY_TARGET_KINDS).not.toContain('Service');
  });
});

describe('Traefik CRD facts', () => {
  test('sameSite is written lowercase', () => {
    expect(traefikSameSite('None')).toBe('none');
    expect(traefikSameSite('Lax')).toBe('lax');
  });
  test.each([
    [[], '/', 'PathPrefix(`/`)'],
    [['a.example.com'], '/', 'Host(`a.example.com`)'],
    [['a.example.com'], '/api', 'Host(`a.example.com`) && PathPrefix(`/api`)'],
    [['a.example.com', 'b.example.com'], '/', '(Host(`a.example.com`) || Host(`b.example.com`))'],
  ])('traefikMatch(%j, %p) is %p', (hosts, prefix, rule) => {
    expect(traefikMatch(hosts, prefix)).toBe(rule);
  });
});
