// The cookie objects of the Envoy-based targets, from the source cookie.
import { SourceCookie } from './source';
import { ENVOY_COOKIE_ATTRIBUTES, ENVOY_SESSION_COOKIE_TTL } from '../facts/envoy-gateway';
import { gatewayDuration } from '../facts/gateway-api';
import { ISTIO_SESSION_COOKIE_TTL, protobufDuration } from '../facts/istio';

/**
 * Envoy Gateway's `consistentHash.cookie`: a `ttl` always (without one Envoy
 * writes no cookie), the attributes it has no field for as `attributes`.
 */
export function envoyCookie(cookie: SourceCookie, lifetime: number | undefined): { [key: string]: any } {
  const attributes: { [key: string]: string } = {};
  if (cookie.path !== undefined) {
    attributes[ENVOY_COOKIE_ATTRIBUTES.path] = cookie.path;
  }
  if (cookie.domain !== undefined) {
    attributes[ENVOY_COOKIE_ATTRIBUTES.domain] = cookie.domain;
  }
  if (cookie.sameSite !== undefined) {
    attributes[ENVOY_COOKIE_ATTRIBUTES.sameSite] = cookie.sameSite;
  }
  if (cookie.secure) {
    attributes[ENVOY_COOKIE_ATTRIBUTES.secure] = '';
  }
  return {
    name: cookie.name,
    ttl: lifetime !== undefined ? gatewayDuration(lifetime) ?? ENVOY_SESSION_COOKIE_TTL : ENVOY_SESSION_COOKIE_TTL,
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
  };
}

/** Istio's `consistentHash.httpCookie`: `path` and `ttl` as fields, the rest as `attributes`. */
export function istioCookie(cookie: SourceCookie, lifetime: number | undefined): { [key: string]: any } {
  const attributes: Array<{ name: string; value?: string }> = [];
  if (cookie.sameSite !== undefined) {
    attributes.push({ name: 'SameSite', value: cookie.sameSite });
  }
  if (cookie.domain !== undefined) {
    attributes.push({ name: 'Domain', value: cookie.domain });
  }
  if (cookie.secure) {
    attributes.push({ name: 'Secure' });
  }
  return {
    name: cookie.name,
    ...(cookie.path !== undefined ? { path: cookie.path } : {}),
    ttl: lifetime !== undefined ? protobufDuration(lifetime) ?? ISTIO_SESSION_COOKIE_TTL : ISTIO_SESSION_COOKIE_TTL,
    ...(attributes.length > 0 ? { attributes } : {}),
  };
}
