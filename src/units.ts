import { Duration, Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { propError } from './errors';

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

/** The binary units a Size is shown in, largest first, with their size in kibibytes. */
const SIZE_UNITS: ReadonlyArray<readonly [string, number]> = [['Pi', 1024 ** 4], ['Ti', 1024 ** 3], ['Gi', 1024 ** 2], ['Mi', 1024], ['Ki', 1]];

/**
 * A Size as a user reads it in an error: in the largest unit it holds one
 * of, whole where it is (`10Ki`, `1.5Gi` is `1536Mi`), otherwise in whole
 * kibibytes where it is that (`1536Ki`), else with the fraction (`102.4Mi`).
 * cdk8s keeps a Size in its own unit, so `Size.kibibytes(10)` in mebibytes
 * is 0.009765625.
 */
export function describeSize(size: Size): string {
  const kib = size.toKibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isFinite(kib) || kib === 0) {
    return String(kib);
  }
  const [unit, factor] = SIZE_UNITS.find(([, f]) => Math.abs(kib) >= f) ?? SIZE_UNITS[SIZE_UNITS.length - 1];
  const amount = kib / factor;
  if (Number.isInteger(amount) || !Number.isInteger(kib)) {
    return `${amount}${unit}`;
  }
  // Whole kibibytes but not whole in the larger unit: the next unit down where it is whole.
  const whole = SIZE_UNITS.find(([, f]) => f < factor && Number.isInteger(kib / f))!;
  return `${kib / whole[1]}${whole[0]}`;
}

/** What a caller without types can get wrong in a props object, checked before anything reads it. */
export interface UntypedPropsRules {
  /** Props that must be given (paths such as `cookie.maxAge` allowed). */
  readonly required?: string[];
  /** Props that hold a `Duration` when given. */
  readonly durations?: string[];
  /** Props that hold a value of a (string-valued) enum when given, with the enum object. */
  readonly enums?: { readonly [path: string]: object };
  /** Props that hold a `Size` when given. */
  readonly sizes?: string[];
  /** Props that hold a map of environment variable names to `kplus.EnvValue` when given. */
  readonly envValues?: string[];
  /** Props that hold a boolean when given. */
  readonly booleans?: string[];
  /** Props that hold a string when given. */
  readonly strings?: string[];
  /** Props that hold a `SecretKeyRef` (`{ secret, key }`) when given. */
  readonly secretKeyRefs?: string[];
  /** Props that hold a Secret (`ISecret`) when given. */
  readonly secrets?: string[];
  /**
   * Props that hold one of the library's bindable objects (an
   * `IngressController`, a `SessionStore`, ...) when given, each with what it
   * must be, as the error says it: `an IngressController, such as IngressController.nginx()`.
   */
  readonly bindables?: { readonly [path: string]: string };
  /**
   * Props that hold a construct (a cdk8s-plus Service or Deployment) when
   * given, each with what it must be, as the error says it.
   */
  readonly constructs?: { readonly [path: string]: string };
  /**
   * Props that hold a list when given, each with what it must be, as the
   * error says it: `a list of ports, such as [{ port: 80 }]`. A string there
   * would otherwise be read character by character.
   */
  readonly lists?: { readonly [path: string]: string };
  /**
   * Props that hold a list of strings when given, each with what it must be,
   * as the error says it: `a list of strings, such as ['--port', '8080']`.
   * A number or boolean in it would be written into the manifest as one,
   * where the API server (or a CRD) takes only strings.
   */
  readonly stringLists?: { readonly [path: string]: string };
  /**
   * Props that hold a map of strings when given, each with what it must be,
   * as the error says it: `a map of strings, such as { threshold: '10' }`.
   */
  readonly stringMaps?: { readonly [path: string]: string };
  /**
   * Props that hold an object of properties when given, each with what it
   * must be, as the error says it. Every step of a dotted path in the other
   * rules (`cookie` of `cookie.maxAge`) must be an object too when given:
   * these name only the ones an error says more of.
   */
  readonly objects?: { readonly [path: string]: string };
}

/** What a `loadBalancerStickiness` prop must be, as an error says it. */
export const A_LOAD_BALANCER_STICKINESS = 'a LoadBalancerStickiness, such as LoadBalancerStickiness.awsNlb()';

/** What a list of host names must be, as an error says it. */
export const A_LIST_OF_HOST_NAMES = "a list of host names, such as ['shop.example.com']";

/** What a list of KEDA triggers must be, as an error says it. */
export const A_LIST_OF_TRIGGERS = 'a list of triggers, such as [KedaTrigger.cpuUtilization(70)]';

/** What a Service prop must be, as an error says it. */
export const A_SERVICE = 'a cdk8s-plus Service (a kplus.Service or a StickyService)';

