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

/**
 * `value` as `ApiObject.toJson()` would render it (resolved, then sanitized:
 * `null` and `undefined` fields dropped, keys sorted unless
 * `CDK8S_DISABLE_SORT` is set), when it is plain JSON that resolving with
 * cdk8s's own resolvers would leave as it is; otherwise `undefined`. Plain
 * JSON here: strings, booleans, finite numbers, and arrays and objects (of
 * `Object`'s prototype) of them; an array may not hold `null` or
 * `undefined`, and a number may not be -0.
 *
 * Used for the value of a JSON patch the library adds (see `addRendered`):
 * cdk8s applies a patch's value as it is, without resolving or sanitizing it.
 */
export function renderedPlain(value: unknown, sortKeys: boolean = !process.env.CDK8S_DISABLE_SORT): unknown {
  const rendered = render(value, sortKeys);
  return rendered === NOT_PLAIN ? undefined : rendered;
}

/** What `render` returns for a value that is not plain JSON. */
const NOT_PLAIN: unique symbol = Symbol('not plain');

/** The rendered copy of `value`, in one walk that also checks it (`NOT_PLAIN` when it is not plain JSON). */
function render(value: unknown, sortKeys: boolean): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // -0 too is kept by resolve() and would be lost by a JSON round trip.
      return Number.isFinite(value) && !Object.is(value, -0) ? value : NOT_PLAIN;
    case 'object':
      break;
    default:
      return NOT_PLAIN;
  }
  if (value === null) {
    return NOT_PLAIN;
  }
  if (Array.isArray(value)) {
    const items = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const item = render(value[i], sortKeys);
      if (item === NOT_PLAIN) {
        return NOT_PLAIN;
      }
      items[i] = item;
    }
    return items;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    return NOT_PLAIN;
  }
  const keys = Object.keys(value);
  if (sortKeys) {
    sortInPlace(keys);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const field = (value as Record<string, unknown>)[key];
    if (field !== undefined && field !== null) {
      const rendered = render(field, sortKeys);
      if (rendered === NOT_PLAIN) {
        return NOT_PLAIN;
      }
      out[key] = rendered;
    }
  }
  return out;
}

/**
 * Sorts strings in place, in the order `sort()` gives them (by UTF-16 code
 * units). An object's few keys are sorted by insertion, which allocates
 * nothing; `sort()` allocates its work arrays for every call, which for the
 * small objects of a manifest cost more than the sorting.
 */
function sortInPlace(keys: string[]): string[] {
  if (keys.length > 16) {
    return keys.sort();
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i - 1;
    while (j >= 0 && keys[j] > key) {
      keys[j + 1] = keys[j];
      j--;
    }
    keys[j + 1] = key;
  }
  return keys;
}
