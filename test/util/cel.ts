import * as path from 'path';
import type * as Cel from '@bufbuild/cel';
import { crdVersions } from './crd-files';

/**
 * Evaluates a CRD's CEL rules (`x-kubernetes-validations`) on an object, as
 * the API server does on create:
 *
 * - the schema's `default`s are applied first (Gateway API rules read a
 *   defaulted `group` or `kind`);
 * - each rule sees the node it sits on as `self`: objects as `Map`s, schema
 *   integers as `BigInt` (CEL `int`), other numbers as doubles;
 * - property names CEL cannot spell are escaped as Kubernetes escapes them
 *   (`namespace` is `__namespace__`, `-` is `__dash__`);
 * - the strings extension (`upperAscii`, `indexOf`, ...) is available.
 *
 * Transition rules (those reading `oldSelf`) only run on update and are
 * skipped. A rule that fails to evaluate is reported like a broken rule.
 *
 * @see https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/#validation-rules
 */

type Schema = { [k: string]: any };

const CRD_DIR = path.resolve(__dirname, '..', '..', 'crds');

/** The CRD folder holding Gateway API's main-branch CRDs (same CRD names as the release ones). */
export const GATEWAY_API_MAIN_CRD_DIR = path.join(CRD_DIR, 'gateway-api-main');

/** Words CEL reserves; Kubernetes exposes a property so named as `__word__`. */
const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function',
  'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/**
 * A property name as CEL rules spell it (Kubernetes' escaping): reserved
 * words become `__word__`; `__`, `.`, `-` and `/` become `__underscores__`,
 * `__dot__`, `__dash__` and `__slash__`.
 */
export function celPropertyName(name: string): string {
  if (CEL_RESERVED.has(name)) {
    return `__${name}__`;
  }
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

interface Rule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
}

const schemasByDir = new Map<string, Map<string, Schema>>();

/** `apiVersion/kind` to the version's `openAPIV3Schema`, for every CRD in a folder. */
function schemas(dir: string): Map<string, Schema> {
  let found = schemasByDir.get(dir);
  if (found) {
    return found;
  }
  found = new Map(crdVersions(dir).map(v => [v.key, v.schema]));
  schemasByDir.set(dir, found);
  return found;
}

/** `group/version/kind` of every CRD version in a folder. */
export function crdKeys(dir: string = CRD_DIR): string[] {
  return [...schemas(dir).keys()];
}

/** The `openAPIV3Schema` of an apiVersion and kind in a CRD folder, or `undefined`. */
export function crdSchema(apiVersion: string, kind: string, dir: string = CRD_DIR): Schema | undefined {
  return schemas(dir).get(`${apiVersion}/${kind}`);
}

function isPlainObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A copy of `value` with the schema's defaults filled in where a field is
 * missing from an object that is present (the API server's defaulting; a
 * default object is itself defaulted further).
 */
export function applyDefaults(schema: Schema | undefined, value: unknown): unknown {
  if (!schema) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(item => applyDefaults(schema.items, item));
  }
  if (!isPlainObject(value)) {
    return value;
  }
  const out: { [k: string]: unknown } = {};
  for (const [k, v] of Object.entries(value)) {
    const sub = schema.properties?.[k] ?? (isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
    out[k] = applyDefaults(sub, v);
  }
  for (const [k, sub] of Object.entries((schema.properties ?? {}) as { [k: string]: Schema })) {
    if (out[k] === undefined && sub.default !== undefined) {
      out[k] = applyDefaults(sub, structuredClone(sub.default));
    }
  }
  return out;
}

/** A JSON value as CEL sees it under this schema. */
function toCel(schema: Schema | undefined, value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(item => toCel(schema?.items, item));
  }
  if (isPlainObject(value)) {
    const map = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value)) {
      const declared = schema?.properties?.[k];
      if (declared) {
        map.set(celPropertyName(k), toCel(declared, v));
      } else {
        // Map keys (additionalProperties) are data, not field names: not escaped.
        map.set(k, toCel(isPlainObject(schema?.additionalProperties) ? schema!.additionalProperties : undefined, v));
      }
    }
    return map;
  }
  if (typeof value === 'number') {
    const integer = schema?.type === 'integer' || (schema?.['x-kubernetes-int-or-string'] && Number.isInteger(value));
    return integer ? BigInt(value) : value;
  }
  return value;
}

type Program = ReturnType<typeof Cel.plan>;

/**
 * The CEL library and its environment, loaded on the first rule evaluated:
 * many test files validate no custom resource with rules, and loading it
 * took about 0.2 s of CPU in each of them.
 */
