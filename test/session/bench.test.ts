import { sharedSessionChart, SHARED_SESSION_VARIANTS } from '../../bench/shared-session-app';
import { Manifest, validateManifests } from '../util/manifests';

// The SharedSessionApp benchmark compares the library with the same objects
// written by hand; that only means something if both render the same.
test('the SharedSessionApp benchmark variants render the same valid manifests', () => {
  const [library, hand] = SHARED_SESSION_VARIANTS.map(([, build]) => sharedSessionChart(build, 2).toJson() as Manifest[]);
  validateManifests(library);
  expect(library).toHaveLength(12);
  expect(hand).toEqual(library);
});
