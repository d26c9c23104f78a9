import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'yaml';
import { Manifest } from './manifests';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

/**
 * Runs one example app (`examples/<name>/main.ts`) in this jest process and
 * returns what it synthesized, so a capability's own tests can assert its
 * examples without waiting for `npm run examples` (test/examples.test.ts runs
 * that, and checks every example's schema, snapshot and security context).
 */
export function synthExample(name: string): Manifest[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `example-${name}-`));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(path.join(EXAMPLES, name, 'main.ts'));
    });
    return fs.readdirSync(outdir)
      .filter(f => f.endsWith('.k8s.yaml'))
      .sort()
      .flatMap(f => yaml.parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map(d => d.toJSON()))
      .filter(Boolean);
  } finally {
    if (previous === undefined) {
      delete process.env.CDK8S_OUTDIR;
    } else {
      process.env.CDK8S_OUTDIR = previous;
    }
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}
