// The fate of each ingress-nginx cookie annotation, per target: written once
// for the renderers (which write what is carried) and the report.
import { MigrationFate, MigrationGatewayApi, MigrationTarget } from './model';
import { SourceCookie } from './source';
import { CONTOUR, GKE_GATEWAY } from './target-facts';
import { COOKIE_MAX_AGE_MAX_SECONDS } from '../facts/cookie';
import { GATEWAY_DURATION_MAX_SECONDS, SESSION_NAME_MAX_LENGTH } from '../facts/gateway-api';
import { NGINX_AFFINITY_ANNOTATIONS as A, NGINX_AFFINITY_COOKIE, NGINX_COOKIE_NAME_PATTERN, NGINX_DEFAULT_AFFINITY_MODE, NGINX_DEFAULT_COOKIE_NAME, isNginxCookieSeconds } from '../facts/ingress-nginx';

/** A fate and what the note says about it. */
export interface Fate {
  readonly fate: MigrationFate;
  readonly detail: string;
}

const carried = (detail: string): Fate => ({ fate: MigrationFate.CARRIED, detail });
const approximated = (detail: string): Fate => ({ fate: MigrationFate.APPROXIMATED, detail });
const dropped = (detail: string): Fate => ({ fate: MigrationFate.DROPPED, detail });

/** The cookie annotations a fate is given for, in report order. */
export const COOKIE_ANNOTATIONS: readonly string[] = [
  A.affinity, A.affinityMode, A.affinityCanaryBehavior, A.name, A.path, A.domain, A.sameSite,
  A.conditionalSameSiteNone, A.secure, A.maxAge, A.expires, A.changeOnFailure,
];

/** Human name of each target's object that holds the cookie. */
export const HOLDER: { [t in MigrationTarget]: string } = {
  [MigrationTarget.GATEWAY_API]: 'HTTPRoute sessionPersistence',
  [MigrationTarget.ENVOY_GATEWAY]: 'BackendTrafficPolicy consistentHash.cookie',
  [MigrationTarget.ISTIO]: 'DestinationRule consistentHash.httpCookie',
  [MigrationTarget.KONG]: 'KongUpstreamPolicy stickySessions',
  [MigrationTarget.GKE]: 'GCPBackendPolicy sessionAffinity',
  [MigrationTarget.TRAEFIK]: 'IngressRoute sticky.cookie',
  [MigrationTarget.CONTOUR]: 'HTTPProxy loadBalancerPolicy',
  [MigrationTarget.NGINX_PLUS]: 'VirtualServer upstream sessionCookie',
};

/**
 * Why a target's weighted split moves a returning client between a main
 * Ingress's backend and its canary's, where ingress-nginx, with
 * affinity-canary-behavior sticky (its default), keeps a cookie holder on the
 * one it reached (its cookie names the backend that set it); none where the
 * target keeps the client there too: the Gateway API's sessionPersistence
 * (GEP-1619: persistence to one backend overrides the split's weights) and
 * Envoy Gateway (from v1.9 its cookie hash also picks among weighted
 * backendRefs, use_hash_policy). Kong is not listed: not checked.
 */
export const SPLIT_PER_REQUEST: { readonly [t in MigrationTarget]?: string } = {
  // An IngressRoute's services are a weighted round robin of their own, without a cookie
  // (only a TraefikService `weighted.sticky.cookie` has one).
  [MigrationTarget.TRAEFIK]: 'an IngressRoute picks among its weighted services at every request (only a TraefikService weighted with sticky.cookie keeps the pick)',
  // Envoy picks a weighted cluster at random per request, before the cluster's cookie hash (istio/istio#9764).
  [MigrationTarget.ISTIO]: 'Envoy picks the weighted backend at every request, before the DestinationRule\'s cookie hash',
  // An HTTPProxy's weighted services are Envoy weighted clusters, likewise.
  [MigrationTarget.CONTOUR]: 'Envoy picks the weighted service at every request, before the cookie hash',
  // Google's WeightedBackendService: with session affinity, the weighted split takes precedence.
  [MigrationTarget.GKE]: 'GKE\'s load balancer lets the weighted split take precedence over the backend service\'s session affinity',
  // The VirtualServer's splits are split_clients on $request_id.
  [MigrationTarget.NGINX_PLUS]: 'a VirtualServer\'s splits draw at every request (split_clients on $request_id)',
};

