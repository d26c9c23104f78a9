// Reads manifests the way kubectl reads them, from YAML or JSON text, files,
// folders and standard input, keeping the file and line of every object and
// of every read error, and the app (the place) each object belongs to.
// Pure: no cdk8s. Never throws on bad input: what cannot be read is returned
// as a ReadProblem and the rest is still read.
import * as fs from 'fs';
import * as path from 'path';
import type * as JsYaml from 'js-yaml';
import { Doc, isObject } from './inventory';
import { flattenLists } from './lists';

/** Unreadable or malformed input, for callers that want to stop at the first (`parseManifests`). */
export class InputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** File name used for standard input in findings and messages. */
export const STDIN_NAME = '<stdin>';

/** The app of every object when the inputs are read `together`. */
export const ALL_INPUTS_APP = '<all inputs>';

/** The extensions a folder is searched for. */
export const EXTENSIONS = ['.yaml', '.yml', '.json'];

/** A manifest as read, with the app it belongs to (the folder of its file, standard input, or every input together). */
export interface LoadedDoc extends Doc {
  readonly app: string;
}

/** Something that could not be read (an error: exit 2), or was left out on purpose (a notice). */
export interface ReadProblem {
  /** The file (or folder) as named on the command line or found in a folder; `<stdin>` for standard input. */
  readonly file: string;
  /** 1-based line, when the problem is at a place in the file. */
  readonly line?: number;
  /** 1-based column, when known. */
  readonly column?: number;
  readonly message: string;
}

/** What a set of inputs holds. */
export interface LoadResult {
  /** Every Kubernetes object read (Lists expanded), in input order, with file, line and app. */
  readonly docs: LoadedDoc[];
  /** Inputs that could not be read or parsed: the CLI exits 2 when there is any. */
  readonly errors: ReadProblem[];
  /** Inputs left out on purpose (not a regular file, not a Kubernetes object); they do not change the exit status. */
  readonly notices: ReadProblem[];
  /** How many files (and standard input) were read. */
  readonly files: number;
}

/** How inputs are read. */
export interface LoadOptions {
  /** Every input is one app, rather than one app per folder. */
  readonly together?: boolean;
  /** Reads standard input for `-` (tests pass text here). */
  readonly readStdin?: () => string;
}

/** One file to read, found in a walk or named, with its app. */
export interface InputFile {
  /** Path to open, or '-' for standard input. */
  readonly path: string;
  /** Name used in findings and messages. */
  readonly name: string;
  readonly app: string;
}

let jsYaml: typeof JsYaml | undefined;
let schema: JsYaml.Schema | undefined;

/**
 * The YAML parser, loaded on first use: an app that only uses the
 * constructs (the doctor's module is part of the package's index) does not
 * pay for loading it.
 */
function parser(): { yaml: typeof JsYaml; schema: JsYaml.Schema } {
  if (!jsYaml || !schema) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    jsYaml = require('js-yaml') as typeof JsYaml;
    schema = kubernetesSchema(jsYaml);
  }
  return { yaml: jsYaml, schema };
}

// YAML 1.1 scalars as go-yaml v2 resolves them (sigs.k8s.io/yaml, which
// kubectl uses, converts YAML to JSON through it).
// @see https://github.com/kubernetes-sigs/yaml/blob/master/goyaml.v2/resolve.go
const TRUE_11 = ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'];
const FALSE_11 = ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'];
const BOOL_11 = new Set([...TRUE_11, ...FALSE_11]);
/** The longest of them: js-yaml asks about every plain scalar, most of them longer (names, images, paths). */
const BOOL_11_MAX_LENGTH = 5;
const TRUE_SET = new Set(TRUE_11);
// Go's strconv.ParseInt with base 0, after go-yaml removes every '_'.
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|[1-9][0-9]*|0)$/;
const GO_YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const SPECIAL_FLOATS: Record<string, number> = {};
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) SPECIAL_FLOATS[s] = Infinity;
for (const s of ['-.inf', '-.Inf', '-.INF']) SPECIAL_FLOATS[s] = -Infinity;
for (const s of ['.nan', '.NaN', '.NAN']) SPECIAL_FLOATS[s] = NaN;

function goInt(s: string): number {
  const negative = s.startsWith('-');
  const body = s.replace(/^[-+]/, '');
  let n: number;
  if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
  else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
  else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
  else if (body.length > 1 && body.startsWith('0')) n = parseInt(body.slice(1), 8);
  else n = parseInt(body, 10);
  return negative ? -n : n;
}

