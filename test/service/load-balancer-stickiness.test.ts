import * as kplus from 'cdk8s-plus-28';
import {
  AwsLoadBalancerScheme,
  AwsNlbTargetType,
  LoadBalancerStickiness,
  StickyService,
  StickyServiceProps,
} from '../../src';
import {
  AWS_LB_SCHEME_INTERNAL,
  AWS_LB_SCHEME_INTERNET_FACING,
  AWS_NLB_TARGET_TYPE_INSTANCE,
  AWS_NLB_TARGET_TYPE_IP,
} from '../../src/facts/cloud-load-balancers';
import { Manifest, newChart, only, synthValid } from '../util/manifests';

const TYPE = 'service.beta.kubernetes.io/aws-load-balancer-type';
const TARGET_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type';
const TG_ATTRIBUTES = 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes';
const SCHEME = 'service.beta.kubernetes.io/aws-load-balancer-scheme';

function lbService(props: StickyServiceProps): Manifest {
  const chart = newChart();
  new StickyService(chart, 'Grafana', {
    metadata: { name: 'grafana', namespace: 'observability' },
    type: kplus.ServiceType.LOAD_BALANCER,
    ports: [{ port: 3000, targetPort: 3000 }],
    ...props,
  });
  return only(synthValid(chart), 'Service');
}

function errorOf(props: StickyServiceProps): string {
  try {
    lbService(props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the StickyService to be refused');
}

describe('LoadBalancerStickiness.awsNlb() (AWS Load Balancer Controller)', () => {
  test('renders the controller\'s documented NLB annotations, field for field', () => {
    // GIVEN the Grafana Service of the seed, on EKS
    // WHEN it asks for NLB stickiness
    const service = lbService({ loadBalancerStickiness: LoadBalancerStickiness.awsNlb() });
    // THEN it carries what aws-load-balancer-controller's docs/guide/service/nlb.md and
    // annotations.md ("enable source IP affinity") show, and nothing else
    expect(service.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip',
    });
    expect(service.spec).not.toHaveProperty('loadBalancerClass');
    // and kube-proxy on the node the NLB picked still keeps the client on one pod
    expect(service.spec.sessionAffinity).toEqual('ClientIP');
    expect(service.spec.externalTrafficPolicy).toEqual('Local');
    expect(service).toMatchSnapshot();
  });

  test('IP targets, an internet-facing scheme, and loadBalancerClass instead of the type annotation', () => {
    const service = lbService({
      loadBalancerStickiness: LoadBalancerStickiness.awsNlb({
        targetType: AwsNlbTargetType.IP,
        scheme: AwsLoadBalancerScheme.INTERNET_FACING,
        useLoadBalancerClass: true,
      }),
    });
    expect(service.metadata.annotations).toEqual({
      [TARGET_TYPE]: 'ip',
      [SCHEME]: 'internet-facing',
      [TG_ATTRIBUTES]: 'stickiness.enabled=true,stickiness.type=source_ip',
    });
    // Written under the L1's name and kept by its serialiser: read back from the YAML.
    expect(service.spec.loadBalancerClass).toEqual('service.k8s.aws/nlb');
    expect(service).toMatchSnapshot();
  });

  test('merges the user\'s own target-group attributes, stickiness first', () => {
    const service = lbService({
      metadata: {
        name: 'grafana',
        annotations: { [TG_ATTRIBUTES]: 'deregistration_delay.timeout_seconds=120,stickiness.enabled=true' },
      },
      loadBalancerStickiness: LoadBalancerStickiness.awsNlb(),
    });
    expect(service.metadata.annotations[TG_ATTRIBUTES]).toEqual(
      'stickiness.enabled=true,stickiness.type=source_ip,deregistration_delay.timeout_seconds=120');
  });

  test('keeps agreeing annotations the user already set', () => {
    const service = lbService({
      metadata: { name: 'grafana', annotations: { [TYPE]: 'external', [TARGET_TYPE]: 'instance', [SCHEME]: 'internal' } },
      loadBalancerStickiness: LoadBalancerStickiness.awsNlb({ scheme: AwsLoadBalancerScheme.INTERNAL }),
    });
    expect(service.metadata.annotations[SCHEME]).toEqual('internal');
    expect(service.metadata.annotations[TYPE]).toEqual('external');
  });

  test.each([
    ['the in-tree provider\'s nlb type', { [TYPE]: 'nlb' }, {},
      "test/Grafana: 'metadata.annotations' (service.beta.kubernetes.io/aws-load-balancer-type: nlb) must be absent or 'external' with LoadBalancerStickiness.awsNlb(), which gives the Service to the AWS Load Balancer Controller (the only one that reads target-group stickiness) by 'external': "
        + "'nlb' names the in-tree provider's NLB, and the in-tree provider refuses sessionAffinity ClientIP and makes no load balancer; the controller would take the Service only if its Service webhook gave it its class when it was created"],
    ['the in-tree provider\'s nlb type, with the load balancer class', { [TYPE]: 'nlb' }, { useLoadBalancerClass: true },
      "test/Grafana: 'metadata.annotations' (service.beta.kubernetes.io/aws-load-balancer-type: nlb) must be absent or 'external' with LoadBalancerStickiness.awsNlb(), which gives the Service to the AWS Load Balancer Controller (the only one that reads target-group stickiness) by spec.loadBalancerClass service.k8s.aws/nlb: "
        + "'nlb' names the in-tree provider's NLB, and the in-tree provider refuses sessionAffinity ClientIP and makes no load balancer; remove it so that the Service names one maker"],
    ['the legacy nlb-ip type', { [TYPE]: 'nlb-ip' }, {},
      "test/Grafana: 'metadata.annotations' (service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip) must be absent or 'external' with LoadBalancerStickiness.awsNlb(), which gives the Service to the AWS Load Balancer Controller (the only one that reads target-group stickiness) by 'external': "
        + "'nlb-ip' makes the controller register pod IPs whatever targetType says (set targetType: AwsNlbTargetType.IP instead)"],
    ['stickiness turned off', { [TG_ATTRIBUTES]: 'stickiness.enabled=false' }, {},
      "test/Grafana: 'metadata.annotations' (service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: stickiness.enabled=false) must not turn off or change stickiness with LoadBalancerStickiness.awsNlb(), which sets stickiness.enabled=true,stickiness.type=source_ip"],
    ['a malformed attribute list', { [TG_ATTRIBUTES]: 'deregistration_delay.timeout_seconds' }, {},
      "test/Grafana: 'metadata.annotations' (service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds) must be a list of key=value pairs separated by commas"],
    ['another target type', { [TARGET_TYPE]: 'ip' }, {},
      "test/Grafana: 'metadata.annotations' (service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: ip) must match LoadBalancerStickiness.awsNlb()'s targetType (instance): set it in one place"],
    ['another scheme', { [SCHEME]: 'internal' }, { scheme: AwsLoadBalancerScheme.INTERNET_FACING },
      "test/Grafana: 'metadata.annotations' (service.beta.kubernetes.io/aws-load-balancer-scheme: internal) must match LoadBalancerStickiness.awsNlb()'s scheme (internet-facing): set it in one place"],
  ])('refuses %s', (_what, annotations, options, message) => {
    expect(errorOf({
      metadata: { name: 'grafana', annotations },
      loadBalancerStickiness: LoadBalancerStickiness.awsNlb(options),
    })).toEqual(message);
  });

  test('refuses, at synth, an annotation added later that drops the stickiness', () => {
    // GIVEN an EKS Service with NLB stickiness
    const chart = newChart();
    const service = new StickyService(chart, 'Grafana', {
      metadata: { name: 'grafana' },
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ port: 3000 }],
      loadBalancerStickiness: LoadBalancerStickiness.awsNlb(),
    });
    // WHEN the target-group attributes are replaced after construction
    service.metadata.addAnnotation(TG_ATTRIBUTES, 'deregistration_delay.timeout_seconds=120');
    // THEN synth fails, saying where to put them
    expect(() => synthValid(chart)).toThrow(
      "Validation failed with the following errors:\n  [test/Grafana] 'metadata.annotations' (service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: deregistration_delay.timeout_seconds=120) must stay stickiness.enabled=true,stickiness.type=source_ip for loadBalancerStickiness awsNlb(): put every value for this annotation in the Service's props, where they are merged");
  });

  test('the enums carry the controller\'s values', () => {
    expect([AwsNlbTargetType.INSTANCE, AwsNlbTargetType.IP]).toEqual([AWS_NLB_TARGET_TYPE_INSTANCE, AWS_NLB_TARGET_TYPE_IP]);
    expect([AwsLoadBalancerScheme.INTERNAL, AwsLoadBalancerScheme.INTERNET_FACING]).toEqual([AWS_LB_SCHEME_INTERNAL, AWS_LB_SCHEME_INTERNET_FACING]);
  });
});

