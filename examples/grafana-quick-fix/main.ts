// The quick fix, with MultiPodGrafana: the same four pods, each still with
// its own SQLite, behind a ClientIP LoadBalancer Service that keeps every user
// on the pod that logged them in for 3 hours after their last request. The
// admin password comes from a Secret made outside the chart:
//   kubectl -n observability create secret generic grafana-admin --from-literal=password=...
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { GrafanaSessions, MultiPodGrafana } from '../../src';

const app = new App();
const chart = new Chart(app, 'grafana-quick-fix', { namespace: 'observability' });

new MultiPodGrafana(chart, 'Grafana', {
  adminPassword: { secret: kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin'), key: 'password' },
  sessions: GrafanaSessions.clientIpAffinity(),
});

app.synth();
