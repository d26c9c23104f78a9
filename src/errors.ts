import { IConstruct } from 'constructs';

/**
 * The one shape of every prop error this library throws:
 * `<construct path>: '<prop>' (<bad value>) <what is allowed>`.
 *
 * Eager checks run in constructors, where cdk8s does not add the construct
 * path for us, so it is written here.
 */
export function propError(scope: IConstruct, prop: string, value: string, allowed: string): Error {
  return new Error(`${scope.node.path}: '${prop}' (${value}) ${allowed}`);
}

/**
 * The path a construct will have under `scope` with `id`, for errors thrown
 * before it exists (checks that must run before a base constructor).
 */
export function pathOf(scope: IConstruct, id: string): string {
  return scope.node.path === '' ? id : `${scope.node.path}/${id}`;
}

/**
 * What a validation returns when all is well: one array for every
 * validation, never changed (cdk8s copies what a validation returns), so a
 * check run at every synth allocates nothing when it passes.
 */
export const NO_ERRORS: string[] = Object.freeze([]) as unknown as string[];
