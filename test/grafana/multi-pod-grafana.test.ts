import { Chart, Size, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import {
  AffinityTimeout,
  AwsLoadBalancerScheme,
  GrafanaSessions,
  GrafanaSessionsConfig,
  KedaTrigger,
  LoadBalancerStickiness,
  MultiPodGrafana,
  MultiPodGrafanaProps,
  StickyService,
} from '../../src';
import { at, leaves, seedService } from '../seeds';
import { synthExample } from '../util/examples';
import { Manifest, newChart, only, synthValid, validateManifests } from '../util/manifests';

function adminPassword(chart: Chart) {
  return { secret: kplus.Secret.fromSecretName(chart, 'Admin', 'grafana-admin'), key: 'password' };
}

function synthGrafana(props: Partial<MultiPodGrafanaProps> = {}, namespace = 'observability'): Manifest[] {
  const chart = newChart(namespace);
  new MultiPodGrafana(chart, 'Grafana', { adminPassword: adminPassword(chart), ...props });
  return synthValid(chart);
}

function grafanaContainer(manifests: Manifest[]): any {
  return only(manifests, 'Deployment').spec.template.spec.containers[0];
}

function envNames(manifests: Manifest[]): string[] {
  return grafanaContainer(manifests).env.map((e: any) => e.name);
}

describe('MultiPodGrafana with ClientIP affinity (the seed\'s fix)', () => {
  test('renders the seed\'s fixed Service field for field, selecting the Grafana pods', () => {
    // GIVEN / WHEN
    const manifests = synthGrafana({ sessions: GrafanaSessions.clientIpAffinity() });

    // THEN
    const service = only(manifests, 'Service', 'grafana');
    for (const [field, value] of leaves(seedService('grafana-lb'))) {
      expect({ field, value: at(service, field) }).toEqual({ field, value });
    }
    expect(service.spec.type).toEqual('LoadBalancer');
    expect(service.spec.sessionAffinity).toEqual('ClientIP');
    expect(service.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
    expect(service.spec.ports).toEqual([{ port: 3000, targetPort: 3000 }]);
    expect(service.spec.selector).toEqual({ app: 'grafana' });
    expect(service.spec.externalTrafficPolicy).toEqual('Local');
    const deployment = only(manifests, 'Deployment', 'grafana');
    expect(deployment.metadata.namespace).toEqual('observability');
    expect(deployment.spec.template.metadata.labels).toMatchObject({ app: 'grafana' });
    expect(manifests).toMatchSnapshot();
  });

  test('is the default session mode', () => {
    const manifests = synthGrafana();
    expect(only(manifests, 'Service').spec.sessionAffinity).toEqual('ClientIP');
  });

  test('runs the seed\'s four pods of Grafana on 3000, non-root, with probes on /api/health, resources and the admin password from a Secret', () => {
    const manifests = synthGrafana();
    const deployment = only(manifests, 'Deployment');
    expect(deployment.spec.replicas).toEqual(4);
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 472, runAsGroup: 472, fsGroup: 472 });
    const container = grafanaContainer(manifests);
    expect(container.image).toEqual('grafana/grafana:11.3.0');
    expect(container.ports).toEqual([{ containerPort: 3000, name: 'http' }]);
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe.httpGet).toEqual({ path: '/api/health', port: 3000, scheme: 'HTTP' });
    }
    // A start-up probe: liveness (3 failures 10 s apart) waits until Grafana first answers, up to
    // 30 x 10 s, so a first start that migrates a shared database is not restarted mid-migration.
    expect(container.livenessProbe).toEqual({ failureThreshold: 3, httpGet: { path: '/api/health', port: 3000, scheme: 'HTTP' } });
    expect(container.startupProbe).toEqual({ failureThreshold: 30, periodSeconds: 10, httpGet: { path: '/api/health', port: 3000, scheme: 'HTTP' } });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(container.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1024Mi' } });
    expect(container.env).toEqual([
      { name: 'GF_SECURITY_ADMIN_PASSWORD', valueFrom: { secretKeyRef: { name: 'grafana-admin', key: 'password' } } },
    ]);
    expect(container.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/var/lib/grafana', '/var/log/grafana', '/tmp']);
    expect(pod.volumes.map((v: any) => Object.keys(v).filter(k => k !== 'name'))).toEqual([['emptyDir'], ['emptyDir'], ['emptyDir']]);
  });

  test('takes the name, replicas, Service type, timeout, image and resources', () => {
    const manifests = synthGrafana({
      name: 'dashboards',
      replicas: 2,
      serviceType: kplus.ServiceType.CLUSTER_IP,
      sessions: GrafanaSessions.clientIpAffinity({ affinityTimeout: AffinityTimeout.IN_MEMORY_SESSIONS }),
      image: 'registry.example.com/grafana:11.3.0',
      resources: { cpu: { request: kplus.Cpu.millis(500) } },
    });
    const service = only(manifests, 'Service', 'dashboards');
    expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'dashboards' }, sessionAffinityConfig: { clientIP: { timeoutSeconds: 3600 } } });
    expect(service.spec.externalTrafficPolicy).toBeUndefined();
    expect(only(manifests, 'Deployment', 'dashboards').spec.replicas).toEqual(2);
    expect(grafanaContainer(manifests).image).toEqual('registry.example.com/grafana:11.3.0');
    expect(grafanaContainer(manifests).resources).toEqual({ requests: { cpu: '500m' } });
  });

  test('exposes its parts', () => {
    const chart = newChart();
    const grafana = new MultiPodGrafana(chart, 'Grafana', { adminPassword: adminPassword(chart) });
    expect(grafana.service).toBeInstanceOf(StickyService);
    expect(grafana.deployment).toBeInstanceOf(kplus.Deployment);
    expect(grafana.container.name).toEqual('grafana');
    expect(grafana.replicas).toEqual(4);
    expect(grafana.scaledObject).toBeUndefined();
  });
});

