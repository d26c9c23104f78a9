import { IConstruct } from 'constructs';
import { NO_ERRORS } from './errors';

/**
 * Writes a construct owes the app and makes before anything reads it: a
 * CookieAffinityIngress whose backend Service the app had not been walked
 * for yet annotates it once the app is walked, and that walk is made once for
 * all of them, not once per Ingress.
 *
 * They are made by a validation on the app's root (cdk8s validates the root
 * first, before any chart or object is validated or rendered), by the
 * synth-time doctor before it reads the objects, and by the construct's own
 * validation when it is validated alone. This module imports nothing heavy:
 * the doctor loads it without the constructs.
 */
const OWED = new WeakMap<IConstruct, Set<() => void>>();

/** Records a write `settle` makes for the app of `scope`; the same function is recorded once. */
export function oweWrite(scope: IConstruct, settle: () => void): void {
  const root = rootOf(scope);
  let owed = OWED.get(root);
  if (owed === undefined) {
    owed = new Set();
    OWED.set(root, owed);
    root.node.addValidation({
      validate: () => {
        settleWrites(root);
        return NO_ERRORS;
      },
    });
  }
  owed.add(settle);
}

/** Makes every write owed to the app of `scope`, in the order they were recorded. */
export function settleWrites(scope: IConstruct): void {
  const owed = OWED.get(rootOf(scope));
  if (owed === undefined || owed.size === 0) {
    return;
  }
  const settles = [...owed];
  owed.clear();
  for (const settle of settles) {
    settle();
  }
}

function rootOf(scope: IConstruct): IConstruct {
  // `node.root` copies every scope above into an array; walking up allocates nothing.
  let root = scope;
  while (root.node.scope !== undefined) {
    root = root.node.scope;
  }
  return root;
}
