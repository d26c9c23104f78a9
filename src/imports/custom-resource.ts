// Hand-written, not generated: how constructs write the custom resources typed
// by the generated modules beside this file. See README.md here.
import { ApiObject, ApiObjectMetadata, ApiObjectProps, GroupVersionKind, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import { onlyOwnResolvers, plainCopy, renderedPlain, sortInPlace } from '../rendered';

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
 */
export function customResource<P extends object>(scope: Construct, id: string, gvk: GroupVersionKind, props: P): ApiObject {
  const rendered = renderedFields(scope, props as { [field: string]: unknown });
  if (rendered === undefined) {
    // The kind's apiVersion and kind win over any in the props.
    return new ApiObject(scope, id, { ...props, apiVersion: gvk.apiVersion, kind: gvk.kind });
  }
  const metadata = (props as { metadata?: ApiObjectMetadata }).metadata;
  return new RenderedFieldsObject(scope, id, { metadata, apiVersion: gvk.apiVersion, kind: gvk.kind }, rendered);
}

/**
 * Adds `value` at `pointer` (JSON pointer tokens) in an object
 * `customResource()` wrote, before the user's own JSON patches: into its
 * rendered fields while it has no patch, else as a JSON patch (which then
 * applies after those already added).
 *
 * @param sortKeys whether the value's own keys are sorted; by default as
 *   cdk8s sorts (unless `CDK8S_DISABLE_SORT`). Where a field used to be added
 *   as a JSON patch written sorted, pass `true`: cdk8s never re-orders a
 *   patch's value, so it came out sorted in both modes.
 */
export function addRendered(object: ApiObject, pointer: ReadonlyArray<string | number>, value: unknown, sortKeys?: boolean): void {
  const plain = renderedPlain(value, sortKeys);
  if (object instanceof RenderedFieldsObject && plain !== undefined && object.addToFields(pointer, plain)) {
    return;
  }
  object.addJsonPatch(JsonPatch.add(jsonPointer(pointer), plain ?? value));
}

/**
 * An ApiObject whose fields besides apiVersion, kind and metadata (`spec`,
 * mostly) the library wrote from checked, plain values, rendered once when it
 * is made. cdk8s resolves and sanitizes every prop leaf by leaf at every synth
 * (looking up the app from each leaf), which for a custom resource cost more
 * than the construct's own checks; these fields are added to what `toJson()`
 * renders instead, copied, in the place and key order cdk8s gives them. The
 * first JSON patch a user adds turns them into JSON patches ahead of it, so a
 * patch into `spec` finds it there.
 */
class RenderedFieldsObject extends ApiObject {
  private patched = false;

  /** @param fields the rendered fields, by name, in the order they are written */
  constructor(scope: Construct, id: string, props: ApiObjectProps, private readonly fields: Record<string, unknown>) {
    super(scope, id, props);
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    if (!this.patched) {
      this.patched = true;
      for (const key in this.fields) {
        super.addJsonPatch(JsonPatch.add(jsonPointer([key]), this.fields[key]));
      }
    }
    super.addJsonPatch(...ops);
  }

  public toJson(): any {
    const json = super.toJson();
    if (!this.patched) {
      for (const key in this.fields) {
        json[key] = plainCopy(this.fields[key]);
      }
    }
    return json;
  }

  /** Sets `value` at `pointer` in the rendered fields, when no patch was added yet and the parent is an object there. */
  public addToFields(pointer: ReadonlyArray<string | number>, value: unknown): boolean {
    const last = pointer[pointer.length - 1];
    if (this.patched || pointer.length < 2 || typeof last !== 'string') {
      return false;
    }
    // The parent object, and where it is kept (to put a re-ordered copy there).
    let holder: Record<string | number, unknown> = this.fields;
    let slot: string | number = pointer[0];
    for (let i = 1; i < pointer.length - 1; i++) {
      const next = holder[slot];
      if (next === null || typeof next !== 'object') {
        return false;
      }
      holder = next as Record<string | number, unknown>;
      slot = pointer[i];
    }
    const parent = Object.prototype.hasOwnProperty.call(holder, slot) ? holder[slot] : undefined;
    if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) {
      return false;
    }
    const object = parent as Record<string, unknown>;
    // The rendered fields are this object's own copies: a key already there
    // keeps its place, and a new one goes last where that is where cdk8s would
    // put it; otherwise a new object in cdk8s's key order (deleting keys would
    // slow every later read of it).
    if (process.env.CDK8S_DISABLE_SORT || Object.prototype.hasOwnProperty.call(object, last) || sortsLast(object, last)) {
      object[last] = value;
      return true;
    }
    const merged: Record<string, unknown> = { ...object, [last]: value };
    const sorted: Record<string, unknown> = {};
    for (const key of sortInPlace(Object.keys(merged))) {
      sorted[key] = merged[key];
    }
    holder[slot] = sorted;
    return true;
  }
}

/** Whether `key` sorts after every key of `object`. */
function sortsLast(object: Record<string, unknown>, key: string): boolean {
  for (const other in object) {
    if (other >= key) {
      return false;
    }
  }
  return true;
}

/**
 * The fields besides `apiVersion`, `kind` and `metadata`, rendered as cdk8s
 * would render them, in the order it would put them, when every one is plain
 * JSON and the app has cdk8s's own resolvers only; otherwise `undefined`, and
 * the caller keeps them as props (see `renderedPlain`).
 */
function renderedFields(scope: Construct, props: { [field: string]: unknown }): Record<string, unknown> | undefined {
  if (!onlyOwnResolvers(scope)) {
    return undefined;
  }
  const sort = !process.env.CDK8S_DISABLE_SORT;
  const keys = Object.keys(props);
  if (sort) {
    sortInPlace(keys);
  }
  const rendered: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = props[key];
    if (value === undefined || value === null || key === 'metadata' || key === 'apiVersion' || key === 'kind') {
      continue;
    }
    const plain = renderedPlain(value, sort);
    if (plain === undefined) {
      return undefined;
    }
    rendered[key] = plain;
  }
  return rendered;
}

function jsonPointer(tokens: ReadonlyArray<string | number>): string {
  return tokens.map(token => `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * The JSON value of a generated int-or-string class (`X.fromNumber(n)` or
 * `X.fromString(s)`), typed as that class, for a field of `P`.
 */
export function intOrString<T>(value: number | string): T {
  return value as unknown as T;
}
