import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AffinityDoctorValidation,
  AffinityTimeout,
  ExternalTrafficPolicy,
  InternalTrafficPolicy,
  Severity,
  StickyService,
  StickyServiceProps,
} from '../../src';
import { at, leaves, seedService, SEED_SERVICES } from '../seeds';
import { Manifest, newChart, only, synthValid } from '../util/manifests';

/** How each seed Service is written with the library. */
const SEED_PROPS: Record<string, StickyServiceProps> = {
  'grafana': {
    metadata: { name: 'grafana', namespace: 'observability' },
    ports: [{ port: 3000, targetPort: 3000 }],
  },
  'grafana-lb': {
    metadata: { name: 'grafana', namespace: 'observability' },
    type: kplus.ServiceType.LOAD_BALANCER,
    ports: [{ port: 3000, targetPort: 3000 }],
  },
  'stateful-app': {
    metadata: { name: 'stateful-app', namespace: 'production' },
    type: kplus.ServiceType.CLUSTER_IP,
    ports: [{ port: 80, targetPort: 8080, protocol: kplus.Protocol.TCP }],
  },
  'affinity-test': {
    metadata: { name: 'affinity-test', namespace: 'default' },
    affinityTimeout: AffinityTimeout.AFFINITY_PROBE,
    ports: [{ port: 80, targetPort: 5678 }],
  },
  'websocket-server': {
    metadata: { name: 'websocket-server' },
    type: kplus.ServiceType.LOAD_BALANCER,
    affinityTimeout: AffinityTimeout.WEBSOCKETS,
    ports: [{ port: 80, targetPort: 8080 }],
  },
  'legacy-app': {
    metadata: { name: 'legacy-app' },
    affinityTimeout: AffinityTimeout.IN_MEMORY_SESSIONS,
    ports: [{ port: 8080, targetPort: 8080 }],
  },
  'file-upload': {
    metadata: { name: 'file-upload' },
    affinityTimeout: AffinityTimeout.RESUMABLE_UPLOADS,
    ports: [{ port: 80, targetPort: 3000 }],
  },
  'external-app': {
    metadata: { name: 'external-app' },
    type: kplus.ServiceType.LOAD_BALANCER,
    affinityTimeout: AffinityTimeout.IN_MEMORY_SESSIONS,
    externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
    ports: [{ port: 80, targetPort: 8080 }],
  },
};

function synthSeed(name: string): Manifest {
  const chart = newChart();
  const service = new StickyService(chart, 'Service', SEED_PROPS[name]);
  service.selectLabel('app', seedService(name).spec.selector.app);
  return only(synthValid(chart), 'Service');
}

/** Synthesizes one StickyService with the given props and returns its manifest. */
function synthOne(props: StickyServiceProps): Manifest {
  const chart = newChart();
  new StickyService(chart, 'Service', { ports: [{ port: 80 }], ...props });
  return only(synthValid(chart), 'Service');
}

