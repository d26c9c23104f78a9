import { COOKIE_VARIANTS, sorted, synthCookieVariant } from '../../bench/cookie-ingress';
import { validateManifests } from '../util/manifests';

// The benchmark compares the library with the same objects written by hand;
// the comparison only means something if both render the same manifests.
describe('cookie ingress benchmark variants', () => {
  test.each([[0, 1], [2, 3], [4, 5], [6, 7]])('variant %i renders what its hand-written twin %i renders, and it is valid', (lib, hand) => {
    const library = sorted(synthCookieVariant(COOKIE_VARIANTS[lib], 3));
    validateManifests(library);
    expect(library).toHaveLength(6);
    expect(library).toEqual(sorted(synthCookieVariant(COOKIE_VARIANTS[hand], 3)));
  });
});
