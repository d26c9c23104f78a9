import * as yaml from 'yaml';
import { parseManifests } from '../../src/doctor/load';
import { toYamlDocuments } from '../../src/migrate/yaml-out';

// The CLI writes YAML itself; what it writes must read back as the same
// data in YAML 1.1 (kubectl, js-yaml) and YAML 1.2.

const TRICKY = [
  'yes', 'no', 'on', 'off', 'y', 'N', 'true', 'False', 'null', '~', '', ' lead', 'trail ', '1h', '3600', '0x1F', '08', '1e3', '.5', '-1',
  '12:30', '190:20:30', '2026-03-20', '2026-3-1T00:00', '1_000', '+1', '0o17', '0b101', '1.5e-3', '1.', '3600s', '0s', '.inf', '-', '- x', ':x', 'a: b', 'a #b', 'a:b', '#x', '&a', '*a', '!t', '|', '>', "'q'", '"q"', '%x', '@x', '`x',
  '[x]', '{x}', 'Host(`a`) && PathPrefix(`/`)', '/v1(/|$)(.*)', 'multi\nline', 'tab\there', 'ünïcode', 'X-Contour-Session-Affinity', '~* ^/api',
];

describe('toYamlDocuments', () => {
  const data = [
    { apiVersion: 'v1', kind: 'X', metadata: { name: 'a', annotations: { 'konghq.com/upstream-policy': 'p' } }, spec: { strings: TRICKY } },
    { nested: [{ a: 1, b: [true, false, null], c: {} }, [], [1, [2, 3]], { d: [] }], n: 0, f: 1.5, big: 1209600 },
    { map: Object.fromEntries(TRICKY.map((s, i) => [s, i])) },
  ];
  const text = toYamlDocuments(data);

  test('GIVEN tricky strings and nesting WHEN written THEN YAML 1.2 reads back the same data', () => {
    expect(yaml.parseAllDocuments(text).map(d => d.toJSON())).toEqual(data);
  });

  test('GIVEN the same WHEN read as YAML 1.1 (as kubectl) and by the doctor THEN the same data', () => {
    expect(parseManifests(text).map(d => d.obj)).toEqual(data);
    expect(yaml.parseAllDocuments(text, { version: '1.1' }).map(d => d.toJSON())).toEqual(data);
  });

  test('GIVEN a route WHEN written THEN block style a person reads', () => {
    expect(toYamlDocuments([{ kind: 'HTTPRoute', spec: { hostnames: ['a.example.com'], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }] } }])).toBe(
      '---\nkind: HTTPRoute\nspec:\n  hostnames:\n    - a.example.com\n  rules:\n    - matches:\n        - path:\n            type: PathPrefix\n            value: /\n',
    );
  });
});
