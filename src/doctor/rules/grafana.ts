// Grafana keeps its sessions in its database; with the default SQLite file
// that database is on each pod.
import { Rule, describe } from './rule';
import {
  GRAFANA_DEFAULT_DATABASE_TYPE,
  GRAFANA_ENV,
  GRAFANA_LEGACY_SESSION_ENV_PREFIX,
  GRAFANA_SESSION_SECTION_REMOVED_IN,
  GRAFANA_SHARED_DATABASE_TYPES,
  grafanaEnvName,
  isLegacyGrafanaSessionEnv,
} from '../../facts/grafana';
import { Inventory, Workload, isObject } from '../inventory';
import { Severity } from '../model';

const GF_DATABASE_TYPE = GRAFANA_ENV.DATABASE_TYPE;
const GF_DATABASE_URL = grafanaEnvName('database', 'url');
const SHARED: readonly string[] = GRAFANA_SHARED_DATABASE_TYPES;
const GRAFANA_INI = 'grafana.ini';

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

type Lookup = { found: true; value?: string } | { found: false };

function configValue(inventory: Inventory, ns: string, kind: 'ConfigMap' | 'Secret', name: unknown, key: string): Lookup {
  if (typeof name !== 'string') {
    return { found: false };
  }
  const doc = inventory.find(kind, ns, name);
  if (!doc) {
    return { found: false };
  }
  const plain = doc.obj.data?.[key] ?? doc.obj.stringData?.[key];
  if (typeof plain !== 'string') {
    return { found: true };
  }
  if (kind === 'Secret' && doc.obj.data?.[key] !== undefined) {
    return { found: true, value: Buffer.from(plain, 'base64').toString('utf-8') };
  }
  return { found: true, value: plain };
}

function databaseFromUrl(url: string): string {
  return url.split(':')[0].toLowerCase();
}

/** `[database] type` (or the scheme of `url`) from an ini file, if set. */
function databaseFromIni(ini: string): string | undefined {
  let section = '';
  let type: string | undefined;
  for (const raw of ini.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('[')) {
      section = line.replace(/^\[|\].*$/g, '').trim();
    } else if (section === 'database') {
      const m = /^(type|url)\s*=\s*(.*)$/.exec(line);
      if (m) {
        const value = m[2].replace(/^["']|["']$/g, '').trim();
        type = m[1] === 'type' ? value : databaseFromUrl(value);
      }
    }
  }
  return type;
}

/**
 * The database a Grafana container uses: its type, `undefined` when it is
 * the default SQLite, or 'unknown' when part of its configuration lives in an
 * object that is not among the manifests.
 */
function grafanaDatabase(inventory: Inventory, w: Workload, container: any): string | undefined {
  const ns = w.namespace;
  let unknown = false;
  let type: string | undefined;
  const set = (v: string | undefined) => {
    if (v !== undefined && v !== '') {
      type = v.toLowerCase();
    }
  };
  // grafana.ini from a mounted ConfigMap or Secret (the lowest precedence).
  const volumes = new Map<string, any>((Array.isArray(w.podSpec.volumes) ? w.podSpec.volumes : []).filter(isObject).map((v: any) => [v.name, v]));
  for (const mount of Array.isArray(container.volumeMounts) ? container.volumeMounts : []) {
    const v = volumes.get(mount?.name);
    const source = v?.configMap ? ['ConfigMap', v.configMap.name] : v?.secret ? ['Secret', v.secret.secretName] : undefined;
    if (!source) {
      continue;
    }
    const doc = inventory.find(source[0], ns, source[1]);
    if (!doc) {
      unknown = true;
      continue;
    }
    const ini = configValue(inventory, ns, source[0] as 'ConfigMap' | 'Secret', source[1], GRAFANA_INI);
    if (ini.found && ini.value !== undefined) {
      set(databaseFromIni(ini.value));
    }
  }
  // Environment: envFrom first, then env, which wins.
  for (const from of Array.isArray(container.envFrom) ? container.envFrom : []) {
    const [kind, name] = from?.configMapRef ? ['ConfigMap', from.configMapRef.name] : ['Secret', from?.secretRef?.name];
    const prefix = typeof from?.prefix === 'string' ? from.prefix : '';
    const t = configValue(inventory, ns, kind as 'ConfigMap' | 'Secret', name, GF_DATABASE_TYPE.slice(prefix.length));
    const u = configValue(inventory, ns, kind as 'ConfigMap' | 'Secret', name, GF_DATABASE_URL.slice(prefix.length));
    if (!t.found) {
      unknown = true;
      continue;
    }
    if (u.found && u.value) {
      set(databaseFromUrl(u.value));
    }
    if (t.found && t.value) {
      set(t.value);
    }
  }
  for (const env of Array.isArray(container.env) ? container.env : []) {
    if (env?.name !== GF_DATABASE_TYPE && env?.name !== GF_DATABASE_URL) {
      continue;
    }
    let value: string | undefined = typeof env.value === 'string' ? env.value : undefined;
    const ref = env.valueFrom?.configMapKeyRef ?? env.valueFrom?.secretKeyRef;
    if (ref) {
      const got = configValue(inventory, ns, env.valueFrom.configMapKeyRef ? 'ConfigMap' : 'Secret', ref.name, ref.key);
      if (!got.found) {
        unknown = true;
        continue;
      }
      value = got.value;
    }
    if (value) {
      set(env.name === GF_DATABASE_URL ? databaseFromUrl(value) : value);
    }
  }
  if (type !== undefined && SHARED.includes(type)) {
    return type;
  }
  return unknown ? 'unknown' : type;
}

/**
 * Why a workload's pods keep sessions to themselves, or undefined when they
 * do not (or the manifests cannot tell).
 */
export function localSessions(inventory: Inventory, w: Workload): string | undefined {
  for (const c of containersOf(w)) {
    if (!isGrafanaImage(c.image)) {
      continue;
    }
    const db = grafanaDatabase(inventory, w, c);
    if (db === 'unknown' || (db !== undefined && SHARED.includes(db))) {
      continue;
    }
    return `Grafana keeps sessions in its database, here ${db === undefined || db === GRAFANA_DEFAULT_DATABASE_TYPE ? 'the default SQLite' : db} on each pod (no ${GF_DATABASE_TYPE} of ${SHARED.join(' or ')})`;
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
