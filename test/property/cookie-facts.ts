import { ALB_ANNOTATIONS, ALB_RESERVED_COOKIE_PREFIX, ALB_STICKINESS_ATTRIBUTES, ALB_STICKINESS_TYPES, isAlbStickinessSeconds } from '../../src/facts/aws-alb';
import { isCookieDomain, isCookieName } from '../../src/facts/cookie';
import { GKE_BACKEND_CONFIG_ANNOTATION, isGkeCookieTtl } from '../../src/facts/gke';
import { HAPROXY_COOKIE_PERSISTENCE_ANNOTATION } from '../../src/facts/haproxy';
import {
  isNginxCookieSeconds,
  NGINX_AFFINITY_ANNOTATIONS,
  NGINX_AFFINITY_COOKIE,
  NGINX_AFFINITY_MODES,
  NGINX_COOKIE_DOMAIN_PATTERN,
  NGINX_COOKIE_NAME_PATTERN,
  NGINX_COOKIE_PATH_PATTERN,
  NGINX_SAMESITE_VALUES,
} from '../../src/facts/ingress-nginx';
import { TRAEFIK_SAMESITE_VALUES, TRAEFIK_STICKY_ANNOTATIONS } from '../../src/facts/traefik';
import { Manifest } from '../util/manifests';

/**
 * The controllers' own facts about the cookie annotations in a set of
 * manifests, beyond the schema: every value is one the controller takes as
 * written (not dropped for its default), and every Service a Service-reading
 * controller must annotate is in the output, annotated.
 *
 * @param serviceAnnotation when the Ingresses' controller reads the Service,
 * the annotation every backend Service must carry
 */
