/**
 * How a Service routes traffic that enters the cluster through a node
 * (`spec.externalTrafficPolicy`).
 */
export enum ExternalTrafficPolicy {
  /**
   * Any node forwards to any ready endpoint; kube-proxy masquerades the
   * packet, so the pod sees a node's address instead of the client's and
   * ClientIP affinity pins every client behind that node to one pod.
   */
  CLUSTER = 'Cluster',

  /**
   * A node forwards only to endpoints on itself and keeps the client's source
   * address, which is what ClientIP affinity keys on. Nodes without a ready
   * endpoint drop the traffic (load balancers learn this from the health
   * check node port).
   */
  LOCAL = 'Local',
}

/**
 * How a Service routes traffic from inside the cluster
 * (`spec.internalTrafficPolicy`).
 */
export enum InternalTrafficPolicy {
  /** Any ready endpoint in the cluster (the Kubernetes default). */
  CLUSTER = 'Cluster',

  /** Only endpoints on the client pod's own node; dropped when there is none. */
  LOCAL = 'Local',
}
