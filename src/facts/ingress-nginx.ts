import { RoutedPath, cookiePathCovers } from './cookie';
import { nginxClusterIpUpstream } from './ingress-upstreams';
import { groupOf, ingressBackendRefs, manifestAnnotations, manifestName } from './manifests';
import type { FrontDetector, NotCounted } from '../doctor/fronts';

/**
 * What ingress-nginx reads for cookie affinity, written once for the nginx
 * renderer and the doctor. Pure: no imports.
 *
 * @see https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#session-affinity
 */

/** Prefix of every ingress-nginx annotation (the controller's default `--annotations-prefix`). */
export const NGINX_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io/';

/** The cookie-affinity annotations, by what they set. */
export const NGINX_AFFINITY_ANNOTATIONS = {
  affinity: `${NGINX_ANNOTATION_PREFIX}affinity`,
  affinityMode: `${NGINX_ANNOTATION_PREFIX}affinity-mode`,
  affinityCanaryBehavior: `${NGINX_ANNOTATION_PREFIX}affinity-canary-behavior`,
  name: `${NGINX_ANNOTATION_PREFIX}session-cookie-name`,
  secure: `${NGINX_ANNOTATION_PREFIX}session-cookie-secure`,
  path: `${NGINX_ANNOTATION_PREFIX}session-cookie-path`,
  domain: `${NGINX_ANNOTATION_PREFIX}session-cookie-domain`,
  sameSite: `${NGINX_ANNOTATION_PREFIX}session-cookie-samesite`,
  conditionalSameSiteNone: `${NGINX_ANNOTATION_PREFIX}session-cookie-conditional-samesite-none`,
  expires: `${NGINX_ANNOTATION_PREFIX}session-cookie-expires`,
  maxAge: `${NGINX_ANNOTATION_PREFIX}session-cookie-max-age`,
  changeOnFailure: `${NGINX_ANNOTATION_PREFIX}session-cookie-change-on-failure`,
} as const;

/**
 * The only `affinity` value ingress-nginx acts on; any other value is read as
 * "no affinity", without a warning.
 */
export const NGINX_AFFINITY_COOKIE = 'cookie';

/**
 * `affinity-mode` values: `balanced` (the default) or `persistent`. The
 * controller's validator accepts only these (case-sensitive, spaces trimmed);
 * any other value is logged and dropped, and the Ingress gets `balanced`.
 * `persistent-drainable` was proposed but never merged or released.
 *
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/annotations/sessionaffinity/main.go
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/annotations/parser/validators.go
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer.lua (sticky_persistent only for "persistent")
 * @see https://github.com/kubernetes/ingress-nginx/pull/13480 (persistent-drainable, open, in no release up to controller-v1.15.1)
 */
export const NGINX_AFFINITY_MODES = ['balanced', 'persistent'] as const;

/** The `affinity-mode` an Ingress gets without the annotation (or with a value the controller drops). */
export const NGINX_DEFAULT_AFFINITY_MODE = 'balanced';

/** Whether the controller takes an `affinity-mode` value (anything else is read as `balanced`). */
export function isNginxAffinityMode(value: string): boolean {
  return (NGINX_AFFINITY_MODES as readonly string[]).includes(value.trim());
}

/**
 * `use-regex: "true"` makes every path of the host, on every Ingress of
 * that host, a regular expression; so does `rewrite-target` on any of them.
 * The affinity cookie's Path is then the path as written, a regular
 * expression no browser matches, unless `session-cookie-path` sets it.
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#use-regex
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#cookie-affinity
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer/sticky.lua
 */
export const NGINX_REGEX_ANNOTATIONS = {
  useRegex: `${NGINX_ANNOTATION_PREFIX}use-regex`,
  rewriteTarget: `${NGINX_ANNOTATION_PREFIX}rewrite-target`,
} as const;

/** Characters that make a path a regular expression rather than a literal prefix (`.` is left out: literal paths have dots). */
export const REGEX_PATH_CHARACTERS = /[\^$*+?()[\]{}|\\]/;

