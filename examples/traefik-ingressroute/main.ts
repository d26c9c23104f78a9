// A legacy app with in-memory sessions behind Traefik's IngressRoute CRD:
// Traefik's sticky cookie keeps each browser on the pod that holds its session.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { TraefikCookieAffinityRoute } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'traefik-ingressroute');

webApp(chart, 'Legacy', {
  app: 'legacy-app',
  namespace: 'legacy',
  image: 'ghcr.io/example/legacy-app:5.2.0',
  port: 8080,
  healthPath: '/status',
  writablePaths: ['/tmp'],
});
const legacy = new kplus.Service(chart, 'LegacyService', {
  metadata: { name: 'legacy-app', namespace: 'legacy' },
  selector: kplus.Pods.select(chart, 'LegacyPods', { labels: { app: 'legacy-app' } }),
  ports: [{ port: 80, targetPort: 8080 }],
});

new TraefikCookieAffinityRoute(chart, 'LegacyRoute', {
  metadata: { name: 'legacy-app' },
  entryPoints: ['websecure'],
  hostnames: ['legacy.example.com'],
  backend: legacy,
  tlsSecret: kplus.Secret.fromSecretName(chart, 'LegacyTls', 'legacy-example-com-tls'),
  cookie: { name: 'LEGACY_SESSION', maxAge: Duration.hours(1) },
});

app.synth();
