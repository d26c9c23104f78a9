// Grafana keeps its sessions in its database; with the default SQLite file
// that database is on each pod.
import { Rule, describe } from './rule';
import {
  GRAFANA_BITNAMI_CONFIG_FILE,
  GRAFANA_COMMAND_LINE_SETTING_PREFIX,
  GRAFANA_CONFIG_FILE,
  GRAFANA_CONFIG_FLAG,
  GRAFANA_CONFIG_PATH_ENV,
  GRAFANA_DATABASE_SETTINGS,
  GRAFANA_DATABASE_TYPES,
  GRAFANA_DEFAULT_DATABASE_TYPE,
  GRAFANA_ENV,
  GRAFANA_ENV_EXPANDERS,
  GRAFANA_EXPANSION,
  GRAFANA_FILE_EXPANDER,
  GRAFANA_LEGACY_SESSION_ENV_PREFIX,
  GRAFANA_SESSION_SECTION_REMOVED_IN,
  GRAFANA_SHARED_DATABASE_TYPES,
  grafanaEnvName,
  grafanaFileEnvName,
  isLegacyGrafanaSessionEnv,
} from '../../facts/grafana';
import { LOCAL_SESSIONS_ANNOTATION } from '../../facts/manifests';
import { Doc, Inventory, Workload, annotationsOf, isObject } from '../inventory';
import { Severity } from '../model';

const GF_DATABASE_TYPE = GRAFANA_ENV.DATABASE_TYPE;
const GF_DATABASE_URL = grafanaEnvName('database', 'url');
const SHARED: readonly string[] = GRAFANA_SHARED_DATABASE_TYPES;
const ACCEPTED: readonly string[] = GRAFANA_DATABASE_TYPES;
/** `--config` or `-config`, with its value after `=` or in the next word. */
const CONFIG_FLAG = new RegExp(`^--?${GRAFANA_CONFIG_FLAG}(=(.*))?$`);
/** A `--config` value that is only `$GF_PATHS_CONFIG` or `${GF_PATHS_CONFIG}`. */
const CONFIG_FLAG_FROM_ENV = new RegExp(`^\\$\\{?${GRAFANA_CONFIG_PATH_ENV}\\}?$`);

/**
 * Answers worked out once per inventory: several rules ask the same
 * question of the same workload (whether its pods keep sessions, which
 * database its Grafana uses), and the manifests do not change while they run.
 */
function perInventory<K, V>(): (inventory: Inventory, key: K, compute: () => V) => V {
  const tables = new WeakMap<Inventory, Map<K, V>>();
  return (inventory, key, compute) => {
    let table = tables.get(inventory);
    if (table === undefined) {
      table = new Map();
      tables.set(inventory, table);
    }
    if (table.has(key)) {
      return table.get(key) as V;
    }
    const value = compute();
    table.set(key, value);
    return value;
  };
}

/** Per workload, the database of each of its Grafana containers asked about so far. */
const databasesOf = perInventory<Workload, Map<unknown, GrafanaDatabase>>();
/** Per workload, what `localSessions` said. */
const localSessionsOf = perInventory<Workload, string | undefined>();

/** Whether an image is Grafana's (grafana/grafana, grafana-oss, grafana-enterprise, on any registry). */
export function isGrafanaImage(image: unknown): boolean {
  if (typeof image !== 'string') {
    return false;
  }
  const repo = image.split('@')[0].replace(/:[^/]*$/, '');
  const last = repo.split('/').pop() ?? '';
  return last === 'grafana' || last === 'grafana-oss' || last === 'grafana-enterprise';
}

/**
 * Whether an image is Bitnami's build of Grafana (`bitnami/grafana`, or a
 * later Bitnami repository such as `bitnamilegacy/grafana`), which keeps its
 * configuration file elsewhere.
 */
function isBitnamiImage(image: unknown): boolean {
  if (typeof image !== 'string') {
    return false;
  }
  const parts = image.split('@')[0].replace(/:[^/]*$/, '').split('/');
  return parts.slice(0, -1).some(p => p.startsWith('bitnami'));
}

