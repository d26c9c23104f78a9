import { Duration } from 'cdk8s';

/**
 * A Duration in seconds, exact to the millisecond. cdk8s keeps a Duration as a
 * floating-point amount of its unit, so `Duration.minutes(4.1)` converts to
 * 245999.99999999997 ms; rounding to the millisecond keeps whole seconds whole.
 */
export function secondsOf(duration: Duration): number {
  return Math.round(duration.toMilliseconds({ integral: false })) / 1000;
}

/** A Duration as a user reads it in an error: seconds, fractions kept (`1.5s`, `90000s`). */
export function describeSeconds(duration: Duration): string {
  const seconds = secondsOf(duration);
  return Number.isFinite(seconds) ? `${seconds}s` : String(seconds);
}
