import { Doc, Inventory } from '../inventory';
import { RuleInfo } from '../model';

/** Reports one finding on `doc`; `fix` replaces the rule's own fix when the case needs a more precise one. */
export type Report = (doc: Doc, message: string, fix?: string) => void;

/** A check over the whole set of manifests. */
export interface Rule extends RuleInfo {
  check(inventory: Inventory, report: Report): void;
}

/** "Kind namespace/name", or "Kind name" when the manifest sets no namespace. */
export function describe(doc: Doc): string {
  const ns = doc.obj.metadata?.namespace;
  const name = doc.obj.metadata?.name ?? '(no name)';
  return `${doc.obj.kind} ${typeof ns === 'string' ? `${ns}/` : ''}${name}`;
}
