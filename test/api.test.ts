// eslint-disable-next-line @typescript-eslint/no-require-imports
const api = require('../scripts/api-surface.js');

describe('the public API', () => {
  test('is the one accepted in api/surface.txt, with a note in API-CHANGES.md', () => {
    // GIVEN the assembly jsii just compiled (the build compiles before it tests)
    // WHEN it is compared with the accepted surface
    const problem: string | undefined = api.check();
    // THEN nothing changed without a deliberate accept
    expect(problem).toBeUndefined();
  });

  test('surface lists members with their signatures, so a changed prop type shows', () => {
    const surface: string = api.surfaceOf({
      types: {
        'x.Props': { kind: 'interface', datatype: true, properties: [{ name: 'timeout', optional: true, immutable: true, type: { fqn: 'cdk8s.Duration' } }] },
        'x.Mode': { kind: 'enum', members: [{ name: 'A' }, { name: 'B' }] },
      },
    });
    expect(surface).toBe('enum x.Mode { A, B }\nstruct x.Props\n  readonly timeout?: cdk8s.Duration\n');
  });
});