/** go-yaml's hint: only a plain scalar starting with a digit, a sign or a dot can be a number. */
function numeric(s: string | null): boolean {
  if (s === null || s.length === 0) return false;
  const c = s.charCodeAt(0);
  return (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46; // 0-9 + - .
}

function noUnderscores(s: string): string {
  return s.indexOf('_') === -1 ? s : s.split('_').join('');
}

function kubernetesSchema(yaml: typeof JsYaml): JsYaml.Schema {
  const bool = new yaml.Type('tag:yaml.org,2002:bool', {
    kind: 'scalar',
    resolve: (s: string) => s.length <= BOOL_11_MAX_LENGTH && BOOL_11.has(s),
    construct: (s: string) => TRUE_SET.has(s),
    predicate: (x: unknown) => typeof x === 'boolean',
  });
  const int = new yaml.Type('tag:yaml.org,2002:int', {
    kind: 'scalar',
    resolve: (s: string) => numeric(s) && GO_INT.test(noUnderscores(s)),
    construct: (s: string) => goInt(noUnderscores(s)),
    predicate: (x: unknown) => typeof x === 'number' && Number.isInteger(x),
  });
  const float = new yaml.Type('tag:yaml.org,2002:float', {
    kind: 'scalar',
    resolve: (s: string) => numeric(s) && (s in SPECIAL_FLOATS || GO_YAML_FLOAT.test(noUnderscores(s))),
    construct: (s: string) => {
      if (s in SPECIAL_FLOATS) {
        // sigs.k8s.io/yaml cannot put these in JSON, so kubectl refuses the document.
        throw new Error(`${s}: JSON has no infinity or NaN, so kubectl refuses this document`);
      }
      return parseFloat(noUnderscores(s));
    },
    predicate: (x: unknown) => typeof x === 'number',
  });
  // go-yaml decodes !!binary into the bytes, which JSON carries as a string.
  const binary = new yaml.Type('tag:yaml.org,2002:binary', {
    kind: 'scalar',
    resolve: (s: string) => s !== null && /^[A-Za-z0-9+/=\s]*$/.test(s),
    construct: (s: string) => Buffer.from(s.replace(/\s/g, ''), 'base64').toString('latin1'),
  });
  // No timestamp type: go-yaml hands a timestamp-looking value to an
  // interface{} as the string it is, so `date: 2024-01-01` stays a string.
  // js-yaml's own null (~, null, Null, NULL, empty) and merge key (<<) are YAML 1.1's.
  const builtIn = (yaml as unknown as { types: Record<string, JsYaml.Type> }).types;
  return yaml.FAILSAFE_SCHEMA.extend({ implicit: [builtIn.null, bool, int, float, builtIn.merge], explicit: [binary] });
}

interface Chunk {
  readonly text: string;
  /** 0-based line of the chunk's first line in the file. */
  readonly line: number;
  /** 0-based line of the first line with content, or -1 when there is none. */
  readonly contentLine: number;
}

function isContent(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) continue;
    return c !== 35; // '#'
  }
  return false;
}

/**
 * Splits a YAML stream at its `---` lines, as kubectl's YAML reader does
 * (k8s.io/apimachinery/pkg/util/yaml): each document is then parsed alone,
 * so a byte-order mark at the start of any document is dropped and a broken
 * document leaves the others readable.
 */
function splitDocuments(text: string, problems: ReadProblem[], file: string): Chunk[] {
  const chunks: Chunk[] = [];
  let start = 0;
  let startLine = 0;
  let contentLine = -1;
  let pos = 0;
  let line = 0;
  const push = (end: number) => chunks.push({ text: text.slice(start, end), line: startLine, contentLine });
  while (pos <= text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol === -1) eol = text.length;
    const c0 = text.charCodeAt(pos);
    if (c0 === 45 && text.startsWith('---', pos)) { // '-'
      const rest = text.slice(pos + 3, eol).trim();
      push(pos);
      start = eol + 1;
      startLine = line + 1;
      contentLine = -1;
      if (rest !== '' && !rest.startsWith('#')) {
        // kubectl's reader allows only a comment after the separator, and stops there.
        problems.push({ file, line: line + 1, column: 4, message: `invalid YAML document separator: "---" followed by ${JSON.stringify(rest.slice(0, 40))} (only a comment may follow it)` });
        contentLine = -2; // the document is dropped
      }
    } else if (contentLine === -1 && isContent(text.slice(pos, eol))) {
      contentLine = line;
    }
    if (eol >= text.length) break;
    pos = eol + 1;
    line++;
  }
  push(text.length);
  return chunks;
}

