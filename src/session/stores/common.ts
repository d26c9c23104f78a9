// What every store that runs in the chart shares: names, the NetworkPolicy,
// the Services of a StatefulSet, volume claims, URL checks. Internal, not exported
// from the package.
import { ApiObject, Chart, JsonPatch, Size, SizeRoundingBehavior } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { InChartStoreOptions } from './options';
import { propError } from '../../errors';
import { IMAGE_RULE, isImageReference } from '../../facts/kubernetes-images';
import { NAMESPACE_NAME_RULE, NameRule, nameRuleOfKind } from '../../facts/names';
import { ENV_NAME, serviceHost, URL_SAFE_PASSWORD } from '../../facts/session-stores';
import { checkName, registerObject } from '../../names';
import { describeSize } from '../../units';
import { SecretKeyRef, SessionStoreConsumer } from '../session-store';

/** Where a store that runs in the chart puts its objects, and how it is reached. */
export interface Placement {
  readonly name: string;
  readonly namespace?: string;
  readonly host: string;
  readonly metadata: { name: string; namespace?: string };
}

/** Name and namespace of a store run in the chart, and its host name. */
export function placement(consumer: SessionStoreConsumer, scope: Construct, suffix: string, options: InChartStoreOptions): Placement {
  checkResources(scope, 'store.resources', options.resources);
  if (options.clusterDomain !== undefined) {
    // It becomes part of the host name in the app's URL.
    checkName(scope, 'store.clusterDomain', options.clusterDomain, NameRule.DNS_1123_SUBDOMAIN);
  }
  const name = options.name ?? `${consumer.name}-${suffix}`;
  if (name === consumer.name) {
    throw propError(scope, 'store.name', JSON.stringify(name), 'must differ from the name of the app using the store: their Services would collide');
  }
  const namespace = consumer.namespace ?? Chart.of(scope).namespace;
  return {
    name,
    namespace,
    host: serviceHost(name, namespace, options.clusterDomain ?? 'cluster.local'),
    metadata: { name, ...(namespace !== undefined ? { namespace } : {}) },
  };
}

/**
 * Checks the name and namespace of every object a store created. The name is
 * the user's `store.name` (or derived from the consumer's), so errors say so.
 */
export function checkNames(scope: Construct, objects: Construct[]): void {
  for (const object of objects) {
    const api = ApiObject.of(object);
    checkName(scope, 'store.name', api.metadata.name ?? api.name, nameRuleOfKind(api.kind));
    if (api.metadata.namespace !== undefined) {
      checkName(scope, 'namespace', api.metadata.namespace, NAMESPACE_NAME_RULE);
    }
    registerObject(scope, api);
  }
}

/**
 * Refuses a Secret reference the consumer's pods could not read: a key that
 * is no Secret data key, a Secret name no Secret can have, and for a Secret
 * made in the chart, one in another namespace (pods read Secrets of their own
 * namespace only; a Secret or pods without one are placed by `kubectl -n`, so
 * they are let be) or without the key (the pods would never start). A Secret
 * made outside the chart cannot be read at synth; it is only named.
 *
 * @param secretProp the prop naming the Secret: `<prop>` for a SecretKeyRef, `store.secret` for JWT
 * @param keyProp the prop naming the key: `<prop>` for a SecretKeyRef, `store.key` for JWT
 */
export function checkSecretKey(scope: Construct, prop: string, ref: SecretKeyRef, consumer: SessionStoreConsumer,
  secretProp = prop, keyProp = prop): void {
  if (ref.key === '' || !/^[-._a-zA-Z0-9]+$/.test(ref.key)) {
    throw propError(scope, `${prop}.key`, JSON.stringify(ref.key),
      'must be a Secret data key: letters, digits, \'-\', \'_\' or \'.\'');
  }
  // A Secret named with fromSecretName() is only as good as its name.
  checkName(scope, secretProp, ref.secret.name, NameRule.DNS_1123_SUBDOMAIN);
  if (!(ref.secret instanceof kplus.Secret)) {
    return;
  }
  const secretNamespace = ApiObject.of(ref.secret).metadata.namespace;
  const podNamespace = consumer.namespace ?? Chart.of(scope).namespace;
  if (secretNamespace !== undefined && podNamespace !== undefined && secretNamespace !== podNamespace) {
    throw propError(scope, secretProp, `Secret ${ref.secret.name} in namespace ${secretNamespace}`,
      `must be a Secret in the namespace of the pods that read it (${podNamespace})`);
  }
  if (ref.secret.getStringData(ref.key) === undefined) {
    throw propError(scope, keyProp, `key ${JSON.stringify(ref.key)} of Secret ${ref.secret.name}`, 'must name a key the Secret holds');
  }
}


/**
 * Checks a password the chart itself holds (a `kplus.Secret` made with
 * `stringData`): `$(VAR)` expansion writes it into a URL unescaped and Redis
 * reads it from a config line, so it must be URL-safe.
 */
