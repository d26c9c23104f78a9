import { ApiObject, Duration, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KedaScaledObject, SessionStore, SharedSessionApp } from '../../src';
import { describeNameRule, nameRuleOfKind } from '../../src/facts/names';
import { newChart, only, synthValid } from '../util/manifests';

const jwt = (chart: any) => SessionStore.jwt({ secret: kplus.Secret.fromSecretName(chart, 'Keys', 'app-secrets'), key: 'jwt-secret' });

describe('SharedSessionApp', () => {
  test('runs two replicas behind a plain Service, as in its snapshot', () => {
    // GIVEN
    const chart = newChart('production');
    // WHEN
    new SharedSessionApp(chart, 'App', {
      metadata: { name: 'stateless-app' },
      image: 'myapp:1.0.0',
      port: 8080,
      servicePort: 80,
      store: jwt(chart),
    });
    // THEN
    const manifests = synthValid(chart);
    expect(manifests).toMatchSnapshot();
    const deployment = only(manifests, 'Deployment', 'stateless-app');
    expect(deployment.metadata.namespace).toEqual('production');
    expect(deployment.spec.replicas).toEqual(2);
    // The seed's "Better approach": a ClusterIP Service, no session affinity, port 80 -> 8080.
    const service = only(manifests, 'Service', 'stateless-app');
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      externalIPs: [],
      selector: deployment.spec.selector.matchLabels,
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    });
    const container = deployment.spec.template.spec.containers[0];
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(container.livenessProbe).toMatchObject({ tcpSocket: { port: 8080 }, initialDelaySeconds: 15 });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  test('the app container gets a writable /tmp (an emptyDir) beside its read-only root filesystem', () => {
    // GIVEN
    const chart = newChart();
    // WHEN
    new SharedSessionApp(chart, 'App', { metadata: { name: 'app' }, image: 'myapp:1.0.0', port: 8080, store: jwt(chart) });
    // THEN
    const pod = only(synthValid(chart), 'Deployment', 'app').spec.template.spec;
    const container = pod.containers[0];
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.volumeMounts).toEqual([{ mountPath: '/tmp', name: 'tmp' }]);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
  });

  test('writableTmp: false leaves /tmp to the app (its own volume at /tmp, no clash)', () => {
    // GIVEN an app that mounts its own /tmp
    const chart = newChart();
    const app = new SharedSessionApp(chart, 'App', { metadata: { name: 'app' }, image: 'myapp:1.0.0', port: 8080, store: jwt(chart), writableTmp: false });
    // WHEN
    app.container.mount('/tmp', kplus.Volume.fromEmptyDir(chart, 'Scratch', 'scratch', { sizeLimit: Size.mebibytes(64) }));
    // THEN
    const pod = only(synthValid(chart), 'Deployment', 'app').spec.template.spec;
    expect(pod.containers[0].volumeMounts).toEqual([{ mountPath: '/tmp', name: 'scratch' }]);
    expect(pod.volumes).toEqual([{ name: 'scratch', emptyDir: { sizeLimit: '64Mi' } }]);
  });

  test('puts the user\'s env before the store\'s, and passes the container knobs through', () => {
    const chart = newChart();
    const app = new SharedSessionApp(chart, 'App', {
      image: 'myapp:1.0.0',
      port: 3000,
      replicas: 5,
      store: jwt(chart),
      env: { LOG_LEVEL: kplus.EnvValue.fromValue('info') },
      args: ['--serve'],
      resources: { cpu: { request: kplus.Cpu.millis(200) } },
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: 3000 }),
      liveness: kplus.Probe.fromHttpGet('/healthz', { port: 3000, initialDelaySeconds: Duration.seconds(5) }),
    });
    const container = only(synthValid(chart), 'Deployment').spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'jwt-secret' } } },
    ]);
    expect(container.args).toEqual(['--serve']);
    expect(container.resources).toEqual({ requests: { cpu: '200m' } });
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/healthz', port: 3000 });
    expect(app.deployment.replicas).toEqual(5);
    expect(app.service.ports[0].port).toEqual(3000);
    expect(app.container.name).toEqual('app');
  });

  test.each([
    ['replicas 0', { replicas: 0 }, 'test/App: \'replicas\' (0) must be a whole number, at least 1 (default 2)'],
    ['replicas 1.5', { replicas: 1.5 }, 'test/App: \'replicas\' (1.5) must be a whole number, at least 1 (default 2)'],
    ['port 0', { port: 0 }, 'test/App: \'port\' (0) must be a whole number from 1 to 65535'],
    ['servicePort 70000', { servicePort: 70000 }, 'test/App: \'servicePort\' (70000) must be a whole number from 1 to 65535'],
    ['an env variable the store sets', { env: { JWT_SECRET: kplus.EnvValue.fromValue('x') } },
      'test/App: \'env\' (JWT_SECRET) must not set JWT_SECRET: the session store sets it (rename the store\'s variable with its env options)'],
  ])('refuses %s', (_what, props, message) => {
    const chart = newChart();
    expect(() => new SharedSessionApp(chart, 'App', { image: 'myapp:1.0.0', port: 8080, store: jwt(chart), ...props })).toThrow(message);
  });

  test('refuses a name the API server refuses', () => {
    const chart = newChart();
    expect(() => new SharedSessionApp(chart, 'App', { metadata: { name: 'My_App' }, image: 'myapp:1.0.0', port: 8080, store: jwt(chart) }))
      .toThrow(`test/App: 'metadata.name' ("My_App") must be ${describeNameRule(nameRuleOfKind('Deployment'))}`);
  });
});