/**
 * The containers that run for the pod's whole life, so the ones that serve
 * requests: `containers`, and the sidecars among `initContainers`
 * (`restartPolicy: Always`). Other init containers run to completion before
 * the pod is ready (such as `grafana cli plugins install`) and serve nothing.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
 */
function servingContainersOf(w: Workload): any[] {
  return [
    ...(Array.isArray(w.podSpec.containers) ? w.podSpec.containers : []),
    ...(Array.isArray(w.podSpec.initContainers) ? w.podSpec.initContainers : []).filter((c: any) => c?.restartPolicy === 'Always'),
  ].filter(isObject);
}

/**
 * What a lookup found: a value, an object (or file) that could hold it but
 * is not among the manifests, or nothing set.
 */
type Lookup = { value: string } | { missing: string } | undefined;

function kindAndName(source: any): ['ConfigMap' | 'Secret', string] | undefined {
  if (isObject(source?.configMap) && typeof source.configMap.name === 'string') {
    return ['ConfigMap', source.configMap.name];
  }
  if (isObject(source?.secret) && typeof (source.secret.secretName ?? source.secret.name) === 'string') {
    return ['Secret', source.secret.secretName ?? source.secret.name];
  }
  return undefined;
}

/** A key of a ConfigMap or Secret among the manifests (Secret `data` is base64; its `stringData` wins, as the API server merges it). */
function keyOf(doc: Doc, key: string): string | undefined {
  const plain = doc.obj.kind === 'Secret' ? doc.obj.stringData?.[key] : undefined;
  if (typeof plain === 'string') {
    return plain;
  }
  const data = doc.obj.data?.[key];
  if (typeof data === 'string') {
    return doc.obj.kind === 'Secret' ? Buffer.from(data, 'base64').toString('utf-8') : data;
  }
  return undefined;
}

function keysOf(doc: Doc): string[] {
  return [...Object.keys(isObject(doc.obj.data) ? doc.obj.data : {}), ...Object.keys(isObject(doc.obj.stringData) ? doc.obj.stringData : {})];
}

/** How one Grafana container is configured, read as Grafana and its image's run.sh read it. */
class GrafanaConfig {
  private readonly volumes: Map<string, any>;
  private words?: string[];

  public constructor(private readonly inventory: Inventory, private readonly w: Workload, private readonly container: any) {
    this.volumes = new Map((Array.isArray(w.podSpec.volumes) ? w.podSpec.volumes : []).filter(isObject).map((v: any) => [v.name, v]));
  }

  /** An environment variable: `env` wins over `envFrom`, a later entry over an earlier one. */
  public env(name: string, depth = 0): Lookup {
    const ns = this.w.namespace;
    const env = (Array.isArray(this.container.env) ? this.container.env : []).filter(isObject);
    for (const e of [...env].reverse()) {
      if (e.name !== name) {
        continue;
      }
      if (typeof e.value === 'string') {
        return depth < 4 ? this.expand(e.value, depth) : { value: e.value };
      }
      const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
      if (!isObject(ref) || typeof ref.name !== 'string') {
        return e.valueFrom === undefined ? { value: '' } : undefined;
      }
      const kind = e.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const doc = this.inventory.find(kind, ns, ref.name);
      if (!doc) {
        return { missing: `${kind} ${ref.name} (${name} of container ${this.container.name})` };
      }
      const value = keyOf(doc, String(ref.key));
      return value === undefined ? undefined : { value };
    }
    const envFrom = (Array.isArray(this.container.envFrom) ? this.container.envFrom : []).filter(isObject);
    for (const from of [...envFrom].reverse()) {
      const kind = from.configMapRef ? 'ConfigMap' : from.secretRef ? 'Secret' : undefined;
      const ref = from.configMapRef ?? from.secretRef;
      const prefix = typeof from.prefix === 'string' ? from.prefix : '';
      if (!kind || typeof ref?.name !== 'string' || !name.startsWith(prefix)) {
        continue;
      }
      const doc = this.inventory.find(kind, ns, ref.name);
      if (!doc) {
        return { missing: `${kind} ${ref.name} (envFrom of container ${this.container.name})` };
      }
      const key = name.slice(prefix.length);
      if (keysOf(doc).includes(key)) {
        return { value: keyOf(doc, key) ?? '' };
      }
    }
    return undefined;
  }

