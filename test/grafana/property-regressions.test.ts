import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KedaScaledObject, MultiPodGrafana } from '../../src';
import { newChart, only, synthValid } from '../util/manifests';

// Found by test/property/grafana.property.test.ts.
describe('MultiPodGrafana and KedaScaledObject: what the property tests found', () => {
  /** A Deployment to scale, in `observability`, or in a chart with no namespace when `namespace` is null. */
  function app(namespace: string | null = 'observability') {
    const chart = namespace === null ? new Chart(Testing.app(), 'test') : newChart(namespace);
    const deployment = new kplus.Deployment(chart, 'App', {});
    deployment.addContainer({ image: 'nginx:1.27', resources: { cpu: { request: kplus.Cpu.millis(100) } } });
    return { chart, deployment };
  }

  test('GIVEN metadata with name: undefined THEN the ScaledObject keeps the name cdk8s generates', () => {
    // It used to be written with no metadata.name at all.
    const { chart, deployment } = app();
    new KedaScaledObject(chart, 'Scaling', { target: deployment, minReplicas: 1, maxReplicas: 3, metadata: { name: undefined } });
    expect(only(synthValid(chart), 'ScaledObject').metadata).toEqual({ name: 'test-scaling-c8133353', namespace: 'observability' });
  });

  test('GIVEN a namespace other than the target\'s THEN it is refused, naming metadata.namespace', () => {
    // It used to write a ScaledObject in another namespace, whose scaleTargetRef finds no Deployment.
    const { chart, deployment } = app();
    expect(() => new KedaScaledObject(chart, 'Scaling', { target: deployment, minReplicas: 1, maxReplicas: 3, metadata: { namespace: 'other' } }))
      .toThrow('test/Scaling: \'metadata.namespace\' ("other") must be the target\'s namespace ("observability") or left out: a ScaledObject scales a Deployment of its own namespace');
    const { chart: bare, deployment: target } = app(null);
    expect(() => new KedaScaledObject(bare, 'Scaling', { target, minReplicas: 1, maxReplicas: 3, metadata: { namespace: 'aa' } }))
      .toThrow('test/Scaling: \'metadata.namespace\' ("aa") must be the target\'s namespace (none: the chart has none) or left out: a ScaledObject scales a Deployment of its own namespace');
  });

  test.each(['', ' grafana/grafana:11.3.0', 'grafana/grafana:11.3.0\n', 'grafana grafana'])('GIVEN the image %j THEN it is refused, naming image', image => {
    // An empty image used to synthesize (the API server takes it in a template, then refuses every pod);
    // one with whitespace too (the API server refuses it).
    const chart = newChart();
    const adminPassword = { secret: kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin'), key: 'password' };
    expect(() => new MultiPodGrafana(chart, 'Grafana', { adminPassword, image }))
      .toThrow(`test/Grafana: 'image' (${JSON.stringify(image)}) must be an image reference (such as 'grafana/grafana:11.3.0'): not empty, with no spaces or control characters`);
  });
});
