import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'yaml';

/**
 * The CRD files of a folder, read once per test run rather than once per test
 * file.
 *
 * Jest gives every test file a fresh module registry, so a module-level cache
 * lasts one file; parsing the 2.4 MB of upstream CRDs in `crds/` took about
 * two seconds of every file that validates a manifest. The parsed versions are
 * kept as JSON on disk, under a name made from the files' names and contents,
 * so an edited CRD is read again and a stale cache is never used.
 */

type Schema = { [k: string]: any };

/** One served version of a CRD: its key (`group/version/Kind`) and schema. */
export interface CrdVersion {
  readonly key: string;
  readonly schema: Schema;
}

const CACHE_DIR = path.resolve(__dirname, '..', '..', 'node_modules', '.cache', 'crd-versions');

function parse(dir: string, files: string[]): CrdVersion[] {
  const out: CrdVersion[] = [];
  for (const file of files) {
    for (const doc of yaml.parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf-8'))) {
      const crd = doc.toJSON();
      if (crd?.kind !== 'CustomResourceDefinition') {
        continue;
      }
      for (const version of crd.spec.versions) {
        out.push({ key: `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, schema: version.schema.openAPIV3Schema });
      }
    }
  }
  return out;
}

/** Every CRD version in a folder's `*.yaml` files, in file order. */
export function crdVersions(dir: string): CrdVersion[] {
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.yaml')).sort();
  const hash = crypto.createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(dir, file))).update('\0');
  }
  const cached = path.join(CACHE_DIR, `${hash.digest('hex').slice(0, 32)}.json`);
  try {
    return JSON.parse(fs.readFileSync(cached, 'utf-8'));
  } catch {
    // not there yet (or half written by a run that died): parse and write it
  }
  const versions = parse(dir, files);
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Written aside, then renamed: parallel workers never read half a file.
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(versions));
    fs.renameSync(tmp, cached);
  } catch {
    // a read-only node_modules only costs the parse next time
  }
  return versions;
}
