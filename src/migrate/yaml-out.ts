// A YAML writer for plain JSON data (objects, arrays, strings, numbers,
// booleans, null): block style, every string that a YAML 1.1 or 1.2 reader
// could take for something else double-quoted (a JSON string is a valid YAML
// double-quoted scalar). No dependency, so the CLI's output does not hang on
// which YAML library the package bundles.

/** Plain scalars a YAML 1.1 reader (kubectl's) turns into a boolean, null or number. */
const YAML11_SPECIAL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;

/** Plain scalars some YAML reader takes for a number or a date. */
const NUMBER_LIKE = [
  /^[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?$/,
  /^[-+]?\.[0-9][0-9_]*([eE][-+]?[0-9]+)?$/,
  /^[-+]?0[xXoObB][0-9a-fA-F_]+$/,
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/,
  /^[-+]?\.(inf|Inf|INF)$/,
  /^\.(nan|NaN|NAN)$/,
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/,
];

/** Whether a string can be written plain and read back as the same string. */
function plainSafe(s: string): boolean {
  if (s === '' || YAML11_SPECIAL.test(s) || s !== s.trim()) {
    return false;
  }
  // Numbers in any YAML flavour (decimal, octal, hex, sexagesimal, .inf), and dates.
  if (NUMBER_LIKE.some(re => re.test(s))) {
    return false;
  }
  // Indicators that start something else, and sequences that end a plain scalar.
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) || /: |:$| #|[\n\r\t]/.test(s)) {
    return false;
  }
  return /^[\x20-\x7e]+$/.test(s);
}

function scalar(v: unknown): string {
  if (v === null || v === undefined) {
    return 'null';
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') {
    return String(v);
  }
  const s = String(v);
  return plainSafe(s) ? s : JSON.stringify(s);
}

function isObject(v: unknown): v is { [k: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function write(v: unknown, indent: string, out: string[]): void {
  if (isObject(v)) {
    for (const [k, child] of Object.entries(v)) {
      if (child === undefined) {
        continue;
      }
      const key = scalar(k);
      if (isObject(child) && Object.keys(child).length > 0) {
        out.push(`${indent}${key}:`);
        write(child, `${indent}  `, out);
      } else if (Array.isArray(child) && child.length > 0) {
        out.push(`${indent}${key}:`);
        write(child, `${indent}  `, out);
      } else {
        out.push(`${indent}${key}: ${inline(child)}`);
      }
    }
    return;
  }
  if (Array.isArray(v)) {
    for (const item of v) {
      if ((isObject(item) && Object.keys(item).length > 0) || (Array.isArray(item) && item.length > 0)) {
        const lines: string[] = [];
        write(item, `${indent}  `, lines);
        // The first line of the item follows the dash.
        out.push(`${indent}- ${lines[0].slice(indent.length + 2)}`, ...lines.slice(1));
      } else {
        out.push(`${indent}- ${inline(item)}`);
      }
    }
    return;
  }
  out.push(`${indent}${scalar(v)}`);
}

function inline(v: unknown): string {
  if (isObject(v)) {
    return '{}';
  }
  if (Array.isArray(v)) {
    return '[]';
  }
  return scalar(v);
}

/** Objects as a stream of YAML documents, each starting with `---`. */
export function toYamlDocuments(objects: readonly unknown[]): string {
  return objects.map(o => {
    const lines: string[] = [];
    write(o, '', lines);
    return `---\n${lines.join('\n')}\n`;
  }).join('');
}
