/**
 * What KEDA's ScaledObject accepts, written once for the constructs and the
 * doctor. Pure data, no imports.
 *
 * @see https://keda.sh/docs/latest/reference/scaledobject-spec/
 * @see https://keda.sh/docs/latest/scalers/cpu/
 */

/** The ScaledObject's API group and version (crds/keda.sh_scaledobjects.yaml). */
export const KEDA_SCALED_OBJECT_API_VERSION = 'keda.sh/v1alpha1';

/** KEDA's `minReplicaCount` when none is given. */
export const KEDA_DEFAULT_MIN_REPLICAS = 0;

/** KEDA's `maxReplicaCount` when none is given. */
export const KEDA_DEFAULT_MAX_REPLICAS = 100;

/** Trigger types read from the Metrics Server, which needs resource requests on the containers. */
export const KEDA_RESOURCE_TRIGGER_TYPES = ['cpu', 'memory'] as const;

/**
 * `metricType` of the cpu and memory triggers: a percentage of the request,
 * or an absolute average.
 */
export const KEDA_RESOURCE_METRIC_TYPES = ['Utilization', 'AverageValue'] as const;

/**
 * Whether a set of trigger types lets KEDA scale to zero: cpu and memory
 * never do on their own, only with another trigger beside them.
 */
export function canScaleToZero(triggerTypes: readonly string[]): boolean {
  return triggerTypes.some(t => !(KEDA_RESOURCE_TRIGGER_TYPES as readonly string[]).includes(t));
}