function errorOf(props: StickyServiceProps): string {
  const chart = newChart();
  try {
    new StickyService(chart, 'Sticky', { ports: [{ port: 80 }], ...props });
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected the StickyService to be refused');
}

describe('the seed Services', () => {
  test('every seed has a way to write it', () => {
    expect(Object.keys(SEED_PROPS).sort()).toEqual(Object.keys(SEED_SERVICES).sort());
  });

  test.each(Object.keys(SEED_SERVICES))('%s: every field the seed sets has the seed\'s value', (name) => {
    // GIVEN the seed's own YAML
    const seed = seedService(name);
    // WHEN the library writes the same Service
    const service = synthSeed(name);
    // THEN each leaf of the seed is in the output, unchanged
    for (const [path, value] of leaves(seed)) {
      expect({ path, value: at(service, path) }).toEqual({ path, value });
    }
    expect(service).toMatchSnapshot();
  });

  test.each(Object.keys(SEED_SERVICES))('%s: the only fields added, at any depth, are the documented ones', (name) => {
    const seed = seedService(name);
    const service = synthSeed(name);
    const seedPaths = new Set(leaves(seed).map(([path]) => path));
    const added = leaves(service).map(([path]) => path).filter(path => !seedPaths.has(path)).sort();
    // cdk8s-plus writes an empty externalIPs list on every Service it makes.
    const expected = ['spec.externalIPs'];
    // The library keeps the client's IP on load balancers (the seed's own best practice).
    if (service.spec.type === 'LoadBalancer' && !('externalTrafficPolicy' in seed.spec)) {
      expected.push('spec.externalTrafficPolicy');
    }
    // A Service without a type is a ClusterIP Service; cdk8s-plus writes it out.
    if (!('type' in seed.spec)) {
      expected.push('spec.type');
    }
    expect(added).toEqual(expected.sort());
    expect(service.spec.externalIPs).toEqual([]);
    expect(service.spec.type).toEqual(seed.spec.type ?? 'ClusterIP');
  });

  test('grafana and websocket-server load balancers keep the client IP', () => {
    expect(synthSeed('grafana-lb').spec.externalTrafficPolicy).toEqual('Local');
    expect(synthSeed('websocket-server').spec.externalTrafficPolicy).toEqual('Local');
  });
});

describe('StickyService rendering', () => {
  test('defaults to ClientIP affinity for 3 hours on a ClusterIP Service', () => {
    const service = synthOne({});
    expect(service.spec.sessionAffinity).toEqual('ClientIP');
    expect(service.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    expect(service.spec.type).toEqual('ClusterIP');
    expect(service.spec).not.toHaveProperty('externalTrafficPolicy');
    expect(service.spec).not.toHaveProperty('internalTrafficPolicy');
    expect(service).toMatchSnapshot();
  });

  test('writes the L1 field as clientIP, never clientIp or an empty config', () => {
    const spec = synthOne({ affinityTimeout: Duration.minutes(10) }).spec;
    expect(Object.keys(spec.sessionAffinityConfig)).toEqual(['clientIP']);
    expect(spec.sessionAffinityConfig.clientIP.timeoutSeconds).toEqual(600);
  });

  test.each([
    ['1 second, the minimum', Duration.seconds(1), 1],
    ['24 hours, the maximum', Duration.hours(24), 86400],
    ['2000 ms, a whole number of seconds', Duration.millis(2000), 2],
    ['4.1 minutes (246 s, 245.99999999999997 in floating point)', Duration.minutes(4.1), 246],
    ['2.3 hours (8280 s)', Duration.hours(2.3), 8280],
  ])('takes a timeout of %s', (_what, timeout, seconds) => {
    const spec = synthOne({ affinityTimeout: timeout }).spec;
    expect(spec.sessionAffinityConfig.clientIP.timeoutSeconds).toEqual(seconds);
  });

  test('a LoadBalancer gets externalTrafficPolicy Local by default', () => {
    const service = synthOne({ type: kplus.ServiceType.LOAD_BALANCER });
    expect(service.spec.externalTrafficPolicy).toEqual('Local');
  });

  test('a LoadBalancer may opt back into Cluster', () => {
    const service = synthOne({
      type: kplus.ServiceType.LOAD_BALANCER,
      externalTrafficPolicy: ExternalTrafficPolicy.CLUSTER,
    });
    expect(service.spec.externalTrafficPolicy).toEqual('Cluster');
  });

  test('a NodePort Service leaves externalTrafficPolicy to Kubernetes', () => {
    const service = synthOne({ type: kplus.ServiceType.NODE_PORT });
    expect(service.spec.type).toEqual('NodePort');
    expect(service.spec).not.toHaveProperty('externalTrafficPolicy');
  });

  test('a NodePort Service may ask for Local', () => {
    const service = synthOne({ type: kplus.ServiceType.NODE_PORT, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL });
    expect(service.spec.externalTrafficPolicy).toEqual('Local');
  });

  test('a ClusterIP Service with externalIPs may set externalTrafficPolicy', () => {
    const service = synthOne({ externalIPs: ['203.0.113.10'], externalTrafficPolicy: ExternalTrafficPolicy.LOCAL });
    expect(service.spec.externalIPs).toEqual(['203.0.113.10']);
    expect(service.spec.externalTrafficPolicy).toEqual('Local');
  });

  test('internalTrafficPolicy is written when given', () => {
    const service = synthOne({ internalTrafficPolicy: InternalTrafficPolicy.LOCAL });
    expect(service.spec.internalTrafficPolicy).toEqual('Local');
  });

  test('exposes what it rendered', () => {
    const chart = newChart();
    const lb = new StickyService(chart, 'Lb', { type: kplus.ServiceType.LOAD_BALANCER, ports: [{ port: 80 }] });
    expect(lb.affinityTimeout.toSeconds()).toEqual(10800);
    expect(lb.externalTrafficPolicy).toEqual(ExternalTrafficPolicy.LOCAL);
    expect(lb.internalTrafficPolicy).toBeUndefined();
  });

  test('is a cdk8s-plus Service: select(), and an Ingress backend', () => {
    // GIVEN a StickyService that selects a Deployment's pods
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'App', { containers: [{ image: 'nginx', portNumber: 8080 }] });
    const service = new StickyService(chart, 'Sticky', { ports: [{ port: 80, targetPort: 8080 }] });
    service.select(deployment);
    // WHEN it is exposed through an Ingress (which prints a warning, tested below)
    service.exposeViaIngress('/');
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const manifests = synthValid(chart);
    warn.mockRestore();
    // THEN the Ingress routes to it and it selects the pods
    const svc = only(manifests, 'Service');
    const ingress = only(manifests, 'Ingress');
    expect(service).toBeInstanceOf(kplus.Service);
    expect(ingress.spec.rules[0].http.paths[0].backend.service).toEqual({ name: svc.metadata.name, port: { number: 80 } });
    expect(svc.spec.selector).toEqual(only(manifests, 'Deployment').spec.selector.matchLabels);
  });

  test.each([
    ['port 0', [{ port: 0 }], "'ports' (port 0) must be a whole number from 1 to 65535"],
    ['port 70000', [{ port: 70000 }], "'ports' (port 70000) must be a whole number from 1 to 65535"],
    ['targetPort 0', [{ port: 80, targetPort: 70000 }], "'ports' (targetPort 70000) must be a whole number from 1 to 65535"],
    ['a node port on ClusterIP', [{ port: 80, nodePort: 30080 }], "'ports' (nodePort 30080) cannot be set on a ClusterIP Service: only NodePort and LoadBalancer Services have node ports"],
    ['a name that is not a DNS label', [{ port: 80, name: 'HTTP_x' }], '\'ports\' (name "HTTP_x") must be an RFC 1123 label'],
    ['a repeated name', [{ port: 80, name: 'web' }, { port: 81, name: 'web' }], '\'ports\' (name "web" twice) must have unique names'],
    ['a repeated port and protocol', [{ port: 80, name: 'a' }, { port: 80, name: 'b' }], "'ports' (80/TCP twice) must not repeat a port number with the same protocol"],
  ])('refuses %s', (_what, ports, message) => {
    expect(errorOf({ ports })).toContain(`test/Sticky: ${message}`);
  });

  test('takes one port number over two protocols, and a node port on NodePort', () => {
    const service = synthOne({
      type: kplus.ServiceType.NODE_PORT,
      ports: [
        { port: 53, name: 'dns-tcp', protocol: kplus.Protocol.TCP },
        { port: 53, name: 'dns-udp', protocol: kplus.Protocol.UDP, nodePort: 30053 },
      ],
    });
    expect(service.spec.ports).toEqual([
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
      { name: 'dns-udp', port: 53, protocol: 'UDP', nodePort: 30053 },
    ]);
  });

  test('a refused port is not bound', () => {
    const chart = newChart();
    const service = new StickyService(chart, 'Sticky', { ports: [{ port: 80, name: 'http' }] });
    expect(() => service.bind(0, { name: 'zero' })).toThrow(/'ports' \(port 0\)/);
    expect(service.ports).toEqual([{ port: 80, name: 'http' }]);
    expect(only(synthValid(chart), 'Service').spec.ports).toEqual([{ name: 'http', port: 80 }]);
  });

  test('binding an unnamed port to a multi-port Service is refused, naming the port', () => {
    const chart = newChart();
    const service = new StickyService(chart, 'Sticky', { ports: [{ port: 80, name: 'http' }] });
    expect(() => service.bind(443)).toThrow(
      "test/Sticky: 'ports' (443 unnamed) must all have a name when a Service has more than one port: the API server refuses unnamed ports in a multi-port Service");
  });

  test('a second port after an unnamed one is refused, naming the unnamed one', () => {
    const chart = newChart();
    const service = new StickyService(chart, 'Sticky', { ports: [{ port: 80 }] });
    expect(() => service.bind(443, { name: 'https' })).toThrow(/'ports' \(80 unnamed\) must all have a name/);
  });

  test('unnamed ports in the props are refused', () => {
    expect(errorOf({ ports: [{ port: 80 }, { port: 443 }] })).toMatch(/^test\/Sticky: 'ports' \(80, 443 unnamed\) must all have a name/);
  });

  test('a multi-port Service with named ports synthesizes', () => {
    const service = synthOne({ ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] });
    expect(service.spec.ports.map((p: any) => p.name)).toEqual(['http', 'https']);
  });
});