/** The value at a dotted path of a props object, `undefined` where a step is missing. */
function valueAt(props: unknown, path: string): unknown {
  if (props === null || typeof props !== 'object') {
    return undefined;
  }
  const dot = path.indexOf('.');
  if (dot < 0) {
    // Most paths are one step: no array for them.
    return (props as Record<string, unknown>)[path];
  }
  const steps = stepsOf(path);
  let value: unknown = props;
  for (let i = 0; i < steps.length; i++) {
    if (value === null || typeof value !== 'object') {
      return undefined;
    }
    value = (value as Record<string, unknown>)[steps[i]];
  }
  return value;
}

/** Each dotted path's steps, split once: the paths are the rules' own constants. */
const STEPS = new Map<string, readonly string[]>();

function stepsOf(path: string): readonly string[] {
  let steps = STEPS.get(path);
  if (steps === undefined) {
    steps = path.split('.');
    STEPS.set(path, steps);
  }
  return steps;
}

/** A value as an error shows it when its type is wrong: `300 (a number)`. */
export function describeUntyped(value: unknown): string {
  // Objects as JSON ({"value":8080}), but a construct by its own string (its path), not its tree.
  const shown = typeof value === 'string' || (value !== null && typeof value === 'object' && !Construct.isConstruct(value))
    ? jsonOrString(value) : stringOf(value);
  const kind = value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return `${shown.length > 40 ? `${shown.slice(0, 40)}...` : shown} (${kind})`;
}

/**
 * `value` as JSON, a construct inside it by its path (`<test/Secret>`: its
 * tree is a cycle JSON cannot write), or as `String()` gives it where JSON
 * cannot (another cycle).
 */
function jsonOrString(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => (v !== value && Construct.isConstruct(v) ? `<${v.node.path}>` : v)) ?? stringOf(value);
  } catch {
    return stringOf(value);
  }
}

/** `String(value)`, or a placeholder where that throws (an object without a prototype, a throwing toString). */
function stringOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '(a value that cannot be shown)';
  }
}

/**
 * The props of a constructor or factory, checked for what TypeScript checks
 * and plain JavaScript does not: props left out (`{}` is returned when none
 * are required), a required prop missing, a number where a `Duration`
 * belongs. Each gets the library's error naming the prop, instead of a
 * TypeError from whatever first reads it.
 *
 * @param scope the construct the props are for, or, for a factory that has
 *   none, how the error names the call (`KedaTrigger.custom()`)
 * @param prefix how the props are named in the error (`sessions.`, `cookie.`)
 */
export function untypedProps<T extends object>(scope: IConstruct | string, props: T | undefined, rules: UntypedPropsRules, prefix = ''): T {
  if (props !== undefined && (props === null || typeof props !== 'object')) {
    throw untypedError(scope, prefix === '' ? 'props' : prefix.slice(0, -1), describeUntyped(props), 'must be an object of properties');
  }
  checkObjects(scope, props, prefix, rules);
  const required = rules.required;
  for (let i = 0; required !== undefined && i < required.length; i++) {
    const path = required[i];
    const value = valueAt(props, path);
    if (value === undefined || value === null) {
      throw untypedError(scope, `${prefix}${path}`, 'not given', 'is required');
    }
  }
  checkPaths(scope, props, prefix, rules.durations, isDuration, 'must be a Duration, such as Duration.seconds(30) or Duration.minutes(5)');
  checkPaths(scope, props, prefix, rules.sizes, isSize, 'must be a Size, such as Size.mebibytes(256) or Size.gibibytes(1)');
  const envValues = rules.envValues;
  for (let i = 0; envValues !== undefined && i < envValues.length; i++) {
    const path = envValues[i];
    const value = valueAt(props, path);
    if (value === undefined) {
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw untypedError(scope, `${prefix}${path}`, describeUntyped(value), "must be a map of names to kplus.EnvValue, such as { LOG_LEVEL: EnvValue.fromValue('info') }");
    }
    for (const [name, env] of Object.entries(value)) {
      if (!isEnvValue(env)) {
        throw untypedError(scope, `${prefix}${path}.${name}`, describeUntyped(env),
          `must be a kplus.EnvValue of a string, such as EnvValue.fromValue(${typeof env === 'string' ? JSON.stringify(env) : "'value'"}): a bare value is written as a variable with no value, and the API server refuses a value that is not a string`);
      }
    }
  }
  const enums = rules.enums;
  for (const path in enums) {
    const enumObject = enums[path];
    const value = valueAt(props, path);
    if (value !== undefined && !isEnumValue(enumObject, value)) {
      const allowed = Object.entries(enumObject).filter(([, v]) => typeof v === 'string');
      throw untypedError(scope, `${prefix}${path}`, describeGiven(value), `must be one of ${allowed.map(([k, v]) => `${k} (${JSON.stringify(v)})`).join(', ')}`);
    }
  }
  checkPaths(scope, props, prefix, rules.booleans, isBoolean, 'must be true or false');
  checkPaths(scope, props, prefix, rules.strings, isString, 'must be a string');
  const secretKeyRefs = rules.secretKeyRefs;
  for (let i = 0; secretKeyRefs !== undefined && i < secretKeyRefs.length; i++) {
    checkSecretKeyRef(scope, props, prefix, secretKeyRefs[i]);
  }
  checkPaths(scope, props, prefix, rules.secrets, isSecret, A_SECRET_ALLOWED);
  checkDescribed(scope, props, prefix, rules.bindables, isBindable);
  checkDescribed(scope, props, prefix, rules.constructs, Construct.isConstruct);
  checkDescribed(scope, props, prefix, rules.lists, Array.isArray);
  checkStrings(scope, props, prefix, rules.stringLists, true);
  checkStrings(scope, props, prefix, rules.stringMaps, false);
  return props ?? ({} as T);
}

