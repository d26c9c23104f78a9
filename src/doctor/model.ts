// The doctor's findings, as plain data: what the library API returns, what
// the CLI prints. Pure: no cdk8s, no constructs, so the CLI starts fast.

/** How much a finding matters. */
export enum Severity {
  /** Sessions break, or Kubernetes or a controller refuses or ignores the setting. Fails the CLI (exit 1) and the synth. */
  ERROR = 'error',
  /** Likely a mistake: a setting that does nothing, or a weaker setup than intended. */
  WARNING = 'warning',
  /** Worth knowing: a trade-off of the chosen setup. */
  INFO = 'info',
}

/** The object a finding is about. */
export interface ResourceRef {
  /** `apiVersion` of the object. */
  readonly apiVersion: string;
  /** `kind` of the object. */
  readonly kind: string;
  /**
   * `metadata.namespace` of the object.
   *
   * @default - not set in the manifest
   */
  readonly namespace?: string;
  /** `metadata.name` of the object (empty when the manifest has none). */
  readonly name: string;
  /**
   * The file the object was read from.
   *
   * @default - not read from a file
   */
  readonly file?: string;
  /**
   * The line of the file where the object starts (1-based).
   *
   * @default - unknown
   */
  readonly line?: number;
}

/** One session-affinity mistake found in a set of manifests. */
export interface Finding {
  /** The id of the rule that found it (see `AffinityDoctor.rules()`). */
  readonly rule: string;
  /** How much it matters. */
  readonly severity: Severity;
  /** The object at fault. */
  readonly resource: ResourceRef;
  /** What is wrong, naming the objects and values involved. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** What a rule checks, for documentation and for SARIF's rule list. */
export interface RuleInfo {
  /** Stable id, used in findings and to look the rule up in the README. */
  readonly id: string;
  /** The severity of every finding of this rule. */
  readonly severity: Severity;
  /** Why it matters, in one line. */
  readonly rationale: string;
  /** The fix, in one line. */
  readonly fix: string;
}

const ORDER: Record<Severity, number> = {
  [Severity.ERROR]: 0,
  [Severity.WARNING]: 1,
  [Severity.INFO]: 2,
};

/** Whether `severity` is at least as serious as `min`. */
export function atLeast(severity: Severity, min: Severity): boolean {
  return ORDER[severity] <= ORDER[min];
}

/** Sorts by severity, then the order the rules found them in. */
export function severityRank(severity: Severity): number {
  return ORDER[severity];
}
