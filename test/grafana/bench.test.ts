import { Testing } from 'cdk8s';
import { buildGrafanaChart, checkSameQuickFix, GRAFANA_VARIANTS } from '../../bench/grafana';
import { Manifest, validateManifests } from '../util/manifests';

// The Grafana benchmark compares MultiPodGrafana with the same objects written
// by hand; the ratio only means something if both render the same.
describe('Grafana benchmark variants', () => {
  test('the quick fix renders the same objects as its hand-written twin', () => {
    expect(() => checkSameQuickFix()).not.toThrow();
  });

  test.each(GRAFANA_VARIANTS.map(v => [v.name, v]))('%s renders valid manifests', (_name, variant) => {
    const manifests = Testing.synth(buildGrafanaChart(variant, 2)) as Manifest[];
    validateManifests(manifests);
    expect(manifests.length).toBeGreaterThanOrEqual(4);
  });
});
