// The corpus: folders of real-world-shaped manifests, each checked by the
// CLI's entry point as a user would run it, against what it must find.
//
// test/doctor/corpus/<case>/
//   input/          the manifests (the CLI's argument unless `args` says otherwise)
//   expected.json   {
//                     "description": string,
//                     "args"?: string[],          // relative to the case folder; default ["input"]
//                     "exitCode": number,
//                     "findings": [{ "rule": string, "kind": string, "name": string }],
//                     "absent"?: string[],        // rule ids that must not fire
//                     "pending"?: string,         // a branch the case waits for: skipped, visibly
//                     "make"?: {                  // what git cannot hold, made before the run
//                       "fifo"?: string[],        //   named pipes (paths relative to the case folder)
//                       "symlink"?: { [path: string]: string }  // link -> target (may dangle)
//                     }
//                   }
//
// `findings` is compared as an exact set of (rule, kind, name) taken from
// the JSON output. An input that could not be read appears as rule
// "unreadable-input" with kind "" and, as name, its path relative to the case
// folder; inputs skipped on purpose ("skipped-input") are not compared.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { run } from '../../src/doctor/cli';

const CORPUS = path.join(__dirname, 'corpus');

interface Expected {
  readonly description: string;
  readonly args?: string[];
  readonly exitCode: number;
  readonly findings: Array<{ rule: string; kind: string; name: string }>;
  readonly absent?: string[];
  readonly pending?: string;
  readonly make?: { fifo?: string[]; symlink?: Record<string, string> };
}

const cases = fs.existsSync(CORPUS)
  ? fs.readdirSync(CORPUS).filter(c => fs.existsSync(path.join(CORPUS, c, 'expected.json'))).sort()
  : [];

const key = (f: { rule: string; kind: string; name: string }) => `${f.rule} ${f.kind} ${f.name}`;

/** Makes the named pipes and links a case asks for; returns what to remove afterwards. */
function make(dir: string, spec: Expected['make']): string[] {
  const made: string[] = [];
  for (const fifo of spec?.fifo ?? []) {
    const p = path.join(dir, fifo);
    fs.rmSync(p, { force: true });
    // mkfifo is POSIX; node has no API for it.
    execFileSync('mkfifo', [p]);
    made.push(p);
  }
  for (const [link, target] of Object.entries(spec?.symlink ?? {})) {
    const p = path.join(dir, link);
    fs.rmSync(p, { force: true });
    fs.symlinkSync(target, p);
    made.push(p);
  }
  return made;
}

test('the corpus has cases', () => {
  expect(cases.length).toBeGreaterThan(0);
});

describe.each(cases)('corpus case %s', name => {
  const dir = path.join(CORPUS, name);
  const expected: Expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf-8'));
  const title = `${expected.description} (exit ${expected.exitCode})`;

  if (expected.pending) {
    test.skip(`${title} [pending: ${expected.pending}]`, () => undefined);
    return;
  }

  test(title, () => {
    // GIVEN the case's inputs, with what git cannot hold made now
    const made = make(dir, expected.make);
    try {
      const args = (expected.args ?? ['input']).map(a => (a.startsWith('-') ? a : path.join(dir, a)));
      // WHEN the CLI runs on them, as JSON
      const result = run(['--format', 'json', ...args]);
      // THEN the exit status and exactly the expected findings
      const out = JSON.parse(result.stdout) as Array<{ rule: string; resource: { kind: string; name: string; file: string | null } }>;
      const actual = out
        .filter(f => f.rule !== 'skipped-input')
        .map(f => ({
          rule: f.rule,
          kind: f.resource.kind,
          name: f.rule === 'unreadable-input' ? path.relative(dir, f.resource.file ?? '').split(path.sep).join('/') : f.resource.name,
        }));
      expect({ exitCode: result.exitCode, findings: [...new Set(actual.map(key))].sort() })
        .toEqual({ exitCode: expected.exitCode, findings: [...new Set(expected.findings.map(key))].sort() });
      for (const rule of expected.absent ?? []) {
        expect(out.filter(f => f.rule === rule).map(f => `${f.rule} ${f.resource.kind} ${f.resource.name}`)).toEqual([]);
      }
    } finally {
      for (const p of made) fs.rmSync(p, { force: true });
    }
  });
});
