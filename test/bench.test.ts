import { Testing } from 'cdk8s';
import { buildChart, HAND_WRITTEN, LIBRARY, RAW_L1, renderedAffinity, VARIANTS } from '../bench/variants';
import { Manifest, validateManifests } from './util/manifests';

// The benchmark compares three ways of writing the same Services; the
// comparison only means something if they render the same affinity.
describe('benchmark variants', () => {
  test.each(VARIANTS.map(v => [v.name, v]))('%s renders valid sticky Services', (_name, variant) => {
    const manifests = Testing.synth(buildChart(variant, 3)) as Manifest[];
    validateManifests(manifests);
    expect(manifests).toHaveLength(3);
    expect(renderedAffinity(manifests)).toEqual(renderedAffinity(Testing.synth(buildChart(LIBRARY, 3))));
    expect(manifests[2].spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });

  test('there are the three documented variants', () => {
    expect(VARIANTS).toEqual([LIBRARY, HAND_WRITTEN, RAW_L1]);
  });
});
