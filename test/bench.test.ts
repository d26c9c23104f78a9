import { Testing } from 'cdk8s';
import { checkPair } from '../bench/constructs';
import { comparedOutput, instancesFor, pairChart, PAIRS } from '../bench/pairs';
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

// `npm run bench` prints each construct's ratio against a hand-written twin;
// the ratio only means something if the twin writes the same objects.
describe('every construct and its hand-written twin', () => {
  test.each(PAIRS.map(p => [p.library, p]))('GIVEN %s WHEN both sides build 3 instances THEN the twin renders the same valid manifests', (_name, pair) => {
    const library = Testing.synth(pairChart(pair, 'library', 3)) as Manifest[];
    const twin = Testing.synth(pairChart(pair, 'twin', 3)) as Manifest[];
    validateManifests(library);
    expect(library.length).toBeGreaterThanOrEqual(3);
    expect(comparedOutput(pair, twin)).toEqual(comparedOutput(pair, library));
    expect(() => checkPair(pair)).not.toThrow();
  });

  test.each(PAIRS.filter(p => p.buildWrapped).map(p => [p.library, p]))('GIVEN %s WHEN its twin is wrapped in a Construct per instance THEN it renders the same manifests', (_name, pair) => {
    const library = Testing.synth(pairChart(pair, 'library', 3)) as Manifest[];
    const wrapped = Testing.synth(pairChart(pair, 'wrapped', 3)) as Manifest[];
    expect(comparedOutput(pair, wrapped)).toEqual(comparedOutput(pair, library));
  });

  test('GIVEN the Gateway API and CRD-writing pairs THEN each has a wrapped twin', () => {
    expect(PAIRS.filter(p => p.buildWrapped).map(p => p.id)).toEqual([
      'cookie-route', 'kong', 'gke-gateway', 'contour', 'nginx-plus', 'traefik-route', 'envoy', 'mesh', 'backend-policy', 'keda',
    ]);
  });

  test('GIVEN about 400 objects THEN each pair is sized in whole instances', () => {
    expect(PAIRS.map(p => [p.id, instancesFor(p, 400)])).toEqual([
      ['sticky-service', 400], ['aws-nlb', 400], ['cookie-route', 200], ['cookie-ingress-nginx', 200],
      ['cookie-ingress-traefik', 200], ['cookie-ingress-haproxy', 200], ['cookie-ingress-aws-alb', 200],
      ['shared-session-app', 67], ['grafana-quick-fix', 200],
      ['kong', 200], ['gke-gateway', 200], ['contour', 200], ['nginx-plus', 200],
      ['traefik-route', 200], ['envoy', 133], ['mesh', 200], ['backend-policy', 200],
      ['keda', 200], ['cookie-ingress-gke', 133], ['grafana-shared-database', 133], ['shared-session-app-postgres', 67], ['shared-session-app-jwt', 200],
    ]);
  });
});
