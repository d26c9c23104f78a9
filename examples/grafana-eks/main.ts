// The Grafana fix on EKS. ClientIP affinity lives in kube-proxy, one table per
// node, so it holds only while the load balancer keeps a client on one node.
// The AWS Load Balancer Controller's NLB does not read sessionAffinity: it
// needs source-IP stickiness on its target group, which
// LoadBalancerStickiness.awsNlb() writes (with instance targets, the NLB
// passes the client IP on to kube-proxy).
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AffinityTimeout, AwsLoadBalancerScheme, LoadBalancerStickiness, StickyService } from '../../src';
import { webApp } from '../shared/web-app';

const app = new App();
const chart = new Chart(app, 'grafana-eks');

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
  loadBalancerStickiness: LoadBalancerStickiness.awsNlb({ scheme: AwsLoadBalancerScheme.INTERNET_FACING }),
});
service.selectLabel('app', 'grafana');

app.synth();
