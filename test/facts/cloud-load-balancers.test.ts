import {
  AWS_LBC_LOAD_BALANCER_CLASS,
  AWS_LB_TYPE_ANNOTATION,
  AWS_NLB_SOURCE_IP_STICKINESS,
  AWS_NLB_TARGET_TYPE_ANNOTATION,
  AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION,
  CLOUD_AFFINITY_FACTS,
  formatAwsStringMap,
  parseAwsStringMap,
} from '../../src/facts/cloud-load-balancers';

describe('cloud load balancer facts', () => {
  test('the AWS Load Balancer Controller keys and values match its documentation', () => {
    // From docs/guide/service/nlb.md and annotations.md of kubernetes-sigs/aws-load-balancer-controller.
    expect(AWS_LB_TYPE_ANNOTATION).toEqual('service.beta.kubernetes.io/aws-load-balancer-type');
    expect(AWS_NLB_TARGET_TYPE_ANNOTATION).toEqual('service.beta.kubernetes.io/aws-load-balancer-nlb-target-type');
    expect(AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION).toEqual('service.beta.kubernetes.io/aws-load-balancer-target-group-attributes');
    expect(AWS_LBC_LOAD_BALANCER_CLASS).toEqual('service.k8s.aws/nlb');
    expect(formatAwsStringMap(AWS_NLB_SOURCE_IP_STICKINESS)).toEqual('stickiness.enabled=true,stickiness.type=source_ip');
  });

  test('stringMap annotations parse into ordered pairs and back', () => {
    const value = 'deregistration_delay.timeout_seconds=120, stickiness.enabled=true';
    expect(parseAwsStringMap(value)).toEqual([['deregistration_delay.timeout_seconds', '120'], ['stickiness.enabled', 'true']]);
    expect(formatAwsStringMap(parseAwsStringMap(value)!)).toEqual('deregistration_delay.timeout_seconds=120,stickiness.enabled=true');
    expect(parseAwsStringMap('')).toEqual([]);
    expect(parseAwsStringMap('a=1,b')).toBeUndefined();
    expect(parseAwsStringMap('=1')).toBeUndefined();
  });

  test('only GKE and AKS follow sessionAffinity by themselves', () => {
    expect(Object.entries(CLOUD_AFFINITY_FACTS).filter(([, f]) => f.honoursSessionAffinity).map(([k]) => k)).toEqual(['gcp', 'azure']);
  });
});
