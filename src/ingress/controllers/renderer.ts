import { IAnyProducer, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { AffinityCookie, SameSite } from '../../cookie/affinity-cookie';
import { propError } from '../../errors';
import { describeSeconds } from '../../units';
import type { IngressControllerBindOptions, IngressControllerConfig } from '../controller';
import type { CookieAffinityIngress } from '../cookie-affinity-ingress';

/**
 * One controller's renderer: what a factory of `IngressController` wraps.
 * Adding a controller is one file exporting one of these, and one factory.
 */
export interface ControllerRenderer {
  readonly name: string;
  readonly ingressClassName?: string;
  bind(scope: Construct, options: IngressControllerBindOptions): IngressControllerConfig;
}

/** A cookie field as a user reads it in an error. */
export function describeCookieField(cookie: AffinityCookie, field: keyof AffinityCookie): string {
  const value = cookie[field];
  if (field === 'maxAge' && cookie.maxAge !== undefined) {
    return describeSeconds(cookie.maxAge);
  }
  return typeof value === 'string' && field !== 'sameSite' ? JSON.stringify(value) : String(value);
}

/**
 * Refuses the cookie fields a controller cannot express, when the user set
 * them: a renderer never drops a given field without a word.
 *
 * @param reasons why each field cannot be set, by field
 */
export function refuseGiven(
  ingress: CookieAffinityIngress,
  controller: string,
  reasons: Partial<Record<keyof AffinityCookie, string>>,
): void {
  for (const key in reasons) {
    const field = key as keyof AffinityCookie;
    const reason = reasons[field];
    if (ingress.cookie[field] !== undefined) {
      throw propError(ingress, `cookie.${field}`, describeCookieField(ingress.cookie, field),
        `cannot be set with ${controller}: ${reason}`);
    }
  }
}

/**
 * Why each of `fields` cannot be set with a controller: `why`, then to leave
 * the field out (a table for `refuseGiven`, made once per controller module).
 */
export function leaveOut(why: string, fields: ReadonlyArray<keyof AffinityCookie>): Partial<Record<keyof AffinityCookie, string>> {
  const reasons: Partial<Record<keyof AffinityCookie, string>> = {};
  for (const field of fields) {
    reasons[field] = `${why}; leave '${field}' out`;
  }
  return reasons;
}

/**
 * An annotation value decided at synth: `secure` when the Ingress's cookie is
 * then Secure (TLS may be added after construction), else `notSecure` (where
 * `undefined` leaves the annotation out). One small object per Ingress.
 */
export function secureAnnotation(ingress: CookieAffinityIngress, secure: string, notSecure?: string): string {
  return Lazy.any(new SecureValue(ingress, secure, notSecure));
}

class SecureValue implements IAnyProducer {
  public constructor(private readonly ingress: CookieAffinityIngress, private readonly secure: string, private readonly notSecure?: string) {}

  public produce(): string | undefined {
    return this.ingress.resolveCookie().secure ? this.secure : this.notSecure;
  }
}

/** SameSite as Traefik writes it, lower case (one string each, not one per Ingress). */
export const SAME_SITE_LOWER_CASE: { readonly [value in SameSite]: string } = {
  [SameSite.STRICT]: 'strict',
  [SameSite.LAX]: 'lax',
  [SameSite.NONE]: 'none',
};
