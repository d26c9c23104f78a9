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
});