describe('MultiPodGrafana with ClientIP affinity behind a cloud load balancer', () => {
  test('GIVEN an EKS NLB THEN the LoadBalancer Service carries source-IP stickiness on its target group', () => {
    // WHEN
    const manifests = synthGrafana({
      sessions: GrafanaSessions.clientIpAffinity({
        loadBalancerStickiness: LoadBalancerStickiness.awsNlb({ scheme: AwsLoadBalancerScheme.INTERNET_FACING }),
      }),
    });
    // THEN
    const service = only(manifests, 'Service', 'grafana');
    expect(service.spec).toMatchObject({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', externalTrafficPolicy: 'Local' });
    expect(service.metadata.annotations).toEqual({
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance',
      'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip',
    });
  });

  test.each([['gcp', LoadBalancerStickiness.gcp()], ['azure', LoadBalancerStickiness.azure()]])(
    'GIVEN %s, whose load balancer follows sessionAffinity THEN nothing more is written', (_provider, loadBalancerStickiness) => {
      const manifests = synthGrafana({ sessions: GrafanaSessions.clientIpAffinity({ loadBalancerStickiness }) });
      const service = only(manifests, 'Service', 'grafana');
      expect(service.spec.sessionAffinity).toEqual('ClientIP');
      expect(service.metadata.annotations).toBeUndefined();
    });

  test('GIVEN a ClusterIP Service THEN load balancer stickiness is refused, naming the props the user gave', () => {
    expect(() => synthGrafana({
      serviceType: kplus.ServiceType.CLUSTER_IP,
      sessions: GrafanaSessions.clientIpAffinity({ loadBalancerStickiness: LoadBalancerStickiness.awsNlb() }),
    })).toThrow("test/Grafana: 'sessions.loadBalancerStickiness' (awsNlb()) needs serviceType: ServiceType.LOAD_BALANCER (it is ClusterIP): "
      + 'only a LoadBalancer Service gets a cloud load balancer');
  });
});

describe('GrafanaSessions from plain JavaScript and as an open set', () => {
  test.each(['clientIpAffinity', 'persistentVolume'])('GIVEN GrafanaSessions.%s() with no options THEN it works', (factory) => {
    const manifests = synthGrafana({ replicas: 1, sessions: (GrafanaSessions as any)[factory]() });
    expect(only(manifests, 'Service', 'grafana').spec.ports).toEqual([{ port: 3000, targetPort: 3000 }]);
  });

  test('GIVEN a session mode of the user\'s own THEN bind() returns plain data that MultiPodGrafana applies', () => {
    // GIVEN a mode written outside the library, as a jsii language would: it creates its Service and returns env and ports
    class Proxied extends GrafanaSessions {
      public constructor() {
        super();
      }
      public bind(scope: any, grafana: any): GrafanaSessionsConfig {
        const service = new kplus.Service(scope, 'Service', { metadata: { name: grafana.name }, ports: [{ port: 3000 }] });
        service.selectLabel('app', grafana.name);
        return {
          service,
          env: [{ name: 'GF_AUTH_PROXY_ENABLED', value: kplus.EnvValue.fromValue('true') }],
          ports: [{ number: 9100, name: 'metrics' }],
          strategy: kplus.DeploymentStrategy.recreate(),
        };
      }
    }
    // WHEN
    const manifests = synthGrafana({ sessions: new Proxied() });
    // THEN
    const deployment = only(manifests, 'Deployment', 'grafana');
    const container = deployment.spec.template.spec.containers[0];
    expect(container.env.map((e: any) => e.name)).toEqual(['GF_SECURITY_ADMIN_PASSWORD', 'GF_AUTH_PROXY_ENABLED']);
    expect(container.ports).toEqual([{ containerPort: 3000, name: 'http' }, { containerPort: 9100, name: 'metrics' }]);
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
  });
});

describe('MultiPodGrafana with the seed\'s persistent volume', () => {
  test('one replica: the grafana-sessions claim on the data folder, Recreate updates, a plain Service', () => {
    const manifests = synthGrafana({ replicas: 1, sessions: GrafanaSessions.persistentVolume() });
    const claim = only(manifests, 'PersistentVolumeClaim', 'grafana-sessions');
    expect(claim.spec).toMatchObject({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } });
    const deployment = only(manifests, 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'Recreate' });
    // cdk8s-plus's own Recreate strategy, not a JSON patch over its rolling update
    const chart = newChart();
    const grafana = new MultiPodGrafana(chart, 'Grafana', { adminPassword: adminPassword(chart), replicas: 1, sessions: GrafanaSessions.persistentVolume() });
    expect(grafana.deployment.strategy).toEqual(kplus.DeploymentStrategy.recreate());
    const volume = deployment.spec.template.spec.volumes.find((v: any) => v.persistentVolumeClaim);
    expect(volume).toEqual({ name: 'session-data', persistentVolumeClaim: { claimName: 'grafana-sessions', readOnly: false } });
    expect(grafanaContainer(manifests).volumeMounts[0]).toMatchObject({ name: 'session-data', mountPath: '/var/lib/grafana' });
    const service = only(manifests, 'Service', 'grafana');
    expect(service.spec.sessionAffinity).toBeUndefined();
    expect(service.spec.selector).toEqual({ app: 'grafana' });
    expect(manifests).toMatchSnapshot();
  });

  test('one replica on a ReadWriteMany class keeps rolling updates', () => {
    const manifests = synthGrafana({
      replicas: 1,
      sessions: GrafanaSessions.persistentVolume({
        accessMode: kplus.PersistentVolumeAccessMode.READ_WRITE_MANY,
        storageClassName: 'nfs-client',
        storage: Size.gibibytes(5),
      }),
    });
    expect(only(manifests, 'PersistentVolumeClaim').spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs-client', resources: { requests: { storage: '5Gi' } } });
    expect(only(manifests, 'Deployment').spec.strategy.type).toEqual('RollingUpdate');
  });

  test('refuses a claim name Kubernetes refuses', () => {
    expect(() => synthGrafana({ replicas: 1, sessions: GrafanaSessions.persistentVolume({ claimName: 'Grafana_Sessions' }) }))
      .toThrow("test/Grafana: 'sessions.claimName' (\"Grafana_Sessions\") must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253 characters");
  });

  test('refuses several replicas, on ReadWriteOnce and ReadWriteMany alike, and autoscaling', () => {
    const chart = newChart();
    expect(() => new MultiPodGrafana(chart, 'Grafana', { adminPassword: adminPassword(chart), sessions: GrafanaSessions.persistentVolume() }))
      .toThrow("test/Grafana: 'sessions' (persistentVolume() with ReadWriteOnce and 4 replicas) needs replicas 1: Grafana's SQLite file cannot be shared by several pods, even on a ReadWriteMany volume; use sharedDatabase() for several replicas");
    // Found by test/property/grafana.property.test.ts: several pods on one SQLite file on a
    // ReadWriteMany volume used to synthesize, and the doctor calls it local-sessions-without-affinity.
    const chart3 = newChart();
    expect(() => new MultiPodGrafana(chart3, 'Grafana3', {
      adminPassword: adminPassword(chart3),
      replicas: 3,
      sessions: GrafanaSessions.persistentVolume({ accessMode: kplus.PersistentVolumeAccessMode.READ_WRITE_MANY }),
    })).toThrow("test/Grafana3: 'sessions' (persistentVolume() with ReadWriteMany and 3 replicas) needs replicas 1: Grafana's SQLite file cannot be shared by several pods, even on a ReadWriteMany volume; use sharedDatabase() for several replicas");
    const chart2 = newChart();
    expect(() => new MultiPodGrafana(chart2, 'Grafana2', {
      adminPassword: adminPassword(chart2),
      sessions: GrafanaSessions.persistentVolume({ accessMode: kplus.PersistentVolumeAccessMode.READ_WRITE_MANY }),
      autoscaling: { minReplicas: 1, maxReplicas: 3 },
    })).toThrow("test/Grafana2: 'sessions' (persistentVolume()) cannot be used with 'autoscaling': pods started on other nodes cannot mount a volume another node holds, and SQLite cannot be shared safely; use sharedDatabase()");
  });
});

describe('MultiPodGrafana with KEDA autoscaling', () => {
  test('a ScaledObject targets the Deployment with a CPU trigger, and the Deployment leaves replicas to it', () => {
    const manifests = synthGrafana({ autoscaling: { minReplicas: 2, maxReplicas: 8 } });
    const deployment = only(manifests, 'Deployment', 'grafana');
    expect(deployment.spec).not.toHaveProperty('replicas');
    const scaledObject = only(manifests, 'ScaledObject');
    expect(scaledObject.apiVersion).toEqual('keda.sh/v1alpha1');
    expect(scaledObject.metadata.namespace).toEqual('observability');
    expect(scaledObject.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'grafana' },
      minReplicaCount: 2,
      maxReplicaCount: 8,
      triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '70' } }],
    });
    expect(manifests).toMatchSnapshot();
  });

  test('takes other triggers', () => {
    const manifests = synthGrafana({
      autoscaling: {
        minReplicas: 0,
        maxReplicas: 4,
        triggers: [
          KedaTrigger.memoryUtilization(80, { containerName: 'grafana' }),
          KedaTrigger.custom({ type: 'cron', metadata: { timezone: 'Europe/Paris', start: '0 8 * * 1-5', end: '0 19 * * 1-5', desiredReplicas: '3' } }),
        ],
      },
    });
    expect(only(manifests, 'ScaledObject').spec.triggers).toEqual([
      { type: 'memory', metricType: 'Utilization', metadata: { value: '80', containerName: 'grafana' } },
      { type: 'cron', metadata: { timezone: 'Europe/Paris', start: '0 8 * * 1-5', end: '0 19 * * 1-5', desiredReplicas: '3' } },
    ]);
  });

  test('GIVEN a trigger\'s metadata changed after construction THEN the ScaledObject keeps what was checked', () => {
    const chart = newChart('observability');
    const cron = KedaTrigger.custom({ type: 'cron', metadata: { timezone: 'Europe/Paris', start: '0 8 * * *', end: '0 19 * * *', desiredReplicas: '3' } });
    new MultiPodGrafana(chart, 'Grafana', { adminPassword: adminPassword(chart), autoscaling: { minReplicas: 1, maxReplicas: 4, triggers: [cron] } });
    cron.metadata.desiredReplicas = '30';
    expect(only(synthValid(chart), 'ScaledObject').spec.triggers[0].metadata.desiredReplicas).toBe('3');
  });

  const refusals: Array<[string, Partial<MultiPodGrafanaProps>, string]> = [
    ['replicas beside autoscaling', { replicas: 3, autoscaling: { minReplicas: 1, maxReplicas: 3 } },
      "test/Grafana: 'replicas' (3) cannot be set with 'autoscaling': the ScaledObject owns the replica count (give minReplicas and maxReplicas instead)"],
    ['min above max', { autoscaling: { minReplicas: 5, maxReplicas: 3 } },
      "test/Grafana/Autoscaling: 'minReplicas' (5) must be a whole number from 0 to maxReplicas (3)"],
    ['max below 1', { autoscaling: { minReplicas: 0, maxReplicas: 0 } },
      "test/Grafana/Autoscaling: 'maxReplicas' (0) must be a whole number of at least 1"],
    ['scale to zero on CPU alone', { autoscaling: { minReplicas: 0, maxReplicas: 3 } },
      "test/Grafana/Autoscaling: 'minReplicas' (0) must be at least 1 with only cpu triggers: KEDA cannot scale them to zero, since a Deployment without pods has no usage to read"],
    ['a CPU trigger without a CPU request', { resources: { memory: { request: Size.mebibytes(256) } }, autoscaling: { minReplicas: 1, maxReplicas: 3 } },
      "test/Grafana/Autoscaling: 'triggers' (cpu 70%) needs a cpu request on every container it measures (missing on grafana): utilisation is usage divided by the request"],
    ['a fractional percentage', { autoscaling: { minReplicas: 1, maxReplicas: 3, triggers: [KedaTrigger.cpuUtilization(62.5)] } },
      "test/Grafana/Autoscaling: 'triggers' (cpu 62.5%) must target a whole percentage of at least 1"],
    ['a trigger on a container Grafana lacks', { autoscaling: { minReplicas: 1, maxReplicas: 3, triggers: [KedaTrigger.cpuUtilization(60, { containerName: 'sidecar' })] } },
      "test/Grafana/Autoscaling: 'triggers' (cpu 60% of container sidecar) must name a container of the target (grafana)"],
    ['no trigger', { autoscaling: { minReplicas: 1, maxReplicas: 3, triggers: [] } },
      "test/Grafana/Autoscaling: 'triggers' (empty) must list at least one trigger, or be left out for CPU utilisation"],
    ['no replica', { replicas: 0 },
      "test/Grafana: 'replicas' (0) must be a whole number of at least 1"],
  ];
  test.each(refusals)('refuses %s', (_what, props, message) => {
    expect(() => synthGrafana(props)).toThrow(message);
  });
});