describe('StickyService refuses what cannot work', () => {
  test.each([
    ['0 s', Duration.seconds(0), '0s'],
    ['86401 s', Duration.seconds(86401), '86401s'],
    ['25 hours', Duration.hours(25), '90000s'],
    ['1.5 s', Duration.millis(1500), '1.5s'],
  ])('a timeout of %s', (_what, timeout, shown) => {
    expect(errorOf({ affinityTimeout: timeout })).toEqual(
      `test/Sticky: 'affinityTimeout' (${shown}) must be a whole number of seconds from 1 to 86400 (24 hours)`);
  });

  test('an ExternalName Service, by type', () => {
    expect(errorOf({ type: kplus.ServiceType.EXTERNAL_NAME, externalName: 'db.example.com' })).toMatch(
      /^test\/Sticky: 'type' \(ExternalName\) must be ClusterIP, NodePort or LoadBalancer: an ExternalName Service is a DNS alias/);
  });

  test('an ExternalName Service, by externalName alone', () => {
    expect(errorOf({ externalName: 'db.example.com' })).toMatch(/^test\/Sticky: 'type' \(ExternalName\) must be/);
  });

  test('a headless Service', () => {
    expect(errorOf({ clusterIP: 'None' })).toMatch(
      /^test\/Sticky: 'clusterIP' \(None\) must not be None: a headless Service has no virtual IP/);
  });

  test('externalTrafficPolicy Cluster on a ClusterIP Service without externalIPs', () => {
    expect(errorOf({ externalTrafficPolicy: ExternalTrafficPolicy.CLUSTER })).toMatch(
      /^test\/Sticky: 'externalTrafficPolicy' \(Cluster\) cannot be set on a ClusterIP Service without 'externalIPs'/);
  });

  test('externalTrafficPolicy on a ClusterIP Service without externalIPs', () => {
    expect(errorOf({ externalTrafficPolicy: ExternalTrafficPolicy.LOCAL })).toEqual(
      "test/Sticky: 'externalTrafficPolicy' (Local) cannot be set on a ClusterIP Service without 'externalIPs': the API server accepts it only on LoadBalancer, NodePort, or ClusterIP Services with externalIPs");
  });
});