/** Whether the target's cookie is a consistent hash (Envoy's ring), not a pinned backend. */
function hashes(target: MigrationTarget): boolean {
  return [MigrationTarget.ENVOY_GATEWAY, MigrationTarget.ISTIO, MigrationTarget.CONTOUR].includes(target);
}

/** Gateway API `absoluteTimeout`, Envoy's and Istio's `ttl`: the longest lifetime each holds. */
function lifetimeLimit(target: MigrationTarget): number | undefined {
  switch (target) {
    case MigrationTarget.GATEWAY_API:
    case MigrationTarget.ENVOY_GATEWAY:
      return GATEWAY_DURATION_MAX_SECONDS;
    case MigrationTarget.GKE:
      return GKE_GATEWAY.cookieTtlMaxSeconds;
    default:
      return undefined;
  }
}

/** The cookie lifetime written for the target (seconds), or `undefined` for none. */
export function writtenLifetime(target: MigrationTarget, cookie: SourceCookie): number | undefined {
  if (cookie.lifetimeSeconds === undefined) {
    return undefined;
  }
  const limit = lifetimeLimit(target);
  return limit !== undefined ? Math.min(cookie.lifetimeSeconds, limit) : cookie.lifetimeSeconds;
}

/**
 * The fate of every cookie annotation present on an Ingress, for a target:
 * annotation key to fate. `cookie` is what ingress-nginx makes of them
 * (`undefined` without `affinity: cookie`); `setNowhere` says why
 * ingress-nginx sets that cookie on none of the Ingress's locations, when it
 * does not (only a default backend).
 */