/**
 * A canary Ingress (`canary: "true"`) shares the main Ingress's host and
 * path and, by default (`affinity-canary-behavior: sticky`), its affinity.
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary
 */
export const NGINX_CANARY_ANNOTATION = `${NGINX_ANNOTATION_PREFIX}canary`;

/**
 * The annotation that named an Ingress's class before `spec.ingressClassName`.
 *
 * @see https://kubernetes.io/docs/concepts/services-networking/ingress/#deprecated-annotation
 */
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/**
 * The strings Go's `strconv.ParseBool` reads as true; ingress-nginx parses
 * its boolean annotations with it.
 *
 * @see https://pkg.go.dev/strconv#ParseBool
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/annotations/parser/main.go
 */
export const GO_PARSE_BOOL_TRUE: readonly string[] = ['1', 't', 'T', 'TRUE', 'true', 'True'];

/**
 * ingress-nginx marks the affinity cookie `Secure` on every HTTPS request,
 * whatever `session-cookie-secure` says: the controller leaves a false value
 * out of the backend's configuration (`secure,omitempty`), and the Lua
 * balancer then takes `Secure` from nginx's `$https`. The annotation adds
 * `Secure` on plain HTTP too.
 *
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/pkg/apis/ingress/types.go
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer/sticky.lua
 */
export const NGINX_COOKIE_SECURE_ON_HTTPS = true;

/** Whether ingress-nginx reads a boolean annotation's value as true. */
export function isNginxTrue(value: string | undefined): boolean {
  return value !== undefined && GO_PARSE_BOOL_TRUE.includes(value);
}

/**
 * Whether ingress-nginx reads the paths of an Ingress with these annotations
 * as regular expressions: `use-regex: "true"`, or any `rewrite-target` (on
 * one Ingress of a host, it makes every path of the host one).
 */
export function nginxPathsAreRegex(annotations: { readonly [key: string]: string | undefined }): boolean {
  return isNginxTrue(annotations[NGINX_REGEX_ANNOTATIONS.useRegex]) || (annotations[NGINX_REGEX_ANNOTATIONS.rewriteTarget] ?? '') !== '';
}

/**
 * An Ingress path as an ingress-nginx location routes it, for a cookie Path
 * to cover: where the host's paths are regular expressions
 * (`nginxPathsAreRegex` on an Ingress of the host), a path holding one of
 * REGEX_PATH_CHARACTERS is one, known by its literal start; any other path is
 * a prefix, matched element by element when its pathType is Prefix.
 */
export function nginxRoutedPath(path: string, pathType: string | undefined, pathsAreRegex: boolean): RoutedPath {
  return pathsAreRegex && REGEX_PATH_CHARACTERS.test(path)
    ? { path, regex: true }
    : { path, regex: false, elementWise: pathType === 'Prefix' };
}

/**
 * Whether a browser sends ingress-nginx's cookie of Path `cookiePath` with
 * every request a location (as `nginxRoutedPath` gives it) routes: the one
 * judgement the doctor's cookie-path-not-covering-route and affinity-migrate
 * make of an Ingress's session-cookie-path.
 */
export function nginxCookiePathCovers(cookiePath: string, routed: RoutedPath): boolean {
  return cookiePathCovers(cookiePath, routed, REGEX_PATH_CHARACTERS);
}

/** `session-cookie-samesite` values the controller writes as they are. */
export const NGINX_SAMESITE_VALUES = ['None', 'Lax', 'Strict'] as const;

/** The cookie name ingress-nginx uses when `session-cookie-name` is not set. */
export const NGINX_DEFAULT_COOKIE_NAME = 'INGRESSCOOKIE';

/**
 * Whether a `session-cookie-max-age` or `-expires` value is what the
 * controller means to take: whole seconds, digits only. (Its own check is
 * looser and lets `0abc` through, which then misbehaves.)
 */
export function isNginxCookieSeconds(value: string): boolean {
  return /^[0-9]+$/.test(value) && Number(value) > 0;
}