/**
 * JSON values written one after another (`{...}{...}` or one per line), or
 * undefined when the text is not exactly that.
 */
function concatenatedJson(text: string): Array<{ value: unknown; line: number }> | undefined {
  const values: Array<{ value: unknown; line: number }> = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  let line = 0;
  let startLine = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth === 0) {
        start = i;
        startLine = line;
      }
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        try {
          values.push({ value: JSON.parse(text.slice(start, i + 1)), line: startLine + 1 });
        } catch {
          return undefined;
        }
      }
    } else if (depth === 0 && c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n') {
      return undefined;
    }
  }
  return depth === 0 && values.length > 1 ? values : undefined;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A parsed document's items: `undefined` for an empty document. */
function loadChunk(
  yaml: typeof JsYaml, s: JsYaml.Schema, text: string, withLines: boolean,
): { value: unknown; itemLines?: Map<unknown, number> } {
  if (!withLines) {
    return { value: yaml.load(text, { schema: s, json: true }) };
  }
  const itemLines = new Map<unknown, number>();
  const opens: number[] = [];
  const value = yaml.load(text, {
    schema: s,
    json: true,
    listener: (event, state) => {
      const st = state as unknown as { depth: number; line: number; result: unknown };
      if (event === 'open') {
        opens[st.depth] = st.line;
      } else if (typeof st.result === 'object' && st.result !== null && !itemLines.has(st.result)) {
        itemLines.set(st.result, opens[st.depth]);
      }
    },
  });
  return { value, itemLines };
}

/** Whether a mapping key somewhere is itself a mapping (js-yaml writes it as "[object Object]"). */
function hasMappingKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasMappingKey);
  if (!isObject(value)) return false;
  for (const k of Object.keys(value)) {
    if (k === '[object Object]' || hasMappingKey(value[k])) return true;
  }
  return false;
}

/** Whether an object may hold nested list items whose lines are worth a second, slower pass. */
function hasItems(value: unknown): boolean {
  return isObject(value) && Array.isArray(value.items);
}

/**
 * Parses every document of a YAML or JSON text as kubectl reads it: YAML 1.1
 * (merge keys, y/n/on/off booleans), a byte-order mark at the start of any
 * document, a JSON object or array, `List` and every typed `*List`
 * expanded. Empty documents are dropped; documents that are not objects, or
 * not Kubernetes objects, are returned as they are (the engine skips them).
 * A document that cannot be parsed is reported with its line, and the other
 * documents are still read.
 */
