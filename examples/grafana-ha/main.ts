// The durable fix, Grafana's own high-availability setup: every replica uses
// one PostgreSQL database (run here in the chart), where Grafana keeps its
// login sessions, so any pod serves any user and the Service needs no
// affinity. Redis as the remote cache, the same secret key on every pod,
// alerting HA over a headless Service, and KEDA scaling 2 to 8 pods on CPU.
// The Secrets are made outside the chart, e.g.:
//   kubectl -n observability create secret generic grafana-admin --from-literal=password=...
//   kubectl -n observability create secret generic grafana-db --from-literal=password=...
//   kubectl -n observability create secret generic grafana-redis --from-literal=password=...
//   kubectl -n observability create secret generic grafana-secret-key --from-literal=secret-key=...
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GrafanaSessions, MultiPodGrafana, SessionStore } from '../../src';

const app = new App();
const chart = new Chart(app, 'grafana-ha', { namespace: 'observability' });
const secret = (id: string, name: string, key: string) => ({ secret: kplus.Secret.fromSecretName(chart, id, name), key });

new MultiPodGrafana(chart, 'Grafana', {
  adminPassword: secret('Admin', 'grafana-admin', 'password'),
  sessions: GrafanaSessions.sharedDatabase({
    database: SessionStore.postgres({ password: secret('Db', 'grafana-db', 'password'), database: 'grafana', user: 'grafana' }),
    remoteCache: SessionStore.redis({ password: secret('Redis', 'grafana-redis', 'password') }),
    secretKey: secret('SecretKey', 'grafana-secret-key', 'secret-key'),
  }),
  autoscaling: { minReplicas: 2, maxReplicas: 8 },
});

app.synth();
