import { GkeBackendConfig } from './gke-backend-config';
import { ControllerRenderer, leaveOut, refuseGiven } from './renderer';
import { propError } from '../../errors';
import {
  GKE_BACKEND_CONFIG_ANNOTATION,
  GKE_COOKIE_NAME,
  GKE_COOKIE_TTL_MAX_SECONDS,
  GKE_GENERATED_COOKIE,
  GKE_INGRESS_CLASS_ANNOTATION,
  GKE_NEG_ANNOTATION,
  GKE_NEG_FOR_INGRESS,
  isGkeCookieTtl,
} from '../../facts/gke';
import { checkObjectNames } from '../../names';
import { describeSeconds } from '../../units';
import type { IngressControllerConfig } from '../controller';

/** Options of `IngressController.gke()`. */
export interface GkeControllerOptions {
  /**
   * GKE's Ingress class, `gce` (external) or `gce-internal`, written to the
   * `kubernetes.io/ingress.class` annotation, which GKE reads instead of
   * `spec.ingressClassName`.
   *
   * @default - not written: GKE's external load balancer (`gce`)
   */
  readonly ingressClass?: string;
}

/** What GKE's load balancer does with the cookie. */
const GKE_OWNS_COOKIE = `the load balancer writes its own ${GKE_COOKIE_NAME} cookie and sets only its lifetime`;

/** Why each cookie field but the lifetime is refused. */
const GKE_UNWRITABLE = leaveOut(GKE_OWNS_COOKIE, ['name', 'path', 'domain', 'secure', 'httpOnly', 'sameSite']);

/**
 * GKE Ingress reads cookie affinity from a BackendConfig that each backend
 * Service names in an annotation. The load balancer writes its own cookie,
 * `GCLB`; only its lifetime can be set.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#session_affinity
 */
export function gkeRenderer(options: GkeControllerOptions): ControllerRenderer {
  const name = 'GKE Ingress';
  return {
    name,
    bind(scope, { ingress, cookie: resolved }): IngressControllerConfig {
      const cookie = ingress.cookie;
      refuseGiven(ingress, name, GKE_UNWRITABLE);
      // No maxAge is a session cookie, which GKE writes for a TTL of 0.
      const ttl = resolved.maxAgeSeconds ?? 0;
      if (!isGkeCookieTtl(ttl)) {
        throw propError(ingress, 'cookie.maxAge', describeSeconds(cookie.maxAge!),
          `must be a whole number of seconds up to ${GKE_COOKIE_TTL_MAX_SECONDS} (1 day) with ${name}`);
      }
      const backendConfig = new GkeBackendConfig(scope, 'BackendConfig', {
        // Named after the Ingress, so `kubectl get backendconfig` tells whose it is.
        metadata: { name: `${ingress.name}-affinity`, namespace: ingress.metadata.namespace },
        spec: { sessionAffinity: { affinityType: GKE_GENERATED_COOKIE, affinityCookieTtlSec: ttl } },
      });
      checkObjectNames(ingress, backendConfig, 'backendConfig');
      return {
        ingressAnnotations: options.ingressClass !== undefined ? { [GKE_INGRESS_CLASS_ANNOTATION]: options.ingressClass } : {},
        serviceAnnotations: {
          [GKE_BACKEND_CONFIG_ANNOTATION]: JSON.stringify({ default: backendConfig.name }),
          [GKE_NEG_ANNOTATION]: GKE_NEG_FOR_INGRESS,
        },
        apiObjects: [backendConfig],
      };
    },
  };
}
