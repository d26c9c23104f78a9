/**
 * Gateway API `sessionPersistence` as its `main` branch has it (after v1.6.1,
 * in no release yet): `sessionName` and `cookieConfig` are gone, `cookie`
 * carries `name`, `path` and `lifetimeType`, and `header.name` names a
 * header. Pure: no imports.
 *
 * @see https://github.com/kubernetes-sigs/gateway-api/blob/4564255ac2c35d582249b3cdf261bdf51c8bca32/config/crd/experimental/gateway.networking.k8s.io_httproutes.yaml
 * @see https://github.com/kubernetes-sigs/gateway-api/pull/4873
 * @see https://github.com/kubernetes-sigs/gateway-api/pull/5046
 */

/** The `main` commit whose CRDs the output is checked against. */
export const GATEWAY_API_MAIN_COMMIT = '4564255ac2c35d582249b3cdf261bdf51c8bca32';

/** `cookie.name`: at most 256 characters, an RFC 6265 token (the CRD's pattern). */
export const MAIN_COOKIE_NAME_MAX_LENGTH = 256;

/** The CRD's pattern for `cookie.name` and `header.name`. */
export const MAIN_COOKIE_NAME_PATTERN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** `cookie.path`: at most 1024 characters, default "/". */
export const MAIN_COOKIE_PATH_MAX_LENGTH = 1024;

/** The CRD's CEL messages on `sessionPersistence` at `main`. */
export const MAIN_SESSION_PERSISTENCE_CEL_MESSAGES = {
  permanentNeedsTimeout: 'AbsoluteTimeout must be specified when cookie lifetimeType is Permanent',
  cookieOnlyWithCookieType: 'cookie must be nil if type is not Cookie',
  cookieTypeNeedsCookie: 'cookie must be specified for Cookie type',
  headerOnlyWithHeaderType: 'header must be nil if type is not Header',
  headerTypeNeedsHeader: 'header must be specified for Header type',
} as const;

/**
 * Whether `sessionPersistence` in the `main` shape breaks one of the CRD's
 * five CEL rules; returns the CRD's own message, or `undefined`. `type`
 * defaults to Cookie, so `{}` is refused: the shortest cookie form is
 * `{cookie: {}}`.
 */
export function mainSessionPersistenceProblem(
  sp: { type?: string; absoluteTimeout?: string; cookie?: { lifetimeType?: string }; header?: object },
): string | undefined {
  const type = sp.type ?? 'Cookie';
  const m = MAIN_SESSION_PERSISTENCE_CEL_MESSAGES;
  if (sp.cookie?.lifetimeType === 'Permanent' && sp.absoluteTimeout === undefined) {
    return m.permanentNeedsTimeout;
  }
  if (sp.cookie !== undefined && type !== 'Cookie') {
    return m.cookieOnlyWithCookieType;
  }
  if (type === 'Cookie' && sp.cookie === undefined) {
    return m.cookieTypeNeedsCookie;
  }
  if (sp.header !== undefined && type !== 'Header') {
    return m.headerOnlyWithHeaderType;
  }
  if (type === 'Header' && sp.header === undefined) {
    return m.headerTypeNeedsHeader;
  }
  return undefined;
}
