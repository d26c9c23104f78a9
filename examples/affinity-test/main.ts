// The classic affinity test app: three http-echo pods that answer with their own name,
// behind a Service that keeps a client on one of them for 5 minutes. From a
// pod in the cluster, repeated `curl http://affinity-test` prints one name.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AffinityTimeout, StickyService } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'affinity-test');

webApp(chart, 'Echo', {
  app: 'affinity-test',
  namespace: 'default',
  image: 'hashicorp/http-echo:1.0',
  port: 5678,
  healthPath: '/',
  args: ['-text=$(POD_NAME)'],
  env: { POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME) },
});

const service = new StickyService(chart, 'Service', {
  metadata: { name: 'affinity-test', namespace: 'default' },
  type: kplus.ServiceType.CLUSTER_IP,
  affinityTimeout: AffinityTimeout.AFFINITY_PROBE,
  ports: [{ port: 80, targetPort: 5678 }],
});
service.selectLabel('app', 'affinity-test');

app.synth();
