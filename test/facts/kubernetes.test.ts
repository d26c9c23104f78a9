import {
  CLIENT_IP_TIMEOUT_DEFAULT_SECONDS,
  isDnsLabel,
  isExternallyAccessible,
  isValidClientIpTimeout,
  servicePortProblem,
} from '../../src/facts/kubernetes';

describe('Kubernetes facts', () => {
  test('ClientIP timeouts are whole seconds from 1 to 86400, 10800 by default', () => {
    expect([1, 10800, 86400].map(isValidClientIpTimeout)).toEqual([true, true, true]);
    expect([0, -1, 86401, 1.5, NaN, Infinity].map(isValidClientIpTimeout)).toEqual([false, false, false, false, false, false]);
    expect(CLIENT_IP_TIMEOUT_DEFAULT_SECONDS).toEqual(10800);
  });

  test.each([
    ['LoadBalancer', 0, true],
    ['NodePort', 0, true],
    ['ClusterIP', 1, true],
    ['ClusterIP', 0, false],
    ['ExternalName', 0, false],
  ])('a %s Service with %d externalIPs is externally accessible: %s', (type, ips, expected) => {
    expect(isExternallyAccessible(type, ips)).toBe(expected);
  });

  test('port names are RFC 1123 labels', () => {
    expect(['http', 'h2c', 'grpc-web', 'a'.repeat(63)].map(isDnsLabel)).toEqual([true, true, true, true]);
    expect(['HTTP', 'http_2', '-http', 'http-', '', 'a'.repeat(64)].map(isDnsLabel)).toEqual([false, false, false, false, false, false]);
  });

  test('the same port number may serve two protocols', () => {
    expect(servicePortProblem([{ port: 53, name: 'dns', protocol: 'UDP' }, { port: 53, name: 'dns-tcp', protocol: 'TCP' }], 'ClusterIP')).toBeUndefined();
  });

  test('a port without a protocol is TCP when looking for repeats', () => {
    expect(servicePortProblem([{ port: 80, name: 'a' }, { port: 80, name: 'b', protocol: 'TCP' }], 'ClusterIP'))
      .toEqual({ value: '80/TCP twice', allowed: 'must not repeat a port number with the same protocol' });
  });
});
