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

