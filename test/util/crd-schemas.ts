import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
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

/** Per folder: every CRD version's schema, and the validators compiled so far. */
interface Folder {
  readonly schemas: Map<string, Schema>;
  readonly validators: Map<string, ValidateFunction>;
  readonly ajv: Ajv;
}

const folders = new Map<string, Folder>();

function folder(dir: string): Folder {
  let found = folders.get(dir);
  if (!found) {
    found = {
      schemas: new Map(crdVersions(dir).map(v => [v.key, v.schema])),
      validators: new Map(),
      ajv: new Ajv({ allErrors: true, strict: false, validateFormats: false }),
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
    validate = f.ajv.compile(schema);
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
