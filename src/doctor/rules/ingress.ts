// Cookie-affinity annotations that a controller ignores or misreads.
import { asArray, byHost, ingressClass, ingressHosts, tlsCovers } from './nginx';
import { Report, Rule, describe } from './rule';
import { RoutedPath, browserCookieDomain, cookiePathCovers, cookiePathMatches, domainMatches, isCookieName, isCookiePath, leastRoutedRequest } from '../../facts/cookie';
import { controllersInWords } from '../../facts/ingress-classes';
import {
  NGINX_AFFINITY_ANNOTATIONS,
  NGINX_AFFINITY_COOKIE,
  NGINX_ANNOTATION_PREFIX,
  NGINX_CANARY_ANNOTATION,
  NGINX_COOKIE_NAME_PATTERN,
  NGINX_COOKIE_PATH_PATTERN,
  NGINX_COOKIE_SECURE_ON_HTTPS,
  NGINX_DEFAULT_COOKIE_NAME,
  isNginxCookieSeconds,
  isNginxTrue,
  nginxCookiePathCovers,
  nginxPathsAreRegex,
  nginxRoutedPath,
} from '../../facts/ingress-nginx';
import { nginxClusterIpUpstream, traefikClusterIpUpstream } from '../../facts/ingress-upstreams';
import { NGINX_CRD_GROUP } from '../../facts/nginx-plus';
import { TRAEFIK_STICKY_ANNOTATIONS, TRAEFIK_STICKY_PREFIX } from '../../facts/traefik';
import { Doc, Inventory, annotationsOf, ingressBackends, isObject, nameOf, namespaceOf } from '../inventory';
import { Severity } from '../model';

const A = NGINX_AFFINITY_ANNOTATIONS;

/** @see https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/ */
export const nginxAffinityNotCookie: Rule = {
  id: 'nginx-affinity-not-cookie',
  severity: Severity.ERROR,
  rationale: `ingress-nginx acts only on affinity "${NGINX_AFFINITY_COOKIE}"; any other value, "Cookie" included, means no affinity, without a warning.`,
  fix: `Set ${A.affinity}: "${NGINX_AFFINITY_COOKIE}" (lowercase, exactly).`,
  check(inventory, report) {
    for (const ing of inventory.ingresses) {
      const value = annotationsOf(ing.obj)[A.affinity];
      if (value !== undefined && value !== NGINX_AFFINITY_COOKIE) {
        report(ing, `${describe(ing)}: ${A.affinity} is ${JSON.stringify(value)}, which ingress-nginx reads as no affinity`);
      }
    }
  },
};

export const nginxCookieSeconds: Rule = {
  id: 'nginx-cookie-seconds-not-numeric',
  severity: Severity.ERROR,
  rationale: 'session-cookie-max-age and session-cookie-expires are whole seconds; other values give a session cookie or a broken Expires.',
  fix: 'Write the seconds as digits only, e.g. "3600" (quoted in YAML).',
  check(inventory, report) {
    for (const ing of inventory.ingresses) {
      const annotations = annotationsOf(ing.obj);
      for (const k of [A.maxAge, A.expires]) {
        const value = annotations[k];
        if (value !== undefined && !isNginxCookieSeconds(value)) {
          report(ing, `${describe(ing)}: ${k} is ${JSON.stringify(value)}, not a whole number of seconds greater than 0`);
        }
      }
    }
  },
};

export const nginxCookieName: Rule = {
  id: 'nginx-cookie-name-invalid',
  severity: Severity.ERROR,
  rationale: `ingress-nginx drops a session-cookie-name outside letters, digits and - . _ ~ and uses ${NGINX_DEFAULT_COOKIE_NAME}; browsers refuse names that are not RFC 6265 tokens.`,
  fix: 'Use letters, digits and - . _ ~ only, e.g. "app-affinity".',
  check(inventory, report) {
    for (const ing of inventory.ingresses) {
      const value = annotationsOf(ing.obj)[A.name];
      if (value !== undefined && !(isCookieName(value) && NGINX_COOKIE_NAME_PATTERN.test(value))) {
        report(ing, `${describe(ing)}: ${A.name} ${JSON.stringify(value)} is not a cookie name ingress-nginx accepts (letters, digits and - . _ ~); it uses ${NGINX_DEFAULT_COOKIE_NAME} instead`);
      }
    }
  },
};

/**
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Set-Cookie#samesitesamesite-value
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer/sticky.lua
 */
export const nginxSameSiteNoneInsecure: Rule = {
  id: 'nginx-samesite-none-without-secure',
  severity: Severity.WARNING,
  rationale: 'Browsers reject a SameSite=None cookie that is not Secure; ingress-nginx marks the cookie Secure only when session-cookie-secure is true or the request came over HTTPS.',
  fix: `Serve the host over TLS (spec.tls), or add ${A.secure}: "true", or use SameSite Lax.`,
  check(inventory, report) {
    // ingress-nginx serves a host from one server block: TLS on any Ingress of the host covers the others.
    const groups = byHost(inventory.ingresses);
    const overTls = (ing: Doc, host: string) => (groups.get(`${ingressClass(ing)}|${host}`) ?? [ing]).some(i => tlsCovers(i, host));
    for (const ing of inventory.ingresses) {
      const annotations = annotationsOf(ing.obj);
      if ((annotations[A.sameSite] ?? '').toLowerCase() !== 'none' || isNginxTrue(annotations[A.secure])) {
        continue;
      }
      const plain = ingressHosts(ing).filter(h => !(NGINX_COOKIE_SECURE_ON_HTTPS && overTls(ing, h)));
      if (plain.length > 0) {
        report(ing, `${describe(ing)}: ${A.sameSite} is None without ${A.secure}: "true", and spec.tls does not cover ${plain.map(h => (h === '' ? 'the rules without a host' : h)).join(', ')}; browsers reject the cookie on requests that are not HTTPS`);
      }
    }
  },
};

