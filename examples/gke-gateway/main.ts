// Grafana behind a GKE Gateway: the HTTPRoute sends to Grafana's Service and a
// GCPBackendPolicy gives that Service the load balancer's generated cookie
// (GCLB) for 3 hours. GKE's Gateway controller does not read Gateway API
// sessionPersistence, so the affinity lives in the policy.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CookieAffinityRoute, GatewayImplementation, GkeGatewayCookieAffinity } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'gke-gateway');

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

new CookieAffinityRoute(chart, 'GrafanaRoute', {
  metadata: { name: 'grafana' },
  gateway: 'external-http',
  gatewayNamespace: 'gateways',
  hostnames: ['grafana.example.com'],
  backend: grafana,
  implementation: GatewayImplementation.gkeGateway(),
  cookie: { maxAge: Duration.hours(3) },
});

// Grafana's API for scripts, reached through an HTTPRoute the platform team
// keeps in its own repository: GkeGatewayCookieAffinity writes the same
// policy alone, for a Service whose route is written elsewhere.
const grafanaApi = new kplus.Service(chart, 'GrafanaApiService', {
  metadata: { name: 'grafana-api', namespace: 'observability' },
  selector: kplus.Pods.select(chart, 'GrafanaApiPods', { labels: { app: 'grafana' } }),
  ports: [{ port: 3000 }],
});
new GkeGatewayCookieAffinity(chart, 'GrafanaApiAffinity', {
  metadata: { name: 'grafana-api' },
  service: grafanaApi,
  cookie: { maxAge: Duration.hours(1) },
});

app.synth();
