import { Chart, Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Manifest, validateManifests } from '../util/manifests';

/**
 * The promise every construct keeps, checked on generated input: building it
 * either throws an Error in the library's format naming a prop, or gives
 * manifests that pass the schema checks (strict for custom resources) and
 * the library's own facts. Nothing in between.
 */

/** `<path>: '<prop>' (<value>) <allowed>`, thrown eagerly by constructors. */
const PROP_ERROR = /^\S+: '([^']+)' \(.*\) \S[\s\S]*$/;

/** cdk8s's report of `node.addValidation` failures; each line is `[path] <message>`. */
const VALIDATION_ERROR = /^Validation failed with the following errors:\n([\s\S]+)$/;

/** The prop(s) a library error names, or undefined when the error is not in the library's format. */
export function propsNamedBy(error: unknown): string[] | undefined {
  if (!(error instanceof Error)) {
    return undefined;
  }
  const direct = PROP_ERROR.exec(error.message);
  if (direct) {
    return [direct[1]];
  }
  const validation = VALIDATION_ERROR.exec(error.message);
  if (validation) {
    const lines = validation[1].split('\n').map(l => l.trim()).filter(Boolean);
    const named = lines.map(l => ({ path: /^\[(\S+)\]/.exec(l)?.[1], prop: /^\[\S+\] '([^']+)' \(.*\) \S/.exec(l)?.[1] }));
    // cdk8s-plus's own message may stand, when the library says it too, in its format, for the same construct.
    const explained = (path: string | undefined) => named.some(n => n.path === path && n.prop !== undefined);
    if (!named.every(n => n.prop !== undefined || explained(n.path))) {
      return undefined;
    }
    return named.filter(n => n.prop !== undefined).map(n => n.prop as string);
  }
  return undefined;
}

/** Env var names whose value must come from a Secret, never a plain `value`. */
const SECRET_ENV = /(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY)/i;

/**
 * The library's own facts about what it writes, beyond the schema: sticky
 * timeouts in range, no affinity config without affinity, no secret-looking
 * env var with a plain value, no credentials inside a plain URL.
 */
export function libraryFactProblems(manifests: Manifest[]): string[] {
  const problems: string[] = [];
  for (const m of manifests) {
    const where = `${m.kind} ${m.metadata?.name}`;
    if (m.kind === 'Service') {
      const timeout = m.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds;
      if (m.spec?.sessionAffinityConfig && m.spec?.sessionAffinity !== 'ClientIP') {
        problems.push(`${where}: sessionAffinityConfig without ClientIP affinity (the API server drops it)`);
      }
      if (timeout !== undefined && !(Number.isInteger(timeout) && timeout >= 1 && timeout <= 86400)) {
        problems.push(`${where}: timeoutSeconds ${timeout} outside 1..86400`);
      }
    }
    const pod = m.spec?.template?.spec ?? m.spec?.jobTemplate?.spec?.template?.spec;
    for (const c of [...(pod?.initContainers ?? []), ...(pod?.containers ?? [])]) {
      for (const e of c.env ?? []) {
        // `<NAME>_FILE` holding an absolute path is the images' convention for "read the secret from this mounted file".
        const fileReference = /_FILE$/.test(e.name) && typeof e.value === 'string' && e.value.startsWith('/');
        // A URL whose password is `$(VAR)` takes it from an earlier variable, which is checked on its own.
        const passwordByReference = typeof e.value === 'string' && /^[a-z][a-z0-9+.-]*:\/\/[^\s/@]*:\$\([-._A-Za-z0-9]+\)@/.test(e.value);
        if (typeof e.value === 'string' && SECRET_ENV.test(e.name) && e.value !== '' && !fileReference && !passwordByReference) {
          problems.push(`${where} container ${c.name}: env ${e.name} is a plain value; it must come from a Secret`);
        }
        if (typeof e.value === 'string' && /:\/\/[^/\s:@]*:[^/\s@$]+@/.test(e.value)) {
          problems.push(`${where} container ${c.name}: env ${e.name} holds a URL with a password in plain text`);
        }
      }
    }
  }
  return problems;
}

/** What one generated case did: refused (with the props named) or synthesized. */
export type Outcome = { refused: string[] } | { manifests: Manifest[] };

/**
 * Builds a case and checks the promise; returns what happened so a property
 * can assert more (e.g. that a known-bad input was refused for the right prop).
 */
export function buildAndCheck(build: () => Chart): Outcome {
  let chart: Chart;
  let manifests: Manifest[];
  try {
    chart = build();
    manifests = Testing.synth(chart) as Manifest[];
  } catch (e) {
    const props = propsNamedBy(e);
    if (props === undefined) {
      throw new Error(`not an error in the library's format: ${(e as Error)?.stack ?? e}`);
    }
    return { refused: props };
  }
  validateManifests(manifests);
  const problems = libraryFactProblems(manifests);
  if (problems.length > 0) {
    throw new Error(`synthesized, but breaks the library's facts:\n${problems.join('\n')}`);
  }
  return { manifests };
}

/**
 * Runs a property bounded and seeded, so CI is repeatable; set FC_SEED to
 * replay another seed. fast-check prints the seed, the path and the shrunk
 * counterexample of a failure. FC_RUNS_FRACTION (0 to 1) runs fewer cases, as
 * the runs against the other cdk8s-plus majors do.
 */
export function check<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, numRuns = 300): void {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : 20261124;
  fc.assert(fc.property(arbitrary, predicate), { seed, numRuns: runs(numRuns), verbose: 1 });
}