export const nginxCookieWithoutAffinity: Rule = {
  id: 'nginx-cookie-settings-without-affinity',
  severity: Severity.WARNING,
  rationale: 'session-cookie-* annotations take effect only with affinity: cookie; alone they are ignored.',
  fix: `Add ${A.affinity}: "${NGINX_AFFINITY_COOKIE}", or remove the cookie annotations.`,
  check(inventory, report) {
    const cookieKeys = Object.values(A).filter(k => k !== A.affinity);
    for (const ing of inventory.ingresses) {
      const annotations = annotationsOf(ing.obj);
      if (annotations[A.affinity] !== undefined) {
        continue;
      }
      const set = cookieKeys.filter(k => annotations[k] !== undefined);
      if (set.length > 0) {
        report(ing, `${describe(ing)}: ${set.map(k => k.slice(NGINX_ANNOTATION_PREFIX.length)).join(', ')} set without ${A.affinity}; ingress-nginx ignores them`);
      }
    }
  },
};

/** @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service */
export const traefikStickyOnIngress: Rule = {
  id: 'traefik-sticky-on-ingress',
  severity: Severity.ERROR,
  rationale: 'Traefik reads its sticky-cookie annotations from the backend Service, not the Ingress; on the Ingress they are ignored.',
  fix: `Move the ${TRAEFIK_STICKY_PREFIX}* annotations to the Service the Ingress routes to.`,
  check(inventory, report) {
    for (const ing of inventory.ingresses) {
      const keys = Object.keys(annotationsOf(ing.obj)).filter(k => k.startsWith(TRAEFIK_STICKY_PREFIX));
      if (keys.length > 0) {
        report(ing, `${describe(ing)}: ${keys.join(', ')} on an Ingress; Traefik reads them only on the Service, so ${whatTraefikKeeps(inventory, ing)}`);
      }
    }
  },
};

/**
 * What stickiness an Ingress's backends have when Traefik ignores the
 * sticky-cookie annotations on the Ingress: only the Services' own, which
 * the finding names rather than claim there is none.
 */
function whatTraefikKeeps(inventory: Inventory, ing: Doc): string {
  const servers = inventory.serversOf(ing.obj);
  if (servers !== undefined && !servers.fronts.includes('traefik')) {
    return `there is no Traefik sticky cookie: the Ingress is served by ${controllersInWords(servers.fronts)} (${servers.by}), not by Traefik`;
  }
  const namespace = namespaceOf(ing.obj);
  const backends = ingressBackends(ing.obj);
  const sticky = backends.filter(name =>
    annotationsOf(inventory.find('Service', namespace, name)?.obj ?? {})[TRAEFIK_STICKY_ANNOTATIONS.enabled] === 'true');
  const names = (list: string[]) => list.map(n => JSON.stringify(n)).join(', ');
  if (sticky.length === 0) {
    return 'there is no sticky cookie';
  }
  const others = backends.filter(name => !sticky.includes(name));
  const kept = `the sticky cookie of Service${sticky.length > 1 ? 's' : ''} ${names(sticky)} is the one ${sticky.length > 1 ? 'their' : 'its'} own annotations describe, whatever these say`;
  return others.length === 0 ? kept : `${kept}, and Service${others.length > 1 ? 's' : ''} ${names(others)} ${others.length > 1 ? 'have' : 'has'} none`;
}

/** The ingress controllers whose affinity settings an Ingress or its backend Service can carry (the fronts' names), in words. */
const INGRESS_CONTROLLERS: ReadonlyMap<string, string> = new Map([
  ['ingress-nginx', 'ingress-nginx'],
  ['traefik', 'Traefik'],
  ['haproxy', 'HAProxy'],
  ['aws-alb', 'the AWS Load Balancer Controller'],
  ['gke-ingress', 'GKE Ingress'],
]);

/** Where an Ingress's affinity settings are written for, and which controllers they reach its backends through. */
interface IngressAffinity {
  /**
   * Every controller whose settings reach the Ingress's backends, from the
   * Ingress itself or from a backend Service: serving it, any of them keeps
   * its users on one pod.
   */
  readonly reach: Set<string>;
  /**
   * The controllers it is written for: those its own annotations name, or,
   * when it has none, those of its backend Services (Traefik, HAProxy and GKE
   * read them there). A Service shared with an Ingress written for another
   * controller carries that one's settings as well.
   */
  readonly written: Set<string>;
}

function affinityOf(inventory: Inventory, ing: Doc): IngressAffinity {
  const own = new Set<string>();
  const reach = new Set<string>();
  const namespace = namespaceOf(ing.obj);
  for (const name of ingressBackends(ing.obj)) {
    const service = inventory.find('Service', namespace, name)?.obj;
    for (const r of inventory.frontsAt(namespace, name)) {
      if (r.affinity === undefined || !INGRESS_CONTROLLERS.has(r.front)) {
        continue;
      }
      if (r.obj === ing.obj) {
        own.add(r.front);
        reach.add(r.front);
      } else if (service !== undefined && r.obj === service) {
        reach.add(r.front);
      }
    }
  }
  return { reach, written: own.size > 0 ? own : reach };
}

function disjoint(a: Set<string>, b: Set<string>): boolean {
  for (const c of a) {
    if (b.has(c)) {
      return false;
    }
  }
  return true;
}

function inWords(controllers: Set<string>): string {
  return [...controllers].map(c => INGRESS_CONTROLLERS.get(c)).join(' and ');
}

/**
 * An Ingress without a class goes to whichever controller takes such
 * Ingresses in the cluster: the one of the IngressClass marked default, or
 * one started to watch Ingresses without a class.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class
 */
