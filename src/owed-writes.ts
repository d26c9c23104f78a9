import { IConstruct } from 'constructs';
import { NO_ERRORS } from './errors';
import { rootOf } from './tree';

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
interface Owed {
  /** What makes the writes, each recorded once. */
  readonly settles: Set<() => void>;
  /** The names of the Services the writes annotate. */
  readonly services: Set<string>;
}

const OWED = new WeakMap<IConstruct, Owed>();

/**
 * Records a write `settle` makes for the app of `scope`, on the Service
 * named `service` (the same function is recorded once).
 */
export function oweServiceWrite(scope: IConstruct, service: string, settle: () => void): void {
  const root = rootOf(scope);
  let owed = OWED.get(root);
  if (owed === undefined) {
    owed = { settles: new Set(), services: new Set() };
    OWED.set(root, owed);
    root.node.addValidation({
      validate: () => {
        settleWrites(root);
        return NO_ERRORS;
      },
    });
  }
  owed.settles.add(settle);
  owed.services.add(service);
}

/** Makes every write owed to the app of `scope`, in the order they were recorded. */
export function settleWrites(scope: IConstruct): void {
  const owed = OWED.get(rootOf(scope));
  if (owed === undefined || owed.settles.size === 0) {
    return;
  }
  const settles = [...owed.settles];
  owed.settles.clear();
  owed.services.clear();
  for (const settle of settles) {
    settle();
  }
}

/**
 * Makes the writes owed to the app of `scope` when one of them is on a
 * Service of this name: for a construct about to read or annotate that
 * Service, so that what was written first is seen first.
 */
export function settleWritesOn(scope: IConstruct, service: string): void {
  const owed = OWED.get(rootOf(scope));
  if (owed !== undefined && owed.services.has(service)) {
    settleWrites(scope);
  }
}
