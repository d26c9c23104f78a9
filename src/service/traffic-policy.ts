/**
 * How a Service routes traffic that enters the cluster through a node
 * (`spec.externalTrafficPolicy`).
 */
export enum ExternalTrafficPolicy {
  /**
   * Any node forwards to any ready endpoint, on any node; kube-proxy
   * masquerades what it forwards to another node, so the pod sees that
   * node's address instead of the client's. Affinity still keys on the
   * client's IP, in the table of the node the traffic arrived at.
   */
  CLUSTER = 'Cluster',

  /**
   * A node forwards only to endpoints on itself and keeps the client's source
   * address visible to the pod, with no second hop. Nodes without a ready
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
