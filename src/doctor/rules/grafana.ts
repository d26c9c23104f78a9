// Grafana keeps its sessions in its database; with the default SQLite file
// that database is on each pod.
import { Rule, describe } from './rule';
import {
  GRAFANA_CONFIG_FILE,
  GRAFANA_CONFIG_PATH_ENV,
  GRAFANA_DATABASE_SETTINGS,
  GRAFANA_DEFAULT_DATABASE_TYPE,
  GRAFANA_ENV,
  GRAFANA_EXPANSION_PREFIX,
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

/** Whether an image is Grafana's (grafana/grafana, grafana-oss, grafana-enterprise, on any registry). */
export function isGrafanaImage(image: unknown): boolean {
  if (typeof image !== 'string') {
    return false;
  }
  const repo = image.split('@')[0].replace(/:[^/]*$/, '');
  const last = repo.split('/').pop() ?? '';
  return last === 'grafana' || last === 'grafana-oss' || last === 'grafana-enterprise';
}

function containersOf(w: Workload): any[] {
  return [
    ...(Array.isArray(w.podSpec.containers) ? w.podSpec.containers : []),
    ...(Array.isArray(w.podSpec.initContainers) ? w.podSpec.initContainers : []),
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
   * An `env` value with the kubelet's `$(NAME)` references replaced by the
   * variables they name (`$$` escapes; an unknown name stays as written).
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

function databaseFromUrl(url: string): string {
  return url.split(':')[0].toLowerCase();
}

/** What the manifests say of a Grafana container's database. */
export interface GrafanaDatabase {
  /** The type (lowercase); `sqlite3` when nothing sets it. */
  readonly type: string;
  /** Where it was set, in words; undefined for the default. */
  readonly setBy?: string;
  /** Sources that could set it and are not among the manifests (empty when the type is certain). */
  readonly missing: string[];
}

/**
 * The database a Grafana container uses. Precedence is Grafana's: the
 * configuration file, then `GF_DATABASE_*` variables (or their `__FILE`
 * forms); a non-empty url wins over type. A source that could set either
 * and is not among the manifests makes the answer uncertain (`missing`),
 * unless what is known already names a shared database. Volumes that cannot
 * hold the configuration file or a named file (dashboards, plugins,
 * provisioning, the data folder) play no part.
 */
export function grafanaDatabase(inventory: Inventory, w: Workload, container: any): GrafanaDatabase {
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
    if (l.value.includes(GRAFANA_EXPANSION_PREFIX)) {
      missing.push(`the value ${JSON.stringify(l.value)} of ${what}, which Grafana expands at start`);
      return undefined;
    }
    return l.value.trim() === '' ? undefined : { value: l.value.trim(), setBy: what };
  };
  let iniType: { value: string; setBy: string } | undefined;
  let iniUrl: { value: string; setBy: string } | undefined;
  const pathLookup = config.env(GRAFANA_CONFIG_PATH_ENV);
  if (pathLookup !== undefined && 'missing' in pathLookup) {
    // The file may be elsewhere; what the default path holds still counts if it names a shared database.
    missing.push(pathLookup.missing);
  }
  {
    const path = (pathLookup !== undefined && 'value' in pathLookup ? pathLookup.value : '') || GRAFANA_CONFIG_FILE;
    const ini = config.file(path);
    if (ini !== undefined && 'missing' in ini) {
      missing.push(ini.missing);
    } else if (ini !== undefined) {
      const db = databaseFromIni(ini.value);
      iniType = known(db.type === undefined ? undefined : { value: db.type }, `${path} [database] type`);
      iniUrl = known(db.url === undefined ? undefined : { value: db.url }, `${path} [database] url`);
    }
  }
  const envType = known(config.setting(GF_DATABASE_TYPE), GF_DATABASE_TYPE);
  const envUrl = known(config.setting(GF_DATABASE_URL), GF_DATABASE_URL);
  const url = envUrl ?? iniUrl;
  const chosen = url ? { value: databaseFromUrl(url.value), setBy: url.setBy } : (envType ?? iniType);
  const type = (chosen?.value ?? GRAFANA_DEFAULT_DATABASE_TYPE).toLowerCase();
  return { type, setBy: chosen?.setBy, missing: SHARED.includes(type) ? [] : missing };
}

function grafanaContainers(w: Workload): any[] {
  return containersOf(w).filter(c => isGrafanaImage(c.image));
}

/**
 * Why a workload's pods keep sessions to themselves, or undefined when they
 * do not (or the manifests cannot tell).
 */
export function localSessions(inventory: Inventory, w: Workload): string | undefined {
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
    if (db.missing.length > 0 || SHARED.includes(db.type)) {
      continue;
    }
    return `Grafana keeps sessions in its database, here ${db.setBy === undefined ? 'the default SQLite' : db.type === GRAFANA_DEFAULT_DATABASE_TYPE ? `SQLite (${db.setBy})` : `${db.type} (${db.setBy})`} on each pod (no ${GF_DATABASE_TYPE} of ${SHARED.join(' or ')})`;
  }
  const volumes = new Map<string, any>((Array.isArray(w.podSpec.volumes) ? w.podSpec.volumes : []).filter(isObject).map((v: any) => [v.name, v]));
  for (const c of containersOf(w)) {
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
      for (const c of containersOf(w)) {
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
      if (inventory.podCount(w).max <= 1) {
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
