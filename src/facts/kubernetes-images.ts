/**
 * What a container's `image` must be for its pods to start. Pure: no imports.
 *
 * The API server refuses an image with leading or trailing whitespace, and
 * accepts an empty one in a pod template (for tools that fill it in later),
 * whose pods are then refused; no image reference holds whitespace at all.
 *
 * @see https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container
 * @see https://github.com/distribution/reference/blob/main/reference.go
 */

/** Whether `image` can be a container's image: non-empty, with no whitespace or control characters. */
export function isImageReference(image: string): boolean {
  return /^[\x21-\x7e]+$/.test(image);
}

/** What an image must be, for error messages. */
export const IMAGE_RULE = 'must be an image reference (such as \'grafana/grafana:11.3.0\'): not empty, with no spaces or control characters';