describe('SharedSessionApp under an autoscaler', () => {
  test('GIVEN KEDA targeting app.deployment THEN the ScaledObject owns the replica count and the Deployment writes none', () => {
    // GIVEN
    const chart = newChart('shop');
    const app = new SharedSessionApp(chart, 'Shop', {
      metadata: { name: 'shop' },
      image: 'ghcr.io/example/shop:1.4.2',
      port: 8080,
      resources: { cpu: { request: kplus.Cpu.millis(250) } },
      store: jwt(chart),
    });
    // WHEN
    new KedaScaledObject(chart, 'Scaling', { target: app.deployment, minReplicas: 2, maxReplicas: 10 });
    // THEN
    const manifests = synthValid(chart);
    expect(only(manifests, 'Deployment', 'shop').spec).not.toHaveProperty('replicas');
    expect(only(manifests, 'ScaledObject').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
      minReplicaCount: 2,
      maxReplicaCount: 10,
    });
  });

  test('GIVEN a cdk8s-plus HorizontalPodAutoscaler targeting app.deployment THEN the Deployment writes no replicas', () => {
    // GIVEN
    const chart = newChart('shop');
    const app = new SharedSessionApp(chart, 'Shop', {
      metadata: { name: 'shop' },
      image: 'ghcr.io/example/shop:1.4.2',
      port: 8080,
      store: jwt(chart),
    });
    // WHEN
    new kplus.HorizontalPodAutoscaler(chart, 'Hpa', {
      target: app.deployment,
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    });
    // THEN
    const manifests = synthValid(chart);
    expect(only(manifests, 'Deployment', 'shop').spec).not.toHaveProperty('replicas');
    expect(only(manifests, 'HorizontalPodAutoscaler').spec).toMatchObject({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' },
      minReplicas: 2,
      maxReplicas: 6,
    });
  });

  test('GIVEN replicas given explicitly THEN KEDA is refused, since the two would disagree on the count', () => {
    const chart = newChart('shop');
    const app = new SharedSessionApp(chart, 'Shop', {
      metadata: { name: 'shop' }, image: 'ghcr.io/example/shop:1.4.2', port: 8080, replicas: 3, store: jwt(chart),
    });
    expect(() => new KedaScaledObject(chart, 'Scaling', { target: app.deployment, minReplicas: 2, maxReplicas: 10 }))
      .toThrow("test/Scaling: 'target' (shop with replicas 3) must leave 'replicas' out: the ScaledObject owns the replica count");
  });

  describe('two autoscalers on one Deployment are refused in either order', () => {
    const shop = (chart: ReturnType<typeof newChart>) => new SharedSessionApp(chart, 'Shop', {
      metadata: { name: 'shop' },
      image: 'ghcr.io/example/shop:1.4.2',
      port: 8080,
      resources: { cpu: { request: kplus.Cpu.millis(250) } },
      store: jwt(chart),
    });
    const hpa = (chart: ReturnType<typeof newChart>, target: kplus.Deployment) => new kplus.HorizontalPodAutoscaler(chart, 'Hpa', {
      target, minReplicas: 2, maxReplicas: 6, metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
    });

    test('GIVEN KEDA, then a cdk8s-plus HorizontalPodAutoscaler on the same Deployment THEN the synth names the target and the other autoscaler', () => {
      // GIVEN
      const chart = newChart('shop');
      const app = shop(chart);
      new KedaScaledObject(chart, 'Scaling', { target: app.deployment, minReplicas: 2, maxReplicas: 10 });
      // WHEN
      hpa(chart, app.deployment);
      // THEN
      expect(() => Testing.synth(chart)).toThrow(
        "[test/Scaling] 'target' (shop) is also scaled by the HorizontalPodAutoscaler test/Hpa: two autoscalers would fight over its replica count "
        + '(KEDA scales through a HorizontalPodAutoscaler of its own); keep one of them');
    });

    test('GIVEN a cdk8s-plus HorizontalPodAutoscaler, then KEDA THEN KEDA is refused when made, naming the other autoscaler as the synth does', () => {
      // GIVEN
      const chart = newChart('shop');
      const app = shop(chart);
      hpa(chart, app.deployment);
      // WHEN / THEN
      expect(() => new KedaScaledObject(chart, 'Scaling', { target: app.deployment, minReplicas: 2, maxReplicas: 10 }))
        .toThrow("test/Scaling: 'target' (shop) is also scaled by the HorizontalPodAutoscaler test/Hpa: two autoscalers would fight over its replica count "
          + '(KEDA scales through a HorizontalPodAutoscaler of its own); keep one of them');
    });

    test('GIVEN KEDA, then a second KedaScaledObject on the same Deployment THEN the second is refused, naming the first', () => {
      const chart = newChart('shop');
      const app = shop(chart);
      new KedaScaledObject(chart, 'Scaling', { target: app.deployment, minReplicas: 2, maxReplicas: 10 });
      expect(() => new KedaScaledObject(chart, 'Again', { target: app.deployment, minReplicas: 2, maxReplicas: 10 }))
        .toThrow("test/Again: 'target' (shop) is also scaled by the ScaledObject test/Scaling: two autoscalers would fight over its replica count");
    });

    test('GIVEN a Deployment marked as autoscaled with no autoscaler object in the app THEN KEDA is refused without naming one', () => {
      const chart = newChart('shop');
      const app = shop(chart);
      app.deployment.markHasAutoscaler();
      expect(() => new KedaScaledObject(chart, 'Scaling', { target: app.deployment, minReplicas: 2, maxReplicas: 10 }))
        .toThrow("test/Scaling: 'target' (shop) already has an autoscaler: two would fight over its replica count");
    });

    test('GIVEN KEDA and a HorizontalPodAutoscaler written as a plain object naming the Deployment THEN the synth refuses it too', () => {
      const chart = newChart('shop');
      const app = shop(chart);
      new KedaScaledObject(chart, 'Scaling', { target: app.deployment, minReplicas: 2, maxReplicas: 10 });
      new ApiObject(chart, 'RawHpa', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' }, minReplicas: 1, maxReplicas: 3 },
      });
      expect(() => Testing.synth(chart)).toThrow("'target' (shop) is also scaled by the HorizontalPodAutoscaler test/RawHpa");
    });

    test('GIVEN KEDA on one Deployment and an HPA on a Deployment of the same name in another namespace THEN both are valid', () => {
      const chart = newChart('shop');
      const app = shop(chart);
      new KedaScaledObject(chart, 'Scaling', { target: app.deployment, minReplicas: 2, maxReplicas: 10 });
      new ApiObject(chart, 'OtherHpa', {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { namespace: 'other' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop' }, minReplicas: 1, maxReplicas: 3 },
      });
      expect(only(Testing.synth(chart), 'ScaledObject').spec.scaleTargetRef.name).toBe('shop');
    });
  });

  test('GIVEN no autoscaler and no replicas THEN two replicas run', () => {
    const chart = newChart('shop');
    new SharedSessionApp(chart, 'Shop', { metadata: { name: 'shop' }, image: 'ghcr.io/example/shop:1.4.2', port: 8080, store: jwt(chart) });
    expect(only(synthValid(chart), 'Deployment', 'shop').spec.replicas).toEqual(2);
  });
});
