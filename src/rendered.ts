import { ApiObject, App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { IConstruct } from 'constructs';

/**
 * Whether the app of `scope` resolves values with cdk8s's own resolvers only
 * (none given in its props): then a string, number or boolean comes out of
 * `resolve()` as it went in.
 */
export function onlyOwnResolvers(scope: IConstruct): boolean {
  const resolvers: unknown = App.of(scope).resolvers;
  return Array.isArray(resolvers)
    && resolvers.every(r => r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver);
}

/**
 * Whether cdk8s keeps no JSON patch for an object, so that `toJson()`
 * renders its props and metadata as they are; false when this release of
 * cdk8s keeps its patches otherwise (the caller then renders the object).
 * The one read of cdk8s's patches, in one place.
 */
export function unpatched(object: ApiObject): boolean {
  const patches = (object as unknown as { patches?: unknown }).patches;
  return Array.isArray(patches) && patches.length === 0;
}
