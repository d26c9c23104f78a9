import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf-8');

/** Every file under `dir` (relative to the repository) ending in one of `exts`, generated code left out. */
function files(dir: string, exts: string[]): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!['node_modules', 'imports', 'dist', 'cdk8s.out'].includes(entry.name)) {
        out.push(...files(rel, exts));
      }
    } else if (exts.some(ext => entry.name.endsWith(ext))) {
      out.push(rel);
    }
  }
  return out;
}

/**
 * Words that speak to the people who wrote the library, not to its users: the
 * material it was written from ("seed", "source documents") and this project's
 * own issue numbers. An upstream issue cited with its repository
 * (`kubernetes/kubernetes#94416`, a link to it) is a citation and stays.
 */
const INTERNAL = [
  /\bseeds?\b(?!ed)/i,
  /\bsource documents?\b/i,
  /\bissues? #?\d+/i,
  /(?<![\w/-])#\d+(?!\d)(?!\]\(https?:)/,
];

describe('the docs speak to users', () => {
  test.each(['README.md', ...files('src', ['.ts']), ...files('examples', ['.ts', '.md'])])('GIVEN %s THEN no internal words', file => {
    const text = fs.readFileSync(path.join(root, file), 'utf-8');
    const found = text.split('\n')
      .map((line, i) => ({ line, i }))
      // fast-check's random seed is a user-facing option of the property tests.
      .filter(({ line }) => !/FC_SEED|fast-check/.test(line))
      .filter(({ line }) => INTERNAL.some(word => word.test(line)))
      .map(({ line, i }) => `${file}:${i + 1}: ${line.trim()}`);
    expect(found).toEqual([]);
  });

  test('GIVEN the package THEN the README installs the tarball the build writes', () => {
    // jsii-pacmak names the npm tarball <name>@<version>.jsii.tgz in dist/js/.
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
    const tarball = `dist/js/${pkg.name}@${pkg.version}.jsii.tgz`;
    const installs = readme.split('\n').filter(line => /npm install .*\.tgz/.test(line));
    expect(installs.length).toBeGreaterThan(0);
    for (const line of installs) {
      expect(line).toContain(tarball);
    }
  });
});