describe('AffinityTimeout presets', () => {
  test.each([
    ['KUBERNETES_DEFAULT', AffinityTimeout.KUBERNETES_DEFAULT, 10800],
    ['WEBSOCKETS', AffinityTimeout.WEBSOCKETS, 86400],
    ['IN_MEMORY_SESSIONS', AffinityTimeout.IN_MEMORY_SESSIONS, 3600],
    ['RESUMABLE_UPLOADS', AffinityTimeout.RESUMABLE_UPLOADS, 7200],
    ['AFFINITY_PROBE', AffinityTimeout.AFFINITY_PROBE, 300],
  ])('%s is the seeds\' value', (_name, preset, seconds) => {
    expect(preset.toSeconds()).toEqual(seconds);
    expect(synthOne({ affinityTimeout: preset }).spec.sessionAffinityConfig.clientIP.timeoutSeconds).toEqual(seconds);
  });
});

describe('StickyService.exposeWorkload', () => {
  test('puts a sticky Service in front of a Deployment, ports from its containers', () => {
    // GIVEN a Deployment with two named ports in a namespace
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Web', {
      metadata: { namespace: 'shop' },
      containers: [{
        image: 'ghcr.io/example/shop:1.0',
        ports: [{ number: 8080, name: 'http' }, { number: 9090, name: 'metrics' }],
      }],
    });
    // WHEN it is exposed in one line
    const service = StickyService.exposeWorkload(deployment, { affinityTimeout: AffinityTimeout.IN_MEMORY_SESSIONS });
    const manifests = synthValid(chart);
    // THEN the Service selects the pods, on every container port
    const svc = only(manifests, 'Service');
    expect(service.node.id).toEqual('StickyService');
    expect(svc.metadata.name).toEqual(service.name);
    expect(svc.metadata.name).toMatch(/^test-web-stickyservice-c8[0-9a-f]{6}$/);
    expect(svc.metadata.namespace).toEqual('shop');
    expect(svc.spec.selector).toEqual(only(manifests, 'Deployment').spec.selector.matchLabels);
    expect(svc.spec.ports).toEqual([
      { name: 'http', port: 8080, targetPort: 8080 },
      { name: 'metrics', port: 9090, targetPort: 9090 },
    ]);
    expect(svc.spec.sessionAffinity).toEqual('ClientIP');
    expect(svc.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toEqual(3600);
    expect(manifests).toMatchSnapshot();
  });

  test('stands beside a StatefulSet\'s headless governing Service', () => {
    const chart = newChart();
    const sts = new kplus.StatefulSet(chart, 'Sessions', {
      containers: [{ image: 'ghcr.io/example/sessions:1.0', portNumber: 8080 }],
    });
    StickyService.exposeWorkload(sts, { name: 'sessions', serviceType: kplus.ServiceType.LOAD_BALANCER });
    const manifests = synthValid(chart);
    const services = manifests.filter(m => m.kind === 'Service');
    expect(services).toHaveLength(2);
    const headless = services.find(s => s.spec.clusterIP === 'None')!;
    const sticky = only(manifests, 'Service', 'sessions');
    expect(only(manifests, 'StatefulSet').spec.serviceName).toEqual(headless.metadata.name);
    expect(headless.spec).not.toHaveProperty('sessionAffinity');
    expect(sticky.spec.sessionAffinity).toEqual('ClientIP');
    expect(sticky.spec.type).toEqual('LoadBalancer');
    expect(sticky.spec.externalTrafficPolicy).toEqual('Local');
    expect(sticky.spec.selector).toEqual(headless.spec.selector);
    expect(sticky.spec.ports).toEqual([{ port: 8080, targetPort: 8080 }]);
    expect(manifests).toMatchSnapshot();
  });

  test('takes explicit ports and prefixes the id with the name', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Web', { containers: [{ image: 'nginx', portNumber: 8080 }] });
    const service = StickyService.exposeWorkload(deployment, { name: 'web', ports: [{ port: 80, targetPort: 8080 }] });
    expect(service.node.id).toEqual('webStickyService');
    expect(only(synthValid(chart), 'Service', 'web').spec.ports).toEqual([{ port: 80, targetPort: 8080 }]);
  });

  test('says which containers the ports came from when they clash', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Web', {
      containers: [
        { name: 'app', image: 'ghcr.io/example/app:1.0', portNumber: 8080 },
        { name: 'proxy', image: 'ghcr.io/example/proxy:1.0', portNumber: 8080 },
      ],
    });
    expect(() => StickyService.exposeWorkload(deployment)).toThrow(
      "test/Web: 'ports' (inferred from the containers (app: 8080; proxy: 8080): 8080, 8080 unnamed) must all have a name when a Service has more than one port: the API server refuses unnamed ports in a multi-port Service; name the container ports, or pass 'ports'");
  });

  test('refuses a second StickyService with the same name on one workload', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Web', { containers: [{ image: 'nginx', portNumber: 8080 }] });
    StickyService.exposeWorkload(deployment);
    expect(() => StickyService.exposeWorkload(deployment)).toThrow(
      "test/Web: 'name' (not given) must differ from the name of the StickyService already exposed on this workload: pass a distinct 'name'");
    expect(() => StickyService.exposeWorkload(deployment, { name: 'web-admin' })).not.toThrow();
  });

  test('refuses a workload with no ports to expose', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Worker', { containers: [{ image: 'busybox' }] });
    expect(() => StickyService.exposeWorkload(deployment)).toThrow(
      "test/Worker: 'ports' (none given, none on the containers) must list at least one port: pass 'ports', or declare ports on the workload's containers");
  });
});

