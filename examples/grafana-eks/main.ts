// The Grafana quick fix on EKS. ClientIP affinity lives in kube-proxy, one
// table per node, so it holds only while the load balancer keeps a client on
// one node. The AWS Load Balancer Controller's NLB does not read
// sessionAffinity: it needs source-IP stickiness on its target group, which
// LoadBalancerStickiness.awsNlb() writes (with instance targets, the NLB
// passes the client IP on to kube-proxy). The admin password comes from a
// Secret made outside the chart:
//   kubectl -n observability create secret generic grafana-admin --from-literal=password=...
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { AwsLoadBalancerScheme, GrafanaSessions, LoadBalancerStickiness, MultiPodGrafana } from '../../src';

const app = new App();
const chart = new Chart(app, 'grafana-eks', { namespace: 'observability' });

new MultiPodGrafana(chart, 'Grafana', {
  adminPassword: { secret: kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin'), key: 'password' },
  sessions: GrafanaSessions.clientIpAffinity({
    loadBalancerStickiness: LoadBalancerStickiness.awsNlb({ scheme: AwsLoadBalancerScheme.INTERNET_FACING }),
  }),
});

app.synth();
