import { Chart, Testing } from 'cdk8s';
import { crdSchemaErrors, hasCrdSchema } from './crd-schemas';

/** A synthesized Kubernetes object, as read back from the chart. */
export type Manifest = { apiVersion: string; kind: string; metadata?: any; spec?: any; [key: string]: any };

interface ModelClass {
  new (data: unknown): { validate(): void };
}

/**
 * Where kubernetes-models keeps the class for an apiVersion: core objects under
 * `v1/`, the rest under `<group>/<version>/`. GKE's own kinds (BackendConfig),
 * which have no CRD file upstream, come from @kubernetes-models/gke.
 */
function modelModule(apiVersion: string, kind: string): string {
  const models = apiVersion.startsWith('cloud.google.com/') ? '@kubernetes-models/gke' : 'kubernetes-models';
  return `${models}/${apiVersion}/${kind}`;
}

function modelFor(manifest: Manifest): ModelClass {
  const where = modelModule(manifest.apiVersion, manifest.kind);
  let mod: Record<string, ModelClass>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(where);
  } catch {
    throw new Error(`no schema for ${manifest.apiVersion} ${manifest.kind} (looked for ${where}): add its models package to the test helper before testing it`);
  }
  return mod[manifest.kind];
}

/**
 * Validates every manifest: custom resources strictly against their upstream
 * CRD in `crds/` (unknown fields fail), everything else against the Kubernetes
 * OpenAPI schema with kubernetes-models (types, enums, required fields; it
 * does not refuse unknown fields, so tests also assert the fields that matter
 * by name).
 */
export function validateManifests(manifests: Manifest[]): void {
  const problems: string[] = [];
  for (const manifest of manifests) {
    const nameProblem = checkName(manifest);
    if (nameProblem) {
      problems.push(`${manifest.kind} ${manifest.metadata?.name}: ${nameProblem}`);
    }
    if (hasCrdSchema(manifest.apiVersion, manifest.kind)) {
      problems.push(...crdSchemaErrors(manifest).map(e => `${manifest.kind} ${manifest.metadata?.name}: ${e}`));
      continue;
    }
    const Model = modelFor(manifest);
    try {
      new Model(manifest).validate();
    } catch (e) {
      problems.push(`${manifest.kind} ${manifest.metadata?.name}: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`manifests fail the Kubernetes schema:\n${problems.join('\n')}`);
  }
}

// The schema leaves metadata.name optional (generateName exists); the API
// server does not, and each kind has its own naming rule.
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function checkName(manifest: Manifest): string | undefined {
  const name = manifest.metadata?.name;
  if (typeof name !== 'string' || name === '') {
    return 'metadata.name is missing';
  }
  const rule = manifest.kind === 'Service' ? DNS_1035_LABEL : DNS_1123_SUBDOMAIN;
  return rule.test(name) ? undefined : `metadata.name ${JSON.stringify(name)} does not match ${rule}`;
}

/** Synthesizes a chart, validates every object against the schema, and returns them. */
export function synthValid(chart: Chart): Manifest[] {
  const manifests = Testing.synth(chart) as Manifest[];
  validateManifests(manifests);
  return manifests;
}

/** The one object of a kind (and name, when given); fails when there is not exactly one. */
export function only(manifests: Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter(m => m.kind === kind && (name === undefined || m.metadata?.name === name));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}${name ? ` named ${name}` : ''}, found ${found.length}`);
  }
  return found[0];
}

/** A fresh chart in a fresh test app. */
export function newChart(namespace?: string): Chart {
  return new Chart(Testing.app(), 'test', { namespace });
}