export function parseText(text: string, file: string = STDIN_NAME): { docs: Doc[]; errors: ReadProblem[] } {
  const errors: ReadProblem[] = [];
  const docs: Doc[] = [];
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstChar = body.charAt(body.search(/\S/));
  // A JSON text (kubectl sniffs a leading '{'), parsed natively when it is one object.
  if (firstChar === '{' || firstChar === '[') {
    try {
      const value = JSON.parse(body);
      if (isObject(value) && !hasItems(value)) {
        docs.push({ obj: value, file, line: lineOfOffset(body, body.indexOf('{')) + 1 });
        return { docs, errors };
      }
    } catch {
      // Several JSON objects one after another, as kubectl's JSON decoder reads them.
      const values = firstChar === '{' ? concatenatedJson(body) : undefined;
      if (values) {
        const out: Array<{ obj: any; line?: number }> = [];
        for (const v of values) {
          if (isObject(v.value)) flattenLists(v.value, v.line, undefined, out);
        }
        return { docs: out.map(o => ({ obj: o.obj, file, line: o.line })), errors };
      }
      // Otherwise (comments, YAML in braces, a syntax error): read it as YAML below.
    }
  }
  const { yaml, schema: s } = parser();
  for (const chunk of splitDocuments(text, errors, file)) {
    if (chunk.contentLine < 0) continue;
    let parsed: { value: unknown; itemLines?: Map<unknown, number> };
    try {
      parsed = loadChunk(yaml, s, chunk.text, false);
      if (Array.isArray(parsed.value) || hasItems(parsed.value)) {
        parsed = loadChunk(yaml, s, chunk.text, true);
      }
    } catch (e) {
      const mark = (e as JsYaml.YAMLException).mark;
      const reason = (e as JsYaml.YAMLException).reason ?? (e as Error).message;
      errors.push({
        file,
        line: chunk.line + (mark ? mark.line : chunk.contentLine - chunk.line) + 1,
        ...(mark ? { column: mark.column + 1 } : {}),
        message: chunk.text.includes('{{') ? `${reason} (an unrendered template? check the output of helm template instead)` : reason,
      });
      continue;
    }
    const value = parsed.value;
    if (value === null || value === undefined) continue;
    if (chunk.text.includes('{{') && hasMappingKey(value)) {
      // `name: {{ .Release.Name }}` is a mapping used as a key: go-yaml
      // refuses it, so kubectl does; js-yaml would have made it a string.
      const m = /(^|[:-][ \t]+)\{\{/m.exec(chunk.text);
      const at = m ? m.index + m[0].length - 2 : -1;
      errors.push({
        file,
        line: chunk.line + (m ? lineOfOffset(chunk.text, at) : chunk.contentLine - chunk.line) + 1,
        ...(m ? { column: at - chunk.text.lastIndexOf('\n', at - 1) } : {}),
        message: 'a mapping used as a key, as in an unrendered template ({{ ... }}); kubectl cannot read it',
      });
      continue;
    }
    const lineOf = (x: unknown, fallback: number) => {
      const l = parsed.itemLines?.get(x);
      return chunk.line + (l ?? fallback) + 1;
    };
    const out: Array<{ obj: any; line?: number }> = [];
    const rootLine = chunk.contentLine;
    if (Array.isArray(value)) {
      // A top-level array (a JSON array of objects): each element as a document.
      for (const item of value) {
        if (isObject(item)) {
          flattenLists(item, lineOf(item, rootLine - chunk.line), undefined, out);
        } else if (item !== null && item !== undefined) {
          out.push({ obj: item, line: rootLine + 1 });
        }
      }
    } else if (isObject(value)) {
      const shifted = parsed.itemLines ? new Map([...parsed.itemLines].map(([k, v]) => [k, chunk.line + v + 1])) : undefined;
      flattenLists(value, rootLine + 1, shifted, out);
    } else {
      out.push({ obj: value, line: rootLine + 1 });
    }
    for (const o of out) {
      docs.push({ obj: o.obj, file, line: o.line });
    }
  }
  return { docs, errors };
}

/**
 * Parses every document of a YAML or JSON text (see `parseText`) and stops
 * at the first problem.
 *
 * @throws InputError naming the file and line of the first syntax error
 */
export function parseManifests(text: string, file?: string): Doc[] {
  const { docs, errors } = parseText(text, file ?? STDIN_NAME);
  const first = errors[0];
  if (first) {
    throw new InputError(formatProblem(first));
  }
  return file === undefined ? docs.map(d => ({ obj: d.obj, line: d.line })) : docs;
}

/** `file:line:column: message`, as compilers print it. */
export function formatProblem(p: ReadProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}${p.column !== undefined ? `:${p.column}` : ''}` : ''}: ${p.message}`;
}

function byName(a: fs.Dirent, b: fs.Dirent): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

interface Listing {
  files: InputFile[];
  errors: ReadProblem[];
  notices: ReadProblem[];
}

function walk(dir: string, out: Listing, appOf: (dir: string) => string): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    out.errors.push({ file: dir, message: `cannot read the folder (${errno(e)})` });
    return;
  }
  for (const entry of entries.sort(byName)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Dependencies and hidden folders (.git, .helm) hold no manifests of the app.
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        walk(full, out, appOf);
      }
      continue;
    }
    const extension = path.extname(entry.name);
    if (!EXTENSIONS.includes(extension)) {
      // kubectl matches the extensions as written (.yaml, .yml, .json), so `kubectl apply -R` skips app.YAML.
      if (EXTENSIONS.includes(extension.toLowerCase())) {
        out.notices.push({ file: full, message: `skipped: kubectl reads a folder's ${EXTENSIONS.join(', ')} files only, in lower case, and would not apply this one` });
      }
      continue;
    }
    if (entry.isFile()) {
      out.files.push({ path: full, name: full, app: appOf(dir) });
      continue;
    }
    // Never open what is not a regular file: a FIFO would block the run.
    let stat: fs.Stats;
    try {
      stat = fs.statSync(full);
    } catch (e) {
      const code = errno(e);
      out.errors.push({ file: full, message: entry.isSymbolicLink() && code === 'ENOENT' ? 'dangling symbolic link' : `cannot read (${code})` });
      continue;
    }
    if (stat.isFile()) {
      out.files.push({ path: full, name: full, app: appOf(dir) });
    } else if (stat.isDirectory()) {
      out.notices.push({ file: full, message: 'skipped: a symbolic link to a folder is not followed' });
    } else {
      out.notices.push({ file: full, message: `skipped: ${kindOf(stat)}, not a regular file` });
    }
  }
}

