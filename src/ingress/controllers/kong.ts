import { ControllerRenderer } from './renderer';
import { kongStickySpec, writeKongPolicy } from '../../gateway/kong';
import { definedMetadata } from '../../names';
import type { IngressControllerConfig } from '../controller';

/** Options of `IngressController.kong()`. */
export interface KongControllerOptions {
  /**
   * The IngressClass of the Kong installation, written to
   * `spec.ingressClassName` unless the Ingress sets `className`.
   *
   * @default 'kong'
   */
  readonly ingressClassName?: string;
}

/**
 * Kong Ingress Controller 3.5+ reads cookie stickiness from a
 * `KongUpstreamPolicy` named by each backend Service's
 * `konghq.com/upstream-policy` annotation; its cookie has a name and a path.
 *
 * @see https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/
 */
export function kongRenderer(options: KongControllerOptions): ControllerRenderer {
  return {
    name: 'Kong Ingress Controller',
    ingressClassName: options.ingressClassName ?? 'kong',
    bind(scope, { ingress, givenCookie }): IngressControllerConfig {
      const spec = kongStickySpec(ingress, givenCookie);
      // The Ingress's backends are Services in its namespace, where their annotation looks for the policy.
      const metadata = definedMetadata({ namespace: ingress.metadata.namespace }) ?? {};
      const { policy, annotations } = writeKongPolicy(scope, 'KongUpstreamPolicy', metadata, spec);
      return { serviceAnnotations: annotations, apiObjects: [policy] };
    },
  };
}
