/**
 * Reading the fields of a plain manifest that every front's detector needs.
 * Pure: no imports.
 */

/** A manifest: any JSON object. */
type Manifest = { [key: string]: any };

/** The API group of a manifest ('' for the core group). */
export function groupOf(obj: Manifest): string {
  const apiVersion = String(obj.apiVersion ?? '');
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** `metadata.name`, or '' when missing. */
export function manifestName(obj: Manifest): string {
  const name = obj.metadata?.name;
  return typeof name === 'string' ? name : '';
}

/** `metadata.annotations` as strings (YAML turns unquoted numbers and booleans into non-strings). */
export function manifestAnnotations(obj: Manifest): Record<string, string> {
  const a = obj.metadata?.annotations;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) {
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) {
    out[k] = typeof v === 'string' ? v : String(v);
  }
  return out;
}

/** A list field, or none. */
export function listOf(x: unknown): any[] {
  return Array.isArray(x) ? x : [];
}

/**
 * A Kubernetes Ingress's backends (networking.k8s.io/v1, and the older
 * v1beta1 shape), with their ports; `defaultBackend` marks the Ingress's
 * default backend (`spec.defaultBackend`, or v1beta1's `spec.backend`).
 */
export function ingressBackendRefs(ingress: Manifest): Array<{ name: string; port?: number | string; defaultBackend?: boolean }> {
  const out: Array<{ name: string; port?: number | string; defaultBackend?: boolean }> = [];
  const add = (backend: any, defaultBackend: boolean) => {
    const name = backend?.service?.name ?? backend?.serviceName;
    if (typeof name === 'string') {
      const port = backend?.service?.port?.number ?? backend?.service?.port?.name ?? backend?.servicePort;
      out.push({ name, ...(typeof port === 'number' || typeof port === 'string' ? { port } : {}), ...(defaultBackend ? { defaultBackend } : {}) });
    }
  };
  add(ingress.spec?.defaultBackend, true);
  add(ingress.spec?.backend, true);
  for (const rule of listOf(ingress.spec?.rules)) {
    for (const path of listOf(rule?.http?.paths)) {
      add(path?.backend, false);
    }
  }
  return out;
}

/**
 * The IngressClass an Ingress asks for: `spec.ingressClassName`, or the older
 * `kubernetes.io/ingress.class` annotation; undefined for the cluster's default.
 */
export function ingressClassOf(ingress: Manifest): string | undefined {
  const name = ingress.spec?.ingressClassName;
  if (typeof name === 'string') {
    return name;
  }
  return manifestAnnotations(ingress)['kubernetes.io/ingress.class'];
}

/**
 * An annotation of this library's own, on a workload or its pod template:
 * `"true"` tells the doctor the pods keep sessions to themselves (in memory,
 * on a local disk), which their manifests cannot show; `"false"` that they
 * do not, whatever the doctor would infer.
 */
export const LOCAL_SESSIONS_ANNOTATION = 'cdk8s-session-affinity.dev/local-sessions';

/**
 * An annotation of this library's own, on a Service: `"false"` tells the
 * doctor that no user's requests come through the Service (only a probe's,
 * a metrics scraper's, or the pods' own peer discovery), so whether it keeps
 * users on their pods is not judged.
 */
export const USER_FACING_ANNOTATION = 'cdk8s-session-affinity.dev/user-facing';

/** Whether a Service says no user's requests come through it (`USER_FACING_ANNOTATION: "false"`). */
export function notUserFacing(service: Manifest): boolean {
  return manifestAnnotations(service)[USER_FACING_ANNOTATION]?.trim().toLowerCase() === 'false';
}
