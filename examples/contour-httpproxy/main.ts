// A legacy app with in-memory sessions behind Contour: the HTTPProxy's route
// uses the Cookie load-balancing strategy, and a cookie rewrite policy makes
// Contour's X-Contour-Session-Affinity cookie Secure and SameSite=Strict on
// the TLS host. Contour's cookie has a fixed name and no Max-Age.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ContourCookieAffinityProxy, SameSite } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'contour-httpproxy');

webApp(chart, 'Legacy', {
  app: 'legacy-app',
  namespace: 'legacy',
  image: 'ghcr.io/example/legacy-app:5.2.0',
  port: 8080,
  healthPath: '/status',
  replicas: 3,
  writablePaths: ['/tmp'],
});
const legacy = new kplus.Service(chart, 'LegacyService', {
  metadata: { name: 'legacy-app', namespace: 'legacy' },
  selector: kplus.Pods.select(chart, 'LegacyPods', { labels: { app: 'legacy-app' } }),
  ports: [{ port: 80, targetPort: 8080 }],
});

new ContourCookieAffinityProxy(chart, 'LegacyProxy', {
  metadata: { name: 'legacy-app' },
  fqdn: 'legacy.example.com',
  backend: legacy,
  tlsSecret: kplus.Secret.fromSecretName(chart, 'LegacyTls', 'legacy-example-com-tls'),
  cookie: { sameSite: SameSite.STRICT },
});

app.synth();