describe('StickyService names', () => {
  const DNS_1035 = "must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters";

  test.each([
    ['an uppercase name', 'Grafana'],
    ['a name starting with a digit', '1grafana'],
    ['a 64-character name', 'g'.repeat(64)],
    ['an underscore', 'legacy_app'],
  ])('refuses %s', (_what, name) => {
    expect(errorOf({ metadata: { name } })).toEqual(`test/Sticky: 'metadata.name' (${JSON.stringify(name)}) ${DNS_1035}`);
  });

  test('takes a 63-character name', () => {
    expect(synthOne({ metadata: { name: 'g'.repeat(63) } }).metadata.name).toHaveLength(63);
  });

  test('refuses a namespace that is not a DNS-1123 label', () => {
    expect(errorOf({ metadata: { name: 'grafana', namespace: 'Observability' } })).toEqual(
      "test/Sticky: 'metadata.namespace' (\"Observability\") must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
  });

  test('refuses a name cdk8s generated from a chart id the API server would refuse', () => {
    // GIVEN a chart whose id starts with a digit, and no metadata.name
    const chart = new Chart(Testing.app(), '1grafana');
    // THEN the generated name is caught before kubectl apply
    expect(() => new StickyService(chart, 'Service', { ports: [{ port: 80 }] })).toThrow(
      /^1grafana\/Service: 'metadata\.name' \("1grafana-service-c8[0-9a-f]{6}"\) must be a DNS-1035 label/);
  });

  test('exposeWorkload refuses a name, naming the option', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Legacy', { containers: [{ image: 'ghcr.io/example/legacy-app:1.0.0', portNumber: 8080 }] });
    expect(() => StickyService.exposeWorkload(deployment, { name: 'Legacy_App' })).toThrow(
      `test/Legacy: 'name' ("Legacy_App") ${DNS_1035}`);
  });

  test('exposeWorkload refuses the workload\'s namespace when the API server would', () => {
    const chart = newChart();
    const deployment = new kplus.Deployment(chart, 'Grafana', {
      metadata: { namespace: 'Observability' },
      containers: [{ image: 'grafana/grafana:11.2.0', portNumber: 3000 }],
    });
    expect(() => StickyService.exposeWorkload(deployment, { name: 'grafana' })).toThrow(
      "test/Grafana/grafanaStickyService: 'metadata.namespace' (\"Observability\") must be a DNS-1123 label");
  });
});

