// BROKEN ON PURPOSE: the setup from "Session Affinity in Kubernetes" before
// its fix. Four Grafana pods, each keeping logins in its own SQLite file,
// behind a LoadBalancer Service that spreads requests over all four: a user
// logs in on one pod, the next request lands on another, which has never
// heard of them, and they are logged out. Do not deploy this; see
// grafana-quick-fix and grafana-ha for the fixes.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'grafana-broken', { namespace: 'observability' });

webApp(chart, 'Grafana', {
  app: 'grafana',
  image: 'grafana/grafana:11.3.0',
  port: 3000,
  healthPath: '/api/health',
  replicas: 4,
  writablePaths: ['/var/lib/grafana', '/var/log/grafana', '/tmp'],
});

// No sessionAffinity, no shared database: the bug.
const service = new kplus.Service(chart, 'Service', {
  metadata: { name: 'grafana' },
  type: kplus.ServiceType.LOAD_BALANCER,
  ports: [{ port: 3000, targetPort: 3000 }],
});
service.selectLabel('app', 'grafana');

app.synth();
