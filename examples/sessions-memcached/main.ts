// Sessions in Memcached: the lightest shared store. It has no password and
// loses every session when it restarts; the NetworkPolicy admits only the
// shop's pods.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SessionStore, SharedSessionApp } from '../../src';

const app = new App();
const chart = new Chart(app, 'sessions-memcached', { namespace: 'shop' });

new SharedSessionApp(chart, 'Shop', {
  metadata: { name: 'shop' },
  image: 'ghcr.io/example/shop:1.4.2',
  port: 8080,
  servicePort: 80,
  replicas: 3,
  store: SessionStore.memcached({ memory: Size.mebibytes(128) }),
  readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
  liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
});

app.synth();
