import { App, ImplicitTokenResolver, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
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