export function cookieFates(
  target: MigrationTarget,
  annotations: { [key: string]: string },
  cookie: SourceCookie | undefined,
  gatewayApi: MigrationGatewayApi,
  setNowhere?: string,
): Map<string, Fate> {
  const out = new Map<string, Fate>();
  const present = COOKIE_ANNOTATIONS.filter(k => annotations[k] !== undefined);
  if (cookie && setNowhere !== undefined) {
    for (const k of present) {
      out.set(k, k === A.affinity
        ? dropped(`no affinity in the source: ${setNowhere}; no persistence written (route with a rule, such as path /, to get the cookie)`)
        : dropped('no affinity in the source (ingress-nginx sets the cookie on none of this Ingress\'s locations), so it changes nothing'));
    }
    return out;
  }
  if (!cookie) {
    const value = annotations[A.affinity];
    for (const k of present) {
      out.set(k, k === A.affinity
        ? dropped(`no affinity in the source: ingress-nginx acts only on '${NGINX_AFFINITY_COOKIE}', not ${JSON.stringify(value)}; no persistence written`)
        : dropped(`no affinity in the source (affinity is not '${NGINX_AFFINITY_COOKIE}'), so ingress-nginx ignores it`));
    }
    return out;
  }
  const holder = HOLDER[target];
  const main = target === MigrationTarget.GATEWAY_API && gatewayApi === MigrationGatewayApi.MAIN;
  const noField = (what: string): Fate => dropped(`${holder} has no ${what} field`);
  // affinity-mode left out is ingress-nginx's default, balanced, whose fate is the same as written.
  const reported = COOKIE_ANNOTATIONS.filter(k => annotations[k] !== undefined || k === A.affinityMode);
  for (const k of reported) {
    const value = annotations[k];
    let fate: Fate;
    switch (k) {
      case A.affinity:
        fate = carried(`cookie affinity: ${holder}`);
        if (target === MigrationTarget.KONG) {
          fate = carried(`cookie affinity: ${holder} (Kong Gateway Enterprise only: stickySessions needs it)`);
        } else if (target === MigrationTarget.NGINX_PLUS) {
          fate = carried(`cookie affinity: ${holder} (NGINX Plus only)`);
        } else if (annotations[A.name] === undefined && (target === MigrationTarget.GKE || target === MigrationTarget.CONTOUR)) {
          const own = target === MigrationTarget.GKE ? GKE_GATEWAY.cookieName : CONTOUR.cookieName;
          fate = approximated(`cookie affinity: ${holder}; the cookie is named ${own}, not ingress-nginx's ${NGINX_DEFAULT_COOKIE_NAME}`);
        }
        break;
      case A.name:
        if (!NGINX_COOKIE_NAME_PATTERN.test(value)) {
          fate = dropped(`ingress-nginx refuses this name and writes ${NGINX_DEFAULT_COOKIE_NAME}; so does the output`);
        } else if (target === MigrationTarget.GKE) {
          fate = dropped(`GKE's load balancer names its cookie ${GKE_GATEWAY.cookieName}; no field renames it`);
        } else if (target === MigrationTarget.CONTOUR) {
          fate = dropped(`Contour names its cookie ${CONTOUR.cookieName}; no field renames it`);
        } else if (target === MigrationTarget.GATEWAY_API && !main && value.length > SESSION_NAME_MAX_LENGTH) {
          fate = dropped(`sessionName takes at most ${SESSION_NAME_MAX_LENGTH} characters`);
        } else {
          const field = main ? 'cookie.name' : target === MigrationTarget.GATEWAY_API ? 'sessionName' : target === MigrationTarget.KONG ? 'cookie' : 'name';
          fate = carried(`${holder} ${field} ${value}`);
        }
        break;
      case A.path:
        if (target === MigrationTarget.GATEWAY_API && !main) {
          fate = dropped('sessionPersistence has no cookie path at v1.6.1 (the implementation scopes the cookie to the route; --gateway-api main writes cookie.path)');
        } else if ([MigrationTarget.GKE].includes(target)) {
          fate = noField('cookie path');
        } else if (target === MigrationTarget.CONTOUR) {
          fate = carried(`cookieRewritePolicies ${CONTOUR.cookieName} pathRewrite ${value}`);
        } else if (target === MigrationTarget.ENVOY_GATEWAY) {
          fate = carried(`cookie attribute Path=${value}`);
        } else {
          fate = carried(`${holder} ${target === MigrationTarget.KONG ? 'cookiePath' : 'path'} ${value}`);
        }
        break;
      case A.domain:
      case A.sameSite:
      case A.secure: {
        const what = k === A.domain ? 'Domain' : k === A.sameSite ? 'SameSite' : 'Secure';
        const secureOff = k === A.secure && cookie.secure === false;
        if (k === A.sameSite && cookie.sameSite === undefined) {
          fate = dropped(`ingress-nginx writes only None, Lax or Strict, not ${JSON.stringify(value)}`);
        } else if (secureOff) {
          // ingress-nginx omits a false Secure from the balancer's config: as
          // if unset, its sticky.lua then marks the cookie Secure on HTTPS
          // requests. Where requests come over HTTPS, another note says so.
          fate = carried(`${JSON.stringify(value)} is the same as unset for ingress-nginx: the cookie is Secure on requests over HTTPS only`);
        } else if ([MigrationTarget.GATEWAY_API, MigrationTarget.KONG, MigrationTarget.GKE].includes(target)) {
          fate = noField(what);
        } else if (target === MigrationTarget.CONTOUR) {
          fate = carried(`cookieRewritePolicies ${CONTOUR.cookieName} ${k === A.domain ? 'domainRewrite' : k === A.sameSite ? 'sameSite' : 'secure'}`);
        } else if (target === MigrationTarget.ENVOY_GATEWAY || target === MigrationTarget.ISTIO) {
          fate = carried(`cookie attribute ${what}${k === A.secure ? '' : `=${k === A.domain ? cookie.domain : cookie.sameSite}`}`);
        } else {
          fate = carried(`${holder} ${k === A.domain ? 'domain' : k === A.sameSite ? (target === MigrationTarget.NGINX_PLUS ? 'samesite' : 'sameSite') : 'secure'}`);
        }
        break;
      }
      case A.conditionalSameSiteNone:
        fate = dropped('no target leaves SameSite=None out for browsers that refuse it; test old clients');
        break;
      case A.maxAge:
      case A.expires: {
        const seconds = isNginxCookieSeconds(value) ? Number(value) : undefined;
        const otherIsMaxAge = k === A.expires && annotations[A.maxAge] !== undefined && isNginxCookieSeconds(annotations[A.maxAge]);
        if (seconds === undefined) {
          fate = dropped('not whole seconds; ingress-nginx ignores it');
        } else if (otherIsMaxAge) {
          fate = approximated('ingress-nginx writes both Expires and Max-Age; browsers keep Max-Age, which is what is written');
        } else if (target === MigrationTarget.KONG) {
          fate = dropped(`${holder} has no cookie lifetime field; Kong writes a session cookie`);
        } else if (target === MigrationTarget.CONTOUR) {
          fate = dropped('Contour writes a session cookie; no field sets its lifetime');
        } else {
          const written = writtenLifetime(target, cookie)!;
          const where = {
            [MigrationTarget.GATEWAY_API]: `absoluteTimeout with ${main ? 'cookie' : 'cookieConfig'}.lifetimeType Permanent`,
            [MigrationTarget.ENVOY_GATEWAY]: 'ttl',
            [MigrationTarget.ISTIO]: 'ttl',
            [MigrationTarget.GKE]: 'cookieTtlSec',
            [MigrationTarget.TRAEFIK]: 'maxAge',
            [MigrationTarget.NGINX_PLUS]: 'expires',
          }[target as string] ?? 'lifetime';
          if (written < seconds) {
            fate = approximated(`${where} ${written}s, the longest the target takes (asked: ${seconds}s)`);
          } else if (seconds > COOKIE_MAX_AGE_MAX_SECONDS) {
            fate = approximated(`${where} ${seconds}s; browsers cap a cookie at 400 days`);
          } else {
            fate = carried(`${where} ${seconds}s`);
          }
        }
        break;
      }
      case A.affinityMode: {
        const unset = value === undefined ? `not set (${NGINX_DEFAULT_AFFINITY_MODE}, the default): ` : '';
        // The controller trims the value; anything but persistent is balanced.
        const persistent = value?.trim() === 'persistent';
        if (persistent && !hashes(target)) {
          fate = carried(`${holder} keeps a client on its pod when pods are added, as persistent does`);
        } else if (persistent) {
          fate = approximated('a consistent hash keeps most clients when pods are added, but moves about 1/n of them');
        } else if (hashes(target)) {
          fate = approximated(`${unset}balanced moves sessions when pods are added; a consistent hash moves about 1/n of them`);
        } else {
          fate = approximated(`${unset}${holder} keeps every client on its pod when pods are added; balanced would move some`);
        }
        break;
      }
      case A.changeOnFailure:
        fate = value.trim().toLowerCase() === 'true'
          ? approximated('no field: the target moves a client only when its pod is gone or unhealthy, not after one failed request')
          : carried('the target keeps a client on its pod after a failed request');
        break;
      case A.affinityCanaryBehavior: {
        const perRequest = SPLIT_PER_REQUEST[target];
        if (value === 'legacy') {
          fate = perRequest
            ? carried(`${perRequest}, as legacy picks main or canary at every request`)
            : dropped('the target does not forget the canary choice per request; clients stay where their cookie sends them');
        } else {
          fate = perRequest
            ? approximated(`${perRequest}: a client moves between main and canary, where sticky keeps it on the one its cookie names`)
            : approximated('clients stay on the backend their cookie names, canary or not; weights decide only for new clients');
        }
        break;
      }
      default:
        fate = dropped('not read');
    }
    out.set(k, fate);
  }
  return out;
}