  /**
   * An `env`, `command` or `args` value with the kubelet's `$(NAME)`
   * references replaced by the variables they name (`$$` escapes; an
   * unknown name stays as written).
   *
   * @see https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
   */
  private expand(value: string, depth: number): Lookup {
    let missing: string | undefined;
    const out = value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (ref: string, name?: string) => {
      if (name === undefined) {
        return '$';
      }
      const got = this.env(name, depth + 1);
      if (got !== undefined && 'missing' in got) {
        missing ??= got.missing;
      }
      return got !== undefined && 'value' in got ? got.value : ref;
    });
    return missing !== undefined ? { missing } : { value: out };
  }

  /**
   * A value as Grafana expands it at start (`GRAFANA_EXPANSION`): `${NAME}`
   * and `$__env{NAME}` from this container's environment, `$__file{path}`
   * from a file the manifests hold. What the manifests cannot tell (a
   * variable the container does not set, which its image may, a file of the
   * image, another expander) makes the value missing, named after `what`.
   */
  public expandAsGrafana(value: string, what: string): Lookup {
    let missing: string | undefined;
    const written = JSON.stringify(value);
    const fromEnv = value.replace(GRAFANA_EXPANSION, (ref: string, expander: string, name: string) => {
      if (!GRAFANA_ENV_EXPANDERS.includes(expander)) {
        return ref;
      }
      const got = this.env(name);
      if (got !== undefined && 'value' in got) {
        return got.value;
      }
      missing ??= got !== undefined ? got.missing
        : `the variable ${name} that ${what} reads (${written}), which the env of container ${this.container.name} does not set`;
      return ref;
    });
    const out = fromEnv.replace(GRAFANA_EXPANSION, (ref: string, expander: string, path: string) => {
      if (expander === GRAFANA_FILE_EXPANDER) {
        const got = this.file(path);
        if (got !== undefined && 'value' in got) {
          return got.value.trim();
        }
        missing ??= got !== undefined ? got.missing : `the file ${path} that ${what} reads (${written})`;
      } else if (!GRAFANA_ENV_EXPANDERS.includes(expander)) {
        missing ??= `the value ${written} of ${what}, which Grafana expands at start`;
      }
      return ref;
    });
    return missing !== undefined ? { missing } : { value: out };
  }

  /**
   * The words of the container's command line (`command`, then `args`),
   * with `$(NAME)` expanded as the kubelet does; a shell script given as
   * one argument is split at whitespace, its quotes dropped.
   */
  private commandWords(): string[] {
    this.words ??= this.splitCommandLine();
    return this.words;
  }

  private splitCommandLine(): string[] {
    const parts = [
      ...(Array.isArray(this.container.command) ? this.container.command : []),
      ...(Array.isArray(this.container.args) ? this.container.args : []),
    ].map(p => String(p)).map(p => {
      const expanded = this.expand(p, 0);
      return expanded !== undefined && 'value' in expanded ? expanded.value : p;
    });
    return parts.flatMap(p => p.split(/\s+/)).map(w => w.replace(/^["']|["';]$/g, '')).filter(w => w !== '');
  }

  /**
   * A `cfg:<section>.<key>=<value>` setting on the command line (the last
   * one wins), which Grafana applies over the file and the `GF_*` variables.
   */
  public commandLineSetting(section: string, key: string): Lookup {
    const prefix = `${GRAFANA_COMMAND_LINE_SETTING_PREFIX}${section}.${key}=`;
    const found = this.commandWords().filter(w => w.startsWith(prefix)).pop();
    return found === undefined ? undefined : { value: found.slice(prefix.length) };
  }

  /**
   * Where Grafana reads its configuration file: the last `--config` of the
   * command line; else, when the image's start script runs (no `command`,
   * or one that runs `run.sh` or `entrypoint.sh`), `GF_PATHS_CONFIG`, else
   * the image's default (Bitnami's or the official one). `uncertain` says
   * why the file may be elsewhere; `path` is then still the image's default,
   * read for a shared database it may name.
   */
  public configPath(): { path: string; uncertain?: string } {
    const imageDefault = isBitnamiImage(this.container.image) ? GRAFANA_BITNAMI_CONFIG_FILE : GRAFANA_CONFIG_FILE;
    const words = this.commandWords();
    let flag: string | undefined;
    for (const [i, word] of words.entries()) {
      const m = CONFIG_FLAG.exec(word);
      if (m) {
        flag = m[1] !== undefined ? m[2] : words[i + 1];
      }
    }
    const fromEnv = (): { path: string; uncertain?: string } => {
      const env = this.env(GRAFANA_CONFIG_PATH_ENV);
      if (env === undefined) {
        return { path: imageDefault };
      }
      if ('missing' in env) {
        return { path: imageDefault, uncertain: env.missing };
      }
      return env.value.trim() !== '' ? { path: env.value.trim() }
        : { path: imageDefault, uncertain: `the configuration file of container ${this.container.name}, whose ${GRAFANA_CONFIG_PATH_ENV} is empty` };
    };
    if (flag !== undefined) {
      if (CONFIG_FLAG_FROM_ENV.test(flag)) {
        return fromEnv();
      }
      return flag !== '' && !flag.includes('$') ? { path: flag }
        : { path: imageDefault, uncertain: `the configuration file that the command line of container ${this.container.name} names (--${GRAFANA_CONFIG_FLAG} ${JSON.stringify(flag ?? '')})` };
    }
    const command = Array.isArray(this.container.command) ? this.container.command : [];
    if (command.length > 0 && !words.some(w => /(^|\/)(run|entrypoint)\.sh$/.test(w))) {
      return { path: imageDefault, uncertain: `the configuration file of container ${this.container.name}, whose command replaces the image's start script and names no --${GRAFANA_CONFIG_FLAG}` };
    }
    return fromEnv();
  }

  /** A setting given as `GF_<SECTION>_<KEY>`, or in the file `GF_<SECTION>_<KEY>__FILE` names. */
  public setting(name: string): Lookup {
    const direct = this.env(name);
    if (direct !== undefined) {
      return direct;
    }
    const fileEnv = grafanaFileEnvName(name);
    const file = this.env(fileEnv);
    if (file === undefined || 'missing' in file) {
      return file;
    }
    const content = this.file(file.value);
    if (content === undefined) {
      return { missing: `the file ${file.value} that ${fileEnv} names` };
    }
    return 'value' in content ? { value: content.value.trim() } : content;
  }

  /**
   * A file in the container, when it comes from a ConfigMap, Secret or
   * projected volume (through `items` and `subPath` as the kubelet lays them
   * out). Another kind of volume over the path could hold anything; no
   * volume at all means the image's own file.
   */
  public file(path: string): Lookup | undefined {
    const mounts = (Array.isArray(this.container.volumeMounts) ? this.container.volumeMounts : []).filter(isObject)
      .filter((m: any) => typeof m.mountPath === 'string' && (path === m.mountPath || path.startsWith(`${m.mountPath.replace(/\/+$/, '')}/`)))
      .sort((a: any, b: any) => b.mountPath.length - a.mountPath.length);
    const mount = mounts[0];
    if (!mount) {
      return undefined;
    }
    const volume = this.volumes.get(mount.name);
    if (!volume) {
      return undefined;
    }
    if (typeof mount.subPathExpr === 'string') {
      // The entry depends on the pod's environment: it could be any file of the volume.
      return { missing: `volume ${mount.name} mounted at ${mount.mountPath} with subPathExpr ${JSON.stringify(mount.subPathExpr)}` };
    }
    const rel = path === mount.mountPath ? '' : path.slice(mount.mountPath.replace(/\/+$/, '').length + 1);
    const entry = [typeof mount.subPath === 'string' ? mount.subPath : '', rel].filter(p => p !== '').join('/');
    const sources = isObject(volume.projected) ? (Array.isArray(volume.projected.sources) ? volume.projected.sources : []) : [volume];
    const kinds = sources.map(kindAndName);
    if (kinds.every((k: unknown) => k === undefined)) {
      const type = Object.keys(volume).find(k => k !== 'name') ?? 'volume';
      return isObject(volume.projected) ? undefined : { missing: `volume ${mount.name} (${type}) mounted at ${mount.mountPath}` };
    }
    let missing: string | undefined;
    for (const [i, source] of sources.entries()) {
      const kn = kinds[i];
      if (!kn) {
        continue;
      }
      const inner = source.configMap ?? source.secret;
      const items = Array.isArray(inner.items) ? inner.items.filter(isObject) : undefined;
      const key = items ? items.find((it: any) => it.path === entry)?.key : (entry.includes('/') || entry === '' ? undefined : entry);
      if (typeof key !== 'string') {
        continue;
      }
      const doc = this.inventory.find(kn[0], this.w.namespace, kn[1]);
      if (!doc) {
        missing ??= `${kn[0]} ${kn[1]} (volume ${mount.name} at ${mount.mountPath})`;
        continue;
      }
      const value = keyOf(doc, key);
      if (value !== undefined) {
        return { value };
      }
    }
    return missing !== undefined ? { missing } : undefined;
  }
}

/** `[database] type` and `url` from an ini file, the last of each in the section. */
function databaseFromIni(ini: string): { type?: string; url?: string } {
  let section = '';
  const out: { type?: string; url?: string } = {};
  for (const raw of ini.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      section = line.replace(/^\[|\].*$/g, '').trim().toLowerCase();
    } else if (section === GRAFANA_DATABASE_SETTINGS.section) {
      const m = /^(\w+)\s*=\s*(.*)$/.exec(line);
      if (m && (m[1] === GRAFANA_DATABASE_SETTINGS.type || m[1] === GRAFANA_DATABASE_SETTINGS.url)) {
        out[m[1]] = m[2].replace(/\s[;#].*$/, '').trim().replace(/^"""|"""$/g, '').replace(/^["'`]|["'`]$/g, '').trim();
      }
    }
  }
  return out;
}

/** The type a url gives: its scheme, lowercase as Go's url parser makes it. */
function databaseFromUrl(url: string): string {
  return url.split(':')[0].toLowerCase();
}

/** What the manifests say of a Grafana container's database. */
export interface GrafanaDatabase {
  /**
   * The type as Grafana compares it (a url's scheme lowercase, a type as
   * written); `sqlite3` when nothing sets it. A type Grafana does not accept
   * (see `accepted`) stops it at start.
   */
  readonly type: string;
  /** Whether Grafana accepts the type (mysql, postgres or sqlite3). */
  readonly accepted: boolean;
  /** Where it was set, in words; undefined for the default. */
  readonly setBy?: string;
  /** Sources that could set it and are not among the manifests (empty when the type is certain). */
  readonly missing: string[];
}

/**
 * The database a Grafana container uses. Precedence is Grafana's: the
 * configuration file (where `--config` or `GF_PATHS_CONFIG` puts it), then
 * `GF_DATABASE_*` variables (or their `__FILE` forms), then
 * `cfg:database.*` on the command line; a non-empty url wins over type;
 * `${NAME}`, `$__env{NAME}` and `$__file{path}` in any of them are expanded
 * as Grafana does. A source that could set either and is not among the
 * manifests makes the answer uncertain (`missing`), unless what is known
 * already names a shared database. Volumes that cannot hold the
 * configuration file or a named file (dashboards, plugins, provisioning,
 * the data folder) play no part.
 */
export function grafanaDatabase(inventory: Inventory, w: Workload, container: any): GrafanaDatabase {
  const known = databasesOf(inventory, w, () => new Map());
  let db = known.get(container);
  if (db === undefined) {
    db = workOutDatabase(inventory, w, container);
    known.set(container, db);
  }
  return db;
}

/** `grafanaDatabase`, worked out. */
function workOutDatabase(inventory: Inventory, w: Workload, container: any): GrafanaDatabase {
  const config = new GrafanaConfig(inventory, w, container);
  const missing: string[] = [];
  const known = (l: Lookup, what: string): { value: string; setBy: string } | undefined => {
    if (l === undefined) {
      return undefined;
    }
    if ('missing' in l) {
      missing.push(l.missing);
      return undefined;
    }
    const expanded = config.expandAsGrafana(l.value, what);
    if (expanded !== undefined && 'missing' in expanded) {
      missing.push(expanded.missing);
      return undefined;
    }
    const value = expanded?.value.trim() ?? '';
    return value === '' ? undefined : { value, setBy: what };
  };
  let iniType: { value: string; setBy: string } | undefined;
  let iniUrl: { value: string; setBy: string } | undefined;
  // The file may be elsewhere when `uncertain` says so; what the default path holds still counts if it names a shared database.
  const where = config.configPath();
  if (where.uncertain !== undefined) {
    missing.push(where.uncertain);
  }
  const ini = config.file(where.path);
  if (ini !== undefined && 'missing' in ini) {
    missing.push(ini.missing);
  } else if (ini !== undefined) {
    const db = databaseFromIni(ini.value);
    iniType = known(db.type === undefined ? undefined : { value: db.type }, `${where.path} [database] type`);
    iniUrl = known(db.url === undefined ? undefined : { value: db.url }, `${where.path} [database] url`);
  }
  const section = GRAFANA_DATABASE_SETTINGS.section;
  const argType = known(config.commandLineSetting(section, GRAFANA_DATABASE_SETTINGS.type), `${GRAFANA_COMMAND_LINE_SETTING_PREFIX}${section}.${GRAFANA_DATABASE_SETTINGS.type}`);
  const argUrl = known(config.commandLineSetting(section, GRAFANA_DATABASE_SETTINGS.url), `${GRAFANA_COMMAND_LINE_SETTING_PREFIX}${section}.${GRAFANA_DATABASE_SETTINGS.url}`);
  const envType = known(config.setting(GF_DATABASE_TYPE), GF_DATABASE_TYPE);
  const envUrl = known(config.setting(GF_DATABASE_URL), GF_DATABASE_URL);
  const url = argUrl ?? envUrl ?? iniUrl;
  const chosen = url ? { value: databaseFromUrl(url.value), setBy: url.setBy } : (argType ?? envType ?? iniType);
  const type = chosen?.value ?? GRAFANA_DEFAULT_DATABASE_TYPE;
  return { type, accepted: ACCEPTED.includes(type), setBy: chosen?.setBy, missing: SHARED.includes(type) ? [] : missing };
}

function grafanaContainers(w: Workload): any[] {
  return servingContainersOf(w).filter(c => isGrafanaImage(c.image));
}

/**
 * Why a workload's pods keep sessions to themselves, or undefined when they
 * do not (or the manifests cannot tell).
 */
export function localSessions(inventory: Inventory, w: Workload): string | undefined {
  return localSessionsOf(inventory, w, () => workOutLocalSessions(inventory, w));
}

/** `localSessions`, worked out. */
function workOutLocalSessions(inventory: Inventory, w: Workload): string | undefined {
  // What the workload says of itself wins over what the doctor infers.
  // The workload's own annotation first, then its pod template's; a value
  // other than true or false says nothing.
  const said = [annotationsOf(w.doc.obj), annotationsOf(isObject(w.doc.obj.spec?.template) ? w.doc.obj.spec.template : {})]
    .map(a => a[LOCAL_SESSIONS_ANNOTATION]?.trim().toLowerCase())
    .find(v => v === 'true' || v === 'false');
  if (said === 'false') {
    return undefined;
  }
  if (said === 'true') {
    return `its pods keep sessions to themselves (annotation ${LOCAL_SESSIONS_ANNOTATION}: "true")`;
  }
  for (const c of grafanaContainers(w)) {
    const db = grafanaDatabase(inventory, w, c);
    // A type Grafana refuses stops it at start (grafana-database-type-unknown): it keeps no sessions.
    if (db.missing.length > 0 || db.type !== GRAFANA_DEFAULT_DATABASE_TYPE) {
      continue;
    }
    return `Grafana keeps sessions in its database, here ${db.setBy === undefined ? 'the default SQLite' : `SQLite (${db.setBy})`} on each pod (no ${GF_DATABASE_TYPE} of ${SHARED.join(' or ')})`;
  }
  const volumes = new Map<string, any>((Array.isArray(w.podSpec.volumes) ? w.podSpec.volumes : []).filter(isObject).map((v: any) => [v.name, v]));
  for (const c of servingContainersOf(w)) {
    for (const mount of Array.isArray(c.volumeMounts) ? c.volumeMounts : []) {
      const v = volumes.get(mount?.name);
      const where = v?.emptyDir !== undefined ? 'emptyDir' : v?.hostPath !== undefined ? 'a hostPath' : undefined;
      if (where && /session/i.test(`${mount.name} ${mount.mountPath ?? ''}`)) {
        return `container ${c.name} keeps sessions in ${mount.mountPath} on ${where} (volume ${mount.name}), local to each pod`;
      }
    }
  }
  return undefined;
}

export const legacySessionSettings: Rule = {
  id: 'grafana-legacy-session-settings',
  severity: Severity.WARNING,
  rationale: `Grafana ${GRAFANA_SESSION_SECTION_REMOVED_IN} removed the [session] settings: ${GRAFANA_LEGACY_SESSION_ENV_PREFIX}* is ignored and sessions live in Grafana's database.`,
  fix: `Remove ${GRAFANA_LEGACY_SESSION_ENV_PREFIX}*; to share sessions between pods, point Grafana at a shared database with ${GRAFANA_ENV.DATABASE_TYPE} (${SHARED.join(' or ')}), ${GRAFANA_ENV.DATABASE_HOST}, ${GRAFANA_ENV.DATABASE_NAME}, ${GRAFANA_ENV.DATABASE_USER} and ${GRAFANA_ENV.DATABASE_PASSWORD} (from a Secret).`,
  check(inventory, report) {
    for (const w of inventory.workloads) {
      for (const c of servingContainersOf(w)) {
        const legacy = (Array.isArray(c.env) ? c.env : []).map((e: any) => e?.name).filter((n: unknown) => typeof n === 'string' && isLegacyGrafanaSessionEnv(n));
        if (legacy.length > 0) {
          report(w.doc, `${describe(w.doc)}: container ${c.name} sets ${legacy.join(', ')}, which Grafana ignores since ${GRAFANA_SESSION_SECTION_REMOVED_IN} (sessions live in its database)`);
        }
      }
    }
  },
};

export const grafanaConfigNotInInputs: Rule = {
  id: 'grafana-database-source-missing',
  severity: Severity.INFO,
  rationale: 'A multi-pod Grafana whose database may be set by an object (or file) that is not among the manifests: the doctor cannot tell whether its pods share sessions.',
  fix: `Give the doctor that object too, or set ${GF_DATABASE_TYPE} (${SHARED.join(' or ')}) where it can read it.`,
  check(inventory, report) {
    for (const w of inventory.workloads) {
      // One pod, unless a Service spreads requests over it and the pods of other workloads.
      const podsBehind = (svc: Doc) => inventory.workloadsOf(svc).reduce((n, o) => n + inventory.podCount(o).max, 0);
      if (inventory.podCount(w).max <= 1 && !inventory.servicesOf(w).some(svc => podsBehind(svc) > 1)) {
        continue;
      }
      for (const c of grafanaContainers(w)) {
        const db = grafanaDatabase(inventory, w, c);
        if (db.missing.length > 0) {
          report(w.doc, `${describe(w.doc)}: Grafana (container ${c.name}) may take its database from ${[...new Set(db.missing)].join(', ')}, not among the manifests; without it the doctor cannot tell whether the pods share sessions`);
        }
      }
    }
  },
};

export const grafanaDatabaseTypeUnknown: Rule = {
  id: 'grafana-database-type-unknown',
  severity: Severity.ERROR,
  rationale: `Grafana accepts only ${ACCEPTED.join(', ')} as its database type (a url's scheme is the type, so postgresql:// is refused) and stops at start on any other, with "unknown database type".`,
  fix: `Write the type, or the url's scheme, as one of ${ACCEPTED.join(', ')}, in lowercase: postgres://, not postgresql://.`,
  check(inventory, report) {
    for (const w of inventory.workloads) {
      for (const c of grafanaContainers(w)) {
        const db = grafanaDatabase(inventory, w, c);
        if (!db.accepted && db.missing.length === 0) {
          report(w.doc, `${describe(w.doc)}: Grafana (container ${c.name}) does not start: its database type ${JSON.stringify(db.type)} (${db.setBy}) is none of ${ACCEPTED.join(', ')}`);
        }
      }
    }
  },
};
