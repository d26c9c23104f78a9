// Cookie affinity at ingress-nginx, the Ingress of "Configure Service Session
// Affinity with clientIP" ("Session Affinity with Ingress"): each browser
// stays on the pod that served it first, for an hour.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CookieAffinityIngress } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'cookie-nginx');

webApp(chart, 'App', { app: 'app', image: 'nginxinc/nginx-unprivileged:1.27', port: 8080, healthPath: '/', writablePaths: ['/tmp'] });
const service = new kplus.Service(chart, 'Service', {
  metadata: { name: 'app-service' },
  ports: [{ port: 80, targetPort: 8080 }],
});
service.selectLabel('app', 'app');

const ingress = new CookieAffinityIngress(chart, 'Ingress', {
  metadata: { name: 'app-ingress' },
  cookie: { name: 'app-affinity', maxAge: Duration.hours(1) },
});
ingress.addHostRule('app.example.com', '/', kplus.IngressBackend.fromService(service));

app.synth();
