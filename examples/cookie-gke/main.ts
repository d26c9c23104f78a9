// Cookie affinity on GKE Ingress: a BackendConfig asks the Google Cloud load
// balancer for its generated cookie (GCLB), lasting 30 minutes, and the
// backend Service names it and asks for network endpoint groups, so the
// load balancer sends to pods.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CookieAffinityIngress, IngressController } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'cookie-gke');

webApp(chart, 'App', { app: 'web', image: 'nginxinc/nginx-unprivileged:1.27', port: 8080, healthPath: '/', writablePaths: ['/tmp'] });
const service = new kplus.Service(chart, 'Service', {
  metadata: { name: 'web' },
  ports: [{ port: 80, targetPort: 8080 }],
});
service.selectLabel('app', 'web');

new CookieAffinityIngress(chart, 'Ingress', {
  metadata: { name: 'web' },
  controller: IngressController.gke(),
  cookie: { maxAge: Duration.minutes(30) },
  defaultBackend: kplus.IngressBackend.fromService(service),
});

app.synth();
