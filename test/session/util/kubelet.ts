import { Manifest } from '../../util/manifests';

/** The text of one key of a synthesized Secret, as the kubelet hands it to a container. */
export function secretValue(manifests: Manifest[], name: string, key: string, namespace?: string): string {
  const secret = manifests.find(m => m.kind === 'Secret' && m.metadata?.name === name
    && (namespace === undefined || m.metadata?.namespace === undefined || m.metadata.namespace === namespace));
  if (!secret) {
    throw new Error(`no Secret ${name} in the synthesized manifests`);
  }
  if (secret.stringData?.[key] !== undefined) {
    return secret.stringData[key];
  }
  if (secret.data?.[key] !== undefined) {
    return Buffer.from(secret.data[key], 'base64').toString('utf-8');
  }
  throw new Error(`Secret ${name} has no key ${key}`);
}

/**
 * Kubernetes' `$(VAR)` expansion: a reference to a variable defined earlier
 * in the list is replaced, `$$` is an escaped `$`, anything else stays as
 * written.
 *
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
export function expand(value: string, defined: Map<string, string>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name) => {
    if (match === '$$') {
      return '$';
    }
    return defined.has(name) ? defined.get(name)! : match;
  });
}

/**
 * The environment a container gets, resolved the way the kubelet does:
 * plain values (with `$(VAR)` expansion from the variables before them) and
 * `secretKeyRef`s read from the synthesized Secrets. Any other source fails.
 */
export function resolveEnv(manifests: Manifest[], container: any, namespace?: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const variable of container.env ?? []) {
    if (variable.value !== undefined) {
      env.set(variable.name, expand(variable.value, env));
    } else if (variable.valueFrom?.secretKeyRef) {
      const ref = variable.valueFrom.secretKeyRef;
      env.set(variable.name, secretValue(manifests, ref.name, ref.key, namespace));
    } else {
      throw new Error(`cannot resolve env ${variable.name}: ${JSON.stringify(variable.valueFrom)}`);
    }
  }
  return env;
}

/** The one container of the one workload of a kind and name. */
export function containerOf(manifests: Manifest[], kind: string, name: string): any {
  const workload = manifests.find(m => m.kind === kind && m.metadata?.name === name);
  if (!workload) {
    throw new Error(`no ${kind} ${name}`);
  }
  return workload.spec.template.spec.containers[0];
}

/** A URL with only its host and port replaced, credentials and path kept. */
export function rehost(url: string, host: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  return parsed.href;
}