describe('StickyService without ports', () => {
  const NO_PORTS = "'ports' (none) must list at least one port: pass 'ports', call bind(), or create the Service with StickyService.exposeWorkload() to take the ports of a workload's containers";

  test('cdk8s synth reports it as a validation error naming ports, bind() and exposeWorkload', () => {
    // GIVEN a StickyService that selects pods but was never given a port
    const app = Testing.app();
    const chart = new Chart(app, 'grafana');
    new StickyService(chart, 'Service', { metadata: { name: 'grafana' } }).selectLabel('app', 'grafana');
    // WHEN the app is synthesized (what `cdk8s synth` runs)
    // THEN the validation names the ways to give a port, in the library's format
    expect(() => app.synth()).toThrow(`Validation failed with the following errors:\n  [grafana/Service] ${NO_PORTS}`);
  });

  test('Testing.synth() validates the same way', () => {
    const chart = newChart();
    new StickyService(chart, 'Service', { metadata: { name: 'grafana' } });
    expect(() => Testing.synth(chart)).toThrow(`Validation failed with the following errors:\n  [test/Service] ${NO_PORTS}`);
  });

  test('a Service made with a port gets no check at synth: cdk8s-plus has no way to remove a port', () => {
    const chart = newChart();
    const service = new StickyService(chart, 'Service', { metadata: { name: 'grafana' }, ports: [{ port: 3000 }] });
    // The node's validations, which constructs keeps no public count of: none for cdk8s to run per Service.
    expect((service.node as unknown as { _validations: unknown[] })._validations).toHaveLength(0);
    expect(only(synthValid(chart), 'Service').spec.ports).toEqual([{ port: 3000 }]);
  });

  test('a port bound after construction is enough', () => {
    const chart = newChart();
    const service = new StickyService(chart, 'Service', { metadata: { name: 'grafana' } });
    service.bind(3000);
    expect(only(synthValid(chart), 'Service').spec.ports).toEqual([{ port: 3000 }]);
  });
});