export const cookieAffinityWithoutIngressClass: Rule = {
  id: 'cookie-affinity-without-ingress-class',
  severity: Severity.WARNING,
  rationale: 'An Ingress without a class (no spec.ingressClassName, no kubernetes.io/ingress.class) is served by whichever controller takes such Ingresses in the cluster (the default IngressClass\'s, or one told to watch them); when Ingresses without a class carry affinity settings (a cookie, or GKE\'s client IP) for different controllers, that controller ignores the others\' settings, and their users are not kept on one pod.',
  fix: 'Give each Ingress the class of the controller its affinity settings are written for (spec.ingressClassName; for a CookieAffinityIngress, its controller\'s ingressClassName or the className prop).',
  check(inventory, report) {
    // The first earlier Ingress of each kind of affinity, in the order they came: there are a
    // few kinds at most, where an app can have thousands of Ingresses without a class.
    const firstOfKind = new Map<string, { ing: Doc; affinity: IngressAffinity; order: number }>();
    const earliest = (accept: (e: { affinity: IngressAffinity }) => boolean) => {
      let found: { ing: Doc; affinity: IngressAffinity; order: number } | undefined;
      for (const e of firstOfKind.values()) {
        if ((found === undefined || e.order < found.order) && accept(e)) {
          found = e;
        }
      }
      return found;
    };
    for (const ing of inventory.ingresses) {
      if (ingressClass(ing) !== '') {
        continue;
      }
      const affinity = affinityOf(inventory, ing);
      if (affinity.reach.size === 0) {
        continue;
      }
      // Reported once per Ingress. First against an earlier one that no controller keeps along
      // with this one (whichever serves Ingresses without a class, the users of one are lost).
      const apart = earliest(e => disjoint(e.affinity.reach, affinity.reach));
      if (apart !== undefined) {
        report(ing, `${describe(ing)} has no ingress class and affinity settings for ${inWords(affinity.reach)}, while ${describe(apart.ing)}, also without a class, has them for ${inWords(apart.affinity.reach)} only; one controller serves Ingresses without a class and ignores the other's settings, so the users of one of the two are not kept on one pod`);
      } else {
        // Else against an earlier one written for other controllers, which some controller keeps
        // along with this one (its settings reach both, on a Service they share, say): unless that
        // one serves Ingresses without a class, the users of one of the two are lost. When the
        // manifests mark a default IngressClass, its controller says which.
        const served = inventory.serversOf(ing.obj);
        const servers = served?.fronts;
        const keepers = (e: { affinity: IngressAffinity }) => [...e.affinity.reach].filter(c => affinity.reach.has(c));
        const other = earliest(e => disjoint(e.affinity.written, affinity.written)
          && (servers === undefined || !keepers(e).some(c => servers.includes(c))));
        if (other !== undefined) {
          const unless = servers === undefined
            ? `, and unless that is ${inWords(new Set(keepers(other)))}, whose settings reach both, it ignores the other's settings`
            : ` (here the one of ${served!.by}), which ignores the settings of one of the two at least`;
          report(ing, `${describe(ing)} has no ingress class and affinity settings for ${inWords(affinity.written)}, while ${describe(other.ing)}, also without a class, has them for ${inWords(other.affinity.written)}; one controller serves Ingresses without a class${unless}, so the users of one of the two are not kept on one pod`);
        }
      }
      const kindKey = `${[...affinity.written].sort().join(',')}|${[...affinity.reach].sort().join(',')}`;
      if (!firstOfKind.has(kindKey)) {
        firstOfKind.set(kindKey, { ing, affinity, order: firstOfKind.size });
      }
    }
  },
};

/** One route to a Service through an Ingress, with the cookie that keeps its clients on a pod. */
interface CookieRoute {
  readonly ingress: Doc;
  readonly service: string;
  readonly cookie: string;
  readonly path: string;
  /** The cookie's Domain, lowercase without a leading '.': the browser sends it to every host under it. */
  readonly domain?: string;
}

/** A cookie Domain as browsers compare it (RFC 6265 5.2.3: a leading '.' ignored, any case). */
function cookieDomain(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : browserCookieDomain(value);
}

/**
 * The routes of an Ingress whose affinity cookie names a pod of the Service
 * that set it, with the cookie's name and Path: Traefik's, with a name given
 * on the Service (without one each Service's cookie has its own name), and
 * ingress-nginx's in persistent mode (in balanced mode the cookie holds a key
 * any Service maps to one of its pods).
 */
function podNamingCookieRoutes(inventory: Inventory, ing: Doc, host: string): CookieRoute[] {
  const annotations = annotationsOf(ing.obj);
  // Only the controller that serves the Ingress (when the doctor can tell) sets a cookie for it.
  const servers = inventory.serversOf(ing.obj)?.fronts;
  const serves = (front: string) => servers === undefined || servers.includes(front);
  const persistent = annotations[A.affinity] === NGINX_AFFINITY_COOKIE && annotations[A.affinityMode]?.trim() === 'persistent' && serves('ingress-nginx');
  if (!persistent && !serves('traefik')) {
    return [];
  }
  // A name the controller refuses is replaced by its default.
  const given = annotations[A.name];
  const nginxName = given !== undefined && NGINX_COOKIE_NAME_PATTERN.test(given) ? given : NGINX_DEFAULT_COOKIE_NAME;
  const namespace = namespaceOf(ing.obj);
  const out: CookieRoute[] = [];
  for (const rule of asArray(ing.obj.spec?.rules).filter(isObject)) {
    if ((typeof rule.host === 'string' ? rule.host : '') !== host) {
      continue;
    }
    for (const p of asArray(rule.http?.paths).filter(isObject)) {
      const service = p.backend?.service?.name ?? p.backend?.serviceName;
      if (typeof service !== 'string') {
        continue;
      }
      if (persistent) {
        // Without session-cookie-path the cookie gets the location's path; an empty path is
        // ingress-nginx's "/" (its store rewrites it before making the locations).
        const path = typeof p.path === 'string' && p.path !== '' ? p.path : '/';
        out.push({ ingress: ing, service, cookie: nginxName, path: annotations[A.path] || path, domain: cookieDomain(annotations[A.domain]) });
        continue;
      }
      if (annotations[A.affinity] !== undefined) {
        // An Ingress with ingress-nginx's affinity is not Traefik's.
        continue;
      }
      const svc = inventory.find('Service', namespace, service);
      const sticky = svc === undefined ? {} : annotationsOf(svc.obj);
      const name = sticky[TRAEFIK_STICKY_ANNOTATIONS.name];
      if (sticky[TRAEFIK_STICKY_ANNOTATIONS.enabled] === 'true' && name !== undefined && name !== '') {
        out.push({ ingress: ing, service, cookie: name, path: sticky[TRAEFIK_STICKY_ANNOTATIONS.path] || '/', domain: cookieDomain(sticky[TRAEFIK_STICKY_ANNOTATIONS.domain]) });
      }
    }
  }
  return out;
}

/**
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer/sticky_persistent.lua
 */
