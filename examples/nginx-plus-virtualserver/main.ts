// A shop with in-memory carts behind F5 NGINX Ingress Controller built with
// NGINX Plus: the VirtualServer's upstream carries sessionCookie, NGINX Plus's
// sticky cookie (the open-source build has no sticky directive). This is F5's
// controller, not the retired community ingress-nginx.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { NginxPlusCookieAffinity } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'nginx-plus-virtualserver');

webApp(chart, 'Shop', {
  app: 'shop',
  namespace: 'shop',
  image: 'ghcr.io/example/shop:2.4.0',
  port: 8080,
  healthPath: '/healthz',
  replicas: 3,
  writablePaths: ['/tmp'],
});
const shop = new kplus.Service(chart, 'ShopService', {
  metadata: { name: 'shop', namespace: 'shop' },
  selector: kplus.Pods.select(chart, 'ShopPods', { labels: { app: 'shop' } }),
  ports: [{ port: 80, targetPort: 8080 }],
});

new NginxPlusCookieAffinity(chart, 'ShopServer', {
  metadata: { name: 'shop' },
  host: 'shop.example.com',
  backend: shop,
  tlsSecret: kplus.Secret.fromSecretName(chart, 'ShopTls', 'shop-example-com-tls'),
  ingressClassName: 'nginx',
  cookie: { name: 'SHOP_AFFINITY', maxAge: Duration.hours(8) },
});

app.synth();
