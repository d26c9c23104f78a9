import { ApiObject, ApiObjectMetadata } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propError } from './errors';
import { describeNameRule, followsNameRule, NAMESPACE_NAME_RULE, NameRule, nameRuleOfKind } from './facts/names';

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
  return Object.fromEntries(Object.entries(metadata).filter(([, value]) => value !== undefined)) as ApiObjectMetadata;
}
