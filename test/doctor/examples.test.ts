// The repository's own examples must come out of the doctor with no
// error-level finding: they are what users copy.
import * as fs from 'fs';
import * as path from 'path';
import { AffinityDoctor, Severity } from '../../src';
import { synthExample } from '../util/examples';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');
const names = fs.readdirSync(EXAMPLES).filter(n => fs.existsSync(path.join(EXAMPLES, n, 'cdk8s.yaml'))).sort();

test('there are examples to check', () => {
  expect(names.length).toBeGreaterThan(0);
});

// An example that shows a mistake says so in its first line; the doctor must find it.
const brokenOnPurpose = (name: string) => fs.readFileSync(path.join(EXAMPLES, name, 'main.ts'), 'utf-8').startsWith('// BROKEN ON PURPOSE');

test.each(names.filter(n => !brokenOnPurpose(n)))('example %s has no error-level finding', name => {
  const findings = AffinityDoctor.check(synthExample(name), { file: name });
  expect(findings.filter(f => f.severity === Severity.ERROR)).toEqual([]);
});

test.each(names.filter(brokenOnPurpose))('example %s, broken on purpose, is found', name => {
  const findings = AffinityDoctor.check(synthExample(name), { file: name });
  expect(findings.filter(f => f.severity === Severity.ERROR).map(f => f.rule)).toContain('local-sessions-without-affinity');
});
