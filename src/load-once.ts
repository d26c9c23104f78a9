/**
 * A module loader that requires its module on the first call and keeps it:
 * a construct's factory loads what it needs when an app first uses it, and
 * later calls (one per construct) skip `require()`, which resolves the
 * module's path on every call even when the module is loaded.
 */
export function loadOnce<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
