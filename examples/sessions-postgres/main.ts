// "Shared Database Sessions": the app keeps its sessions in a PostgreSQL
// table, where they survive restarts and can be queried and audited. The
// database runs as a StatefulSet named `sessions-db`; the
// user's password is in a Secret made outside the chart.
import { App, Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { SessionStore, SharedSessionApp } from '../../src';

const app = new App();
const chart = new Chart(app, 'sessions-postgres', { namespace: 'default' });

const auth = kplus.Secret.fromSecretName(chart, 'Auth', 'sessions-db-auth');

new SharedSessionApp(chart, 'App', {
  metadata: { name: 'stateless-app' },
  image: 'ghcr.io/example/stateless-app:2.0.1',
  port: 8080,
  servicePort: 80,
  replicas: 5,
  store: SessionStore.postgres({
    name: 'sessions-db',
    database: 'sessions',
    user: 'sessions',
    password: { secret: auth, key: 'password' },
    storage: Size.gibibytes(5),
  }),
  readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
  liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
});

app.synth();
