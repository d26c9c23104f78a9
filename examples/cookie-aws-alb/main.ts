// Sticky sessions on an AWS Application Load Balancer through the AWS Load
// Balancer Controller: the ALB writes its own AWSALB cookie, lasting 3 hours,
// and sends to pod IPs so kube-proxy does not spread a browser's requests.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CookieAffinityIngress, IngressController } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'cookie-aws-alb');

webApp(chart, 'App', { app: 'web', image: 'nginxinc/nginx-unprivileged:1.27', port: 8080, healthPath: '/', writablePaths: ['/tmp'] });
const service = new kplus.Service(chart, 'Service', {
  metadata: { name: 'web' },
  ports: [{ port: 80, targetPort: 8080 }],
});
service.selectLabel('app', 'web');

const ingress = new CookieAffinityIngress(chart, 'Ingress', {
  metadata: { name: 'web', annotations: { 'alb.ingress.kubernetes.io/scheme': 'internet-facing' } },
  controller: IngressController.awsAlb(),
  cookie: { maxAge: Duration.hours(3) },
});
ingress.addRule('/', kplus.IngressBackend.fromService(service));

app.synth();
