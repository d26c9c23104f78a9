import { synthExample } from '../util/examples';
import { only } from '../util/manifests';

test('an example can be synthesized in-process by its capability\'s tests', () => {
  const service = only(synthExample('grafana'), 'Service', 'grafana');
  expect(service.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toBe(10800);
});

test('grafana-eks: the NLB keeps each client on one node, so kube-proxy keeps it on one pod', () => {
  // GIVEN the EKS variant of the Grafana fix
  const manifests = synthExample('grafana-eks');
  const service = only(manifests, 'Service', 'grafana');
  // THEN the AWS Load Balancer Controller gets an internet-facing NLB with source-IP stickiness
  expect(service.metadata.annotations).toEqual({
    'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
    'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance',
    'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
    'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip',
  });
  // AND the Service is the seed's Grafana fix
  expect(service.spec).toMatchObject({
    type: 'LoadBalancer',
    externalTrafficPolicy: 'Local',
    sessionAffinity: 'ClientIP',
    sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    selector: { app: 'grafana' },
  });
  expect(only(manifests, 'Deployment').spec.replicas).toBe(4);
});