export const cookieSharedByServices: Rule = {
  id: 'cookie-shared-by-services',
  severity: Severity.ERROR,
  rationale: 'Traefik (from Service annotations or an IngressRoute\'s sticky.cookie), NGINX Plus (a VirtualServer upstream\'s sessionCookie), and ingress-nginx in persistent mode, write into the affinity cookie the pod of the Service that set it. Two Services a browser reaches on one host under one cookie name and Path replace each other\'s cookie at every request, so neither stays sticky.',
  fix: 'Give each Service its own cookie name (on Traefik, leave out service.sticky.cookie.name on the Services, or sticky.cookie.name in an IngressRoute: Traefik then names each Service\'s cookie apart; on NGINX Plus, a sessionCookie.name per upstream), or a Path of its own, or use ingress-nginx\'s balanced mode (the default), whose cookie every Service maps to one of its own pods.',
  check(inventory, report) {
    const hosts = [...byHost(inventory.ingresses)].map(([group, ingresses]) => {
      const host = group.slice(group.indexOf('|') + 1);
      return { cls: group.slice(0, group.indexOf('|')), host, routes: ingresses.flatMap(ing => podNamingCookieRoutes(inventory, ing, host)) };
    });
    const withDomain = hosts.flatMap(h => h.routes.filter(r => r.domain !== undefined).map(route => ({ cls: h.cls, route })));
    for (const { cls, host, routes } of hosts) {
      // The cookies set on other hosts of the class with a Domain this host is under reach it too.
      const spanning = host === '' ? [] : withDomain
        .filter(d => d.cls === cls && !routes.includes(d.route) && domainMatches(host, d.route.domain!))
        .map(d => d.route);
      const byCookie = new Map<string, CookieRoute[]>();
      for (const route of [...routes, ...spanning]) {
        const k = `${namespaceOf(route.ingress.obj)}\0${route.cookie}\0${route.path}`;
        byCookie.set(k, [...(byCookie.get(k) ?? []), route]);
      }
      reportShared(byCookie.values(), host, report);
    }
    // Traefik's IngressRoutes: a cookie named in `sticky.cookie` is the
    // Services' own, as the annotation is on an Ingress's Service.
    const byHostCookie = new Map<string, Array<CookieRoute & { readonly host: string }>>();
    for (const doc of inventory.docs) {
      for (const route of [...ingressRouteCookieRoutes(doc), ...virtualServerCookieRoutes(doc)]) {
        const k = `${namespaceOf(doc.obj)}\0${route.host}\0${route.cookie}\0${route.path}`;
        byHostCookie.set(k, [...(byHostCookie.get(k) ?? []), route]);
      }
    }
    for (const routes of byHostCookie.values()) {
      reportShared([routes], routes[0].host, report);
    }
  },
};

/** Reports each group of routes whose one cookie (name and Path) reaches more than one Service. */
function reportShared(groups: Iterable<CookieRoute[]>, host: string, report: Report): void {
  for (const routes of groups) {
    const services = [...new Set(routes.map(r => r.service))];
    if (services.length > 1) {
      const [first] = routes;
      report(first.ingress, `${describe(first.ingress)}: Services ${services.map(s => JSON.stringify(s)).join(' and ')} on ${host === '' ? 'any host' : `host ${JSON.stringify(host)}`} share the affinity cookie ${JSON.stringify(first.cookie)} (Path ${first.path}), whose value names a pod of the Service that set it: each replaces the other's cookie, so neither stays sticky`);
    }
  }
}

/**
 * The upstreams of an F5 NGINX VirtualServer with an enabled `sessionCookie`
 * that gives a name and a Path, one route each, on the VirtualServer's host:
 * NGINX Plus's `sticky cookie` names the upstream's server it chose, so two
 * upstreams of different Services under one name and Path replace each
 * other's cookie. A cookie without a Path gets the browser's default (the
 * request's directory), which the manifests cannot tell: left out.
 *
 * @see https://docs.nginx.com/nginx-ingress-controller/configuration/virtualserver-and-virtualserverroute-resources/#upstreamsessioncookie
 */
function virtualServerCookieRoutes(doc: Doc): Array<CookieRoute & { readonly host: string }> {
  const obj = doc.obj;
  if (obj.kind !== 'VirtualServer' || typeof obj.apiVersion !== 'string' || !obj.apiVersion.startsWith(`${NGINX_CRD_GROUP}/`)) {
    return [];
  }
  const host = typeof obj.spec?.host === 'string' ? obj.spec.host.toLowerCase() : '';
  const out: Array<CookieRoute & { readonly host: string }> = [];
  for (const upstream of asArray(obj.spec?.upstreams).filter(isObject)) {
    const cookie = isObject(upstream.sessionCookie) ? upstream.sessionCookie : undefined;
    if (cookie === undefined || cookie.enable !== true || typeof upstream.service !== 'string'
      || typeof cookie.name !== 'string' || cookie.name === '' || typeof cookie.path !== 'string' || cookie.path === ''
      || upstream['use-cluster-ip'] === true) {
      continue;
    }
    out.push({ ingress: doc, service: upstream.service, cookie: cookie.name, path: cookie.path, host });
  }
  return out;
}

/**
 * The routes of a Traefik IngressRoute to Services whose `sticky.cookie`
 * gives a name (without one, Traefik names each Service's cookie apart), one
 * per host its rule names: the hosts of its `Host(...)` terms, or any host
 * when it names none. A rule that negates (`!`) or matches hosts by pattern
 * (`HostRegexp`) is left out, not guessed at.
 */
