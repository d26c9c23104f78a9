// Grafana with several pods and sessions in each pod's local SQLite: the
// quick fix from "Session Affinity in Kubernetes" keeps every user on the pod
// that logged them in, for 3 hours after their last request.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AffinityTimeout, StickyService } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'grafana');

webApp(chart, 'Grafana', {
  app: 'grafana',
  namespace: 'observability',
  image: 'grafana/grafana:11.3.0',
  port: 3000,
  healthPath: '/api/health',
  replicas: 4,
  writablePaths: ['/var/lib/grafana', '/tmp'],
});

const service = new StickyService(chart, 'Service', {
  metadata: { name: 'grafana', namespace: 'observability' },
  type: kplus.ServiceType.LOAD_BALANCER,
  affinityTimeout: AffinityTimeout.KUBERNETES_DEFAULT,
  ports: [{ port: 3000, targetPort: 3000 }],
});
service.selectLabel('app', 'grafana');

app.synth();
