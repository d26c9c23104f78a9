import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propError } from './errors';
import { describeNameRule, followsNameRule, NAMESPACE_NAME_RULE, NameRule, nameRuleOfKind } from './facts/names';
import { rootOf } from './tree';

/**
 * The namespace an object written without one lands in, as this library
 * reasons about it (comparing namespaces, writing a cross-namespace
 * reference): `kubectl apply` without `-n` and a context without a namespace.
 */
export const DEFAULT_NAMESPACE = 'default';

/**
 * Refuses a name the API server would refuse for `kind`, with the library's
 * message format. `prop` is what the user set (`metadata.name`, `name`).
 */
export function checkName(scope: IConstruct, prop: string, name: string, rule: NameRule): void {
  if (!followsNameRule(name, rule)) {
    throw propError(scope, prop, JSON.stringify(name), `must be ${describeNameRule(rule)}`);
  }
}

/**
 * Checks the name and namespace of an object this library writes, eagerly:
 * neither can change once the object exists. A name cdk8s generated from the
 * construct path is checked too, so a chart id such as `My_App` is caught
 * here rather than by the API server.
 *
 * @param scope the construct the user knows (its path starts the message)
 * @param object the API object about to be written
 * @param prefix how the user set the metadata (`metadata`, `storeMetadata`)
 */
export function checkObjectNames(scope: IConstruct, object: ApiObject, prefix = 'metadata'): void {
  // What is written, not what cdk8s generated: `metadata: { name: undefined }`
  // replaces the generated name and leaves the object without one.
  const name = object.metadata.name;
  if (name === undefined) {
    throw propError(scope, `${prefix}.name`, 'undefined',
      'must be a name, or left out for the one cdk8s generates: an explicit undefined leaves the object without a name');
  }
  checkName(scope, `${prefix}.name`, name, nameRuleOfKind(object.kind));
  const namespace = object.metadata.namespace;
  if (namespace !== undefined) {
    checkName(scope, `${prefix}.namespace`, namespace, NAMESPACE_NAME_RULE);
  }
  registerObject(scope, object);
}

/**
 * The objects the library's constructs wrote under one root (the App), each
 * with the construct the user made. One list per app, filled as each object
 * is made, read once per validation: no walk of the construct tree.
 */
const registries = new WeakMap<IConstruct, Map<ApiObject, IConstruct>>();

/**
 * Records an object a library construct wrote, so that two objects with one
 * identity (API group, kind, namespace, name) are refused at synth: the second
 * would silently replace the first at apply. The first record of an object
 * keeps its owner. The check is a validation on the root, added once.
 *
 * @param owner the construct the user made (its path names the object in the error)
 */
export function registerObject(owner: IConstruct, object: ApiObject): void {
  const root = rootOf(owner);
  let objects = registries.get(root);
  if (objects === undefined) {
    const registered = new Map<ApiObject, IConstruct>();
    objects = registered;
    registries.set(root, registered);
    // cdk8s validates the whole app once per chart it synthesizes; names and
    // namespaces are fixed when an object is made, so one answer per size of the list.
    let checked: { size: number; errors: string[] } | undefined;
    root.node.addValidation({
      validate: () => {
        if (checked?.size !== registered.size) {
          checked = { size: registered.size, errors: duplicateObjects(registered) };
        }
        return checked.errors;
      },
    });
  }
  if (!objects.has(object)) {
    objects.set(object, owner);
  }
}

/** What identifies an object to the API server; an object without a namespace lands in `default`. */
function identity(object: ApiObject): string {
  const slash = object.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : object.apiVersion.slice(0, slash);
  return JSON.stringify([group, object.kind, object.metadata.namespace ?? DEFAULT_NAMESPACE, object.name]);
}

/** One error per identity held by two objects or more, naming each owner's path. Reads only. */
function duplicateObjects(objects: Map<ApiObject, IConstruct>): string[] {
  const byIdentity = new Map<string, Array<[ApiObject, IConstruct]>>();
  for (const entry of objects) {
    const key = identity(entry[0]);
    const same = byIdentity.get(key);
    if (same === undefined) {
      byIdentity.set(key, [entry]);
    } else {
      same.push(entry);
    }
  }
  const errors: string[] = [];
  for (const same of byIdentity.values()) {
    if (same.length < 2) {
      continue;
    }
    const [object] = same[0];
    const group = object.apiVersion.includes('/') ? ` (${object.apiVersion.slice(0, object.apiVersion.lastIndexOf('/'))})` : '';
    errors.push(`${same.length} objects are the ${object.kind}${group} ${JSON.stringify(object.name)} in namespace `
      + `${object.metadata.namespace ?? DEFAULT_NAMESPACE}, made by ${same.map(([, owner]) => owner.node.path || '(the app)').join(' and ')}: `
      + 'the last applied would replace the others; give each its own name or namespace');
  }
  return errors;
}

/**
 * The metadata a user gave, without the keys set to `undefined`. cdk8s's
 * ApiObject spreads the given metadata over the name it generates, so an
 * optional name passed through as `{ name: undefined }` would write an object
 * with no name at all; without the key, cdk8s's generated name stays.
 */
export function definedMetadata(metadata: ApiObjectMetadata | undefined): ApiObjectMetadata | undefined {
  if (metadata === undefined) {
    return undefined;
  }
  // A loop, not entries/filter/fromEntries: one object made, no pairs.
  const defined: Record<string, unknown> = {};
  const keys = Object.keys(metadata);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = (metadata as Record<string, unknown>)[key];
    if (value !== undefined) {
      defined[key] = value;
    }
  }
  return defined as ApiObjectMetadata;
}
