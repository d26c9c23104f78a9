// Cookie affinity at Traefik: Traefik reads sticky cookies from the backend
// Service, so the Ingress annotates the Service it routes to. With TLS, the
// cookie is Secure; SameSite=Strict keeps it off cross-site requests.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CookieAffinityIngress, IngressController, SameSite } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'cookie-traefik', { namespace: 'shop' });

webApp(chart, 'Cart', { app: 'cart', namespace: 'shop', image: 'nginxinc/nginx-unprivileged:1.27', port: 8080, healthPath: '/', writablePaths: ['/tmp'] });
const service = new kplus.Service(chart, 'Service', {
  metadata: { name: 'cart' },
  ports: [{ port: 80, targetPort: 8080 }],
});
service.selectLabel('app', 'cart');

const ingress = new CookieAffinityIngress(chart, 'Ingress', {
  metadata: { name: 'cart' },
  controller: IngressController.traefik({ ingressClassName: 'traefik' }),
  cookie: { name: 'cart-affinity', maxAge: Duration.hours(8), sameSite: SameSite.STRICT },
});
ingress.addHostRule('shop.example.com', '/cart', kplus.IngressBackend.fromService(service));
ingress.addTls([{ hosts: ['shop.example.com'], secret: kplus.Secret.fromSecretName(chart, 'Tls', 'shop-tls') }]);

app.synth();
