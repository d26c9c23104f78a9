// Rules on an object's metadata, which every kind shares.
import { Rule, describe } from './rule';
import { isObject } from '../inventory';
import { Severity } from '../model';

/** The keys of a metadata map (annotations, labels) whose values are not strings, with how YAML read them. */
function nonStringValues(map: unknown): string[] {
  if (!isObject(map)) {
    return [];
  }
  // null decodes to an empty string, which the API server takes.
  return Object.entries(map)
    .filter(([, v]) => v !== null && typeof v !== 'string')
    .map(([k, v]) => `${k}: ${JSON.stringify(v)} (a ${Array.isArray(v) ? 'list' : typeof v})`);
}

/** @see https://kubernetes.io/docs/concepts/overview/working-with-objects/annotations/ */
export const metadataValueNotString: Rule = {
  id: 'metadata-value-not-string',
  severity: Severity.ERROR,
  rationale: 'Annotation and label values are strings. YAML reads an unquoted 3600, true or 1.5 as a number or boolean, which the API server (and kubectl, before sending) refuses: the object is never created or updated, so none of its settings, affinity included, apply.',
  fix: 'Quote the value, e.g. nginx.ingress.kubernetes.io/session-cookie-max-age: "3600".',
  check(inventory, report) {
    for (const doc of inventory.docs) {
      // kustomize's own files never reach the API server, and kustomize quotes what it copies.
      if (typeof doc.obj.apiVersion === 'string' && doc.obj.apiVersion.startsWith('kustomize.config.k8s.io/')) {
        continue;
      }
      const found = [
        ...nonStringValues(doc.obj.metadata?.annotations).map(v => `metadata.annotations ${v}`),
        ...nonStringValues(doc.obj.metadata?.labels).map(v => `metadata.labels ${v}`),
      ];
      if (found.length > 0) {
        report(doc, `${describe(doc)}: ${found.join('; ')} must be a string; the API server refuses the object`);
      }
    }
  },
};