describe('StickyService behind an Ingress', () => {
  test('synth prints nothing; the doctor reports it, at synth and on the files', () => {
    // GIVEN a StickyService that an Ingress in the same app routes to, and the doctor on the App
    const out = jest.spyOn(process.stdout, 'write');
    const err = jest.spyOn(process.stderr, 'write');
    const warn = jest.spyOn(console, 'warn');
    try {
      const app = Testing.app();
      const chart = new Chart(app, 'test');
      const service = new StickyService(chart, 'Grafana', { metadata: { name: 'grafana' }, ports: [{ port: 3000 }] });
      new kplus.Ingress(chart, 'Web', { rules: [{ path: '/', backend: kplus.IngressBackend.fromService(service) }] });
      AffinityDoctorValidation.addTo(app, { failOn: Severity.WARNING });
      // WHEN it is synthesized
      // THEN the doctor names the rule, the Service and the Ingress
      expect(() => app.synth()).toThrow(/\[client-ip-behind-ingress\] Service grafana: ClientIP affinity on a ClusterIP Service reached through Ingress test-web-c8[0-9a-f]+;/);
      // AND nothing was printed
      expect(warn).not.toHaveBeenCalled();
      expect(out).not.toHaveBeenCalled();
      expect(err).not.toHaveBeenCalled();
    } finally {
      out.mockRestore();
      err.mockRestore();
      warn.mockRestore();
    }
  });

  test('with the default failOn (error), the same app synthesizes: a warning does not fail it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'test');
    const service = new StickyService(chart, 'Grafana', { metadata: { name: 'grafana' }, ports: [{ port: 3000 }] });
    new kplus.Ingress(chart, 'Web', { rules: [{ path: '/', backend: kplus.IngressBackend.fromService(service) }] });
    AffinityDoctorValidation.addTo(app);
    expect(() => app.synth()).not.toThrow();
  });
});

test('an explicitly undefined metadata.name keeps the name cdk8s generates', () => {
  // cdk8s spreads metadata over the generated name; plain kplus.Service loses it.
  const chart = newChart();
  const service = new StickyService(chart, 'Service', { metadata: { name: undefined, namespace: 'observability' }, ports: [{ port: 80 }] });
  const manifest = only(synthValid(chart), 'Service');
  expect(manifest.metadata).toEqual({ name: service.name, namespace: 'observability' });
  expect(service.name).toMatch(/^test-service-c8[0-9a-f]{6}$/);
});