/**
 * The files a list of paths stands for, with their apps, without reading
 * them: files as given (a named pipe given by name is read, as in
 * `affinity-doctor <(helm template .)`), folders searched for .yaml, .yml
 * and .json regular files, '-' for standard input.
 */
export function listInputs(paths: string[], options: LoadOptions = {}): Listing {
  const out: Listing = { files: [], errors: [], notices: [] };
  const appOf = (dir: string) => (options.together ? ALL_INPUTS_APP : path.normalize(dir));
  for (const p of paths) {
    if (p === '-') {
      out.files.push({ path: '-', name: STDIN_NAME, app: options.together ? ALL_INPUTS_APP : STDIN_NAME });
      continue;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (e) {
      const code = errno(e);
      let dangling = false;
      try {
        dangling = code === 'ENOENT' && fs.lstatSync(p).isSymbolicLink();
      } catch {
        // not there at all
      }
      out.errors.push({ file: p, message: dangling ? 'dangling symbolic link' : code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code})` });
      continue;
    }
    if (stat.isDirectory()) {
      walk(p, out, appOf);
    } else {
      out.files.push({ path: p, name: p, app: appOf(path.dirname(p)) });
    }
  }
  return out;
}

/** Reads and parses one input; never throws. */
export function readInput(input: InputFile, options: LoadOptions = {}): { docs: LoadedDoc[]; errors: ReadProblem[]; notices: ReadProblem[] } {
  let text: string;
  try {
    text = input.path === '-' && options.readStdin ? options.readStdin() : fs.readFileSync(input.path === '-' ? 0 : input.path, 'utf-8');
  } catch (e) {
    return { docs: [], errors: [{ file: input.name, message: `cannot read (${errno(e)})` }], notices: [] };
  }
  const { docs, errors } = parseText(text, input.name);
  const loaded: LoadedDoc[] = [];
  const notices: ReadProblem[] = [];
  let others = 0;
  let firstOther: number | undefined;
  for (const d of docs) {
    if (isObject(d.obj) && typeof d.obj.kind === 'string' && typeof d.obj.apiVersion === 'string') {
      loaded.push({ obj: d.obj, file: d.file, line: d.line, app: input.app });
    } else {
      others++;
      firstOther ??= d.line;
    }
  }
  if (others > 0) {
    notices.push({
      file: input.name,
      line: firstOther,
      message: `skipped: ${others === 1 ? 'a document that is' : `${others} documents that are`} not a Kubernetes object (no apiVersion and kind)`,
    });
  }
  return { docs: loaded, errors, notices };
}

/**
 * Reads files, folders and standard input ('-') as kubectl reads them, each
 * object with its file, line and app; never throws on bad input.
 */
export function loadManifests(paths: string[], options: LoadOptions = {}): LoadResult {
  const listing = listInputs(paths, options);
  const docs: LoadedDoc[] = [];
  const errors = [...listing.errors];
  const notices = [...listing.notices];
  for (const input of listing.files) {
    const r = readInput(input, options);
    docs.push(...r.docs);
    errors.push(...r.errors);
    notices.push(...r.notices);
  }
  return { docs, errors, notices, files: listing.files.length };
}

/** Groups objects by app, apps in the order they first appear. */
export function groupByApp<T extends { readonly app: string }>(docs: readonly T[]): Map<string, T[]> {
  const apps = new Map<string, T[]>();
  for (const d of docs) {
    let list = apps.get(d.app);
    if (!list) {
      list = [];
      apps.set(d.app, list);
    }
    list.push(d);
  }
  return apps;
}

/** Reads one file or standard input ('-'), throwing at the first problem (the cdk8s plugin reads files it wrote). */
export function readManifests(file: string): Doc[] {
  const name = file === '-' ? STDIN_NAME : file;
  const r = readInput({ path: file, name, app: name });
  const first = r.errors[0];
  if (first) {
    throw new InputError(formatProblem(first));
  }
  return r.docs.map(d => ({ obj: d.obj, file: d.file, line: d.line }));
}
