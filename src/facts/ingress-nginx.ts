import { groupOf, ingressBackendRefs, manifestAnnotations, manifestName } from './manifests';
import type { FrontDetector } from '../doctor/fronts';

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
 * ingress-nginx gives cookie affinity to the backends of an Ingress that
 * asks for `affinity: cookie` (and only to that Ingress's paths).
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
    if (manifestAnnotations(ingress)[NGINX_AFFINITY_ANNOTATIONS.affinity] !== NGINX_AFFINITY_COOKIE) {
      return [];
    }
    const via = `Ingress ${manifestName(ingress)}`;
    return ingressBackendRefs(ingress).map(ref => ({
      namespace: context.namespace, name: ref.name, port: ref.port, affinity: `ingress-nginx cookie affinity on ${via}`, via,
    }));
  },
};
