import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import { celErrors } from './cel';
import { crdVersions } from './crd-files';

/**
 * Strict validators for custom resources, built from the upstream CRDs in
 * `crds/` (the same files `npm run import` types the constructs from).
 *
 * The API server prunes fields a structural schema does not declare, without
 * a word; here an unknown field is an error, so a misspelt field fails a test
 * instead of vanishing in the cluster. An object the schema accepts is then
 * checked against the CRD's CEL rules (`x-kubernetes-validations`, see
 * ./cel.ts): the constructs' own checks explain, this one proves.
 */

const CRD_DIR = path.resolve(__dirname, '..', '..', 'crds');

/** `apiVersion/kind`, e.g. `gateway.networking.k8s.io/v1/HTTPRoute`. */
function key(apiVersion: string, kind: string): string {
  return `${apiVersion}/${kind}`;
}

type Schema = { [k: string]: any };

/**
 * A structural schema as Ajv should read it: objects refuse properties they do
 * not declare (unless the schema preserves unknown fields), and int-or-string
 * fields take either.
 */
function strict(schema: Schema): Schema {
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  if (Array.isArray(schema)) {
    return schema.map(strict);
  }
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'x-kubernetes-validations') {
      continue;
    }
    out[k] = (k === 'properties' || k === 'patternProperties')
      ? Object.fromEntries(Object.entries(v as Schema).map(([name, sub]) => [name, strict(sub)]))
      : strict(v);
  }
  // OpenAPI 3.0 writes exclusive bounds as booleans beside minimum/maximum
  // (Contour's CRD); JSON Schema, which Ajv reads, as the bound itself.
  for (const [flag, bound] of [['exclusiveMaximum', 'maximum'], ['exclusiveMinimum', 'minimum']]) {
    if (typeof out[flag] === 'boolean') {
      if (out[flag] && out[bound] !== undefined) {
        out[flag] = out[bound];
        delete out[bound];
      } else {
        delete out[flag];
      }
    }
  }
  if (out['x-kubernetes-int-or-string']) {
    // Either type; an anyOf in the CRD (with patterns) already says which.
    delete out.type;
    out.anyOf ??= [{ type: 'integer' }, { type: 'string' }];
  }
  const preserves = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !preserves) {
    out.additionalProperties = false;
  }
  return out;
}

/** How every validator is compiled; part of the compiled code's cache key. */
const AJV_OPTIONS = { allErrors: true, strict: false, validateFormats: false, code: { source: true } } as const;

/**
 * Compiled validators as JavaScript, shared by every test file, run and clone
 * on this machine: compiling the larger CRD schemas took seconds of each test
 * file that validated one of them (and of each cross-major run). The name is
 * made from the schema, Ajv's version and its options, so a changed schema is
 * compiled again.
 */
const VALIDATOR_CACHE = path.join(os.tmpdir(), 'cdk8s-session-affinity-ajv');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AJV_VERSION: string = require('ajv/package.json').version;

/** Ajv and its standalone code writer, loaded on the first schema not in the cache. */
let compiler: { ajv: Ajv; standaloneCode: (ajv: Ajv, validate: ValidateFunction) => string } | undefined;

/** `schema`'s validator, from the cache when it was compiled before, else compiled and cached. */
function compiled(schema: Schema): ValidateFunction {
  const text = JSON.stringify(schema);
  const hash = crypto.createHash('sha256').update(AJV_VERSION).update('\0').update(JSON.stringify(AJV_OPTIONS)).update('\0').update(text).digest('hex');
  const file = path.join(VALIDATOR_CACHE, `${hash}.js`);
  let code: string | undefined;
  try {
    code = fs.readFileSync(file, 'utf-8');
  } catch {
    // not compiled yet
  }
  if (code === undefined) {
    if (!compiler) {
      /* eslint-disable @typescript-eslint/no-require-imports */
      const AjvClass: typeof Ajv = require('ajv').default;
      compiler = { ajv: new AjvClass(AJV_OPTIONS), standaloneCode: require('ajv/dist/standalone').default };
      /* eslint-enable @typescript-eslint/no-require-imports */
    }
    code = compiler.standaloneCode(compiler.ajv, compiler.ajv.compile(JSON.parse(text)));
    try {
      fs.mkdirSync(VALIDATOR_CACHE, { recursive: true });
      // Written aside, then renamed: a parallel worker never reads half a file.
      const partial = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, file);
    } catch {
      // an unwritable temporary folder only costs the compile next time
    }
  }
  // The module Ajv wrote, run with this file's require (its runtime helpers are Ajv's own modules).
  const mod: { exports: any } = { exports: {} };
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  new Function('module', 'exports', 'require', code)(mod, mod.exports, require);
  return mod.exports.default ?? mod.exports;
}

/** Per folder: every CRD version's schema, and the validators compiled so far. */
interface Folder {
  readonly schemas: Map<string, Schema>;
  readonly validators: Map<string, ValidateFunction>;
}

const folders = new Map<string, Folder>();

function folder(dir: string): Folder {
  let found = folders.get(dir);
  if (!found) {
    found = {
      schemas: new Map(crdVersions(dir).map(v => [v.key, v.schema])),
      validators: new Map(),
    };
    folders.set(dir, found);
  }
  return found;
}

/**
 * The validator of one CRD version, compiled on first use: compiling every
 * schema up front (HTTPRoute's alone is half a megabyte) cost each test file
 * more than its tests.
 */
function validator(dir: string, apiVersion: string, kind: string): ValidateFunction | undefined {
  const f = folder(dir);
  const k = key(apiVersion, kind);
  let validate = f.validators.get(k);
  if (!validate) {
    const original = f.schemas.get(k);
    if (!original) {
      return undefined;
    }
    const schema = strict(original);
    // The API server owns apiVersion, kind and metadata; CRDs leave
    // metadata open, so it is checked by the caller's name rules instead.
    schema.properties = { ...schema.properties, apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } };
    validate = compiled(schema);
    f.validators.set(k, validate);
  }
  return validate;
}

/** Whether `crds/` has a schema for this apiVersion and kind. */
export function hasCrdSchema(apiVersion: string, kind: string): boolean {
  return folder(CRD_DIR).schemas.has(key(apiVersion, kind));
}

/**
 * The schema errors of a custom resource, one line each (`/spec/x: must ...`),
 * empty when it is valid. Unknown fields are errors. When the schema holds,
 * the CRD's CEL rules are evaluated and their failures returned.
 *
 * @param dir the CRD folder (default `crds/`; `crds/gateway-api-main` for Gateway API's main branch)
 */
export function crdSchemaErrors(manifest: { apiVersion: string; kind: string }, dir: string = CRD_DIR): string[] {
  const validate = validator(dir, manifest.apiVersion, manifest.kind);
  if (!validate) {
    throw new Error(`no CRD in ${path.relative(process.cwd(), dir) || dir} for ${manifest.apiVersion} ${manifest.kind}`);
  }
  if (validate(manifest)) {
    return celErrors(manifest, dir);
  }
  return (validate.errors ?? []).map(e => {
    const extra = e.keyword === 'additionalProperties' ? ` '${(e.params as any).additionalProperty}'` : '';
    return `${e.instancePath || '/'}: ${e.message}${extra}`;
  });
}