describe('providers that follow sessionAffinity by themselves', () => {
  test.each([
    ['gcp', LoadBalancerStickiness.gcp()],
    ['azure', LoadBalancerStickiness.azure()],
  ])('%s() renders nothing beyond sessionAffinity: ClientIP, which its controller reads', (provider, stickiness) => {
    // GKE: cloud-provider-gcp and ingress-gce translate ClientIP to CLIENT_IP.
    // AKS: cloud-provider-azure writes loadDistribution SourceIP for ClientIP.
    const plain = lbService({});
    const service = lbService({ loadBalancerStickiness: stickiness });
    expect(stickiness.provider).toEqual(provider);
    expect(service).toEqual(plain);
    expect(service.metadata).not.toHaveProperty('annotations');
    expect(service.spec.sessionAffinity).toEqual('ClientIP');
  });
});

describe('loadBalancerStickiness on other Service types', () => {
  test.each([
    [kplus.ServiceType.CLUSTER_IP],
    [kplus.ServiceType.NODE_PORT],
  ])('is refused on a %s Service', (type) => {
    expect(errorOf({ type, loadBalancerStickiness: LoadBalancerStickiness.awsNlb() })).toEqual(
      `test/Grafana: 'loadBalancerStickiness' (awsNlb()) can only be set on a LoadBalancer Service, not ${type}: only a LoadBalancer Service gets a cloud load balancer`);
  });

  test('is refused through exposeWorkload on the default ClusterIP type', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Grafana', { containers: [{ image: 'grafana/grafana:11.2.0', portNumber: 3000 }] });
    expect(() => StickyService.exposeWorkload(deployment, { loadBalancerStickiness: LoadBalancerStickiness.gcp() })).toThrow(
      "test/Grafana/StickyService: 'loadBalancerStickiness' (gcp()) can only be set on a LoadBalancer Service, not ClusterIP: only a LoadBalancer Service gets a cloud load balancer");
  });

  test('is passed on by exposeWorkload', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Grafana', { containers: [{ image: 'grafana/grafana:11.2.0', portNumber: 3000 }] });
    const service = StickyService.exposeWorkload(deployment, {
      name: 'grafana',
      serviceType: kplus.ServiceType.LOAD_BALANCER,
      loadBalancerStickiness: LoadBalancerStickiness.awsNlb(),
    });
    expect(service.loadBalancerStickiness?.provider).toEqual('awsNlb');
    expect(only(synthValid(chart), 'Service', 'grafana').metadata.annotations[TG_ATTRIBUTES]).toEqual('stickiness.enabled=true,stickiness.type=source_ip');
  });
});
