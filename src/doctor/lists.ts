// Lists of objects, as kubectl reads them: shared by the CLI's loader, the
// doctor's API and the doctor at synth, so that one set of manifests gets one
// verdict however it reaches the rules.
import { isObject } from './inventory';

/**
 * The objects of a value, a List's flattened as kubectl flattens them: any
 * object with an `items` array is a list (apimachinery's unstructured
 * decoder), and an item with neither `kind` nor `apiVersion` takes them from
 * the list (`ConfigMapList` items are ConfigMaps). Anything else is itself.
 *
 * @param line the line of `value` in its file, for its objects without one of their own
 * @param itemLines the line of each item, where the parser recorded them
 */
export function flattenLists(
  value: { [key: string]: any }, line: number | undefined, itemLines: Map<unknown, number> | undefined, out: Array<{ obj: any; line?: number }>,
): void {
  if (!Array.isArray(value.items)) {
    out.push({ obj: value, line });
    return;
  }
  const listKind = typeof value.kind === 'string' ? value.kind : '';
  const itemKind = listKind.endsWith('List') ? listKind.slice(0, -'List'.length) : listKind;
  for (const item of value.items) {
    if (!isObject(item)) continue;
    const obj = item.kind === undefined && item.apiVersion === undefined && itemKind !== ''
      ? { apiVersion: value.apiVersion, kind: itemKind, ...item }
      : item;
    flattenLists(obj, itemLines?.get(item) ?? line, itemLines, out);
  }
}
