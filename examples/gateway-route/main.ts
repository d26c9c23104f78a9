// A shop moving off ingress-nginx: the same cookie affinity as its old
// `nginx.ingress.kubernetes.io/affinity: cookie` annotations, on a Gateway API
// HTTPRoute (v1.6.1, experimental channel), plus backend-level persistence for
// every route to the cart Service, for implementations that read
// XBackendTrafficPolicy.
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { BackendCookieAffinity, CookieAffinityRoute } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'gateway-route');

webApp(chart, 'Shop', {
  app: 'shop',
  namespace: 'shop',
  image: 'ghcr.io/example/shop:1.4.2',
  port: 8080,
  healthPath: '/healthz',
  writablePaths: ['/tmp'],
});
const shop = new kplus.Service(chart, 'ShopService', {
  metadata: { name: 'shop', namespace: 'shop' },
  selector: kplus.Pods.select(chart, 'ShopPods', { labels: { app: 'shop' } }),
  ports: [{ port: 80, targetPort: 8080 }],
});

// nginx: session-cookie-name SHOP_AFFINITY, session-cookie-max-age 28800.
new CookieAffinityRoute(chart, 'ShopRoute', {
  metadata: { name: 'shop' },
  gateway: 'public',
  gatewayNamespace: 'gateways',
  sectionName: 'https',
  hostnames: ['shop.example.com'],
  backend: shop,
  cookie: { name: 'SHOP_AFFINITY', maxAge: Duration.hours(8) },
});

// The web team keeps its routes in its own namespace: this one sends /shop on
// www.example.com to the shop Service in `shop`, and comes with the
// ReferenceGrant that lets HTTPRoutes from `web` reach that Service.
new CookieAffinityRoute(chart, 'WebShopRoute', {
  metadata: { name: 'shop-from-web', namespace: 'web' },
  gateway: 'public',
  gatewayNamespace: 'gateways',
  sectionName: 'https',
  hostnames: ['www.example.com'],
  pathPrefix: '/shop',
  backend: shop,
  cookie: { name: 'SHOP_AFFINITY', maxAge: Duration.hours(8) },
});

webApp(chart, 'Cart', {
  app: 'cart',
  namespace: 'shop',
  image: 'ghcr.io/example/cart:2.0.1',
  port: 8080,
  healthPath: '/healthz',
  writablePaths: ['/tmp'],
});
const cart = new kplus.Service(chart, 'CartService', {
  metadata: { name: 'cart', namespace: 'shop' },
  selector: kplus.Pods.select(chart, 'CartPods', { labels: { app: 'cart' } }),
  ports: [{ port: 80, targetPort: 8080 }],
});
// Every route to the cart, whoever writes it, keeps a browser on one pod for its session.
new BackendCookieAffinity(chart, 'CartAffinity', {
  metadata: { name: 'cart' },
  service: cart,
  cookie: { name: 'CART_AFFINITY' },
  sessionTimeout: Duration.hours(12),
});

app.synth();
