// A public load balancer: without externalTrafficPolicy: Local, kube-proxy
// replaces the client's IP with a node's and ClientIP affinity keys on the node.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AffinityTimeout, ExternalTrafficPolicy, StickyService } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'external-app');

webApp(chart, 'App', {
  app: 'external-app',
  image: 'ghcr.io/example/external-app:1.0.0',
  port: 8080,
  healthPath: '/healthz',
});

const service = new StickyService(chart, 'Service', {
  metadata: { name: 'external-app' },
  type: kplus.ServiceType.LOAD_BALANCER,
  affinityTimeout: AffinityTimeout.IN_MEMORY_SESSIONS,
  // Local is already the default on a LoadBalancer; spelled out here.
  externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
  ports: [{ port: 80, targetPort: 8080 }],
});
service.selectLabel('app', 'external-app');

app.synth();