export function cookieFactProblems(manifests: Manifest[], serviceAnnotation?: string): string[] {
  const problems: string[] = [];
  const services = new Map<string, Manifest>();
  for (const m of manifests) {
    if (m.kind === 'Service') {
      services.set(`${m.metadata?.namespace ?? ''}/${m.metadata?.name}`, m);
    }
  }
  const backendConfigs = new Set(manifests.filter(m => m.kind === 'BackendConfig').map(m => `${m.metadata?.namespace ?? ''}/${m.metadata?.name}`));

  for (const m of manifests) {
    const a: Record<string, string> = m.metadata?.annotations ?? {};
    const where = `${m.kind} ${m.metadata?.name}`;
    const bad = (what: string) => problems.push(`${where}: ${what}`);
    for (const [key, value] of Object.entries(a)) {
      if (typeof value !== 'string') {
        bad(`annotation ${key} is not a string (${JSON.stringify(value)})`);
      }
    }
    if (m.kind === 'Ingress') {
      const n = NGINX_AFFINITY_ANNOTATIONS;
      if (a[n.affinity] !== undefined) {
        if (a[n.affinity] !== NGINX_AFFINITY_COOKIE) bad(`${n.affinity} is ${a[n.affinity]}`);
        const name = a[n.name];
        if (name !== undefined && !(NGINX_COOKIE_NAME_PATTERN.test(name) && isCookieName(name))) bad(`ingress-nginx would drop session-cookie-name ${JSON.stringify(name)}`);
        const path = a[n.path];
        if (path !== undefined && !(NGINX_COOKIE_PATH_PATTERN.test(path) && path.startsWith('/'))) bad(`ingress-nginx would drop session-cookie-path ${JSON.stringify(path)}`);
        const domain = a[n.domain];
        if (domain !== undefined && !(NGINX_COOKIE_DOMAIN_PATTERN.test(domain) && isCookieDomain(domain))) bad(`ingress-nginx would drop session-cookie-domain ${JSON.stringify(domain)}`);
        for (const key of [n.maxAge, n.expires]) {
          if (a[key] !== undefined && !isNginxCookieSeconds(a[key])) bad(`${key} is ${JSON.stringify(a[key])}`);
        }
        if (a[n.sameSite] !== undefined && !(NGINX_SAMESITE_VALUES as readonly string[]).includes(a[n.sameSite])) bad(`${n.sameSite} is ${a[n.sameSite]}`);
        if (a[n.affinityMode] !== undefined && !(NGINX_AFFINITY_MODES as readonly string[]).includes(a[n.affinityMode])) bad(`${n.affinityMode} is ${a[n.affinityMode]}`);
        for (const key of [n.secure, n.changeOnFailure]) {
          if (a[key] !== undefined && !['true', 'false'].includes(a[key])) bad(`${key} is ${JSON.stringify(a[key])}`);
        }
      }
      const tga = a[ALB_ANNOTATIONS.targetGroupAttributes];
      if (tga !== undefined) {
        const attrs = Object.fromEntries(tga.split(',').map(kv => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
        const s = ALB_STICKINESS_ATTRIBUTES;
        if (attrs[s.enabled] !== 'true') bad(`${s.enabled} is ${attrs[s.enabled]}`);
        if (!(ALB_STICKINESS_TYPES as readonly string[]).includes(attrs[s.type])) bad(`${s.type} is ${attrs[s.type]}`);
        const seconds = attrs[s.type] === 'app_cookie' ? attrs[s.appCookieDuration] : attrs[s.lbCookieDuration];
        if (!/^[0-9]+$/.test(seconds ?? '') || !isAlbStickinessSeconds(Number(seconds))) bad(`stickiness duration ${seconds}`);
        if (attrs[s.type] === 'app_cookie') {
          const name = attrs[s.appCookieName] ?? '';
          if (!isCookieName(name) || name.toUpperCase().startsWith(ALB_RESERVED_COOKIE_PREFIX) || /[,=]/.test(name)) bad(`ALB app cookie name ${JSON.stringify(name)}`);
        }
        if (a[ALB_ANNOTATIONS.targetType] !== 'ip') bad(`${ALB_ANNOTATIONS.targetType} is ${a[ALB_ANNOTATIONS.targetType]}`);
      }
      // Every Service a Service-reading controller needs must be in the output, annotated.
      const reads = serviceAnnotation;
      if (reads !== undefined) {
        const backends = [m.spec?.defaultBackend, ...(m.spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend))]
          .filter(Boolean);
        for (const b of backends) {
          const svc = services.get(`${m.metadata?.namespace ?? ''}/${b.service?.name}`);
          if (b.service === undefined || svc === undefined) {
            bad(`backend ${JSON.stringify(b)} is no Service of the output, so nothing carries the ${reads} cookie`);
          } else if (svc.metadata?.annotations?.[reads] === undefined) {
            bad(`backend Service ${b.service.name} lacks ${reads}`);
          }
        }
      }
    }
    if (m.kind === 'Service') {
      const t = TRAEFIK_STICKY_ANNOTATIONS;
      if (a[t.enabled] !== undefined) {
        if (a[t.enabled] !== 'true') bad(`${t.enabled} is ${a[t.enabled]}`);
        if (a[t.name] !== undefined && !isCookieName(a[t.name])) bad(`Traefik cookie name ${JSON.stringify(a[t.name])}`);
        if (a[t.sameSite] !== undefined && !(TRAEFIK_SAMESITE_VALUES as readonly string[]).includes(a[t.sameSite])) bad(`${t.sameSite} is ${a[t.sameSite]}`);
        for (const key of [t.secure, t.httpOnly]) {
          if (a[key] !== undefined && !['true', 'false'].includes(a[key])) bad(`${key} is ${JSON.stringify(a[key])}`);
        }
        if (a[t.sameSite] === 'none' && a[t.secure] !== 'true') bad('Traefik SameSite=None cookie without Secure');
        if (a[t.maxAge] !== undefined && !/^[1-9][0-9]*$/.test(a[t.maxAge])) bad(`${t.maxAge} is ${a[t.maxAge]}`);
      }
      const haproxy = a[HAPROXY_COOKIE_PERSISTENCE_ANNOTATION];
      if (haproxy !== undefined && !isCookieName(haproxy)) bad(`HAProxy cookie name ${JSON.stringify(haproxy)}`);
      const backendConfig = a[GKE_BACKEND_CONFIG_ANNOTATION];
      if (backendConfig !== undefined) {
        const name = JSON.parse(backendConfig).default;
        if (!backendConfigs.has(`${m.metadata?.namespace ?? ''}/${name}`)) bad(`names BackendConfig ${name}, which is not in the output in its namespace`);
      }
    }
    if (m.kind === 'BackendConfig') {
      const ttl = m.spec?.sessionAffinity?.affinityCookieTtlSec;
      if (ttl !== undefined && !isGkeCookieTtl(ttl)) bad(`affinityCookieTtlSec ${ttl}`);
    }
  }
  return problems;
}

