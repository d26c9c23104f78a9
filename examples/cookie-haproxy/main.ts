// Cookie persistence at the HAProxy Kubernetes Ingress Controller
// (haproxytech): it reads `cookie-persistence` from the backend Service and
// takes only the cookie's name.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CookieAffinityIngress, IngressController } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'cookie-haproxy');

webApp(chart, 'App', { app: 'web', image: 'nginxinc/nginx-unprivileged:1.27', port: 8080, healthPath: '/', writablePaths: ['/tmp'] });
const service = new kplus.Service(chart, 'Service', {
  metadata: { name: 'web' },
  ports: [{ port: 80, targetPort: 8080 }],
});
service.selectLabel('app', 'web');

new CookieAffinityIngress(chart, 'Ingress', {
  metadata: { name: 'web' },
  controller: IngressController.haproxy({ ingressClassName: 'haproxy' }),
  cookie: { name: 'mycookie' },
  rules: [{ host: 'web.example.com', path: '/', backend: kplus.IngressBackend.fromService(service) }],
});

app.synth();
