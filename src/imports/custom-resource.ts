// Hand-written, not generated: how constructs write the custom resources typed
// by the generated modules beside this file. See README.md here.
import { ApiObject, GroupVersionKind } from 'cdk8s';
import { Construct } from 'constructs';

// The apiVersion and kind of every custom resource a construct writes, as the
// generated class's `GVK` spells it (test/imports/custom-resource.test.ts
// checks each one against it).
/** Gateway API HTTPRoute. */
export const HTTP_ROUTE: GroupVersionKind = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' };
/** Gateway API ReferenceGrant (v1beta1: the storage version, served alongside v1). */
export const REFERENCE_GRANT: GroupVersionKind = { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant' };
/** Gateway API (experimental) XBackendTrafficPolicy. */
export const X_BACKEND_TRAFFIC_POLICY: GroupVersionKind = { apiVersion: 'gateway.networking.x-k8s.io/v1alpha1', kind: 'XBackendTrafficPolicy' };
/** Envoy Gateway BackendTrafficPolicy. */
export const ENVOY_BACKEND_TRAFFIC_POLICY: GroupVersionKind = { apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'BackendTrafficPolicy' };
/** Istio DestinationRule. */
export const ISTIO_DESTINATION_RULE: GroupVersionKind = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule' };
/** KEDA ScaledObject. */
export const KEDA_SCALED_OBJECT: GroupVersionKind = { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject' };
/** Kong KongUpstreamPolicy. */
export const KONG_UPSTREAM_POLICY: GroupVersionKind = { apiVersion: 'configuration.konghq.com/v1beta1', kind: 'KongUpstreamPolicy' };
/** Contour HTTPProxy. */
export const CONTOUR_HTTP_PROXY: GroupVersionKind = { apiVersion: 'projectcontour.io/v1', kind: 'HTTPProxy' };
/** GKE Gateway GCPBackendPolicy. */
export const GCP_BACKEND_POLICY: GroupVersionKind = { apiVersion: 'networking.gke.io/v1', kind: 'GCPBackendPolicy' };
/** F5 NGINX Ingress Controller VirtualServer. */
export const NGINX_VIRTUAL_SERVER: GroupVersionKind = { apiVersion: 'k8s.nginx.org/v1', kind: 'VirtualServer' };
/** Traefik IngressRoute. */
export const TRAEFIK_INGRESS_ROUTE: GroupVersionKind = { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute' };

/**
 * Writes one custom resource as a plain `ApiObject`, its props typed by the
 * generated props interface `P` (imported with `import type`, so the
 * generated module is never loaded):
 *
 *   customResource<HttpRouteProps>(this, 'Resource', HTTP_ROUTE, { metadata, spec })
 *
 * It renders what the generated class renders, without loading 300-500 KB of
 * generated code and without the generated `toJson()`'s second walk of the
 * object, as long as every field written has the same name in TypeScript and
 * in JSON (the generated `toJson_*` functions rename a few, e.g. Traefik's
 * `nativeLb` -> `nativeLB`): the tests validate every custom resource strictly
 * against its CRD schema, which refuses a misnamed field.
 *
 * The props stay props: cdk8s resolves them at synth with the code that
 * resolves every other object of the app. Rendering them once here instead
 * (tried: a walk at construction and a copy at each synth) cost more in a
 * `cdk8s synth` of a few hundred objects, because those two walks became
 * hot enough for V8 to compile them, which the app's own objects never pay
 * (bench/README.md).
 */
export function customResource<P extends object>(scope: Construct, id: string, gvk: GroupVersionKind, props: P): ApiObject {
  // The kind's apiVersion and kind win over any in the props.
  return new ApiObject(scope, id, { ...props, apiVersion: gvk.apiVersion, kind: gvk.kind });
}

/**
 * The JSON value of a generated int-or-string class (`X.fromNumber(n)` or
 * `X.fromString(s)`), typed as that class, for a field of `P`.
 */
export function intOrString<T>(value: number | string): T {
  return value as unknown as T;
}