/**
 * The share of generated cases that must reach synth for a generator to be
 * any good; a reduced run (FC_RUNS_FRACTION) samples too few to hold it as tightly.
 */
export function minSynthShare(): number {
  return runs(100) < 100 ? 0.1 : 0.2;
}

/** How many cases `check(..., numRuns)` runs: all of them, or FC_RUNS_FRACTION of them. */
export function runs(numRuns: number): number {
  const fraction = process.env.FC_RUNS_FRACTION ? Number(process.env.FC_RUNS_FRACTION) : 1;
  return Math.max(1, Math.round(numRuns * Math.min(1, Math.max(0, fraction))));
}

// ---- generators shared by the properties ------------------------------------

/** Every character from `first` to `last` (code points), for `charString`. */
export function charRange(first: string, last: string): string {
  let chars = '';
  for (let c = first.codePointAt(0)!; c <= last.codePointAt(0)!; c++) {
    chars += String.fromCodePoint(c);
  }
  return chars;
}

/**
 * `minLength` to `maxLength` characters of `chars`: what
 * `fc.stringMatching(/^[chars]{min,max}$/)` generates, at a fraction of its
 * cost (it maps every character through a check that throws on each miss,
 * which was most of the property suites' time).
 */
export function charString(chars: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...chars), minLength, maxLength });
}

const LOWER = charRange('a', 'z');
const DIGITS = charRange('0', '9');

/** Mostly `valid`, sometimes `invalid`: enough good cases to reach synth, enough bad ones to hit every check. */
export function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: invalid, weight: 1 });
}

/** A valid DNS-1035 label (also a valid DNS-1123 label and subdomain). */
export const validName: fc.Arbitrary<string> = fc.tuple(
  charString(LOWER, 1, 1), charString(`${LOWER}${DIGITS}-`, 0, 20), charString(`${LOWER}${DIGITS}`, 1, 1),
).map(parts => parts.join(''));

/** Object names: mostly valid, and every way to get one wrong. */
export const objectName: fc.Arbitrary<string> = mostly(
  validName,
  fc.oneof(
    fc.constantFrom('', 'Grafana', 'Legacy_App', '1grafana', 'a.b', 'grafana-', '-grafana', 'grafana\u00e9', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(70), 'ns.with.dots'),
    fc.string({ maxLength: 12 }),
  ),
);

/** Durations in seconds around the usual limits, fractions and nonsense included. */
export const seconds: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: 0, max: 90_000 }),
  fc.constantFrom(0, 0.5, 1, 59, 60, 3600, 10_800, 86_399, 86_400, 86_401, 604_800, 604_801, 34_560_000, 34_560_001),
  fc.double({ min: 0, max: 100_000, noNaN: true }),
);

/** A chart, namespaced or not, and a helper to make the chart with its app. */
export function chartIn(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}
