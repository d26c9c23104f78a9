import { Duration } from 'cdk8s';
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

/** A Duration as a user reads it in an error: seconds, fractions kept (`1.5s`, `90000s`). */
export function describeSeconds(duration: Duration): string {
  return `${duration.toMilliseconds({ integral: false }) / 1000}s`;
}