test('never renders a legacy GF_SESSION_* setting, and refuses one added later', () => {
  const chart = newChart();
  const grafana = new MultiPodGrafana(chart, 'Grafana', { adminPassword: adminPassword(chart) });
  expect(envNames(Testing.synth(chart) as Manifest[]).filter(n => n.startsWith('GF_SESSION_'))).toEqual([]);
  grafana.container.env.addVariable('GF_SESSION_PROVIDER', kplus.EnvValue.fromValue('redis'));
  expect(() => Testing.synth(chart)).toThrow("'env' (GF_SESSION_PROVIDER) is a [session] setting, removed in Grafana 6.2: logins live in Grafana's database, so share the database instead (GrafanaSessions.sharedDatabase())");
});

test('refuses a name Kubernetes refuses', () => {
  expect(() => synthGrafana({ name: 'Grafana_1' })).toThrow("test/Grafana: 'name' (\"Grafana_1\") must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit, at most 63 characters");
});


describe('the Grafana examples', () => {
  test('grafana-broken is the seed before its fix: four pods, a LoadBalancer Service without affinity', () => {
    const manifests = synthExample('grafana-broken');
    validateManifests(manifests);
    expect(only(manifests, 'Deployment', 'grafana').spec.replicas).toEqual(4);
    const service = only(manifests, 'Service', 'grafana');
    expect(service.spec.type).toEqual('LoadBalancer');
    expect(service.spec.sessionAffinity).toBeUndefined();
  });

  test('grafana-quick-fix renders the seed\'s fixed Service field for field', () => {
    const manifests = synthExample('grafana-quick-fix');
    validateManifests(manifests);
    const service = only(manifests, 'Service', 'grafana');
    for (const [field, value] of leaves(seedService('grafana-lb'))) {
      expect({ field, value: at(service, field) }).toEqual({ field, value });
    }
    expect(only(manifests, 'Deployment', 'grafana').spec.replicas).toEqual(4);
  });
});