/**
 * Characters ingress-nginx lets through in `session-cookie-name` (its
 * `BasicCharsRegex`: letters, digits, `-` `.` `_` `~` `/` `:`), narrowed to
 * those RFC 6265 also allows in a name (`/` and `:` are separators). A name
 * outside it is dropped by the annotation validator and `INGRESSCOOKIE` used.
 *
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/annotations/sessionaffinity/main.go
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/annotations/parser/validators.go
 */
export const NGINX_COOKIE_NAME_PATTERN = /^[-._~A-Za-z0-9]+$/;

/**
 * Characters ingress-nginx lets through in `session-cookie-path` (its
 * `URLIsValidRegex`: letters, digits, `-` `.` `_` `~` `/` `:` `?` `&` `=`).
 */
export const NGINX_COOKIE_PATH_PATTERN = /^[-._~A-Za-z0-9/:?&=]+$/;

/**
 * Characters ingress-nginx lets through in `session-cookie-domain` (its
 * `BasicCharsRegex`). Every domain the cookie model accepts fits it.
 */
export const NGINX_COOKIE_DOMAIN_PATTERN = /^[-._~A-Za-z0-9/:]+$/;

/**
 * ingress-nginx writes every affinity cookie `HttpOnly`; no annotation turns
 * it off. On HTTPS requests it also marks it `Secure`, whatever
 * `session-cookie-secure` says; the annotation adds `Secure` on plain HTTP.
 *
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer/sticky.lua
 */
export const NGINX_COOKIE_ALWAYS_HTTP_ONLY = true;

/**
 * `upstream-hash-by`: ingress-nginx picks each request's pod by a consistent
 * hash of this nginx variable (cookie affinity, when set too, wins). Hashed
 * on the client's address it pins each client address to a pod, as a
 * Service's ClientIP does.
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#custom-nginx-upstream-hashing
 */
export const NGINX_UPSTREAM_HASH_BY_ANNOTATION = `${NGINX_ANNOTATION_PREFIX}upstream-hash-by`;

/**
 * `upstream-hash-by-subset: "true"` hashes each key to a subset of the pods
 * (`upstream-hash-by-subset-size`, 3 by default) and spreads its requests
 * over that subset, so a client is not kept on one pod.
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#custom-nginx-upstream-hashing
 */
export const NGINX_UPSTREAM_HASH_BY_SUBSET_ANNOTATION = `${NGINX_ANNOTATION_PREFIX}upstream-hash-by-subset`;

/**
 * The nginx variables that hold the client's address, as the controller sees
 * it (the peer of the connection, or the address the real-IP module restores
 * from a proxy header or the PROXY protocol).
 *
 * @see https://nginx.org/en/docs/http/ngx_http_core_module.html#var_remote_addr
 */
export const NGINX_CLIENT_ADDRESS_VARIABLES: readonly string[] = ['$remote_addr', '$binary_remote_addr'];

/**
 * What pins a client to a pod on an ingress-nginx Ingress, in words, and why
 * it pins nobody when the Ingress's own settings say so: cookie affinity, or
 * else a consistent hash on the client's address; undefined for neither.
 */
export function nginxAffinityOf(ingress: { [key: string]: any }): { affinity: string; notCounted?: NotCounted } | undefined {
  if (manifestAnnotations(ingress)[NGINX_AFFINITY_ANNOTATIONS.affinity] === NGINX_AFFINITY_COOKIE) {
    const clusterIp = nginxClusterIpUpstream(ingress);
    return { affinity: `ingress-nginx cookie affinity on Ingress ${manifestName(ingress)}`, ...(clusterIp !== undefined ? { notCounted: clusterIp } : {}) };
  }
  return nginxHashAffinityOf(ingress);
}

/**
 * The consistent hash on the client's address an ingress-nginx Ingress asks
 * for (`upstream-hash-by`), whether or not it asks for cookie affinity too,
 * in words, and why it pins nobody when the Ingress says so; undefined when
 * it asks for none. Where both are set the cookie wins, except on the
 * default backend, which gets the hash and no cookie.
 */
