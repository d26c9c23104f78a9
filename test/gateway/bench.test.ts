import { Testing } from 'cdk8s';
import { buildRouteChart, renderedRoutes, ROUTE_L1, ROUTE_LIBRARY, ROUTE_VARIANTS } from '../../bench/cookie-route';
import { Manifest, validateManifests } from '../util/manifests';

// The cookie-route benchmark compares two ways of writing the same HTTPRoutes;
// it only means something if they render the same, valid routes.
describe('cookie-route benchmark variants', () => {
  test.each(ROUTE_VARIANTS.map(v => [v.name, v]))('%s renders valid HTTPRoutes, the same as the library', (_name, variant) => {
    const manifests = Testing.synth(buildRouteChart(variant, 3)) as Manifest[];
    validateManifests(manifests);
    expect(renderedRoutes(manifests)).toHaveLength(3);
    expect(renderedRoutes(manifests)).toEqual(renderedRoutes(Testing.synth(buildRouteChart(ROUTE_LIBRARY, 3))));
  });

  test('there are the two documented variants', () => {
    expect(ROUTE_VARIANTS).toEqual([ROUTE_LIBRARY, ROUTE_L1]);
  });
});
