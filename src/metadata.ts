import { ApiObjectMetadataDefinition, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * The annotations as cdk8s keeps them on an object's metadata, before any
 * rendering, or `undefined` when this release of cdk8s keeps them otherwise
 * (the caller then reads `metadata.toJson()`).
 *
 * The constructs check, when they write and again at every synth, that
 * nothing changed the annotations they own on Services they do not own;
 * `metadata.toJson()` resolves and copies the whole metadata for that, which
 * for an app of hundreds of objects cost more than the rest of the check. The
 * kept map is read instead, the one read of cdk8s's internals for this, in
 * one place; a value in it may still be a Lazy or other token, which the
 * caller resolves (or hands to `toJson()`).
 */
export function keptAnnotations(metadata: ApiObjectMetadataDefinition): { readonly [key: string]: unknown } | undefined {
  const kept = (metadata as unknown as { annotations?: unknown }).annotations;
  if (kept === null || typeof kept !== 'object') {
    return undefined;
  }
  const proto = Object.getPrototypeOf(kept);
  return proto === Object.prototype || proto === null ? kept as { readonly [key: string]: unknown } : undefined;
}

/** The namespace an object (an ApiObject, or a cdk8s-plus resource) is written to: its own, or its chart's. */
export function namespaceOf(object: IConstruct & { readonly metadata: ApiObjectMetadataDefinition }): string | undefined {
  return object.metadata.namespace ?? Chart.of(object).namespace;
}
