// Sticky sessions inside an Istio mesh: every sidecar and Istio gateway
// hashes the `user` cookie to pick a ratings pod, and an internal API keeps
// each caller on one pod by its source IP.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { MeshCookieAffinity } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'istio-mesh');

webApp(chart, 'Ratings', {
  app: 'ratings',
  namespace: 'prod',
  image: 'docker.io/istio/examples-bookinfo-ratings-v1:1.20.2',
  port: 9080,
  healthPath: '/health',
  writablePaths: ['/tmp'],
});
const ratings = new kplus.Service(chart, 'RatingsService', {
  metadata: { name: 'ratings', namespace: 'prod' },
  selector: kplus.Pods.select(chart, 'RatingsPods', { labels: { app: 'ratings' } }),
  ports: [{ port: 9080, name: 'http' }],
});
new MeshCookieAffinity(chart, 'RatingsAffinity', {
  metadata: { name: 'bookinfo-ratings' },
  service: ratings,
  cookie: { name: 'user' },
});

webApp(chart, 'Quotes', {
  app: 'quotes',
  namespace: 'prod',
  image: 'ghcr.io/example/quotes:3.1.0',
  port: 8080,
  healthPath: '/ready',
  writablePaths: ['/tmp'],
});
const quotes = new kplus.Service(chart, 'QuotesService', {
  metadata: { name: 'quotes', namespace: 'prod' },
  selector: kplus.Pods.select(chart, 'QuotesPods', { labels: { app: 'quotes' } }),
  ports: [{ port: 8080, name: 'http' }],
});
new MeshCookieAffinity(chart, 'QuotesAffinity', {
  metadata: { name: 'quotes' },
  service: quotes,
  useSourceIp: true,
});

app.synth();
