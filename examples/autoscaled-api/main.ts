// "JWT Tokens (Stateless)": an API that keeps no sessions at all, only signed
// tokens whose key comes from a Secret, so any pod serves any request and KEDA
// may add or remove pods at will: no affinity to break, no session to lose.
// A SharedSessionApp without `replicas`: the ScaledObject targeting its
// Deployment owns the replica count (the Deployment writes none) and scales
// on CPU, which is why the container requests some. A cdk8s-plus
// HorizontalPodAutoscaler on `api.deployment` would do the same.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { KedaScaledObject, KedaTrigger, SessionStore, SharedSessionApp } from '../../src';

const app = new App();
const chart = new Chart(app, 'autoscaled-api', { namespace: 'api' });

const api = new SharedSessionApp(chart, 'Api', {
  metadata: { name: 'api' },
  image: 'ghcr.io/example/api:2.3.0',
  port: 8080,
  servicePort: 80,
  store: SessionStore.jwt({ secret: kplus.Secret.fromSecretName(chart, 'AppSecrets', 'app-secrets'), key: 'jwt-secret' }),
  resources: {
    cpu: { request: kplus.Cpu.millis(200), limit: kplus.Cpu.millis(1000) },
    memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
  },
  readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
  liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
});

new KedaScaledObject(chart, 'Scale', {
  metadata: { name: 'api' },
  target: api.deployment,
  minReplicas: 2,
  maxReplicas: 10,
  triggers: [KedaTrigger.cpuUtilization(60)],
});

app.synth();