export function nginxHashAffinityOf(ingress: { [key: string]: any }): { affinity: string; notCounted?: NotCounted } | undefined {
  const annotations = manifestAnnotations(ingress);
  const via = `Ingress ${manifestName(ingress)}`;
  const clusterIp = nginxClusterIpUpstream(ingress);
  const notCounted = clusterIp !== undefined ? { notCounted: clusterIp } : {};
  const hashBy = (annotations[NGINX_UPSTREAM_HASH_BY_ANNOTATION] ?? '').trim();
  if (!NGINX_CLIENT_ADDRESS_VARIABLES.includes(hashBy)) {
    return undefined;
  }
  const affinity = `ingress-nginx client-IP hashing (upstream-hash-by ${hashBy}) on ${via}`;
  if (clusterIp === undefined && isNginxTrue(annotations[NGINX_UPSTREAM_HASH_BY_SUBSET_ANNOTATION])) {
    return {
      affinity,
      notCounted: {
        why: `${via} sets ${NGINX_UPSTREAM_HASH_BY_SUBSET_ANNOTATION}: "true", so each client address is hashed to a subset of the pods and its requests are spread over that subset`,
        fix: `remove ${NGINX_UPSTREAM_HASH_BY_SUBSET_ANNOTATION} from ${via}, so that each client address is hashed to one pod`,
      },
    };
  }
  return { affinity, ...notCounted };
}

/**
 * Why ingress-nginx's cookie affinity on an Ingress pins nobody who reaches
 * a Service through the Ingress's default backend (`spec.defaultBackend`),
 * and what would. The controller gives an upstream its cookie only for the
 * paths of the Ingress's rules, and sets the cookie only on those locations
 * (`getBackendServers` fills the upstream's `SessionAffinity` and
 * `CookieSessionAffinity.Locations` path by path; `createServers` makes the
 * default backend the catch-all server's `/` location, or each rule host's
 * fallback `/`, with `locationApplyAnnotations`, which carries no affinity).
 * `upstream-hash-by` is set on the default backend's upstream too
 * (`createUpstreams`): it is not concerned.
 *
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/controller/controller.go
 * @see https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer/sticky.lua (should_set_cookie)
 */
export function nginxDefaultBackendWithoutCookie(ingress: { [key: string]: any }, service: string): NotCounted {
  const via = `Ingress ${manifestName(ingress)}`;
  return {
    why: `${via} reaches Service ${service} through its default backend (spec.defaultBackend), which ingress-nginx gives no cookie affinity: it sets the cookie only on the paths of the Ingress's rules`,
    fix: `route the requests for Service ${service} with a rule of ${via} (path / on its host) rather than its default backend, so that ingress-nginx sets the cookie there`,
  };
}

/**
 * ingress-nginx gives cookie affinity to the backends of an Ingress that
 * asks for `affinity: cookie` (and only to that Ingress's paths: not to its
 * default backend), or hashes clients by address with `upstream-hash-by`.
 * With `service-upstream` its only upstream is the Service's cluster IP, and
 * neither pins a pod.
 *
 * @see https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/
 */
export const INGRESS_NGINX_DETECTOR: FrontDetector = {
  front: 'ingress-nginx',
  kinds: ['Ingress'],
  detect(ingress, context) {
    if (groupOf(ingress) !== 'networking.k8s.io' && groupOf(ingress) !== 'extensions') {
      return [];
    }
    const found = nginxAffinityOf(ingress);
    if (found === undefined) {
      return [];
    }
    const via = `Ingress ${manifestName(ingress)}`;
    const refs = ingressBackendRefs(ingress);
    const cookie = manifestAnnotations(ingress)[NGINX_AFFINITY_ANNOTATIONS.affinity] === NGINX_AFFINITY_COOKIE;
    // The default backend never gets the cookie; it gets the Ingress's client-address hash, if it asks for one.
    const defaultBackend = cookie && refs.some(ref => ref.defaultBackend === true) ? nginxHashAffinityOf(ingress) : found;
    return refs.map(ref => ({
      namespace: context.namespace,
      name: ref.name,
      port: ref.port,
      ...(ref.defaultBackend !== true ? found
        : defaultBackend ?? { ...found, notCounted: nginxDefaultBackendWithoutCookie(ingress, ref.name) }),
      via,
    }));
  },
};
