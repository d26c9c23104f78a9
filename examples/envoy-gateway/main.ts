// Grafana behind Envoy Gateway with cookie-based consistent hashing: Envoy
// generates the cookie on the first response and hashes it to pick a pod.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { EnvoyCookieAffinity, SameSite } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'envoy-gateway');

webApp(chart, 'Grafana', {
  app: 'grafana',
  namespace: 'observability',
  image: 'grafana/grafana:11.3.0',
  port: 3000,
  healthPath: '/api/health',
  replicas: 3,
  writablePaths: ['/var/lib/grafana', '/tmp'],
});
const grafana = new kplus.Service(chart, 'GrafanaService', {
  metadata: { name: 'grafana', namespace: 'observability' },
  selector: kplus.Pods.select(chart, 'GrafanaPods', { labels: { app: 'grafana' } }),
  ports: [{ port: 3000 }],
});

new EnvoyCookieAffinity(chart, 'GrafanaAffinity', {
  metadata: { name: 'grafana' },
  gateway: 'eg',
  gatewayNamespace: 'envoy-gateway-system',
  hostnames: ['grafana.example.com'],
  backend: grafana,
  tls: true,
  cookie: { name: 'GRAFANA_AFFINITY', maxAge: Duration.hours(3), sameSite: SameSite.STRICT },
});

app.synth();