export function checkPassword(scope: Construct, prop: string, ref: SecretKeyRef, consumer: SessionStoreConsumer): void {
  checkSecretKey(scope, prop, ref, consumer);
  if (!(ref.secret instanceof kplus.Secret)) {
    return;
  }
  const value = ref.secret.getStringData(ref.key)!;
  if (!URL_SAFE_PASSWORD.test(value)) {
    throw propError(scope, prop, `key ${JSON.stringify(ref.key)} of Secret ${ref.secret.name}`,
      'must hold a password of letters, digits and \'-._~\' only (e.g. `openssl rand -hex 32`): it is written into a URL by $(VAR) expansion, which does not escape');
  }
}

/** The store's image, refused when no pod could start with it. */
export function storeImage(scope: Construct, image: string | undefined, official: string): string {
  if (image !== undefined && !isImageReference(image)) {
    throw propError(scope, 'store.image', JSON.stringify(image), IMAGE_RULE);
  }
  return image ?? official;
}

/** Refuses an environment variable name a container cannot have. */
export function checkEnvName(scope: Construct, prop: string, name: string): void {
  if (!ENV_NAME.test(name)) {
    throw propError(scope, prop, JSON.stringify(name),
      'must be an environment variable name: a letter or \'_\', then letters, digits or \'_\'');
  }
}

/**
 * The names of a store's two env vars, the URL and the password it embeds as
 * `$(<password var>)`, checked: valid env names, and two of them.
 */
export function urlAndPasswordEnv(scope: Construct, options: { readonly urlEnv?: string; readonly passwordEnv?: string }, defaultUrlEnv: string):
{ urlEnv: string; passwordEnv: string } {
  const urlEnv = options.urlEnv ?? defaultUrlEnv;
  const passwordEnv = options.passwordEnv ?? `${urlEnv}_PASSWORD`;
  checkEnvName(scope, 'store.urlEnv', urlEnv);
  checkEnvName(scope, 'store.passwordEnv', passwordEnv);
  if (passwordEnv === urlEnv) {
    throw propError(scope, 'store.passwordEnv', JSON.stringify(passwordEnv), 'must differ from urlEnv: the URL and the password are two variables');
  }
  return { urlEnv, passwordEnv };
}

/**
 * Parses an external store's URL: only the schemes its clients speak, and no
 * credential in it (the URL is a plain env value; a password belongs in a
 * Secret, passed as `password`).
 */
export function parseStoreUrl(scope: Construct, prop: string, url: string, schemes: string[], what: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw propError(scope, prop, JSON.stringify(url), `must be a URL such as ${schemes[0]}//host:port`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw propError(scope, prop, JSON.stringify(url), `must be a ${what} URL: its scheme must be one of ${schemes.map(s => `${s}//`).join(', ')}`);
  }
  if (parsed.password !== '') {
    throw propError(scope, prop, redact(parsed),
      'must not hold a password: the URL is a plain env value; put the password in a Secret and pass it as \'password\'');
  }
  if (parsed.hostname === '') {
    throw propError(scope, prop, JSON.stringify(url), 'must name a host');
  }
  return parsed;
}

/** The URL with its password replaced, for an error message that must not leak it. */
function redact(url: URL): string {
  const copy = new URL(url.href);
  copy.password = '***';
  return JSON.stringify(copy.href);
}

/** Refuses a Size that is not a positive whole number of mebibytes. */
export function mebibytes(scope: Construct, prop: string, size: Size): number {
  const mib = size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(mib) || mib < 1) {
    throw propError(scope, prop, describeSize(size), 'must be a whole number of mebibytes, at least 1Mi');
  }
  return mib;
}

/**
 * Refuses resources cdk8s-plus cannot write (memory that is not whole
 * mebibytes) or the API server refuses (a request above its limit).
 *
 * @see https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits
 */
export function checkResources(scope: Construct, prop: string, resources: kplus.ContainerResources | undefined): void {
  const memory = resources?.memory;
  const request = memory?.request === undefined ? undefined : mebibytes(scope, `${prop}.memory.request`, memory.request);
  const limit = memory?.limit === undefined ? undefined : mebibytes(scope, `${prop}.memory.limit`, memory.limit);
  if (request !== undefined && limit !== undefined && request > limit) {
    throw propError(scope, `${prop}.memory.request`, `${request}Mi`, `must not exceed the memory limit (${limit}Mi)`);
  }
  const cpuRequest = cpuUnits(resources?.cpu?.request);
  const cpuLimit = cpuUnits(resources?.cpu?.limit);
  if (cpuRequest !== undefined && cpuLimit !== undefined && cpuRequest > cpuLimit) {
    throw propError(scope, `${prop}.cpu.request`, resources!.cpu!.request!.amount, `must not exceed the CPU limit (${resources!.cpu!.limit!.amount})`);
  }
}

