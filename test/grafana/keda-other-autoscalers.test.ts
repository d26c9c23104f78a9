import { ApiObject, Chart, IResolver, JsonPatch, ResolutionContext, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KedaScaledObject } from '../../src';

// KedaScaledObject reads the scaleTargetRef of its own ScaledObjects and of
// cdk8s-plus HorizontalPodAutoscalers without rendering them; where a patch
// or an app's resolver makes the rendered object say otherwise, it renders
// it, so the finding is the one the written manifest gives.
describe('KedaScaledObject: the other autoscalers, as the manifests are written', () => {
  const CONFLICT = "[test/First] 'target' (a) is also scaled by the";

  /** A chart in `shop` with Deployments a and b, each requesting CPU. */
  function app(resolvers?: IResolver[]) {
    const chart = new Chart(Testing.app(resolvers ? { resolvers } : {}), 'test', { namespace: 'shop' });
    const deployment = (name: string) => new kplus.Deployment(chart, name, {
      metadata: { name },
      containers: [{ image: 'ghcr.io/example/app:1.0.0', resources: { cpu: { request: kplus.Cpu.millis(100) } } }],
    });
    return { chart, a: deployment('a'), b: deployment('b') };
  }

  test('GIVEN a ScaledObject of b patched to scale a THEN the synth names it', () => {
    const { chart, a, b } = app();
    new KedaScaledObject(chart, 'First', { target: a, minReplicas: 1, maxReplicas: 3 });
    const second = new KedaScaledObject(chart, 'Second', { target: b, minReplicas: 1, maxReplicas: 3 });
    second.apiObject.addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef/name', 'a'));
    expect(() => Testing.synth(chart)).toThrow(`${CONFLICT} ScaledObject test/Second`);
  });

  test('GIVEN a HorizontalPodAutoscaler of b patched to scale a THEN the synth names it', () => {
    const { chart, a, b } = app();
    new KedaScaledObject(chart, 'First', { target: a, minReplicas: 1, maxReplicas: 3 });
    const hpa = new kplus.HorizontalPodAutoscaler(chart, 'Hpa', { target: b, maxReplicas: 3 });
    ApiObject.of(hpa).addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef/name', 'a'));
    expect(() => Testing.synth(chart)).toThrow(`${CONFLICT} HorizontalPodAutoscaler test/Hpa`);
  });

  test('GIVEN a HorizontalPodAutoscaler of a patched to scale another THEN both are valid', () => {
    const { chart, a } = app();
    new KedaScaledObject(chart, 'First', { target: a, minReplicas: 1, maxReplicas: 3 });
    const hpa = new kplus.HorizontalPodAutoscaler(chart, 'Hpa', { target: a, maxReplicas: 3 });
    ApiObject.of(hpa).addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef/name', 'other'));
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('GIVEN an app resolver that renders b as a THEN the synth names the ScaledObject of b', () => {
    const renameB: IResolver = {
      resolve(context: ResolutionContext) {
        if (context.value === 'b') {
          context.replaceValue('a');
        }
      },
    };
    const { chart, a, b } = app([renameB]);
    new KedaScaledObject(chart, 'First', { target: a, minReplicas: 1, maxReplicas: 3 });
    new KedaScaledObject(chart, 'Second', { target: b, minReplicas: 1, maxReplicas: 3 });
    expect(() => Testing.synth(chart)).toThrow(`${CONFLICT} ScaledObject test/Second`);
  });

  describe('one scan of the app per validation pass, shared by its ScaledObjects', () => {
    test('GIVEN an autoscaler added after a first synth THEN the second synth names it', () => {
      const { chart, a, b } = app();
      new KedaScaledObject(chart, 'First', { target: a, minReplicas: 1, maxReplicas: 3 });
      new KedaScaledObject(chart, 'Second', { target: b, minReplicas: 1, maxReplicas: 3 });
      expect(() => Testing.synth(chart)).not.toThrow();
      const hpa = new kplus.HorizontalPodAutoscaler(chart, 'Hpa', { target: b, maxReplicas: 3 });
      ApiObject.of(hpa).addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef/name', 'a'));
      expect(() => Testing.synth(chart)).toThrow(`${CONFLICT} HorizontalPodAutoscaler test/Hpa`);
    });

    test('GIVEN a ScaledObject validated on its own after a synth and a change THEN it sees the change', () => {
      const { chart, a, b } = app();
      const first = new KedaScaledObject(chart, 'First', { target: a, minReplicas: 1, maxReplicas: 3 });
      new KedaScaledObject(chart, 'Second', { target: b, minReplicas: 1, maxReplicas: 3 });
      Testing.synth(chart);
      expect(first.node.validate()).toEqual([]);
      const hpa = new kplus.HorizontalPodAutoscaler(chart, 'Hpa', { target: b, maxReplicas: 3 });
      ApiObject.of(hpa).addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef/name', 'a'));
      // Outside a pass (no validation of the app's root first): it scans the app itself.
      expect(first.node.validate()).toEqual([expect.stringContaining("'target' (a) is also scaled by the HorizontalPodAutoscaler test/Hpa")]);
      expect(first.node.validate()).toHaveLength(1);
    });

    test('GIVEN many ScaledObjects THEN each finds only its own Deployment\'s other autoscaler', () => {
      const chart = new Chart(Testing.app(), 'test', { namespace: 'shop' });
      const targets = Array.from({ length: 5 }, (_, i) => new kplus.Deployment(chart, `d${i}`, {
        metadata: { name: `d${i}` },
        containers: [{ image: 'ghcr.io/example/app:1.0.0', resources: { cpu: { request: kplus.Cpu.millis(100) } } }],
      }));
      targets.forEach((target, i) => new KedaScaledObject(chart, `Keda${i}`, { target, minReplicas: 1, maxReplicas: 3 }));
      const other = new kplus.Deployment(chart, 'other', { metadata: { name: 'other' }, containers: [{ image: 'ghcr.io/example/app:1.0.0' }] });
      const hpa = new kplus.HorizontalPodAutoscaler(chart, 'Hpa', { target: other, maxReplicas: 3 });
      ApiObject.of(hpa).addJsonPatch(JsonPatch.replace('/spec/scaleTargetRef/name', 'd3'));
      let message = '';
      try {
        Testing.synth(chart);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message.split('\n').filter(l => l.includes('is also scaled by'))).toEqual([
        expect.stringContaining("[test/Keda3] 'target' (d3) is also scaled by the HorizontalPodAutoscaler test/Hpa"),
      ]);
    });
  });
});
