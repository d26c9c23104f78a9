// `npm run examples`: synthesizes every example app (a folder here with a
// cdk8s.yaml) into dist/examples/<name>/, in this one node process, each file
// transpiled without a type check (scripts/ts-register.js; `npx projen
// test:types` type-checks the examples). `cdk8s synth` in an example folder
// runs the same main.ts through the cdk8s CLI, which type-checks it (ts-node).
import * as fs from 'fs';
import * as path from 'path';

const examplesDir = __dirname;
// With CDK8S_PLUS_MAJOR set (scripts/majors-register.js swaps cdk8s-plus-28
// for that major), the manifests go to dist/majors/examples-plus-<major>/.
const major = process.env.CDK8S_PLUS_MAJOR;
const outRoot = major && major !== '28'
  ? path.resolve(examplesDir, '..', 'dist', 'majors', `examples-plus-${major}`)
  : path.resolve(examplesDir, '..', 'dist', 'examples');
const only = process.argv.slice(2);

const names = fs.readdirSync(examplesDir)
  .filter(name => fs.existsSync(path.join(examplesDir, name, 'cdk8s.yaml')))
  .filter(name => only.length === 0 || only.includes(name))
  .sort();
if (names.length === 0) {
  throw new Error(`no example apps found in ${examplesDir}${only.length ? ` named ${only.join(', ')}` : ''}`);
}

const failed: string[] = [];
for (const name of names) {
  const outdir = path.join(outRoot, name);
  fs.rmSync(outdir, { recursive: true, force: true });
  process.env.CDK8S_OUTDIR = outdir;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(examplesDir, name, 'main.ts'));
    const files = fs.readdirSync(outdir).filter(f => f.endsWith('.k8s.yaml'));
    if (files.length === 0) {
      throw new Error('the app synthesized no manifests');
    }
    console.log(`synthesized ${name}: ${files.map(f => path.relative(process.cwd(), path.join(outdir, f))).join(', ')}`);
  } catch (e) {
    failed.push(name);
    console.error(`example ${name} failed: ${(e as Error).stack ?? e}`);
  }
}
if (failed.length > 0) {
  console.error(`${failed.length} of ${names.length} examples failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`${names.length} examples synthesized into ${path.relative(process.cwd(), outRoot)}/`);