function ingressRouteCookieRoutes(doc: Doc): Array<CookieRoute & { readonly host: string }> {
  const obj = doc.obj;
  if (obj.kind !== 'IngressRoute' || typeof obj.apiVersion !== 'string' || !obj.apiVersion.startsWith('traefik.')) {
    return [];
  }
  const out: Array<CookieRoute & { readonly host: string }> = [];
  for (const route of asArray(obj.spec?.routes).filter(isObject)) {
    const match = typeof route.match === 'string' ? route.match : '';
    if (match.includes('!') || /HostRegexp\s*\(/.test(match)) {
      continue;
    }
    const hosts = [...match.matchAll(/\bHost\s*\(([^)]*)\)/g)]
      .flatMap(m => [...m[1].matchAll(/[`"']([^`"']*)[`"']/g)].map(h => h[1].toLowerCase()));
    for (const svc of asArray(route.services).filter(isObject)) {
      const cookie = isObject(svc.sticky) && isObject(svc.sticky.cookie) ? svc.sticky.cookie : undefined;
      if (cookie === undefined || typeof svc.name !== 'string' || (svc.kind ?? 'Service') !== 'Service'
        || typeof cookie.name !== 'string' || cookie.name === '') {
        continue;
      }
      const path = typeof cookie.path === 'string' && cookie.path !== '' ? cookie.path : '/';
      for (const host of hosts.length === 0 ? [''] : [...new Set(hosts)]) {
        const service = typeof svc.namespace === 'string' && svc.namespace !== namespaceOf(obj) ? `${svc.namespace}/${svc.name}` : svc.name;
        out.push({ ingress: doc, service, cookie: cookie.name, path, host });
      }
    }
  }
  return out;
}

/**
 * The Path of the affinity cookie a controller sets for an Ingress's route
 * to a Service, when a setting gives one (without it, ingress-nginx takes the
 * route's own path and Traefik "/", which cover the route itself; whether
 * ingress-nginx's cover the host's other routes to the Service is
 * `nginxLocationsApart`'s; where the Ingresses of the Service set
 * session-cookie-path differently, ingress-nginx uses one of theirs for all,
 * which `nginxPathOrderDependent` tells instead), with the setting
 * in words: ingress-nginx's session-cookie-path (a value its validator drops
 * is not used), or Traefik's service.sticky.cookie.path on the Service. Only
 * for a controller that may serve the Ingress and whose cookie pins a pod
 * there (not one that sends to the cluster IP); a Path not starting with '/'
 * is replaced by the browser's default, which is not guessed at.
 */
function cookiePathOf(inventory: Inventory, ing: Doc, service: string): { path: string; setting: string; controller: string } | undefined {
  const annotations = annotationsOf(ing.obj);
  const servers = inventory.serversOf(ing.obj)?.fronts;
  const serves = (front: string) => servers === undefined || servers.includes(front);
  if (annotations[A.affinity] === NGINX_AFFINITY_COOKIE) {
    const path = annotations[A.path] ?? '';
    if (!serves('ingress-nginx') || nginxClusterIpUpstream(ing.obj) !== undefined || !NGINX_COOKIE_PATH_PATTERN.test(path) || !isCookiePath(path)) {
      return undefined;
    }
    return { path, setting: A.path, controller: 'ingress-nginx' };
  }
  // An Ingress with ingress-nginx's affinity annotation is not Traefik's.
  const svc = inventory.find('Service', namespaceOf(ing.obj), service);
  if (svc === undefined || annotations[A.affinity] !== undefined || !serves('traefik')) {
    return undefined;
  }
  const sticky = annotationsOf(svc.obj);
  const path = sticky[TRAEFIK_STICKY_ANNOTATIONS.path] ?? '';
  if (sticky[TRAEFIK_STICKY_ANNOTATIONS.enabled] !== 'true' || traefikClusterIpUpstream(svc.obj) !== undefined || !isCookiePath(path)) {
    return undefined;
  }
  return { path, setting: `${TRAEFIK_STICKY_ANNOTATIONS.path} on Service ${service}`, controller: 'Traefik' };
}

/**
 * @see https://www.rfc-editor.org/rfc/rfc6265#section-5.1.4
 * @see https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/
 * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
 */
export const cookiePathNotCoveringRoute: Rule = {
  id: 'cookie-path-not-covering-route',
  severity: Severity.ERROR,
  rationale: 'A browser sends a cookie back only with requests under its Path (RFC 6265 path-match: /admin covers /admin and /admin/users, not / or /administrator). When the affinity cookie\'s Path (ingress-nginx session-cookie-path, Traefik service.sticky.cookie.path, an NGINX Plus VirtualServer upstream\'s sessionCookie.path) does not cover a path the Ingress or VirtualServer routes to that Service, requests there carry no cookie and are spread over the pods. A path of pathType Prefix is matched element by element and its trailing slash ignored, so /app/ also routes /app, which a Path of /app/ does not cover. Without session-cookie-path, ingress-nginx gives the cookie the path of the location that sets it: where several locations of a host (of one Ingress or several, which it merges) reach one Service, a cookie set under one does not cover another (/grafana and /api; /api and /), so a user is kept on a different pod under each. ingress-nginx keeps one cookie Path per Service and port, from the Ingress with cookie affinity that it reads last (the oldest first, so it depends on creation order): where the Ingresses reaching a Service set session-cookie-path differently (a value and another, or a value and none), the Path on every host is one of theirs, and may not cover the others\' paths.',
  fix: 'Set the cookie\'s Path to a prefix of every path the Ingress or VirtualServer routes to that Service ("/" covers them all): on ingress-nginx, the same session-cookie-path on every Ingress that reaches the Service, covering its paths on every host (left out, each location\'s cookie gets that location\'s own path, which covers no other location); on Traefik, leaving it out gives "/".',
  check(inventory, report) {
    const hosts = byHost(inventory.ingresses);
    const upstreams = nginxCookieUpstreams(inventory);
    // Where an upstream's Ingresses give different Paths, no one Ingress's Path is known to be the cookie's: told below.
    const orderDependent = new Set(upstreams.filter(nginxPathOrderDependent).map(u => u.key));
    for (const ing of inventory.ingresses) {
      // setting and Path -> the routes it does not cover
      const missed = new Map<string, { path: string; setting: string; controller: string; routes: string[] }>();
      for (const rule of asArray(ing.obj.spec?.rules).filter(isObject)) {
        const host = typeof rule.host === 'string' ? rule.host : '';
        // ingress-nginx reads the host's paths as regular expressions when any Ingress of the host asks it to.
        const regexHost = (hosts.get(`${ingressClass(ing)}|${host}`) ?? []).some(other => nginxPathsAreRegex(annotationsOf(other.obj)));
        for (const p of asArray(rule.http?.paths).filter(isObject)) {
          const service = p.backend?.service?.name ?? p.backend?.serviceName;
          const path = typeof p.path === 'string' && p.path !== '' ? p.path : '/';
          const cookie = typeof service === 'string' ? cookiePathOf(inventory, ing, service) : undefined;
          if (cookie === undefined || (cookie.controller === 'ingress-nginx' && orderDependent.has(nginxUpstreamKey(ing, p)?.key ?? ''))) {
            continue;
          }
          // A regular expression is read by its literal start, as CookieAffinityIngress reads it; a Prefix path is
          // matched element by element and a trailing '/' ignored: `/app/` also routes `/app`. (ImplementationSpecific
          // and Exact keep their reading: ingress-nginx's location `/app/` does not match `/app`.)
          const routed = nginxRoutedPath(path, p.pathType, cookie.controller === 'ingress-nginx' && regexHost);
          if (nginxCookiePathCovers(cookie.path, routed)) {
            continue;
          }
          const k = `${cookie.setting}\0${cookie.path}`;
          const entry = missed.get(k) ?? { ...cookie, routes: [] };
          const least = leastRoutedRequest(routed);
          let shown = JSON.stringify(path);
          if (routed.regex) {
            shown = `${shown} (a regular expression)`;
          } else if (least !== path && cookiePathMatches(path, cookie.path)) {
            shown = `${JSON.stringify(least)} (which the Prefix path ${shown} matches too: a Prefix match ignores a trailing '/')`;
          }
          entry.routes.push(`${shown} ${host === '' ? 'on any host' : `on host ${host}`}`);
          missed.set(k, entry);
        }
      }
      for (const m of missed.values()) {
        const routes = [...new Set(m.routes)];
        report(ing, `${describe(ing)}: ${m.controller}'s affinity cookie has Path ${JSON.stringify(m.path)} (${m.setting}), which does not cover ${routes.length > 1 ? 'the paths' : 'the path'} ${routes.join(', ')}: `
          + `browsers send the cookie back only with requests under ${JSON.stringify(m.path)}, so the other requests to ${routes.length > 1 ? 'these paths' : 'that path'} are not kept on one pod`);
      }
    }
    for (const u of upstreams.filter(nginxPathOrderDependent)) {
      const ingresses = [...u.settings.keys()];
      const valueOf = (setting: string) => (setting === '' ? `no ${A.path}` : JSON.stringify(setting));
      const outcomes = [...new Set(u.settings.values())].map(setting => {
        const by = ingresses.filter(ing => u.settings.get(ing) === setting).map(ing => `Ingress ${nameOf(ing.obj)}`).join(', ');
        return nginxPathOutcome(u, setting, by) ?? `with ${setting === '' ? 'no Path' : JSON.stringify(setting)} (${by}), the cookie comes back to every location`;
      });
      // Every Path one of them could give covers every location: whichever is read last, no user is split.
      if ([...new Set(u.settings.values())].every(setting => nginxPathOutcome(u, setting, '') === undefined)) {
        continue;
      }
      const last = nginxReadLast(u);
      const which = last === undefined
        ? 'which one applies depends on the order in which the Ingresses were created (the oldest is read first; of equal creation times, by name from z to a), which the manifests do not fix'
        : `by the creationTimestamps given, Ingress ${nameOf(last.obj)} is read last, so ${valueOf(u.settings.get(last)!)} applies, until the Ingresses are created anew in another order`;
      const fix = `Give every Ingress that reaches Service ${u.service} port ${u.port} with cookie affinity (${ingresses.map(ing => nameOf(ing.obj)).join(', ')}) the same ${A.path}, `
        + 'one that covers all their paths on every host ("/" covers them all).';
      // On the first Ingress that sets a Path: without one, no Ingress of the Service would differ.
      const at = ingresses.find(ing => u.settings.get(ing) !== '') ?? ingresses[0];
      report(at, `${describe(at)}: Ingresses ${ingresses.map(ing => `${nameOf(ing.obj)} (${valueOf(u.settings.get(ing)!)})`).join(', ')} `
        + `reach Service ${u.service} port ${u.port} with ingress-nginx cookie affinity and set ${A.path} differently; `
        + `ingress-nginx gives the cookie one Path for all the Service's locations on every host, that of the Ingress it reads last: ${outcomes.join('; ')}; ${which}`, fix);
    }
    for (const m of nginxLocationsApart(upstreams)) {
      const paths = m.setters.map(s => `Path ${JSON.stringify(s.cookiePath)} does not cover ${s.missed.join(', ')}`).join('; ');
      report(m.ingress, `${describe(m.ingress)}: ${onHost(m.host)}, the locations ${m.locations.join(', ')} reach Service ${m.service} with ingress-nginx cookie affinity, and `
        + `without ${A.path} each location sets the cookie with its own path as Path: ${paths}`
        + ': browsers send a cookie only with requests under its Path, so a user\'s request to another location comes without it, and ingress-nginx picks a pod afresh there and sets another cookie; '
        + 'one user\'s requests go to a different pod under each location');
    }
    for (const doc of inventory.docs) {
      for (const m of virtualServerPathsNotCovered(doc)) {
        report(doc, `${describe(doc)}: the NGINX Plus sticky cookie of upstream ${m.upstream} has Path ${JSON.stringify(m.path)} (sessionCookie.path), which does not cover `
          + `${m.routes.length > 1 ? 'the route paths' : 'the route path'} ${m.routes.join(', ')}: browsers send the cookie back only with requests under ${JSON.stringify(m.path)}, `
          + `so the other requests to ${m.routes.length > 1 ? 'these paths' : 'that path'} are not kept on one pod`);
      }
    }
  },
};

/** A location of an ingress-nginx Ingress with cookie affinity. */
interface NginxCookieLocation {
  readonly ingress: Doc;
  readonly host: string;
  /** The path as written ('/' for none), which is also the location's `$location_path`. */
  readonly path: string;
  readonly routed: RoutedPath;
}

/**
 * One ingress-nginx upstream (controller class, namespace, Service, port)
 * that Ingresses with cookie affinity reach, and the Path each of them gives
 * its cookie.
 */
interface NginxCookieUpstream {
  readonly key: string;
  readonly service: string;
  /** The Service port as the Ingresses name it, in words. */
  readonly port: string;
  /** Every cookie location of the upstream, on every host. */
  readonly locations: NginxCookieLocation[];
  /** Each Ingress's session-cookie-path as ingress-nginx takes it ('' for none, or a value its validator drops), in document order. */
  readonly settings: Map<Doc, string>;
}

/** The ingress-nginx upstream a path of an Ingress reaches (upstreamName: namespace, Service, port), by controller class. */
function nginxUpstreamKey(ing: Doc, p: { [key: string]: any }): { key: string; service: string; port: string } | undefined {
  const service = p.backend?.service?.name ?? p.backend?.serviceName;
  if (typeof service !== 'string') {
    return undefined;
  }
  const raw = p.backend?.service?.port?.number ?? p.backend?.service?.port?.name ?? p.backend?.servicePort;
  const port = typeof raw === 'number' ? `${raw}` : typeof raw === 'string' ? JSON.stringify(raw) : '(none)';
  return { key: `${ingressClass(ing)}|${namespaceOf(ing.obj)}|${service}|${port}`, service, port };
}

/**
 * The ingress-nginx upstreams reached by Ingresses with cookie affinity that
 * the controller serves and sends to the pods (not the cluster IP), with
 * their locations and each Ingress's session-cookie-path. ingress-nginx keeps
 * one cookie configuration per upstream: while it builds its configuration,
 * every Ingress with `affinity: cookie` writes its session-cookie-* values
 * (the Path among them, '' when not set) into the upstream of each of its
 * paths, so the Ingress it reads last gives them all; it reads Ingresses by
 * creationTimestamp, the oldest first, and on equal times by namespace/name
 * from z to a (controller.go getBackendServers; store.go sortIngressSlice).
 * Its Lua balancer then sets that one Path on the cookie of every location
 * of the upstream, on every host, and the location's own path only when it
 * is empty (sticky.lua set_cookie). A canary Ingress has an upstream of its
 * own and is left out, as are the locations of other controllers' Ingresses.
 *
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/controller/controller.go
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/controller/store/store.go
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer/sticky.lua
 */
function nginxCookieUpstreams(inventory: Inventory): NginxCookieUpstream[] {
  const regexHosts = new Set<string>();
  for (const [k, group] of byHost(inventory.ingresses)) {
    if (group.some(other => nginxPathsAreRegex(annotationsOf(other.obj)))) {
      regexHosts.add(k);
    }
  }
  const upstreams = new Map<string, NginxCookieUpstream>();
  for (const ing of inventory.ingresses) {
    const annotations = annotationsOf(ing.obj);
    const servers = inventory.serversOf(ing.obj)?.fronts;
    if (annotations[A.affinity] !== NGINX_AFFINITY_COOKIE || (servers !== undefined && !servers.includes('ingress-nginx'))
      || nginxClusterIpUpstream(ing.obj) !== undefined || isNginxTrue(annotations[NGINX_CANARY_ANNOTATION])) {
      continue;
    }
    // A value the annotation's validator drops leaves the Path empty, as no value does.
    const given = annotations[A.path] ?? '';
    const setting = NGINX_COOKIE_PATH_PATTERN.test(given) ? given : '';
    for (const rule of asArray(ing.obj.spec?.rules).filter(isObject)) {
      const host = typeof rule.host === 'string' ? rule.host : '';
      for (const p of asArray(rule.http?.paths).filter(isObject)) {
        const upstream = nginxUpstreamKey(ing, p);
        if (upstream === undefined) {
          continue;
        }
        const path = typeof p.path === 'string' && p.path !== '' ? p.path : '/';
        const routed = nginxRoutedPath(path, p.pathType, regexHosts.has(`${ingressClass(ing)}|${host}`));
        const u = upstreams.get(upstream.key) ?? { ...upstream, locations: [], settings: new Map<Doc, string>() };
        u.locations.push({ ingress: ing, host, path, routed });
        u.settings.set(ing, setting);
        upstreams.set(upstream.key, u);
      }
    }
  }
  return [...upstreams.values()];
}

/** Whether the Ingresses of an upstream give its cookie different Paths (a value and another, or a value and none). */
function nginxPathOrderDependent(u: NginxCookieUpstream): boolean {
  return new Set(u.settings.values()).size > 1;
}

function onHost(host: string): string {
  return host === '' ? 'on any host' : `on host ${host}`;
}

/**
 * What a user meets when `setting` gives the upstream's cookie Path ('' for
 * none: each location's own path), in words, starting "with ..."; undefined
 * when the cookie comes back to every location.
 */
function nginxPathOutcome(u: NginxCookieUpstream, setting: string, by: string): string | undefined {
  const of = (l: NginxCookieLocation) => `${JSON.stringify(l.path)}${l.routed.regex ? ' (a regular expression)' : ''} ${onHost(l.host)} (Ingress ${nameOf(l.ingress.obj)})`;
  if (setting !== '') {
    if (!isCookiePath(setting)) {
      return `with ${JSON.stringify(setting)} (${by}), which does not start with "/", browsers give the cookie a Path of their own`;
    }
    const missed = [...new Set(u.locations.filter(l => !nginxCookiePathCovers(setting, l.routed)).map(of))];
    return missed.length === 0 ? undefined : `with ${JSON.stringify(setting)} (${by}), requests to ${missed.join(', ')} come without the cookie and are not kept on one pod`;
  }
  const never: string[] = [];
  const apart: string[] = [];
  for (const s of u.locations) {
    if (s.routed.regex) {
      never.push(`${JSON.stringify(s.path)} ${onHost(s.host)} (Ingress ${nameOf(s.ingress.obj)})`);
      continue;
    }
    for (const r of u.locations) {
      if (r.host === s.host && r.path !== s.path && !nginxCookiePathCovers(s.path, r.routed)) {
        apart.push(`Path ${JSON.stringify(s.path)} does not cover ${JSON.stringify(r.path)} ${onHost(s.host)}`);
      }
    }
  }
  const parts = [
    ...(never.length === 0 ? [] : [`the location${never.length > 1 ? 's' : ''} ${[...new Set(never)].join(', ')} set${never.length > 1 ? '' : 's'} a regular expression as Path, which browsers never match, so requests there are not kept on one pod`]),
    ...(apart.length === 0 ? [] : [`${[...new Set(apart)].join(', ')}, so a user is kept on a different pod under each location`]),
  ];
  return parts.length === 0 ? undefined : `with no Path (${by}), each location sets its own path as Path, and ${parts.join(', and ')}`;
}

/**
 * The Ingress ingress-nginx reads last of those that set an upstream's
 * cookie, when every one of them has a creationTimestamp: the latest, and of
 * equal times the first by namespace/name (store.go sortIngressSlice).
 */
function nginxReadLast(u: NginxCookieUpstream): Doc | undefined {
  const timed = [...u.settings.keys()].map(ing => ({ ing, at: Date.parse(String(ing.obj.metadata?.creationTimestamp ?? '')) }));
  if (timed.some(t => Number.isNaN(t.at))) {
    return undefined;
  }
  const id = (d: Doc) => `${namespaceOf(d.obj)}/${nameOf(d.obj)}`;
  // Equal times: the greater namespace/name first (compared as bytes, as Go compares strings).
  timed.sort((a, b) => (a.at !== b.at ? a.at - b.at : id(a.ing) > id(b.ing) ? -1 : id(a.ing) < id(b.ing) ? 1 : 0));
  return timed[timed.length - 1].ing;
}

/** Locations of one host and Service that an Ingress's cookie keeps apart. */
interface LocationsApart {
  readonly ingress: Doc;
  readonly host: string;
  readonly service: string;
  /** Every cookie location of the host and Service, in words. */
  readonly locations: string[];
  /** Each Path the Ingress's locations set, and the other locations it does not cover, in words. */
  readonly setters: ReadonlyArray<{ readonly cookiePath: string; readonly missed: readonly string[] }>;
}

/**
 * The ingress-nginx locations of one host and one upstream that keep a user
 * on different pods when no Ingress of the upstream sets session-cookie-path,
 * by the Ingress whose locations' cookies are too narrow: each location then
 * gives its cookie its own path as Path (`$location_path`, the path as
 * written), and a cookie set under one location does not cover another
 * location of the host, so a request there comes without it and the balancer
 * picks a pod afresh and sets another cookie. Ingresses of one host are
 * merged into one server, so their locations are taken together; a cookie is
 * not sent to another host. A regular expression as the Path is
 * nginx-regex-path-without-cookie-path's. Where the Ingresses of the upstream
 * set session-cookie-path alike, the per-Ingress check compares that Path
 * with their paths; where they differ, `nginxPathOrderDependent` tells.
 */
function nginxLocationsApart(upstreams: readonly NginxCookieUpstream[]): LocationsApart[] {
  const out: LocationsApart[] = [];
  for (const u of upstreams) {
    if ([...u.settings.values()].some(s => s !== '')) {
      continue;
    }
    for (const host of new Set(u.locations.map(l => l.host))) {
      const locations = u.locations.filter(l => l.host === host);
      // Ingress -> the Paths its locations set -> the other locations they do not cover
      const apart = new Map<Doc, Map<string, { cookiePath: string; missed: string[] }>>();
      for (const s of locations) {
        if (s.routed.regex || !isCookiePath(s.path)) {
          continue;
        }
        for (const r of locations) {
          // The same location: ingress-nginx keeps one of the same path.
          if (r.path === s.path || nginxCookiePathCovers(s.path, r.routed)) {
            continue;
          }
          const paths = apart.get(s.ingress) ?? new Map();
          const entry = paths.get(s.path) ?? { cookiePath: s.path, missed: [] };
          const shown = `${JSON.stringify(r.path)}${r.routed.regex ? ' (a regular expression)' : ''}${r.ingress === s.ingress ? '' : ` (Ingress ${nameOf(r.ingress.obj)})`}`;
          entry.missed = [...new Set([...entry.missed, shown])];
          paths.set(s.path, entry);
          apart.set(s.ingress, paths);
        }
      }
      for (const [ing, paths] of apart) {
        const shown = [...new Set(locations.map(l => `${JSON.stringify(l.path)}${l.ingress === ing ? '' : ` (Ingress ${nameOf(l.ingress.obj)})`}`))];
        out.push({ ingress: ing, host, service: u.service, locations: shown, setters: [...paths.values()] });
      }
    }
  }
  return out;
}

/**
 * The routes of an NGINX Plus VirtualServer whose requests an upstream's
 * sticky cookie, by its given Path, does not come back with, by upstream. A
 * route's path is an nginx location: a prefix (`/app`, matched character by
 * character), an exact match (`=/app`) or a regular expression (`~` or
 * `~*`), which nginx searches for anywhere in the path unless it begins with
 * `^`. A cookie without a Path, or without `enable: true`, is left out.
 *
 * @see https://docs.nginx.com/nginx-ingress-controller/configuration/virtualserver-and-virtualserverroute-resources/#virtualserverroute
 */
function virtualServerPathsNotCovered(doc: Doc): Array<{ upstream: string; path: string; routes: string[] }> {
  const obj = doc.obj;
  if (obj.kind !== 'VirtualServer' || typeof obj.apiVersion !== 'string' || !obj.apiVersion.startsWith(`${NGINX_CRD_GROUP}/`)) {
    return [];
  }
  const cookiePaths = new Map<string, string>();
  for (const upstream of asArray(obj.spec?.upstreams).filter(isObject)) {
    const cookie = isObject(upstream.sessionCookie) ? upstream.sessionCookie : undefined;
    if (typeof upstream.name === 'string' && cookie?.enable === true && typeof cookie.path === 'string' && cookie.path !== '') {
      cookiePaths.set(upstream.name, cookie.path);
    }
  }
  const missed = new Map<string, string[]>();
  for (const route of asArray(obj.spec?.routes).filter(isObject)) {
    if (typeof route.path !== 'string' || route.path === '') {
      continue;
    }
    for (const upstream of new Set(passesOf(route))) {
      const cookiePath = cookiePaths.get(upstream);
      if (cookiePath !== undefined && !virtualServerPathCovered(cookiePath, route.path)) {
        missed.set(upstream, [...(missed.get(upstream) ?? []), JSON.stringify(route.path)]);
      }
    }
  }
  return [...missed].map(([upstream, routes]) => ({ upstream, path: cookiePaths.get(upstream)!, routes }));
}

/** The upstreams a VirtualServer route passes requests to: its action's, its splits', its matches'. */
function passesOf(route: { [key: string]: any }): string[] {
  const actions = [route.action, ...asArray(route.splits).map((s: any) => s?.action)];
  for (const match of asArray(route.matches).filter(isObject)) {
    actions.push(match.action, ...asArray(match.splits).map((s: any) => s?.action));
  }
  return actions.filter(isObject).map(a => a.pass).filter((pass): pass is string => typeof pass === 'string');
}

/** Whether a cookie of Path `cookiePath` comes back with every request a VirtualServer route path routes. */
function virtualServerPathCovered(cookiePath: string, routePath: string): boolean {
  if (routePath.startsWith('=')) {
    return cookiePathMatches(routePath.slice(1), cookiePath);
  }
  const regex = /^~\*?\s*/.exec(routePath);
  if (regex === null) {
    return cookiePathCovers(cookiePath, { path: routePath, regex: false, elementWise: false });
  }
  const expression = routePath.slice(regex[0].length);
  // Not anchored: nginx searches the whole path for it, so only the Path / covers it.
  return expression.startsWith('^') ? nginxCookiePathCovers(cookiePath, { path: expression, regex: true }) : cookiePath === '/';
}
