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

test.each(names)('example %s has no error-level finding', name => {
  const findings = AffinityDoctor.check(synthExample(name), { file: name });
  expect(findings.filter(f => f.severity === Severity.ERROR)).toEqual([]);
});
