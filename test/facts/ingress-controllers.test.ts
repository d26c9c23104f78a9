import { ALB_RESERVED_COOKIE_PREFIX, ALB_STICKINESS_DEFAULT_SECONDS, isAlbStickinessSeconds } from '../../src/facts/aws-alb';
import { GKE_AFFINITY_TYPES, GKE_GENERATED_COOKIE, isGkeCookieTtl } from '../../src/facts/gke';
import { HAPROXY_COOKIE_PERSISTENCE_ANNOTATION, HAPROXY_COOKIE_PERSISTENCE_NO_DYNAMIC_ANNOTATION } from '../../src/facts/haproxy';
import {
  isNginxCookieSeconds,
  NGINX_COOKIE_DOMAIN_PATTERN,
  NGINX_COOKIE_NAME_PATTERN,
  NGINX_COOKIE_PATH_PATTERN,
} from '../../src/facts/ingress-nginx';
import { TRAEFIK_SAMESITE_VALUES, TRAEFIK_STICKY_ANNOTATIONS } from '../../src/facts/traefik';

describe('ingress-nginx facts', () => {
  test('cookie names: letters, digits and -._~ only', () => {
    expect(['INGRESSCOOKIE', 'app-affinity', 'a.b_c~d'].every(n => NGINX_COOKIE_NAME_PATTERN.test(n))).toBe(true);
    expect(['', 'a/b', 'a:b', 'a!b', 'a b'].some(n => NGINX_COOKIE_NAME_PATTERN.test(n))).toBe(false);
  });

  test('cookie paths and domains: what its validators let through', () => {
    expect(NGINX_COOKIE_PATH_PATTERN.test('/app/v1?x=1&y=2')).toBe(true);
    expect(NGINX_COOKIE_PATH_PATTERN.test('/app(1)')).toBe(false);
    expect(NGINX_COOKIE_DOMAIN_PATTERN.test('.example.com')).toBe(true);
    expect(NGINX_COOKIE_DOMAIN_PATTERN.test('exa mple.com')).toBe(false);
  });

  test('max-age: whole seconds, digits only, more than 0 (the controller lets 0abc through)', () => {
    expect(['1', '3600'].every(isNginxCookieSeconds)).toBe(true);
    expect(['0', '0abc', '-1', '1.5', ''].some(isNginxCookieSeconds)).toBe(false);
  });
});

describe('Traefik facts', () => {
  test('the sticky cookie annotations all share the Service prefix', () => {
    expect(Object.values(TRAEFIK_STICKY_ANNOTATIONS).every(k => k.startsWith('traefik.ingress.kubernetes.io/service.sticky.cookie'))).toBe(true);
    expect(TRAEFIK_SAMESITE_VALUES).toEqual(['none', 'lax', 'strict']);
  });
});

describe('HAProxy facts', () => {
  test('the two persistence annotations differ by the no-dynamic suffix', () => {
    expect(HAPROXY_COOKIE_PERSISTENCE_NO_DYNAMIC_ANNOTATION).toBe(`${HAPROXY_COOKIE_PERSISTENCE_ANNOTATION}-no-dynamic`);
  });
});

describe('AWS ALB facts', () => {
  test('stickiness lasts 1 s to 7 days, whole seconds; the default is a day', () => {
    expect([1, 86400, 604800].every(isAlbStickinessSeconds)).toBe(true);
    expect([0, 604801, 1.5].some(isAlbStickinessSeconds)).toBe(false);
    expect(ALB_STICKINESS_DEFAULT_SECONDS).toBe(86400);
    expect(ALB_RESERVED_COOKIE_PREFIX).toBe('AWSALB');
  });
});

describe('GKE facts', () => {
  test('cookie TTL 0 (a session cookie) to 86400 s, whole seconds', () => {
    expect([0, 50, 86400].every(isGkeCookieTtl)).toBe(true);
    expect([-1, 86401, 0.5].some(isGkeCookieTtl)).toBe(false);
  });

  test('the affinity types the controller accepts include the generated cookie', () => {
    expect(GKE_AFFINITY_TYPES).toEqual(['NONE', 'CLIENT_IP', 'GENERATED_COOKIE']);
    expect(GKE_AFFINITY_TYPES).toContain(GKE_GENERATED_COOKIE);
  });
});
