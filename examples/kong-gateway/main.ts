// A shop with in-memory carts behind Kong: one HTTPRoute through a Kong
// Gateway, and one Ingress of class kong, each kept sticky by a
// KongUpstreamPolicy (algorithm sticky-sessions) that the Service's
// konghq.com/upstream-policy annotation attaches. Needs Kong Ingress
// Controller 3.5+ with Kong Gateway 3.11+.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CookieAffinityRoute, GatewayImplementation, KongCookieAffinity } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'kong-gateway');

for (const name of ['shop', 'admin']) {
  webApp(chart, name, {
    app: name,
    namespace: 'shop',
    image: `ghcr.io/example/${name}:2.4.0`,
    port: 8080,
    healthPath: '/healthz',
    replicas: 3,
    writablePaths: ['/tmp'],
  });
}
const service = (name: string) => new kplus.Service(chart, `${name}-service`, {
  metadata: { name, namespace: 'shop' },
  selector: kplus.Pods.select(chart, `${name}-pods`, { labels: { app: name } }),
  ports: [{ port: 80, targetPort: 8080 }],
});

// Gateway API: the route, its policy and the Service annotation in one construct.
new CookieAffinityRoute(chart, 'ShopRoute', {
  metadata: { name: 'shop' },
  gateway: 'kong',
  gatewayNamespace: 'kong',
  hostnames: ['shop.example.com'],
  backend: service('shop'),
  implementation: GatewayImplementation.kong(),
  cookie: { name: 'SHOP_AFFINITY', path: '/' },
});

// Kong's Ingress support: the same policy on the Service behind an Ingress of class kong.
const admin = service('admin');
new KongCookieAffinity(chart, 'AdminAffinity', {
  metadata: { name: 'admin-sticky' },
  service: admin,
  cookie: { name: 'ADMIN_AFFINITY' },
});
new kplus.Ingress(chart, 'AdminIngress', {
  metadata: { name: 'admin', namespace: 'shop' },
  className: 'kong',
  rules: [{ host: 'admin.example.com', backend: kplus.IngressBackend.fromService(admin) }],
});

app.synth();