/**
 * The resources of a store's container: those given, with the store's own
 * request and memory limit for the resource (CPU or memory) they leave out,
 * so every store run in the chart has both, as the README promises; a
 * memory given without a limit is refused, with why the store needs one.
 *
 * @param defaults the store's resources when none are given (a CPU request, a memory request and limit)
 * @param why why the store needs a memory limit, as the error says it
 */
export function storeResources(scope: Construct, given: kplus.ContainerResources | undefined,
  defaults: { readonly cpu: kplus.CpuResources; readonly memory: kplus.MemoryResources }, why: string): kplus.ContainerResources {
  if (given === undefined) {
    return defaults;
  }
  if (given.memory !== undefined && given.memory.limit === undefined) {
    const request = defaults.memory.request === undefined ? '' : `${describeSize(defaults.memory.request)} requested, `;
    throw propError(scope, 'store.resources.memory.limit', 'not given',
      `is required with 'store.resources.memory': ${why}; give one, or leave 'memory' out for the store's own (${request}${describeSize(defaults.memory.limit!)} limit)`);
  }
  return { ...given, cpu: given.cpu ?? defaults.cpu, memory: given.memory ?? defaults.memory };
}

/** A CPU amount (`250m`, `1.5`) in cores. */
function cpuUnits(cpu: kplus.Cpu | undefined): number | undefined {
  if (cpu === undefined) {
    return undefined;
  }
  return cpu.amount.endsWith('m') ? Number(cpu.amount.slice(0, -1)) / 1000 : Number(cpu.amount);
}

/** The non-root security context of a store's pod: the image's own user, its group owning the volumes. */
export function podSecurityContext(uid: number): kplus.PodSecurityContextProps {
  return { ensureNonRoot: true, user: uid, group: uid, fsGroup: uid };
}

/** The non-root, read-only security context of a store's container. */
export function containerSecurityContext(uid: number): kplus.ContainerSecurityContextProps {
  return {
    ensureNonRoot: true,
    user: uid,
    group: uid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
  };
}

/**
 * A NetworkPolicy that admits the consumer's pods, and nothing else, to the
 * store's port. Other traffic to the store's pods is denied.
 */
export function storeNetworkPolicy(scope: Construct, place: Placement, workload: kplus.Workload,
  consumer: SessionStoreConsumer, port: number): kplus.NetworkPolicy {
  return new kplus.NetworkPolicy(scope, 'StoreNetworkPolicy', {
    metadata: place.metadata,
    selector: workload,
    ingress: {
      default: kplus.NetworkPolicyTrafficDefault.DENY,
      rules: [{ peer: consumer.pods, ports: [kplus.NetworkPolicyPort.tcp(port)] }],
    },
  });
}

/**
 * The Services of a store run as a StatefulSet: a ClusterIP Service for
 * clients, and the headless Service (`clusterIP: None`) that governs the
 * StatefulSet, as Kubernetes requires of a StatefulSet's `serviceName`, which
 * gives each pod a stable DNS name. The client Service is given the
 * StatefulSet's selector when the StatefulSet is made (`selectStatefulSet`).
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#limitations
 */
export function statefulStoreServices(scope: Construct, place: Placement, port: { name: string; number: number }):
{ service: kplus.Service; governingService: kplus.Service } {
  const ports = [{ name: port.name, port: port.number, targetPort: port.number }];
  const service = new kplus.Service(scope, 'StoreService', { metadata: place.metadata, ports });
  const governingService = new kplus.Service(scope, 'StoreHeadlessService', {
    metadata: { ...place.metadata, name: `${place.name}-headless` },
    clusterIP: 'None',
    ports,
  });
  return { service, governingService };
}

/**
 * Adds a volume claim template to a StatefulSet and mounts it, which
 * cdk8s-plus-28's StatefulSet has no props for.
 */
export function addVolumeClaimTemplate(scope: Construct, statefulSet: kplus.StatefulSet, claim: string, mountPath: string,
  storage: Size, storageClassName: string | undefined): void {
  // A claim asks for more than zero bytes, in a quantity cdk8s can write.
  mebibytes(scope, 'store.storage', storage);
  // '' is meaningful: no class, so no dynamic provisioning.
  if (storageClassName !== undefined && storageClassName !== '') {
    checkName(scope, 'store.storageClassName', storageClassName, NameRule.DNS_1123_SUBDOMAIN);
  }
  const template: kplus.k8s.KubePersistentVolumeClaimProps = {
    metadata: { name: claim },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(storageClassName !== undefined ? { storageClassName } : {}),
      resources: { requests: { storage: kplus.k8s.Quantity.fromString(quantity(storage)) } },
    },
  };
  const api = ApiObject.of(statefulSet);
  api.addJsonPatch(JsonPatch.add('/spec/volumeClaimTemplates', [template]));
  api.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/volumeMounts/-', { name: claim, mountPath }));
}

/** A Size as a Kubernetes quantity, in Gi when it is whole gibibytes. */
function quantity(size: Size): string {
  const mib = size.toMebibytes();
  return mib % 1024 === 0 ? `${mib / 1024}Gi` : `${mib}Mi`;
}
