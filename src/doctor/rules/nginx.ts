// ingress-nginx rules that look at several annotations, or several Ingresses
// of one host, together.
import { localSessions } from './grafana';
import { Rule, describe } from './rule';
import { podsInWords } from './sessions';
import {
  INGRESS_CLASS_ANNOTATION,
  NGINX_AFFINITY_ANNOTATIONS,
  NGINX_AFFINITY_COOKIE,
  NGINX_AFFINITY_MODES,
  NGINX_CANARY_ANNOTATION,
  NGINX_DEFAULT_AFFINITY_MODE,
  NGINX_REGEX_ANNOTATIONS,
  REGEX_PATH_CHARACTERS,
  isNginxAffinityMode,
  isNginxTrue,
  nginxPathsAreRegex,
} from '../../facts/ingress-nginx';
import { nginxClusterIpUpstream } from '../../facts/ingress-upstreams';
import { ingressBackendRefs } from '../../facts/manifests';
import { Doc, Inventory, annotationsOf, isObject, nameOf, namespaceOf } from '../inventory';
import { Severity } from '../model';

const A = NGINX_AFFINITY_ANNOTATIONS;

export function asArray(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

/** The hosts of an Ingress's rules ('' for a rule without a host, which the controller's default server takes). */
export function ingressHosts(ing: Doc): string[] {
  return [...new Set(asArray(ing.obj.spec?.rules).filter(isObject).map(r => (typeof r.host === 'string' ? r.host : '')))];
}

/** Whether the Ingress's `spec.tls` names the host (a `*.` wildcard covers one label). */
export function tlsCovers(ing: Doc, host: string): boolean {
  if (host === '') {
    return false;
  }
  return asArray(ing.obj.spec?.tls).filter(isObject).some(tls => asArray(tls.hosts).some((h: unknown) =>
    typeof h === 'string' && (h === host || (h.startsWith('*.') && host.endsWith(h.slice(1)) && !host.slice(0, host.length - h.length + 1).includes('.')))));
}

function hasCookieAffinity(ing: Doc): boolean {
  return annotationsOf(ing.obj)[A.affinity] === NGINX_AFFINITY_COOKIE;
}

/** The class an Ingress names ('' for the cluster's default class). */
export function ingressClass(ing: Doc): string {
  const name = ing.obj.spec?.ingressClassName ?? annotationsOf(ing.obj)[INGRESS_CLASS_ANNOTATION];
  return typeof name === 'string' ? name : '';
}

function paths(ing: Doc, host?: string): string[] {
  return asArray(ing.obj.spec?.rules).filter(isObject)
    .filter(r => host === undefined || (typeof r.host === 'string' ? r.host : '') === host)
    .flatMap(r => asArray(r.http?.paths).filter(isObject).map(p => (typeof p.path === 'string' ? p.path : '/')));
}

function hostInWords(host: string): string {
  return host === '' ? 'the default host (rules without a host)' : `host ${host}`;
}

/** Ingresses of one controller (same class) by host, keyed `class|host`. */
export function byHost(ingresses: Doc[]): Map<string, Doc[]> {
  const groups = new Map<string, Doc[]>();
  for (const ing of ingresses) {
    for (const host of ingressHosts(ing)) {
      const k = `${ingressClass(ing)}|${host}`;
      groups.set(k, [...(groups.get(k) ?? []), ing]);
    }
  }
  return groups;
}

/** @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#session-affinity */
export const nginxAffinityModeUnknown: Rule = {
  id: 'nginx-affinity-mode-unknown',
  severity: Severity.ERROR,
  rationale: `ingress-nginx knows only affinity-mode ${NGINX_AFFINITY_MODES.join(' and ')}; it drops any other value (persistent-drainable was never released) and balances sessions on scale-up.`,
  fix: `Set ${A.affinityMode} to "persistent" to keep sessions on their pods, or "balanced" (the default).`,
  check(inventory, report) {
    for (const ing of inventory.ingresses) {
      const value = annotationsOf(ing.obj)[A.affinityMode];
      if (value !== undefined && !isNginxAffinityMode(value)) {
        report(ing, `${describe(ing)}: ${A.affinityMode} is ${JSON.stringify(value)}, which ingress-nginx does not know; it uses balanced, which moves some sessions to new pods when the app scales up`);
      }
    }
  },
};

/** @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#use-regex */
export const nginxRegexWithoutCookiePath: Rule = {
  id: 'nginx-regex-path-without-cookie-path',
  severity: Severity.ERROR,
  rationale: 'With use-regex (or rewrite-target) on the host, the affinity cookie\'s Path defaults to the Ingress path as written, a regular expression no browser matches: the cookie never comes back.',
  fix: `Set ${A.path} to the literal prefix the paths share, e.g. "/" (ingress-nginx requires it with use-regex).`,
  check(inventory, report) {
    const groups = byHost(inventory.ingresses);
    for (const ing of inventory.ingresses) {
      const annotations = annotationsOf(ing.obj);
      if (!hasCookieAffinity(ing) || (annotations[A.path] ?? '') !== '') {
        continue;
      }
      for (const host of ingressHosts(ing)) {
        const regexPaths = paths(ing, host).filter(p => REGEX_PATH_CHARACTERS.test(p));
        const cause = (groups.get(`${ingressClass(ing)}|${host}`) ?? []).find(other => nginxPathsAreRegex(annotationsOf(other.obj)));
        if (regexPaths.length > 0 && cause) {
          const what = isNginxTrue(annotationsOf(cause.obj)[NGINX_REGEX_ANNOTATIONS.useRegex]) ? 'use-regex' : 'rewrite-target';
          report(ing, `${describe(ing)}: cookie affinity without ${A.path} on ${hostInWords(host)}, whose paths are regular expressions (${what} on Ingress ${nameOf(cause.obj)}); the cookie's Path is ${regexPaths.map(p => JSON.stringify(p)).join(', ')}, which browsers never match, so the cookie is not sent back`);
          break;
        }
      }
    }
  },
};

/** The (path, Service) pairs of an Ingress's rules for one host. */
function routes(ing: Doc, host: string): Array<{ path: string; service: string }> {
  return asArray(ing.obj.spec?.rules).filter(isObject)
    .filter(r => (typeof r.host === 'string' ? r.host : '') === host)
    .flatMap(r => asArray(r.http?.paths).filter(isObject).map(p => ({
      path: typeof p.path === 'string' ? p.path : '/',
      service: p.backend?.service?.name ?? p.backend?.serviceName,
    })))
    .filter((r): r is { path: string; service: string } => typeof r.service === 'string');
}

/** The pods behind a Service, as workload keys; the Service's own name when the manifests do not hold it or it selects none. */
function podsOf(inventory: Inventory, ns: string, service: string): string[] {
  const svc = inventory.find('Service', ns, service);
  const workloads = svc ? inventory.workloadsOf(svc) : [];
  return workloads.length > 0 ? workloads.map(w => `${w.kind}|${w.namespace}/${w.name}`) : [`Service|${ns}/${service}`];
}

/** @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#session-affinity */
export const nginxAffinityPartialHost: Rule = {
  id: 'nginx-affinity-not-on-every-ingress-of-host',
  severity: Severity.WARNING,
  rationale: 'ingress-nginx applies cookie affinity per Ingress: when several Ingresses of a host reach the same pods and only some set affinity: cookie, the others\' paths reach those pods without the cookie.',
  fix: `Add the same ${A.affinity}: "${NGINX_AFFINITY_COOKIE}" annotations to every Ingress of the host that reaches those pods, or merge them into one Ingress.`,
  check(inventory, report) {
    for (const [k, group] of byHost(inventory.ingresses)) {
      const sticky = group.filter(hasCookieAffinity);
      if (sticky.length === 0) {
        continue;
      }
      const host = k.slice(k.indexOf('|') + 1);
      // pods -> the sticky Ingresses that reach them
      const stickyPods = new Map<string, string[]>();
      for (const s of sticky) {
        for (const r of routes(s, host)) {
          for (const pods of podsOf(inventory, namespaceOf(s.obj), r.service)) {
            stickyPods.set(pods, [...new Set([...(stickyPods.get(pods) ?? []), nameOf(s.obj)])]);
          }
        }
      }
      for (const ing of group) {
        if (hasCookieAffinity(ing) || isNginxTrue(annotationsOf(ing.obj)[NGINX_CANARY_ANNOTATION])) {
          continue;
        }
        const shared = routes(ing, host).filter(r => podsOf(inventory, namespaceOf(ing.obj), r.service).some(p => stickyPods.has(p)));
        if (shared.length === 0) {
          continue;
        }
        const by = [...new Set(shared.flatMap(r => podsOf(inventory, namespaceOf(ing.obj), r.service).flatMap(p => stickyPods.get(p) ?? [])))];
        report(ing, `${describe(ing)} shares ${hostInWords(host)} with ${by.map(n => `Ingress ${n}`).join(', ')}, which ${by.length === 1 ? 'has' : 'have'} cookie affinity, but has none itself: its paths ${shared.map(r => `${JSON.stringify(r.path)} (Service ${r.service})`).join(', ')} reach the same pods without the cookie`);
      }
    }
  },
};

/**
 * ingress-nginx's affinity modes: "balanced to redistribute some sessions
 * when scaling pods or persistent for maximum stickiness" (its cookie
 * example's table).
 *
 * @see https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/
 */
export const nginxBalancedAffinityAutoscaled: Rule = {
  id: 'nginx-balanced-affinity-autoscaled',
  severity: Severity.INFO,
  rationale: `ingress-nginx's cookie affinity in ${NGINX_DEFAULT_AFFINITY_MODE} mode (the default) redistributes some sessions when the pods scale up: the users it moves to a new pod lose a session kept on their old one.`,
  fix: `Set ${A.affinityMode}: "persistent" to keep each session on its pod (new pods then get only new users), or keep sessions in a store every pod shares.`,
  check(inventory, report) {
    for (const ing of inventory.ingresses) {
      const annotations = annotationsOf(ing.obj);
      const mode = annotations[A.affinityMode];
      const servers = inventory.serversOf(ing.obj)?.fronts;
      // An unknown mode is nginx-affinity-mode-unknown's; with service-upstream the cookie pins nothing.
      if (!hasCookieAffinity(ing) || (mode !== undefined && mode.trim() !== NGINX_DEFAULT_AFFINITY_MODE)
        || isNginxTrue(annotations[NGINX_CANARY_ANNOTATION]) || (servers !== undefined && !servers.includes('ingress-nginx'))
        || nginxClusterIpUpstream(ing.obj) !== undefined) {
        continue;
      }
      const namespace = namespaceOf(ing.obj);
      // The default backend gets no cookie (see nginxDefaultBackendWithoutCookie): only the rules' Services.
      const scaled = [...new Set(ingressBackendRefs(ing.obj).filter(ref => ref.defaultBackend !== true).map(ref => ref.name))]
        .flatMap(name => {
          const svc = inventory.find('Service', namespace, name);
          return svc ? inventory.workloadsOf(svc) : [];
        })
        .filter((w, i, all) => all.indexOf(w) === i)
        .map(w => ({ w, count: inventory.podCount(w) }))
        // Only a session kept on the pod is lost when a user moves to a new one.
        .filter(({ w, count }) => count.autoscaled && count.max > count.min && localSessions(inventory, w) !== undefined);
      for (const { w } of scaled) {
        report(ing, `${describe(ing)}: ingress-nginx cookie affinity in ${NGINX_DEFAULT_AFFINITY_MODE} mode (${mode === undefined ? 'the default' : 'as set'}) in front of ${w.kind} ${w.name}, which runs ${podsInWords(inventory, w)}: when it scales up, ingress-nginx moves some sessions to the new pods`);
      }
    }
  },
};
