// A ClusterIP Service whose clients stay on one pod for 3 hours
// ("Configure Service Session Affinity with clientIP", Enabling Session Affinity).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { StickyService } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'stateful-app');

webApp(chart, 'App', {
  app: 'stateful-app',
  namespace: 'production',
  image: 'ghcr.io/example/stateful-app:1.0.0',
  port: 8080,
  healthPath: '/healthz',
});

const service = new StickyService(chart, 'Service', {
  metadata: { name: 'stateful-app', namespace: 'production' },
  type: kplus.ServiceType.CLUSTER_IP,
  ports: [{ port: 80, targetPort: 8080, protocol: kplus.Protocol.TCP }],
});
service.selectLabel('app', 'stateful-app');

app.synth();
