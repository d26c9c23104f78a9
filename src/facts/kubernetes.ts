/**
 * What the Kubernetes API server accepts for Services, written once so the
 * constructs and (later) the doctor share the same limits.
 *
 * Sources: the core/v1 ServiceSpec reference and the API server's Service
 * validation (`pkg/apis/core/validation`).
 */

/** Smallest `sessionAffinityConfig.clientIP.timeoutSeconds` the API server accepts. */
export const CLIENT_IP_TIMEOUT_MIN_SECONDS = 1;

/** Largest `sessionAffinityConfig.clientIP.timeoutSeconds` the API server accepts (24 hours). */
export const CLIENT_IP_TIMEOUT_MAX_SECONDS = 86_400;

/** What the API server fills in when `timeoutSeconds` is left out (3 hours). */
export const CLIENT_IP_TIMEOUT_DEFAULT_SECONDS = 10_800;

/** `spec.clusterIP` of a headless Service: no virtual IP, so kube-proxy never sees it. */
export const HEADLESS_CLUSTER_IP = 'None';

/** Why ClientIP affinity means nothing on a headless Service (clusterIP: None). */
export const HEADLESS_HAS_NO_AFFINITY = 'a headless Service has no virtual IP, so clients resolve pod IPs from DNS and nothing applies ClientIP affinity';

/** Why ClientIP affinity means nothing on an ExternalName Service. */
export const EXTERNAL_NAME_HAS_NO_AFFINITY = 'an ExternalName Service is a DNS alias, and kube-proxy has no endpoints to keep a client on';

/** Whether `seconds` is a value the API server takes for a ClientIP affinity timeout. */
export function isValidClientIpTimeout(seconds: number): boolean {
  return Number.isInteger(seconds)
    && seconds >= CLIENT_IP_TIMEOUT_MIN_SECONDS
    && seconds <= CLIENT_IP_TIMEOUT_MAX_SECONDS;
}

/**
 * Whether the API server lets a Service of this shape set `externalTrafficPolicy`:
 * only NodePort and LoadBalancer Services, and ClusterIP Services with
 * `externalIPs`, are reachable from outside the cluster; the field is refused
 * on any other ("may only be set for externally-accessible services").
 */
export function isExternallyAccessible(type: string, externalIpCount: number): boolean {
  return type === 'NodePort'
    || type === 'LoadBalancer'
    || (type === 'ClusterIP' && externalIpCount > 0);
}

/** Lowest and highest port number a Service port, target port or node port may have. */
export const PORT_MIN = 1;
export const PORT_MAX = 65_535;

/** Longest RFC 1123 label (Service port names, Service names). */
export const DNS_LABEL_MAX_LENGTH = 63;

/**
 * Whether `name` is an RFC 1123 label: what the API server requires of a
 * Service port's name (lowercase letters, digits and '-', starting and ending
 * with a letter or digit, at most 63 characters).
 */
export function isDnsLabel(name: string): boolean {
  return name.length <= DNS_LABEL_MAX_LENGTH && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** The parts of a Service port the API server's rules look at. */
export interface ServicePortFacts {
  readonly port: number;
  readonly name?: string;
  readonly protocol?: string;
  readonly targetPort?: number;
  readonly nodePort?: number;
}

/** Why the API server would refuse a Service's ports: the offending value and the rule. */
export interface PortProblem {
  readonly value: string;
  readonly allowed: string;
}

function isPortNumber(n: number): boolean {
  return Number.isInteger(n) && n >= PORT_MIN && n <= PORT_MAX;
}

/** A port as an error shows it: a number as it is, a string (from plain JavaScript) quoted. */
function shownPort(port: unknown): string {
  return typeof port === 'string' ? JSON.stringify(port) : String(port);
}

/** How a port number must be, in an error (made once, not per check). */
const PORT_RANGE = `must be a whole number from ${PORT_MIN} to ${PORT_MAX}`;

/**
 * The first reason the API server would refuse these ports on a Service of
 * this type, or undefined when it would take them.
 */
export function servicePortProblem(ports: ServicePortFacts[], type: string): PortProblem | undefined {
  for (const p of ports) {
    if (!isPortNumber(p.port)) {
      return { value: `port ${shownPort(p.port)}`, allowed: PORT_RANGE };
    }
    if (p.targetPort !== undefined && !isPortNumber(p.targetPort)) {
      return { value: `targetPort ${shownPort(p.targetPort)}`, allowed: PORT_RANGE };
    }
    if (p.nodePort !== undefined && type !== 'NodePort' && type !== 'LoadBalancer') {
      return { value: `nodePort ${p.nodePort}`, allowed: `cannot be set on a ${type} Service: only NodePort and LoadBalancer Services have node ports` };
    }
    if (p.nodePort !== undefined && !isPortNumber(p.nodePort)) {
      return { value: `nodePort ${shownPort(p.nodePort)}`, allowed: PORT_RANGE };
    }
    if (p.name !== undefined && !isDnsLabel(p.name)) {
      return { value: `name ${JSON.stringify(p.name)}`, allowed: `must be an RFC 1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most ${DNS_LABEL_MAX_LENGTH} characters` };
    }
  }
  if (ports.length < 2) {
    return undefined;
  }
  const unnamed = ports.filter(p => p.name === undefined).map(p => p.port);
  if (unnamed.length > 0) {
    return { value: `${unnamed.join(', ')} unnamed`, allowed: 'must all have a name when a Service has more than one port: the API server refuses unnamed ports in a multi-port Service' };
  }
  const seenNames = new Set<string>();
  const seenPorts = new Set<string>();
  for (const p of ports) {
    if (p.name !== undefined) {
      if (seenNames.has(p.name)) {
        return { value: `name ${JSON.stringify(p.name)} twice`, allowed: 'must have unique names' };
      }
      seenNames.add(p.name);
    }
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (seenPorts.has(key)) {
      return { value: `${key} twice`, allowed: 'must not repeat a port number with the same protocol' };
    }
    seenPorts.add(key);
  }
  return undefined;
}

/**
 * A value as a container's env value (or command) must be written for the
 * kubelet to leave it as it is: `$` doubled, so no `$(NAME)` in it is
 * expanded (the kubelet reduces `$$` to `$`).
 *
 * @see https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
 */
export function envLiteral(value: string): string {
  return value.replace(/\$/g, '$$$$');
}