let loaded: { cel: typeof Cel; env: ReturnType<typeof Cel.celEnv> } | undefined;
function celLibrary(): { cel: typeof Cel; env: ReturnType<typeof Cel.celEnv> } {
  if (!loaded) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const cel: typeof Cel = require('@bufbuild/cel');
    const { strings } = require('@bufbuild/cel/ext');
    /* eslint-enable @typescript-eslint/no-require-imports */
    loaded = { cel, env: cel.celEnv({ funcs: strings }) };
  }
  return loaded;
}

const programs = new Map<string, Program>();

function program(expr: string): Program {
  let p = programs.get(expr);
  if (!p) {
    const { cel, env } = celLibrary();
    p = cel.plan(env, cel.parse(expr));
    programs.set(expr, p);
  }
  return p;
}

function evaluate(rule: Rule, self: unknown, where: string): string | undefined {
  let result: unknown;
  try {
    result = program(rule.rule)({ self } as any);
  } catch (e) {
    return `${where}: rule ${JSON.stringify(rule.rule)} does not evaluate: ${(e as Error).message}`;
  }
  if (celLibrary().cel.isCelError(result)) {
    return `${where}: rule ${JSON.stringify(rule.rule)} does not evaluate: ${result.message}`;
  }
  if (result === true) {
    return undefined;
  }
  let message = rule.message ?? `failed rule: ${rule.rule}`;
  if (rule.messageExpression) {
    const m = program(rule.messageExpression)({ self } as any);
    if (typeof m === 'string') {
      message = m;
    }
  }
  return `${where}: ${message}`;
}

function check(schema: Schema | undefined, value: unknown, where: string, out: string[]): void {
  if (!schema || value === undefined || value === null) {
    return;
  }
  const rules = (schema['x-kubernetes-validations'] ?? []) as Rule[];
  if (rules.length > 0) {
    const self = toCel(schema, value);
    for (const rule of rules) {
      if (/\boldSelf\b/.test(rule.rule)) {
        continue;
      }
      const problem = evaluate(rule, self, where || '/');
      if (problem) {
        out.push(problem);
      }
    }
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => check(schema.items, item, `${where}/${i}`, out));
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const sub = schema.properties?.[k] ?? (isPlainObject(schema.additionalProperties) ? schema.additionalProperties : undefined);
      check(sub, v, `${where}/${k}`, out);
    }
  }
}

/**
 * The CEL rule failures of a custom resource against its CRD in `dir` (by
 * default the repository's `crds/`), one line each (`/spec/x: message`),
 * after applying the schema's defaults; empty when every rule holds.
 *
 * @throws when `dir` has no CRD for the object's apiVersion and kind
 */
export function celErrors(manifest: { apiVersion: string; kind: string }, dir: string = CRD_DIR): string[] {
  const schema = crdSchema(manifest.apiVersion, manifest.kind, dir);
  if (!schema) {
    throw new Error(`no CRD in ${dir} for ${manifest.apiVersion} ${manifest.kind}`);
  }
  const out: string[] = [];
  check(schema, applyDefaults(schema, manifest), '', out);
  return out;
}

/** Every CEL rule of every CRD in a folder, with where it sits, for tests of this helper. */
export function celRules(dir: string = CRD_DIR): Array<{ crd: string; path: string; rule: string }> {
  const out: Array<{ crd: string; path: string; rule: string }> = [];
  const walk = (crd: string, s: Schema | undefined, p: string): void => {
    if (!isPlainObject(s)) {
      return;
    }
    for (const r of (s['x-kubernetes-validations'] ?? []) as Rule[]) {
      out.push({ crd, path: p || '/', rule: r.rule });
    }
    for (const [k, sub] of Object.entries((s.properties ?? {}) as { [k: string]: Schema })) {
      walk(crd, sub, `${p}/${k}`);
    }
    walk(crd, s.items as Schema | undefined, `${p}/[]`);
    walk(crd, isPlainObject(s.additionalProperties) ? s.additionalProperties as Schema : undefined, `${p}/{}`);
  };
  for (const [key, schema] of schemas(dir)) {
    walk(key, schema, '');
  }
  return out;
}

/** Whether every rule of every CRD in `dir` parses and plans (the CEL library understands it). */
export function unplannableRules(dir: string = CRD_DIR): string[] {
  const bad: string[] = [];
  for (const r of celRules(dir)) {
    try {
      program(r.rule);
    } catch (e) {
      bad.push(`${r.crd} ${r.path}: ${(e as Error).message}`);
    }
  }
  return bad;
}
