// The one place where the cdk8s-plus majors this library is built for
// (28, and 32 and 33 through scripts/majors.js) need different handling.
// Everything here works on every major: it looks at what the object has,
// never at a version number.
import * as kplus from 'cdk8s-plus-28';

/**
 * Keeps a StatefulSet's pod volumes when its volume claim templates are
 * written by this library rather than through cdk8s-plus.
 *
 * cdk8s-plus-32 and 33 added `StatefulSet.volumeClaimTemplates` and, when it
 * is unset, write the pod spec without any `volumes` at all (a Secret or
 * emptyDir mounted by a container is then missing, and the API server refuses
 * the pod). An empty list keeps every volume and adds no claim; cdk8s-plus-28
 * has no such member and is left as it is.
 */
export function keepStatefulSetVolumes(statefulSet: kplus.StatefulSet): void {
  const set = statefulSet as unknown as { volumeClaimTemplates?: unknown[]; addVolumeClaimTemplate?: unknown };
  if (typeof set.addVolumeClaimTemplate === 'function' && set.volumeClaimTemplates === undefined) {
    set.volumeClaimTemplates = [];
  }
}