const A_SECRET_ALLOWED = 'must be a Secret, such as Secret.fromSecretName(scope, id, name)';

/**
 * Refuses a `SecretKeyRef` that is not `{ secret, key }`, naming the part
 * that is missing or wrong (`password.key`) rather than the whole, whose
 * Secret (a construct) shows as no more than an object.
 */
function checkSecretKeyRef(scope: IConstruct | string, props: unknown, prefix: string, path: string): void {
  const value = valueAt(props, path);
  if (value === undefined) {
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isSecret(value)) {
    throw untypedError(scope, `${prefix}${path}`, describeUntyped(value),
      `must be { secret, key }: a Secret (such as Secret.fromSecretName(scope, id, name)) and the key in it${isSecret(value) ? ', not the Secret alone' : ''}`);
  }
  const { secret, key } = value as { secret?: unknown; key?: unknown };
  if (secret === undefined || secret === null) {
    throw untypedError(scope, `${prefix}${path}.secret`, 'not given', 'is required: the Secret that holds the value, such as Secret.fromSecretName(scope, id, name)');
  }
  if (!isSecret(secret)) {
    throw untypedError(scope, `${prefix}${path}.secret`, describeUntyped(secret), A_SECRET_ALLOWED);
  }
  if (key === undefined || key === null) {
    throw untypedError(scope, `${prefix}${path}.key`, 'not given',
      `is required: the key in Secret ${(secret as { name: string }).name} that holds the value ({ secret, key })`);
  }
  if (typeof key !== 'string') {
    throw untypedError(scope, `${prefix}${path}.key`, describeUntyped(key), 'must be a string: the key in the Secret that holds the value');
  }
}

/**
 * Refuses a list (`list`) or map of strings that is not one, or that holds
 * something else than a string, naming that item (`args[1]`, `metadata.threshold`).
 */
function checkStrings(scope: IConstruct | string, props: unknown, prefix: string,
  described: { readonly [path: string]: string } | undefined, list: boolean): void {
  for (const path in described) {
    const value = valueAt(props, path);
    if (value === undefined) {
      continue;
    }
    if (list ? !Array.isArray(value) : !isPlainObject(value)) {
      throw untypedError(scope, `${prefix}${path}`, describeUntyped(value), `must be ${described[path]}`);
    }
    const entries: Array<[string, unknown]> = list ? (value as unknown[]).map((v, i) => [`[${i}]`, v]) : Object.entries(value as object).map(([k, v]) => [`.${k}`, v]);
    for (const [at, item] of entries) {
      if (typeof item !== 'string') {
        const quoted = typeof item === 'number' || typeof item === 'boolean' ? `; quote it: ${JSON.stringify(String(item))}` : '';
        throw untypedError(scope, `${prefix}${path}${at}`, describeUntyped(item), `must be a string: '${prefix}${path}' must be ${described[path]}${quoted}`);
      }
    }
  }
}

function isPlainObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The steps of the dotted paths of each rules object (`cookie` of `cookie.maxAge`), shortest first, found once. */
const STEPS_OF_RULES = new WeakMap<UntypedPropsRules, readonly string[]>();

function objectSteps(rules: UntypedPropsRules): readonly string[] {
  let steps = STEPS_OF_RULES.get(rules);
  if (steps === undefined) {
    const found = new Set<string>(Object.keys(rules.objects ?? {}));
    const paths: string[] = [
      ...rules.required ?? [], ...rules.durations ?? [], ...rules.sizes ?? [], ...rules.envValues ?? [], ...rules.booleans ?? [],
      ...rules.strings ?? [], ...rules.secretKeyRefs ?? [], ...rules.secrets ?? [],
      ...[rules.enums, rules.bindables, rules.constructs, rules.lists, rules.stringLists, rules.stringMaps].flatMap(m => Object.keys(m ?? {})),
    ];
    for (const path of paths) {
      const parts = stepsOf(path);
      for (let i = 1; i < parts.length; i++) {
        found.add(parts.slice(0, i).join('.'));
      }
    }
    steps = [...found].sort((a, b) => stepsOf(a).length - stepsOf(b).length);
    STEPS_OF_RULES.set(rules, steps);
  }
  return steps;
}

