// WebSocket clients reconnect to the pod that holds their state for up to a
// day; the load balancer keeps their source IP (externalTrafficPolicy: Local).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AffinityTimeout, StickyService } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'websocket-server');

webApp(chart, 'Server', {
  app: 'websocket-server',
  image: 'ghcr.io/example/websocket-server:1.0.0',
  port: 8080,
  healthPath: '/healthz',
});

const service = new StickyService(chart, 'Service', {
  metadata: { name: 'websocket-server' },
  type: kplus.ServiceType.LOAD_BALANCER,
  affinityTimeout: AffinityTimeout.WEBSOCKETS,
  ports: [{ port: 80, targetPort: 8080 }],
});
service.selectLabel('app', 'websocket-server');

app.synth();
