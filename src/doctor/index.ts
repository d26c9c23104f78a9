// Severity order is the doctor's own business: `atLeast` and `severityRank` stay inside.
export { Finding, ResourceRef, RuleInfo, Severity } from './model';
export * from './affinity-doctor';
export * from './validation';