/**
 * Refuses a value given where an object of properties belongs: a prop of
 * `objects`, or a step of another rule's dotted path. Otherwise a number
 * there reads as an object without the props, and the error names a prop
 * inside it as missing (`'minReplicas' (not given)` for `autoscaling: 4`).
 */
function checkObjects(scope: IConstruct | string, props: unknown, prefix: string, rules: UntypedPropsRules): void {
  const steps = objectSteps(rules);
  for (let i = 0; i < steps.length; i++) {
    const value = valueAt(props, steps[i]);
    if (value !== undefined && value !== null && !isPlainObject(value)) {
      const described = rules.objects?.[steps[i]];
      throw untypedError(scope, `${prefix}${steps[i]}`, describeUntyped(value), described !== undefined ? `must be ${described}` : 'must be an object of properties');
    }
  }
}

/** Refuses a value at any of `paths` that is given and fails `test`; `allowed` is what it must be. */
function checkPaths(scope: IConstruct | string, props: unknown, prefix: string, paths: readonly string[] | undefined,
  test: (value: unknown) => boolean, allowed: string): void {
  for (let i = 0; paths !== undefined && i < paths.length; i++) {
    const value = valueAt(props, paths[i]);
    if (value !== undefined && !test(value)) {
      throw untypedError(scope, `${prefix}${paths[i]}`, describeUntyped(value), allowed);
    }
  }
}

/** Refuses a value at any path of `described` that is given and fails `test`, saying what that path must be. */
function checkDescribed(scope: IConstruct | string, props: unknown, prefix: string,
  described: { readonly [path: string]: string } | undefined, test: (value: unknown) => boolean): void {
  for (const path in described) {
    const value = valueAt(props, path);
    if (value !== undefined && !test(value)) {
      throw untypedError(scope, `${prefix}${path}`, describeUntyped(value), `must be ${described[path]}`);
    }
  }
}

function isBoolean(value: unknown): boolean {
  return typeof value === 'boolean';
}

function isString(value: unknown): boolean {
  return typeof value === 'string';
}

/** The error for a prop of the wrong type, naming the call where there is no construct. */
function untypedError(scope: IConstruct | string, prop: string, value: string, allowed: string): Error {
  return typeof scope === 'string' ? new Error(`${scope}: '${prop}' (${value}) ${allowed}`) : propError(scope, prop, value, allowed);
}

/** Whether `value` is one of the string values of a (string-valued) enum object; allocates nothing. */
function isEnumValue(enumObject: object, value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  for (const key in enumObject) {
    if ((enumObject as Record<string, unknown>)[key] === value) {
      return true;
    }
  }
  return false;
}

/**
 * A value given where a whole number belongs, as an error shows it: a number
 * as it is (`70000`), a string quoted (`"8080"`), anything else with its type
 * (`true (a boolean)`), so that a quoted number from plain JavaScript is told apart.
 */
export function describeNumber(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeGiven(value);
}

/** A value given where an enum belongs: a string as written (`"sticky"`), anything else with its type. */
function describeGiven(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : describeUntyped(value);
}

/** Whether a value is an object with a `bind()` method, as every factory-made object of the library is. */
function isBindable(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { bind?: unknown }).bind === 'function';
}

/** Whether a value has the shape of a Secret: an object with a string `name`. */
function isSecret(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string';
}

/**
 * Whether a value is a cdk8s Duration. By shape, not `instanceof`: an app
 * with its own copy of cdk8s passes Durations from that copy.
 */
/** Whether `value` is a cdk8s `Size` (by its methods: another copy of cdk8s has its own class). */
function isSize(value: unknown): boolean {
  return value !== null && typeof value === 'object'
    && typeof (value as { toMebibytes?: unknown }).toMebibytes === 'function' && typeof (value as { toGibibytes?: unknown }).toGibibytes === 'function';
}

/**
 * Whether `value` is a cdk8s-plus `EnvValue` (by its shape: every major has
 * its own class) whose value the API server takes: a string, or a `valueFrom`.
 */
function isEnvValue(value: unknown): boolean {
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const env = value as { value?: unknown; valueFrom?: unknown };
  return env.valueFrom !== undefined ? env.value === undefined : typeof env.value === 'string';
}

export function isDuration(value: unknown): value is Duration {
  return value instanceof Duration
    || (value !== null && typeof value === 'object' && typeof (value as Duration).toMilliseconds === 'function' && typeof (value as Duration).toSeconds === 'function');
}
