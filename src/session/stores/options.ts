import * as kplus from 'cdk8s-plus-28';

/** Knobs shared by the stores that can run in the chart. */
export interface InChartStoreOptions {
  /**
   * Name of the store's Service, workload and NetworkPolicy (a StatefulSet's
   * headless Service is `<name>-headless`); not the consumer's own name,
   * whose Service it would collide with.
   *
   * @default - `<consumer name>-<store>`, e.g. `shop-redis`
   */
  readonly name?: string;

  /**
   * The container image. Replace it with your registry's copy or a digest;
   * it must behave as the official image (same user, paths and tools).
   *
   * @default - the official image at the tag this library was tested with
   */
  readonly image?: string;

  /**
   * CPU and memory for the store's container. Each store keeps its own CPU
   * request, or memory request and limit, for the resource this leaves out;
   * a `memory` without a `limit` is refused (Redis sets `--maxmemory` from
   * the limit).
   *
   * @default - a small request and a memory limit fitted to each store
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Kubernetes' cluster DNS domain, used in the store's host name.
   *
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}
