// Reads manifests from YAML or JSON text, files, folders and standard input,
// keeping the file and line of every object. Pure: no cdk8s.
import * as fs from 'fs';
import * as path from 'path';
import type * as Yaml from 'yaml';
import { Doc, isObject } from './inventory';

/** Unreadable or malformed input: the CLI prints the message and exits 2. */
export class InputError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** File name used for standard input in findings and messages. */
export const STDIN_NAME = '<stdin>';

const EXTENSIONS = ['.yaml', '.yml', '.json'];

let yamlModule: typeof Yaml | undefined;

/**
 * The YAML parser, loaded on first use: an app that only uses the
 * constructs (the doctor's module is part of the package's index) does not
 * pay for loading it, which is about as much as the rest of the library.
 */
function yamlParser(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  yamlModule ??= require('yaml') as typeof Yaml;
  return yamlModule;
}

function lineOf(counter: Yaml.LineCounter, node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range ? counter.linePos(range[0]).line : undefined;
}

/**
 * Parses every document of a YAML or JSON text; a `kind: List` (what
 * `kubectl get -o yaml` prints) gives its items. Documents that are empty
 * are dropped; the rest are returned as they are (the engine skips what is
 * not a manifest).
 *
 * @throws InputError naming the file and line of the first syntax error
 */
export function parseManifests(text: string, file?: string): Doc[] {
  const yaml = yamlParser();
  const counter = new yaml.LineCounter();
  const documents = yaml.parseAllDocuments(text, { lineCounter: counter, prettyErrors: false });
  const out: Doc[] = [];
  for (const document of Array.isArray(documents) ? documents : []) {
    const error = document.errors[0];
    if (error) {
      const pos = error.linePos?.[0] ?? (error.pos ? counter.linePos(error.pos[0]) : undefined);
      const where = `${file ?? STDIN_NAME}${pos ? `:${pos.line}:${pos.col}` : ''}`;
      throw new InputError(`${where}: ${error.message.split('\n')[0]}`);
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      throw new InputError(`${file ?? STDIN_NAME}:${lineOf(counter, document.contents) ?? 1}: ${(e as Error).message}`);
    }
    if (value === null || value === undefined) {
      continue;
    }
    if (isObject(value) && value.kind === 'List' && Array.isArray(value.items)) {
      const itemNodes = yaml.isMap(document.contents) ? document.contents.get('items', true) : undefined;
      value.items.forEach((item: unknown, i: number) => {
        const node = yaml.isSeq(itemNodes) ? itemNodes.items[i] : undefined;
        out.push({ obj: item as { [key: string]: any }, file, line: lineOf(counter, node) });
      });
      continue;
    }
    out.push({ obj: value as { [key: string]: any }, file, line: lineOf(counter, document.contents) });
  }
  return out;
}

function walk(dir: string, files: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    throw new InputError(`${dir}: cannot read the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      // Dependencies and hidden folders (.git, .helm) hold no manifests of the app.
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) {
        walk(full, files);
      }
    } else if (EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
      files.push(full);
    }
  }
}

/** The files a list of paths stands for: files as given, folders searched for .yaml, .yml and .json. */
export function expandPaths(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new InputError(`${p}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code ?? (e as Error).message})`}`);
    }
    if (stat.isDirectory()) {
      walk(p, files);
    } else {
      files.push(p);
    }
  }
  return files;
}

/** Reads and parses one file, or standard input for '-'. */
export function readManifests(file: string): Doc[] {
  let text: string;
  const name = file === '-' ? STDIN_NAME : file;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf-8');
  } catch (e) {
    throw new InputError(`${name}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseManifests(text, name);
}
