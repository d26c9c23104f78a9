/**
 * Object-name rules of the Kubernetes API server (`apimachinery`'s
 * `IsDNS1035Label`, `IsDNS1123Label`, `IsDNS1123Subdomain`), and which rule
 * each kind this library writes must follow. Pure: no imports.
 *
 * @see https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
 */

/** Longest DNS-1035 or DNS-1123 label. */
export const DNS_LABEL_MAX = 63;

/** Longest DNS-1123 subdomain. */
export const DNS_SUBDOMAIN_MAX = 253;

/** The three naming rules Kubernetes applies to object names. */
export enum NameRule {
  /** Lowercase letters, digits and '-', starting with a letter, ending with a letter or digit, at most 63. */
  DNS_1035_LABEL = 'DNS-1035 label',
  /** Lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63. */
  DNS_1123_LABEL = 'DNS-1123 label',
  /** DNS-1123 labels joined by '.', at most 253 in all. */
  DNS_1123_SUBDOMAIN = 'DNS-1123 subdomain',
}

const LABEL_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** Whether `name` follows `rule`. */
export function followsNameRule(name: string, rule: NameRule): boolean {
  switch (rule) {
    case NameRule.DNS_1035_LABEL:
      return name.length <= DNS_LABEL_MAX && LABEL_1035.test(name);
    case NameRule.DNS_1123_LABEL:
      return name.length <= DNS_LABEL_MAX && LABEL_1123.test(name);
    case NameRule.DNS_1123_SUBDOMAIN:
      return name.length <= DNS_SUBDOMAIN_MAX && SUBDOMAIN_1123.test(name) && labelsWithinMax(name);
  }
}

/** DNS-1123 labels joined by '.': each label as LABEL_1123 matches it. */
const SUBDOMAIN_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether no '.'-separated part of `name` is longer than a label may be; read in place. */
function labelsWithinMax(name: string): boolean {
  let start = 0;
  for (;;) {
    const dot = name.indexOf('.', start);
    const end = dot < 0 ? name.length : dot;
    if (end - start > DNS_LABEL_MAX) {
      return false;
    }
    if (dot < 0) {
      return true;
    }
    start = dot + 1;
  }
}

/** The rule in words, for error messages. */
export function describeNameRule(rule: NameRule): string {
  switch (rule) {
    case NameRule.DNS_1035_LABEL:
      return `a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most ${DNS_LABEL_MAX} characters`;
    case NameRule.DNS_1123_LABEL:
      return `a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${DNS_LABEL_MAX} characters`;
    case NameRule.DNS_1123_SUBDOMAIN:
      return `a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most ${DNS_SUBDOMAIN_MAX} characters`;
  }
}

/**
 * The rule for `metadata.name` of a kind. Services and Namespaces are labels
 * (a Service name becomes a DNS label, and must start with a letter); most
 * other kinds, custom resources included, are subdomains.
 */
export function nameRuleOfKind(kind: string): NameRule {
  switch (kind) {
    case 'Service':
      return NameRule.DNS_1035_LABEL;
    case 'Namespace':
      return NameRule.DNS_1123_LABEL;
    default:
      return NameRule.DNS_1123_SUBDOMAIN;
  }
}

/** Namespaces are DNS-1123 labels. */
export const NAMESPACE_NAME_RULE = NameRule.DNS_1123_LABEL;
