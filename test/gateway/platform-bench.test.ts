import { Chart, Testing } from 'cdk8s';
import { PLATFORM_PAIRS } from '../../bench/platform-pairs';

describe('the new platforms\' bench twins', () => {
  test.each(PLATFORM_PAIRS.map(p => [p.id, p] as const))('%s: the construct and its hand-written twin render the same manifests', (_id, pair) => {
    const library = new Chart(Testing.app(), 'bench', { namespace: pair.namespace });
    pair.buildLibrary(library, 3);
    const twin = new Chart(Testing.app(), 'bench', { namespace: pair.namespace });
    pair.buildTwin(twin, 3);
    const manifests = Testing.synth(library);
    expect(manifests).toHaveLength(3 * pair.objectsEach);
    expect(manifests).toEqual(Testing.synth(twin));
  });
});
