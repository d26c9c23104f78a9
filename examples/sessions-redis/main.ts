// "Better Alternatives for Production": instead of affinity, the shop keeps
// its sessions in Redis, so any of its pods serves any request. Redis runs
// beside it with auth on; its password is in a Secret made outside the chart
// (External Secrets, Sealed Secrets, `kubectl create secret`), so the YAML
// holds none.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SessionStore, SharedSessionApp } from '../../src';

const app = new App();
const chart = new Chart(app, 'sessions-redis', { namespace: 'shop' });

const auth = kplus.Secret.fromSecretName(chart, 'Auth', 'shop-redis-auth');

new SharedSessionApp(chart, 'Shop', {
  metadata: { name: 'shop' },
  image: 'ghcr.io/example/shop:1.4.2',
  port: 8080,
  servicePort: 80,
  replicas: 5,
  store: SessionStore.redis({
    password: { secret: auth, key: 'password' },
    // Sessions survive a rescheduled Redis pod.
    storage: Size.gibibytes(1),
  }),
  readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
  liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
});

app.synth();
