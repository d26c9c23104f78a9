import * as fs from 'fs';
import * as path from 'path';
import { CASES } from './cases';
import { CLIENT_IP, Obj, grafana, hpa, ingress, scaledObject, service, withClass, withPaths, withTls, workload } from './fixtures';
import { AffinityDoctor, AffinityMigration, MigrationTarget, Severity } from '../../src';

const rulesOf = (manifests: any[]) => AffinityDoctor.check(manifests).map(f => f.rule);

describe('every rule', () => {
  test.each(CASES.map(c => [c.rule, c] as const))('%s: found in the triggering manifests, with its message', (_, c) => {
    // WHEN
    const found = AffinityDoctor.check(c.trigger).filter(f => f.rule === c.rule);
    // THEN
    expect(found.map(f => f.message)).toEqual([c.message]);
    const info = AffinityDoctor.rules().find(r => r.id === c.rule)!;
    expect(found[0].severity).toBe(info.severity);
    expect(found[0].fix).toBe(info.fix);
  });

  test.each(CASES.map(c => [c.rule, c] as const))('%s: not found in the fixed manifests', (_, c) => {
    expect(rulesOf(c.clean)).not.toContain(c.rule);
  });

  test('has a triggering and a clean case, a one-line rationale and fix, and a README row', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    for (const rule of AffinityDoctor.rules()) {
      expect(CASES.some(c => c.rule === rule.id)).toBe(true);
      expect(rule.rationale).not.toContain('\n');
      expect(rule.fix).not.toContain('\n');
      expect(readme).toContain(`| \`${rule.id}\` | ${rule.severity} | ${rule.rationale.replace(/\|/g, '\\|')} | ${rule.fix.replace(/\|/g, '\\|')} |`);
    }
  });

  test('ids are unique', () => {
    const ids = AffinityDoctor.rules().map(r => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('matching Services to workloads', () => {
  test('a Service selects only the workloads in its own namespace', () => {
    // GIVEN a round-robin Service in "web" and multi-pod Grafana in "observability"
    const manifests = [grafana({ namespace: 'observability' }), service('grafana', {}, undefined, 'web')];
    // THEN nothing links them
    expect(rulesOf(manifests)).toEqual([]);
  });

  test('every selector label must match', () => {
    const manifests = [grafana({ labels: { app: 'grafana', tier: 'ui' } }), service('grafana', { selector: { app: 'grafana', tier: 'api' } })];
    expect(rulesOf(manifests)).toEqual([]);
    const matching = [grafana({ labels: { app: 'grafana', tier: 'ui' } }), service('grafana', { selector: { app: 'grafana', tier: 'ui' } })];
    expect(rulesOf(matching)).toEqual(['local-sessions-without-affinity']);
  });

  test('a Service without a selector matches nothing', () => {
    expect(rulesOf([grafana(), service('grafana', { selector: undefined })])).toEqual([]);
  });

  test('a Service that says no user comes through it is not asked to keep users on their pods', () => {
    // GIVEN a probe's or a metrics scraper's round-robin Service over multi-pod Grafana on SQLite
    const notForUsers = service('grafana', {}, { [AffinityDoctor.USER_FACING_ANNOTATION]: 'false' });
    // THEN it gets no local-sessions finding
    expect(AffinityDoctor.USER_FACING_ANNOTATION).toBe('cdk8s-session-affinity.dev/user-facing');
    expect(rulesOf([grafana(), notForUsers])).toEqual([]);
    // AND an Ingress to it says users do come through it: the annotation is not believed then
    expect(rulesOf([grafana(), notForUsers, ingress('grafana', 'grafana')])).toEqual(['local-sessions-without-affinity']);
    // AND a Service marked as user-facing (or with any other value) is judged as usual
    expect(rulesOf([grafana(), service('grafana', {}, { [AffinityDoctor.USER_FACING_ANNOTATION]: 'true' })])).toEqual(['local-sessions-without-affinity']);
  });

  test('a DaemonSet runs several pods', () => {
    expect(rulesOf([grafana({ kind: 'DaemonSet' }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('a single fixed replica keeps its sessions safely', () => {
    expect(rulesOf([grafana({ replicas: 1 }), service('grafana')])).toEqual([]);
  });

  test('GIVEN a Deployment with the ReplicaSets it controls, as kubectl get all -o yaml lists them THEN their pods are counted once, through the Deployment', () => {
    // GIVEN a one-pod Grafana, its current ReplicaSet (one pod) and an old one scaled to zero
    const owned = (name: string, replicas: number): Obj => {
      const rs = workload(name, { kind: 'ReplicaSet', image: 'grafana/grafana:11.3.0', replicas, labels: { app: 'grafana' } });
      return { ...rs, metadata: { ...rs.metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'grafana', uid: 'u1', controller: true }] } };
    };
    const one = [grafana({ replicas: 1 }), owned('grafana-6f7d9c8b5', 1), owned('grafana-5c4b3a2f1', 0), service('grafana')];
    // THEN one pod: no finding
    expect(rulesOf(one)).toEqual([]);
    // AND with 3 replicas, 3 pods, not 6
    const three = AffinityDoctor.check([grafana({ replicas: 3 }), owned('grafana-6f7d9c8b5', 3), service('grafana')]);
    expect(three.map(f => f.message)).toEqual([expect.stringMatching(/^Service grafana spreads requests over the 3 pods of Deployment grafana, and /)]);
    // AND a ReplicaSet whose owner is not among the manifests counts on its own
    expect(rulesOf([owned('grafana-6f7d9c8b5', 3), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('a Service over two workloads of one pod each spreads requests over two pods', () => {
    // GIVEN a stable and a canary Grafana of one pod each, behind one round-robin Service
    const track = (name: string, t: string): Obj => workload(name, { image: 'grafana/grafana:11.3.0', replicas: 1, labels: { app: 'grafana', track: t } });
    const found = AffinityDoctor.check([track('grafana-stable', 'stable'), track('grafana-canary', 'canary'), service('grafana')]);
    // THEN their sessions are lost between the two
    expect(found.map(f => f.rule)).toEqual(['local-sessions-without-affinity']);
    expect(found[0].message).toBe('Service grafana spreads requests over the 1 pod of Deployment grafana-stable and the 1 pod of Deployment grafana-canary, '
      + 'and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); with no ClientIP or cookie affinity in front, users are logged out at random');
    // each Service of one of them alone reaches one pod
    expect(rulesOf([track('grafana-stable', 'stable'), track('grafana-canary', 'canary'), service('grafana', { selector: { app: 'grafana', track: 'stable' } })])).toEqual([]);
    // a canary on a shared database keeps no sessions of its own: one local pod is no loss
    const shared = workload('grafana-canary', { image: 'grafana/grafana:11.3.0', replicas: 1, labels: { app: 'grafana', track: 'canary' }, env: [{ name: 'GF_DATABASE_TYPE', value: 'postgres' }] });
    expect(rulesOf([track('grafana-stable', 'stable'), shared, service('grafana')])).toEqual([]);
    // with ClientIP on the Service the affinity is not said to be in front of a single pod
    expect(rulesOf([track('grafana-stable', 'stable'), track('grafana-canary', 'canary'), service('grafana', CLIENT_IP)])).toEqual([]);
  });

  test('a configuration source the doctor cannot read is named for a one-pod workload among others behind a Service', () => {
    const track = (name: string, t: string, envFrom?: Obj[]): Obj => workload(name, { image: 'grafana/grafana:11.3.0', replicas: 1, labels: { app: 'grafana', track: t }, envFrom });
    const manifests = [track('grafana-stable', 'stable', [{ secretRef: { name: 'elsewhere' } }]), track('grafana-canary', 'canary', [{ secretRef: { name: 'elsewhere' } }]), service('grafana')];
    expect(rulesOf(manifests)).toEqual(['grafana-database-source-missing', 'grafana-database-source-missing']);
  });

  test('GIVEN an Argo Rollout whose canary traffic ingress-nginx routes THEN its canary Service is pinned as its stable Service is', () => {
    // GIVEN a 4-replica Rollout of Grafana, stable and canary Services over its pods, and the stable Ingress Argo copies the canary one from
    const rollout: Obj = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'grafana' },
      spec: {
        replicas: 4,
        selector: { matchLabels: { app: 'grafana' } },
        template: grafana().spec.template,
        strategy: { canary: { stableService: 'grafana', canaryService: 'grafana-canary', trafficRouting: { nginx: { stableIngress: 'grafana' } } } },
      },
    };
    const canaryService = service('grafana-canary', { selector: { app: 'grafana' } });
    const sticky = ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/affinity-mode': 'persistent' });
    // THEN with cookie affinity on the stable Ingress, no finding for either Service
    expect(rulesOf([rollout, service('grafana'), canaryService, sticky])).toEqual([]);
    // AND without it, both are reported
    expect(rulesOf([rollout, service('grafana'), canaryService, ingress('grafana', 'grafana')])).toEqual(['local-sessions-without-affinity', 'local-sessions-without-affinity']);
    // AND a canary Service of a Rollout without ingress-nginx traffic routing is judged on its own
    const basic = { ...rollout, spec: { ...rollout.spec, strategy: { canary: { stableService: 'grafana', canaryService: 'grafana-canary' } } } };
    expect(rulesOf([basic, service('grafana'), canaryService, sticky])).toEqual(['local-sessions-without-affinity']);
  });

  test('an Argo Rollout with a template is a workload like a Deployment', () => {
    // GIVEN a 3-replica Rollout of Grafana behind a round-robin Service
    const rollout = (spec: Obj): Obj => ({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'grafana' }, spec });
    const template = grafana().spec.template;
    const found = AffinityDoctor.check([rollout({ replicas: 3, selector: { matchLabels: { app: 'grafana' } }, strategy: { canary: {} }, template }), service('grafana')]);
    // THEN its pods keep sessions locally
    expect(found.map(f => f.rule)).toEqual(['local-sessions-without-affinity']);
    expect(found[0].message).toContain('spreads requests over the 3 pods of Rollout grafana');
    // replicas default to 1
    expect(rulesOf([rollout({ template }), service('grafana')])).toEqual([]);
    // an autoscaler targets it as kind Rollout
    const scaler = hpa('grafana');
    scaler.spec.scaleTargetRef = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'grafana' };
    expect(rulesOf([rollout({ template }), scaler, service('grafana')])).toEqual(['local-sessions-without-affinity']);
    const keda = scaledObject('grafana', undefined, { scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'grafana' }, minReplicaCount: 2 });
    expect(rulesOf([rollout({ template }), keda, service('grafana')])).toEqual(['local-sessions-without-affinity']);
    // a kind Rollout of another API group is not Argo's
    expect(rulesOf([{ ...rollout({ replicas: 3, template }), apiVersion: 'example.com/v1' }, service('grafana')])).toEqual([]);
  });

  test('an Argo Rollout with workloadRef runs the referenced Deployment\'s pods', () => {
    // GIVEN a Rollout of 3 replicas taking its template from a Deployment scaled to zero
    const rollout = (scaleDown?: string): Obj => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'grafana-rollout' },
      spec: { replicas: 3, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'grafana', ...(scaleDown ? { scaleDown } : {}) } },
    });
    const found = AffinityDoctor.check([grafana({ replicas: 0 }), rollout(), service('grafana')]);
    // THEN the Rollout's pods count
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('the 3 pods of Rollout grafana-rollout')]);
    // a Deployment the manifests do not hold: nothing to tell
    expect(rulesOf([rollout(), service('grafana')])).toEqual([]);
    // with scaleDown onsuccess the Deployment's own replicas go to zero; the Rollout's remain
    const scaled = AffinityDoctor.check([grafana({ replicas: 3 }), { ...rollout('onsuccess'), spec: { ...rollout('onsuccess').spec, replicas: 1 } }, service('grafana')]);
    expect(scaled.map(f => f.rule)).toEqual([]);
    // with scaleDown never (the default) the Deployment keeps its own
    expect(rulesOf([grafana({ replicas: 3 }), { ...rollout(), spec: { ...rollout().spec, replicas: 1 } }, service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });
});

describe('where Grafana keeps sessions', () => {
  test('a shared database from a ConfigMap through envFrom', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'grafana-env' }, data: { GF_DATABASE_TYPE: 'mysql' } };
    expect(rulesOf([grafana({ envFrom: [{ configMapRef: { name: 'grafana-env' } }] }), cm, service('grafana')])).toEqual([]);
  });

  test('a shared database from a Secret key, base64 in data', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { url: Buffer.from('postgres://grafana@db:5432/grafana').toString('base64') } };
    const env = [{ name: 'GF_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }];
    expect(rulesOf([grafana({ env }), secret, service('grafana')])).toEqual([]);
  });

  test('a shared database in grafana.ini from a mounted ConfigMap', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ini' }, data: { 'grafana.ini': '[server]\nhttp_port = 3000\n[database]\ntype = postgres\nhost = db:5432\n' } };
    const volumes = [{ name: 'config', configMap: { name: 'ini' } }];
    const volumeMounts = [{ name: 'config', mountPath: '/etc/grafana' }];
    expect(rulesOf([grafana({ volumes, volumeMounts }), cm, service('grafana')])).toEqual([]);
  });

  test('configuration the manifests do not hold is not guessed: an info finding names it', () => {
    // GIVEN a Grafana whose environment comes from a Secret the manifests do not hold
    const found = AffinityDoctor.check([grafana({ envFrom: [{ secretRef: { name: 'elsewhere' } }] }), service('grafana')]);
    // THEN no error, and the doctor says what it could not read
    expect(found.map(f => [f.rule, f.severity])).toEqual([['grafana-database-source-missing', Severity.INFO]]);
    expect(found[0].message).toContain('Secret elsewhere (envFrom of container app)');
  });

  test('an explicit sqlite3 is local', () => {
    expect(rulesOf([grafana({ env: [{ name: 'GF_DATABASE_TYPE', value: 'sqlite3' }] }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('Grafana images on any registry and of any edition', () => {
    for (const image of ['docker.io/grafana/grafana-oss:10.4.0', 'grafana/grafana-enterprise', 'registry.example.com:5000/mirror/grafana@sha256:abc']) {
      expect(rulesOf([grafana({ image }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
    }
    expect(rulesOf([grafana({ image: 'grafana/loki:3.0.0' }), service('grafana')])).toEqual([]);
  });
});

describe('cookie affinity in front of a Service', () => {
  const round = [grafana(), service('grafana')];
  const backendRefs = [{ name: 'grafana', port: 3000 }];

  test.each([
    ['a Gateway API HTTPRoute with sessionPersistence', {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'grafana' },
      spec: { rules: [{ backendRefs, sessionPersistence: { sessionName: 'grafana', type: 'Cookie' } }] },
    }],
    ['an Istio DestinationRule with an httpCookie hash', {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'grafana' },
      spec: { host: 'grafana', trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'g', ttl: '0s' } } } } },
    }],
    ['a Traefik IngressRoute with a sticky cookie', {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: 'grafana' },
      spec: { routes: [{ match: 'Host(`g`)', kind: 'Rule', services: [{ name: 'grafana', port: 3000, sticky: { cookie: {} } }] }] },
    }],
    ['an XBackendTrafficPolicy with sessionPersistence', {
      apiVersion: 'gateway.networking.x-k8s.io/v1alpha1',
      kind: 'XBackendTrafficPolicy',
      metadata: { name: 'grafana' },
      spec: { targetRefs: [{ group: '', kind: 'Service', name: 'grafana' }], sessionPersistence: { type: 'Cookie' } },
    }],
  ])('%s', (_, front) => {
    expect(rulesOf([...round, front])).toEqual([]);
  });

  test('an Envoy Gateway cookie hash on the route to the Service', () => {
    const route = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'grafana' }, spec: { rules: [{ backendRefs }] } };
    const policy = {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'grafana' },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'grafana' }], loadBalancer: { type: 'ConsistentHash', consistentHash: { type: 'Cookie', cookie: { name: 'g', ttl: '0s' } } } },
    };
    expect(rulesOf([...round, route])).toEqual(['local-sessions-without-affinity']);
    expect(rulesOf([...round, route, policy])).toEqual([]);
  });

  test('HAProxy cookie persistence on the Ingress, AWS ALB stickiness on the Ingress', () => {
    expect(rulesOf([...round, withClass(ingress('grafana', 'grafana', { 'haproxy.org/cookie-persistence': 'grafana' }), 'haproxy')])).toEqual([]);
    expect(rulesOf([...round, withClass(ingress('grafana', 'grafana', {
      'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=3600',
      'alb.ingress.kubernetes.io/target-type': 'ip',
    }), 'alb')])).toEqual([]);
    expect(rulesOf([...round, withClass(ingress('grafana', 'grafana', { 'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=false' }), 'alb')])).toEqual(['local-sessions-without-affinity']);
  });

  test('AWS ALB stickiness with instance targets (the default) pins a client to a node, not a pod', () => {
    // GIVEN stickiness on an ALB Ingress without target-type ip
    const front = ingress('grafana', 'grafana', { 'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=true' });
    // THEN kube-proxy on that node still spreads the requests over the pods
    expect(rulesOf([...round, front])).toEqual(['local-sessions-without-affinity']);
  });

  describe('the AWS ALB reads target-type and target-group-attributes per backend Service, the Service\'s over the Ingress\'s', () => {
    const TARGET_TYPE = 'alb.ingress.kubernetes.io/target-type';
    const ATTRIBUTES = 'alb.ingress.kubernetes.io/target-group-attributes';
    const STICKY = 'stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=3600';
    /** Three pods that say they keep sessions to themselves. */
    const localPods = () => {
      const w = workload('web', { replicas: 3 });
      return { ...w, metadata: { ...w.metadata, annotations: { [AffinityDoctor.LOCAL_SESSIONS_ANNOTATION]: 'true' } } };
    };
    const albIngress = (annotations: Record<string, string>) => withClass(ingress('web', 'web', annotations), 'alb');

    test('GIVEN stickiness on the Ingress and other target-group-attributes on the Service THEN an error: the Service\'s value replaces the Ingress\'s whole', () => {
      // GIVEN the Ingress's stickiness, and a deregistration delay on the Service
      const manifests = [localPods(), service('web', {}, { [ATTRIBUTES]: 'deregistration_delay.timeout_seconds=30' }),
        albIngress({ [TARGET_TYPE]: 'ip', [ATTRIBUTES]: STICKY })];
      // WHEN
      const found = AffinityDoctor.check(manifests);
      // THEN the pods are spread: the target group has the Service's attributes only
      expect(found.map(f => [f.rule, f.severity])).toEqual([['local-sessions-without-affinity', Severity.ERROR]]);
      expect(found[0].message).toContain(`Not counted: AWS ALB target-group stickiness on Ingress web, as Service web sets ${ATTRIBUTES}: "deregistration_delay.timeout_seconds=30", which the AWS Load Balancer Controller reads over the Ingress's: its value replaces the Ingress's whole`);
      // AND the fix keeps both: the Ingress's stickiness written beside the Service's own attribute
      expect(found[0].fix).toBe(`Remove ${ATTRIBUTES} from Service web, or write there "${STICKY},deregistration_delay.timeout_seconds=30", so that the ALB's target group keeps the stickiness of Ingress web; or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).`);
      // AND with that value on the Service, nothing is found
      expect(rulesOf([localPods(), service('web', {}, { [ATTRIBUTES]: `deregistration_delay.timeout_seconds=30, ${STICKY}` }),
        albIngress({ [TARGET_TYPE]: 'ip', [ATTRIBUTES]: STICKY })])).toEqual([]);
    });

    test('GIVEN stickiness and target-type ip on the Service only THEN nothing is found: the controller reads them there', () => {
      const manifests = [localPods(), service('web', {}, { [TARGET_TYPE]: 'ip', [ATTRIBUTES]: STICKY }), albIngress({})];
      expect(AffinityDoctor.check(manifests)).toEqual([]);
      // AND split between the two, it is the same
      expect(rulesOf([localPods(), service('web', {}, { [TARGET_TYPE]: 'ip' }), albIngress({ [ATTRIBUTES]: STICKY })])).toEqual([]);
      // AND an Ingress that another controller serves does not read them
      expect(rulesOf([localPods(), service('web', {}, { [TARGET_TYPE]: 'ip', [ATTRIBUTES]: STICKY }), ingress('web', 'web')]))
        .toEqual(['local-sessions-without-affinity']);
    });

    test('GIVEN target-type instance on the Service under a sticky Ingress with ip targets THEN an error naming the Service\'s target type', () => {
      const found = AffinityDoctor.check([localPods(), service('web', {}, { [TARGET_TYPE]: 'instance' }), albIngress({ [TARGET_TYPE]: 'ip', [ATTRIBUTES]: STICKY })]);
      expect(found.map(f => f.rule)).toEqual(['local-sessions-without-affinity']);
      expect(found[0].message).toContain(`as Service web sets ${TARGET_TYPE}: "instance", which the AWS Load Balancer Controller reads over the Ingress's: its target group then holds the nodes, not the pods`);
      expect(found[0].fix).toContain(`Remove ${TARGET_TYPE} from Service web, or set it to "ip"`);
    });

    test('GIVEN ClientIP on the Service and target-type instance on the Service only THEN the ALB sends to the node port: client-ip-sees-proxy', () => {
      const nodePort = { ...CLIENT_IP, type: 'NodePort' };
      const found = AffinityDoctor.check([grafana(), service('grafana', nodePort, { [TARGET_TYPE]: 'instance' }), withClass(ingress('grafana', 'grafana', { [TARGET_TYPE]: 'ip' }), 'alb')]);
      expect(found.filter(f => f.severity === Severity.ERROR).map(f => f.rule)).toEqual(['client-ip-sees-proxy']);
    });
  });

  describe('the AWS ALB reads the target type of the IngressClassParams of the Ingress\'s class over both target-type annotations', () => {
    const TARGET_TYPE = 'alb.ingress.kubernetes.io/target-type';
    const ATTRIBUTES = 'alb.ingress.kubernetes.io/target-group-attributes';
    const STICKY = 'stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=3600';
    const localPods = () => {
      const w = workload('web', { replicas: 3 });
      return { ...w, metadata: { ...w.metadata, annotations: { [AffinityDoctor.LOCAL_SESSIONS_ANNOTATION]: 'true' } } };
    };
    const albIngress = (annotations: Record<string, string>) => withClass(ingress('web', 'web', annotations), 'alb');
    /** The IngressClass alb, with the IngressClassParams it names (both cluster-scoped). */
    const albClass = (targetType: string, extra: Record<string, string> = {}) => [
      { apiVersion: 'elbv2.k8s.aws/v1beta1', kind: 'IngressClassParams', metadata: { name: `alb-${targetType}` }, spec: { targetType } },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IngressClass',
        metadata: { name: 'alb', annotations: extra },
        spec: { controller: 'ingress.k8s.aws/alb', parameters: { apiGroup: 'elbv2.k8s.aws', kind: 'IngressClassParams', name: `alb-${targetType}` } },
      },
    ];

    test('GIVEN class parameters with targetType ip and stickiness on the Ingress only THEN nothing is found: the target group holds the pods', () => {
      // GIVEN the reviewed case: no target-type annotation anywhere
      const manifests = [...albClass('ip'), localPods(), service('web'), albIngress({ [ATTRIBUTES]: STICKY })];
      // WHEN / THEN
      expect(AffinityDoctor.check(manifests)).toEqual([]);
      // AND a Service's target-type instance changes nothing: the class's parameters win over it
      expect(rulesOf([...albClass('ip'), localPods(), service('web', {}, { [TARGET_TYPE]: 'instance' }), albIngress({ [ATTRIBUTES]: STICKY })])).toEqual([]);
      // AND without the class's objects in the input, the annotations are read as before: no target type, so the nodes
      expect(rulesOf([localPods(), service('web'), albIngress({ [ATTRIBUTES]: STICKY })])).toEqual(['local-sessions-without-affinity']);
    });

    test('GIVEN class parameters with targetType instance, the Service\'s target-type ip and stickiness on the Ingress THEN an error naming the class\'s parameters', () => {
      // GIVEN the reviewed case
      const manifests = [...albClass('instance'), localPods(), service('web', { type: 'NodePort' }, { [TARGET_TYPE]: 'ip' }), albIngress({ [ATTRIBUTES]: STICKY })];
      // WHEN
      const found = AffinityDoctor.check(manifests);
      // THEN the ALB sticks to nodes: the pods are spread
      expect(found.map(f => [f.rule, f.severity])).toEqual([['local-sessions-without-affinity', Severity.ERROR]]);
      expect(found[0].message).toContain('Not counted: AWS ALB target-group stickiness on Ingress web, as IngressClassParams alb-instance (of IngressClass alb) set targetType: "instance", '
        + 'which the AWS Load Balancer Controller reads over the target-type annotations of the Ingress and its Services: its target group then holds the nodes, not the pods');
      expect(found[0].fix).toBe('Set targetType: ip in IngressClassParams alb-instance (for every Ingress of class alb), or give Ingress web a class whose IngressClassParams set targetType ip or none (the target-type annotations then count), '
        + 'so that the ALB\'s target group keeps the stickiness of Ingress web on pods; or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).');
      // AND without the class's objects in the input, the Service's target-type ip is read as before: clean
      expect(rulesOf([localPods(), service('web', { type: 'NodePort' }, { [TARGET_TYPE]: 'ip' }), albIngress({ [ATTRIBUTES]: STICKY })])).toEqual([]);
    });

    test('GIVEN an Ingress with no class name and a default IngressClass with targetType instance THEN the default class\'s parameters are read', () => {
      const classless = () => {
        const ing = ingress('web', 'web', { [ATTRIBUTES]: STICKY });
        delete ing.spec.ingressClassName;
        return ing;
      };
      const manifests = [...albClass('instance', { 'ingressclass.kubernetes.io/is-default-class': 'true' }), localPods(), service('web', {}, { [TARGET_TYPE]: 'ip' }), classless()];
      const found = AffinityDoctor.check(manifests);
      expect(found.map(f => f.rule)).toEqual(['local-sessions-without-affinity']);
      expect(found[0].message).toContain('as IngressClassParams alb-instance (of IngressClass alb) set targetType: "instance"');
      // AND with targetType ip there, the same Ingress is clean
      expect(rulesOf([...albClass('ip', { 'ingressclass.kubernetes.io/is-default-class': 'true' }), localPods(), service('web'), classless()])).toEqual([]);
    });

    test('GIVEN ClientIP on the Service, target-type ip on the Ingress and class parameters with targetType instance THEN the ALB sends to the node port: client-ip-sees-proxy', () => {
      const nodePort = { ...CLIENT_IP, type: 'NodePort' };
      const found = AffinityDoctor.check([...albClass('instance'), grafana(), service('grafana', nodePort), withClass(ingress('grafana', 'grafana', { [TARGET_TYPE]: 'ip' }), 'alb')]);
      expect(found.filter(f => f.severity === Severity.ERROR).map(f => f.rule)).toEqual(['client-ip-sees-proxy']);
    });
  });

  test('a GKE BackendConfig with cookie affinity named on the Service', () => {
    const backendConfig = {
      apiVersion: 'cloud.google.com/v1',
      kind: 'BackendConfig',
      metadata: { name: 'grafana' },
      spec: { sessionAffinity: { affinityType: 'GENERATED_COOKIE', affinityCookieTtlSec: 3600 } },
    };
    const annotated = service('grafana', {}, { 'cloud.google.com/backend-config': '{"default": "grafana"}' });
    expect(rulesOf([grafana(), annotated, backendConfig])).toEqual([]);
    expect(rulesOf([grafana(), annotated])).toEqual(['local-sessions-without-affinity']);
  });

  test('another controller\'s cluster-IP setting leaves the Ingress bypassing the virtual IP', () => {
    const manifests = [workload('app', { replicas: 3 }), service('app', CLIENT_IP, { 'traefik.ingress.kubernetes.io/service.nativelb': 'true' })];
    // ingress-nginx serves the Ingress and reads no Traefik annotation: it connects to the pods
    expect(rulesOf([...manifests, ingress('app', 'app')])).toEqual(['client-ip-behind-ingress']);
    expect(AffinityDoctor.check([...manifests, ingress('app', 'app')])[0].message).toContain('the ingress controller connects to the pods directly');
    // service-upstream on an Ingress Traefik serves: the same
    const traefikServed = withClass(ingress('app', 'app', { 'nginx.ingress.kubernetes.io/service-upstream': 'true' }), 'traefik');
    expect(AffinityDoctor.check([workload('app', { replicas: 3 }), service('app', CLIENT_IP), traefikServed])[0].message).toContain('the ingress controller connects to the pods directly');
  });

  test('ingress-nginx service-upstream sends traffic to the virtual IP, where ClientIP pins the controller\'s pods, not the users', () => {
    const manifests = [workload('app', { replicas: 3 }), service('app', CLIENT_IP)];
    const found = AffinityDoctor.check([...manifests, ingress('app', 'app', { 'nginx.ingress.kubernetes.io/service-upstream': 'true' })]);
    expect(found.map(f => [f.rule, f.severity, f.message])).toEqual([['client-ip-behind-ingress', Severity.WARNING,
      'Service app: ClientIP affinity on a Service reached through Ingress app at its virtual IP (cluster IP or node port), whose clients there are the proxy\'s own addresses (the ingress controller\'s pods, or the load balancer\'s nodes): kube-proxy keeps each of those, not each user, on one pod, so a user whose requests come from another proxy address changes pods, and all the users behind one share one']]);
  });

  test('GIVEN pods with local sessions behind ClientIP, reached through service-upstream THEN an error: users are logged out at random', () => {
    const found = AffinityDoctor.check([grafana(), service('grafana', CLIENT_IP), ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/service-upstream': 'true' })]);
    expect(found.filter(f => f.severity === Severity.ERROR).map(f => f.rule)).toEqual(['client-ip-sees-proxy']);
    expect(found.map(f => f.rule)).not.toContain('client-ip-behind-ingress');
  });

  describe('the AWS ALB with instance targets (its default) sends to the node port from its own addresses', () => {
    const ALB_INSTANCE = { 'alb.ingress.kubernetes.io/target-type': 'instance' };
    const nodePort = { ...CLIENT_IP, type: 'NodePort' };

    test('GIVEN Grafana on SQLite behind a NodePort Service with ClientIP and an ALB Ingress in instance mode THEN client-ip-sees-proxy, an error', () => {
      // GIVEN the EKS setup whose only affinity is the Service's ClientIP
      const found = AffinityDoctor.check([grafana(), service('grafana', nodePort), withClass(ingress('grafana', 'grafana', ALB_INSTANCE), 'alb')]);
      // THEN kube-proxy sees the ALB's nodes, not the users: an error, not only the external-traffic-policy information
      expect(found.filter(f => f.severity === Severity.ERROR).map(f => [f.rule, f.message])).toEqual([['client-ip-sees-proxy',
        'Service grafana: ClientIP is its only affinity, but Ingress grafana sends requests to its virtual IP (cluster IP or node port) from the proxy\'s own addresses (the ingress controller\'s pods, or the load balancer\'s nodes): kube-proxy keeps each of those, not each user, on one pod; Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres), so a user whose requests come from another proxy address changes pods, over 4 pods, and is logged out at random']]);
      // AND with the ALB's own stickiness to the pods (ip targets), nothing fails
      const fixed = withClass(ingress('grafana', 'grafana', {
        'alb.ingress.kubernetes.io/target-type': 'ip',
        'alb.ingress.kubernetes.io/target-group-attributes': 'stickiness.enabled=true,stickiness.type=lb_cookie,stickiness.lb_cookie.duration_seconds=3600',
      }), 'alb');
      expect(AffinityDoctor.check([grafana(), service('grafana', nodePort), fixed]).filter(f => f.severity === Severity.ERROR)).toEqual([]);
    });

    test('GIVEN pods without local sessions THEN a warning that ClientIP pins the ALB\'s addresses, whatever the Service\'s type', () => {
      const found = AffinityDoctor.check([workload('app', { replicas: 3 }), service('app', nodePort), withClass(ingress('app', 'app', ALB_INSTANCE), 'alb')]);
      expect(found.filter(f => f.rule === 'client-ip-behind-ingress').map(f => f.severity)).toEqual([Severity.WARNING]);
    });
  });
});

describe('Traefik sticky-cookie annotations on an Ingress', () => {
  const STICKY = 'traefik.ingress.kubernetes.io/service.sticky.cookie';
  const messageOf = (manifests: Obj[]) => AffinityDoctor.check(manifests).filter(f => f.rule === 'traefik-sticky-on-ingress').map(f => f.message);

  test('says the cookie is the Service\'s own when the Service has its annotations too', () => {
    // GIVEN the annotations on both the Ingress (ignored) and its Service (read)
    const manifests = [withClass(ingress('app', 'app', { [STICKY]: 'true', [`${STICKY}.name`]: 'other' }), 'traefik'), service('app', {}, { [STICKY]: 'true' })];
    // THEN the finding does not claim that nothing is sticky
    expect(messageOf(manifests)).toEqual([
      `Ingress app: ${STICKY}, ${STICKY}.name on an Ingress; Traefik reads them only on the Service, so the sticky cookie of Service "app" is the one its own annotations describe, whatever these say`,
    ]);
  });

  test('names the Services that are sticky by their own annotations and those that are not', () => {
    const ing = withPaths(withClass(ingress('shop', 'catalog', { [STICKY]: 'true' }), 'traefik'), '/catalog');
    const two = { ...ing, spec: { ...ing.spec, rules: [{ ...ing.spec.rules[0], http: { paths: [...ing.spec.rules[0].http.paths, { path: '/cart', pathType: 'Prefix', backend: { service: { name: 'cart', port: { number: 80 } } } }] } }] } };
    const manifests = [two, service('catalog', {}, { [STICKY]: 'true' }), service('cart')];
    expect(messageOf(manifests)).toEqual([
      `Ingress shop: ${STICKY} on an Ingress; Traefik reads them only on the Service, so the sticky cookie of Service "catalog" is the one its own annotations describe, whatever these say, and Service "cart" has none`,
    ]);
  });
});

test('Traefik\'s annotations on an Ingress and its Service, when ingress-nginx serves the Ingress: no Traefik cookie at all', () => {
  const STICKY = 'traefik.ingress.kubernetes.io/service.sticky.cookie';
  const WEB = { [STICKY]: 'true', [`${STICKY}.name`]: 'WEB' };
  const ing = ingress('shop', 'catalog', { [STICKY]: 'true' });
  const two = { ...ing, spec: { ...ing.spec, rules: [{ ...ing.spec.rules[0], http: { paths: [...ing.spec.rules[0].http.paths, { path: '/cart', pathType: 'Prefix', backend: { service: { name: 'cart', port: { number: 80 } } } }] } }] } };
  const found = AffinityDoctor.check([two, service('catalog', {}, WEB), service('cart', {}, WEB)]);
  // Not the cookie the Services' annotations describe, and no cookie the two Services share.
  expect(found.map(f => [f.rule, f.message])).toEqual([['traefik-sticky-on-ingress',
    `Ingress shop: ${STICKY} on an Ingress; Traefik reads them only on the Service, so there is no Traefik sticky cookie: the Ingress is served by ingress-nginx or the F5 NGINX Ingress Controller (class nginx), not by Traefik`]]);
});

describe('a Traefik cookie whose Domain spans the hosts of other Ingresses', () => {
  const sticky = (extra: Record<string, string> = {}) => ({ 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true', 'traefik.ingress.kubernetes.io/service.sticky.cookie.name': 'WEB', ...extra });
  const onHost = (ing: Obj, host: string) => ({ ...ing, spec: { ...ing.spec, rules: [{ ...ing.spec.rules[0], host }] } });
  const shopAndApi = (shopExtra: Record<string, string>) => [
    service('shop', {}, sticky(shopExtra)), service('api', {}, sticky()),
    onHost(withClass(ingress('shop', 'shop'), 'traefik'), 'shop.example.com'),
    onHost(withClass(ingress('api', 'api'), 'traefik'), 'api.example.com'),
  ];
  const found = (manifests: Obj[]) => AffinityDoctor.check(manifests).filter(f => f.rule === 'cookie-shared-by-services').map(f => f.message);

  test('NGINX Plus: two upstreams of a VirtualServer to different Services under one sessionCookie name and Path share it', () => {
    const upstream = (name: string, cookie: Obj) => ({ name, service: name, port: 80, sessionCookie: { enable: true, ...cookie } });
    const virtualServer = (cookies: Obj[]) => ({
      apiVersion: 'k8s.nginx.org/v1',
      kind: 'VirtualServer',
      metadata: { name: 'shop' },
      spec: {
        host: 'Shop.example.com',
        upstreams: [upstream('web', cookies[0]), upstream('api', cookies[1])],
        routes: [{ path: '/shop', action: { pass: 'web' } }, { path: '/shop/api', action: { pass: 'api' } }],
      },
    });
    expect(found([virtualServer([{ name: 'SHOPID', path: '/shop' }, { name: 'SHOPID', path: '/shop' }])])).toEqual([
      'VirtualServer shop: Services "web" and "api" on host "shop.example.com" share the affinity cookie "SHOPID" (Path /shop), whose value names a pod of the Service that set it: each replaces the other\'s cookie, so neither stays sticky',
    ]);
    // Named apart, or with no Path (the browser's default Path, the request's directory, which the manifests cannot tell): nothing
    expect(found([virtualServer([{ name: 'SHOPID-web', path: '/shop' }, { name: 'SHOPID-api', path: '/shop' }])])).toEqual([]);
    expect(found([virtualServer([{ name: 'SHOPID' }, { name: 'SHOPID' }])])).toEqual([]);
  });

  test('ingress-nginx in persistent mode: a rule with an empty path is the location / and gets the cookie there, Path /', () => {
    // GIVEN an Ingress of the host with an empty path (ingress-nginx's store rewrites it to "/") to another Service
    const NGINX = 'nginx.ingress.kubernetes.io/';
    const persistent = { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'persistent' };
    const manifests = [service('web'), service('admin'), withPaths(ingress('web', 'web', persistent), '/'), withPaths(ingress('legacy', 'admin', persistent), '')];
    // THEN both cookies are INGRESSCOOKIE at Path /
    expect(found(manifests)).toEqual([
      'Ingress web: Services "web" and "admin" on host "app.example.com" share the affinity cookie "INGRESSCOOKIE" (Path /), whose value names a pod of the Service that set it: each replaces the other\'s cookie, so neither stays sticky',
    ]);
  });

  test('is shared with the Service of the host under that Domain', () => {
    expect(found(shopAndApi({ 'traefik.ingress.kubernetes.io/service.sticky.cookie.domain': '.Example.com' }))).toEqual([
      'Ingress api: Services "api" and "shop" on host "api.example.com" share the affinity cookie "WEB" (Path /), whose value names a pod of the Service that set it: each replaces the other\'s cookie, so neither stays sticky',
    ]);
  });

  test('is not when the cookies are host-only, or the Domain is another', () => {
    expect(found(shopAndApi({}))).toEqual([]);
    expect(found(shopAndApi({ 'traefik.ingress.kubernetes.io/service.sticky.cookie.domain': 'shop.example.com' }))).toEqual([]);
  });
});

describe('affinity settings for a controller that does not serve the Ingress', () => {
  const round = [grafana(), service('grafana')];
  const TRAEFIK = { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' };
  const ingressClass = (name: string, controller: string, isDefault = false): Obj => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'IngressClass',
    metadata: { name, annotations: isDefault ? { 'ingressclass.kubernetes.io/is-default-class': 'true' } : {} },
    spec: { controller },
  });
  const messageOf = (manifests: Obj[]) => AffinityDoctor.check(manifests).filter(f => f.rule === 'local-sessions-without-affinity').map(f => f.message);

  test('Traefik\'s annotations on a Service that only an ingress-nginx Ingress reaches', () => {
    // GIVEN the Service sticky for Traefik, and its one Ingress of ingress-nginx's IngressClass
    const manifests = [grafana(), service('grafana', {}, TRAEFIK), ingress('grafana', 'grafana'), ingressClass('nginx', 'k8s.io/ingress-nginx')];
    // THEN nothing pins the users, and the finding says why the annotations do not count
    expect(messageOf(manifests)).toEqual([expect.stringMatching(/users are logged out at random\. Not counted: Traefik sticky-cookie annotations on the Service, as no route to the Service reads them: Ingress grafana is served by ingress-nginx \(IngressClass nginx, controller k8s\.io\/ingress-nginx\)$/)]);
  });

  test('ingress-nginx\'s annotation on an Ingress of a Traefik class, with or without the IngressClass', () => {
    const ing = withClass(ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/affinity': 'cookie' }), 'traefik');
    expect(messageOf([...round, ing])).toEqual([expect.stringContaining('Not counted: ingress-nginx cookie affinity on Ingress grafana, as Ingress grafana is served by Traefik (class traefik), not by ingress-nginx')]);
    expect(messageOf([...round, ing, ingressClass('traefik', 'traefik.io/ingress-controller')])).toEqual([
      expect.stringContaining('is served by Traefik (IngressClass traefik, controller traefik.io/ingress-controller), not by ingress-nginx'),
    ]);
  });

  test('HAProxy\'s annotation on the Service, and the default IngressClass for an Ingress without a class', () => {
    const ing = { ...ingress('grafana', 'grafana'), spec: { ...ingress('grafana', 'grafana').spec, ingressClassName: undefined } };
    const manifests = [grafana(), service('grafana', {}, { 'haproxy.org/cookie-persistence': 'grafana' }), ing];
    expect(messageOf([...manifests, ingressClass('public', 'k8s.io/ingress-nginx', true)])).toEqual([
      expect.stringContaining('Ingress grafana is served by ingress-nginx (the default IngressClass public, controller k8s.io/ingress-nginx)'),
    ]);
    // HAProxy's own IngressClass (its controller value ends with the class), as the default: the setting counts
    expect(messageOf([...manifests, ingressClass('public', 'haproxy.org/ingress-controller/public', true)])).toEqual([]);
  });

  test('settings count whenever the doctor cannot tell the controller', () => {
    // A class of another name, an IngressClass of a controller the doctor does not know, no class at all
    for (const cls of ['edge', undefined]) {
      const ing = { ...ingress('grafana', 'grafana'), spec: { ...ingress('grafana', 'grafana').spec, ingressClassName: cls } };
      expect(messageOf([grafana(), service('grafana', {}, TRAEFIK), ing])).toEqual([]);
    }
    expect(messageOf([grafana(), service('grafana', {}, TRAEFIK), withClass(ingress('grafana', 'grafana'), 'edge'), ingressClass('edge', 'example.com/edge')])).toEqual([]);
    // Kong's policy with an HTTPRoute besides the Ingress: Kong's Gateway may carry that traffic
    const policy = {
      apiVersion: 'configuration.konghq.com/v1beta1',
      kind: 'KongUpstreamPolicy',
      metadata: { name: 'sticky' },
      spec: { algorithm: 'sticky-sessions', hashOn: { input: 'none' }, stickySessions: { cookie: 'k' } },
    };
    const httpRoute = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'grafana' }, spec: { rules: [{ backendRefs: [{ name: 'grafana', port: 3000 }] }] } };
    expect(messageOf([grafana(), service('grafana', {}, { 'konghq.com/upstream-policy': 'sticky' }), policy, httpRoute])).toEqual([]);
  });

  test('a LoadBalancer Service behind a sticky Ingress is a way in of its own, which the cookie does not pin', () => {
    // GIVEN Grafana on SQLite, an Ingress with cookie affinity, and the Service of type LoadBalancer
    const sticky = ingress('public', 'grafana', { 'nginx.ingress.kubernetes.io/affinity': 'cookie' });
    const found = AffinityDoctor.check([grafana(), service('grafana', { type: 'LoadBalancer' }), sticky]).filter(f => f.rule === 'local-sessions-without-affinity');
    // THEN the users who come in through the load balancer are logged out, and the fix says how to close that way
    expect(found.map(f => f.message)).toEqual([
      'Service grafana spreads requests over the 4 pods of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); '
      + 'Ingress public keeps each user on one pod, but the load balancer of Service grafana itself (type LoadBalancer) does not, so the users who come through it are logged out at random',
    ]);
    expect(found[0].fix).toContain('Make Service grafana type ClusterIP without external IPs, so that users come in through Ingress public only');
    // AND external IPs are a way in too; a NodePort Service is not taken for one (ALB instance targets and GKE reach backends there)
    expect(rulesOf([grafana(), service('grafana', { externalIPs: ['203.0.113.10'] }), sticky])).toContain('local-sessions-without-affinity');
    expect(rulesOf([grafana(), service('grafana', { type: 'NodePort' }), sticky])).toEqual([]);
    expect(rulesOf([grafana(), service('grafana'), sticky])).toEqual([]);
  });

  test('a Service pinned through some routes only: the users of the others are logged out', () => {
    const NGINX_COOKIE = { 'nginx.ingress.kubernetes.io/affinity': 'cookie' };
    const onHost = (ing: Obj, host: string) => ({ ...ing, spec: { ...ing.spec, rules: [{ ...ing.spec.rules[0], host }] } });
    const sticky = onHost(ingress('public', 'grafana', NGINX_COOKIE), 'grafana.example.com');
    const internal = onHost(withClass(ingress('internal', 'grafana'), 'traefik'), 'grafana.internal');
    expect(messageOf([...round, sticky, internal])).toEqual([
      'Service grafana spreads requests over the 4 pods of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); '
      + 'Ingress public keeps each user on one pod, but Ingress internal does not, so the users who come through it are logged out at random',
    ]);
    // An HTTPRoute without sessionPersistence beside the sticky Ingress is named too, as a lone one is
    // an error: the doctor takes a route with no setting it can see for unpinned
    const httpRoute = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'grafana' }, spec: { rules: [{ backendRefs: [{ name: 'grafana', port: 3000 }] }] } };
    expect(messageOf([...round, sticky, httpRoute])).toEqual([expect.stringContaining('Ingress public keeps each user on one pod, but HTTPRoute grafana does not')]);
    // Nor is anything when a mesh's policy reaches the Service
    const destinationRule = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'grafana' },
      spec: { host: 'grafana', trafficPolicy: { loadBalancer: { consistentHash: { httpCookie: { name: 'g', ttl: '0s' } } } } },
    };
    expect(messageOf([...round, sticky, internal, destinationRule])).toEqual([]);
    // Two sticky Ingresses and one that is not
    expect(messageOf([...round, sticky, ingress('internal', 'grafana'), onHost(ingress('b', 'grafana', NGINX_COOKIE), 'b.example.com')]))
      .toEqual([expect.stringContaining('Ingress public, Ingress b keep each user on one pod, but Ingress internal does not')]);
    // Both sticky, or the other a canary of ingress-nginx (which takes the main Ingress's affinity): nothing
    const canary = ingress('canary', 'grafana', { 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' });
    expect(messageOf([...round, sticky, canary])).toEqual([]);
    expect(messageOf([...round, sticky, onHost(ingress('b', 'grafana', NGINX_COOKIE), 'b.example.com')])).toEqual([]);
  });

  test('Kong\'s upstream policy reaches only Kong\'s routes: not an IngressRoute, nor an Ingress ingress-nginx serves', () => {
    const policy = {
      apiVersion: 'configuration.konghq.com/v1beta1',
      kind: 'KongUpstreamPolicy',
      metadata: { name: 'sticky' },
      spec: { algorithm: 'sticky-sessions', hashOn: { input: 'none' }, stickySessions: { cookie: 'k' } },
    };
    const route = { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: { name: 'grafana' }, spec: { routes: [{ match: 'Host(`g`)', kind: 'Rule', services: [{ name: 'grafana', port: 3000 }] }] } };
    expect(messageOf([grafana(), service('grafana', {}, { 'konghq.com/upstream-policy': 'sticky' }), policy, ingress('internal', 'grafana'), route])).toEqual([
      expect.stringContaining('no route to the Service reads them: Ingress internal is served by ingress-nginx or the F5 NGINX Ingress Controller (class nginx); IngressRoute grafana takes its sticky cookie from its own services[].sticky'),
    ]);
  });

  test('Traefik\'s Service annotations when only an IngressRoute reaches the Service: it takes its cookie from its own sticky field', () => {
    const route = {
      apiVersion: 'traefik.io/v1alpha1',
      kind: 'IngressRoute',
      metadata: { name: 'grafana' },
      spec: { routes: [{ match: 'Host(`g`)', kind: 'Rule', services: [{ name: 'grafana', port: 3000 }] }] },
    };
    expect(messageOf([grafana(), service('grafana', {}, TRAEFIK), route])).toEqual([
      expect.stringContaining('Not counted: Traefik sticky-cookie annotations on the Service, as no route to the Service reads them: IngressRoute grafana takes its sticky cookie from its own services[].sticky'),
    ]);
    // Nothing among the manifests routes to the Service: the annotations count.
    expect(messageOf([grafana(), service('grafana', {}, TRAEFIK)])).toEqual([]);
  });

  test('the class F5 NGINX and ingress-nginx both take by default leaves either\'s settings counted', () => {
    const ing = ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/affinity': 'cookie' });
    expect(messageOf([...round, ing])).toEqual([]);
  });
});

test('a cookie name RFC 6265 allows but ingress-nginx drops', () => {
  const manifests = [ingress('app', 'app', { 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/session-cookie-name': 'app!route' })];
  expect(rulesOf(manifests)).toEqual(['nginx-cookie-name-invalid']);
});

describe('affinity settings a front reads but that pin nobody as written', () => {
  const round = [grafana(), service('grafana')];
  const local = (manifests: Obj[]) => AffinityDoctor.check(manifests).filter(f => f.rule === 'local-sessions-without-affinity');
  const SHARED = 'or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).';
  const destinationRule = (consistentHash: Obj): Obj => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'grafana' },
    spec: { host: 'grafana', trafficPolicy: { loadBalancer: { consistentHash } } },
  });

  test('ingress-nginx cookie affinity with service-upstream: the only upstream is the cluster IP', () => {
    // GIVEN cookie affinity on an Ingress that sends to the Service's cluster IP
    const front = ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/service-upstream': 'true' });
    // WHEN
    const found = local([...round, front]);
    // THEN the cookie is not counted, and the finding says why and what to remove
    expect(found).toHaveLength(1);
    expect(found[0].message).toBe('Service grafana spreads requests over the 4 pods of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); with no ClientIP or cookie affinity in front, users are logged out at random. '
      + 'Not counted: ingress-nginx cookie affinity on Ingress grafana, as Ingress grafana sets nginx.ingress.kubernetes.io/service-upstream: "true", so ingress-nginx\'s only upstream is the Service\'s cluster IP: the affinity picks that one address for every user, and kube-proxy spreads the requests over the pods');
    expect(found[0].fix).toBe(`Remove nginx.ingress.kubernetes.io/service-upstream from Ingress grafana, so that ingress-nginx picks the pods itself and its affinity pins them; ${SHARED}`);
    // AND without service-upstream the cookie counts
    expect(local([...round, ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/affinity': 'cookie' })])).toEqual([]);
  });

  describe('ingress-nginx cookie affinity and an Ingress\'s default backend, which ingress-nginx gives no cookie', () => {
    // Three pods that keep sessions locally, as a new user's manifests had them.
    const app = (): Obj[] => [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'j', namespace: 'shop', annotations: { 'cdk8s-session-affinity.dev/local-sessions': 'true' } },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'j' } },
          template: { metadata: { labels: { app: 'j' } }, spec: { containers: [{ name: 'app', image: 'ghcr.io/example/j:1.0', ports: [{ containerPort: 8080 }] }] } },
        },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'j', namespace: 'shop' }, spec: { selector: { app: 'j' }, ports: [{ port: 80, targetPort: 8080 }] } },
    ];
    const backend = (name: string) => ({ service: { name, port: { number: 80 } } });
    const cookieIngress = (spec: Obj): Obj => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'j', namespace: 'shop', annotations: { 'nginx.ingress.kubernetes.io/affinity': 'cookie' } },
      spec: { ingressClassName: 'nginx', ...spec },
    });

    test('GIVEN pods with local sessions reached only through the default backend of a cookie Ingress THEN an error: the cookie is not counted, with why and what to change', () => {
      // WHEN
      const found = local([...app(), cookieIngress({ defaultBackend: backend('j') })]);
      // THEN
      expect(found).toHaveLength(1);
      expect(found[0].severity).toBe(Severity.ERROR);
      expect(found[0].message).toBe('Service shop/j spreads requests over the 3 pods of Deployment j, and its pods keep sessions to themselves (annotation cdk8s-session-affinity.dev/local-sessions: "true"); '
        + 'with no ClientIP or cookie affinity in front, users are logged out at random. '
        + 'Not counted: ingress-nginx cookie affinity on Ingress j, as Ingress j reaches Service j through its default backend (spec.defaultBackend), which ingress-nginx gives no cookie affinity: it sets the cookie only on the paths of the Ingress\'s rules');
      expect(found[0].fix).toBe('Route the requests for Service j with a rule of Ingress j (path / on its host) rather than its default backend, so that ingress-nginx sets the cookie there; '
        + 'or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).');
    });

    test('GIVEN the older spec.backend (extensions/v1beta1) THEN the same', () => {
      const old = { ...cookieIngress({ backend: { serviceName: 'j', servicePort: 80 } }), apiVersion: 'extensions/v1beta1' };
      expect(local([...app(), old]).map(f => f.message)).toEqual([expect.stringContaining('as Ingress j reaches Service j through its default backend')]);
    });

    test('GIVEN the Service routed by a rule of the Ingress too, or by a rule instead THEN the cookie counts', () => {
      const rule = { rules: [{ host: 'j.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: backend('j') }] } }] };
      expect(local([...app(), cookieIngress({ ...rule, defaultBackend: backend('j') })])).toEqual([]);
      expect(local([...app(), cookieIngress(rule)])).toEqual([]);
    });

    test('GIVEN a rule to another Service and the default backend to this one THEN only the default backend\'s pods are reported', () => {
      const rule = { rules: [{ host: 'j.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: backend('api') }] } }] };
      const api: Obj[] = [
        { ...app()[0], metadata: { ...app()[0].metadata, name: 'api' }, spec: { ...app()[0].spec, selector: { matchLabels: { app: 'api' } }, template: { ...app()[0].spec.template, metadata: { labels: { app: 'api' } } } } },
        { ...app()[1], metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { app: 'api' }, ports: [{ port: 80 }] } },
      ];
      const found = local([...app(), ...api, cookieIngress({ ...rule, defaultBackend: backend('j') })]);
      expect(found.map(f => f.resource.name)).toEqual(['j']);
    });

    test('GIVEN upstream-hash-by on the client address THEN the default backend is pinned: ingress-nginx sets it on that upstream too', () => {
      const hashed = cookieIngress({ defaultBackend: backend('j') });
      hashed.metadata.annotations = { 'nginx.ingress.kubernetes.io/upstream-hash-by': '$remote_addr' };
      expect(local([...app(), hashed])).toEqual([]);
    });

    test('GIVEN cookie affinity and upstream-hash-by on the client address THEN the default backend is pinned by the hash, the cookie being only the rules\'', () => {
      const both = cookieIngress({ defaultBackend: backend('j') });
      both.metadata.annotations['nginx.ingress.kubernetes.io/upstream-hash-by'] = '$remote_addr';
      expect(local([...app(), both])).toEqual([]);
      // Hashed to a subset of the pods, the default backend's clients are not pinned: said so, with the hash's reason.
      both.metadata.annotations['nginx.ingress.kubernetes.io/upstream-hash-by-subset'] = 'true';
      expect(local([...app(), both]).map(f => f.message)).toEqual([expect.stringContaining('upstream-hash-by-subset: "true"')]);
    });

    test('GIVEN the Ingress served by Traefik THEN the reason given is the class', () => {
      const found = local([...app(), withClass(cookieIngress({ defaultBackend: backend('j') }), 'traefik')]);
      expect(found[0].message).toContain('as Ingress j is served by Traefik');
    });
  });

  test('service-upstream on an Ingress another controller serves changes nothing', () => {
    // GIVEN ingress-nginx's annotations on an Ingress of a Traefik class
    const front = withClass(ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/service-upstream': 'true' }), 'traefik');
    const found = local([...round, front]);
    // THEN the reason given is the class, and the fix is the rule's own
    expect(found[0].message).toContain('Not counted: ingress-nginx cookie affinity on Ingress grafana, as Ingress grafana is served by Traefik');
    expect(found[0].message).not.toContain('service-upstream');
    expect(found[0].fix).toBe(AffinityDoctor.rules().find(r => r.id === 'local-sessions-without-affinity')!.fix);
  });

  test('ClientIP with a cookie on a service-upstream Ingress: ClientIP pins the controller\'s pods', () => {
    const front = ingress('app', 'app', { 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/service-upstream': 'true' });
    expect(rulesOf([workload('app', { replicas: 3 }), service('app', CLIENT_IP), front])).toEqual(['client-ip-behind-ingress']);
  });

  test('Traefik sticky cookie with service.nativelb on the Service: the only server is the cluster IP', () => {
    // GIVEN a sticky cookie and nativelb on the Service behind a Traefik Ingress
    const svc = service('grafana', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true', 'traefik.ingress.kubernetes.io/service.nativelb': 'true' });
    const front = withClass(ingress('grafana', 'grafana'), 'traefik');
    // WHEN
    const found = local([grafana(), svc, front]);
    // THEN
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('Not counted: Traefik sticky-cookie annotations on the Service, as Service grafana sets traefik.ingress.kubernetes.io/service.nativelb: "true", so Traefik\'s only upstream is the Service\'s cluster IP');
    expect(found[0].fix).toBe(`Remove traefik.ingress.kubernetes.io/service.nativelb from Service grafana, so that Traefik picks the pods itself and its affinity pins them; ${SHARED}`);
    // AND without nativelb the cookie counts
    const sticky = service('grafana', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' });
    expect(local([grafana(), sticky, front])).toEqual([]);
  });

  test('NGINX Plus sessionCookie on an upstream with use-cluster-ip', () => {
    const virtualServer = (upstream: Obj): Obj => ({
      apiVersion: 'k8s.nginx.org/v1',
      kind: 'VirtualServer',
      metadata: { name: 'grafana' },
      spec: { host: 'g.example.com', upstreams: [{ name: 'grafana', service: 'grafana', port: 80, sessionCookie: { enable: true, name: 'srv' }, ...upstream }] },
    });
    const found = local([...round, virtualServer({ 'use-cluster-ip': true })]);
    expect(found[0].message).toContain('Not counted: NGINX Plus sticky cookie on VirtualServer grafana (NGINX Plus only), as VirtualServer grafana sets use-cluster-ip: true on upstream grafana');
    expect(found[0].fix).toBe(`Remove use-cluster-ip from upstream grafana of VirtualServer grafana, so that NGINX picks the pods itself and its affinity pins them; ${SHARED}`);
    expect(local([...round, virtualServer({})])).toEqual([]);
  });

  test('Istio httpCookie without ttl: the proxy never sets the cookie', () => {
    // GIVEN a consistent-hash cookie with no ttl
    const found = local([...round, destinationRule({ httpCookie: { name: 'affinity' } })]);
    // THEN it is not counted, and the fix is to set the ttl
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('Not counted: Istio consistent-hash cookie on DestinationRule grafana, as DestinationRule grafana sets httpCookie without a ttl, so the proxy never sets the cookie and only hashes one the browser already sends: requests without it go to any pod');
    expect(found[0].fix).toBe(`Set httpCookie.ttl on DestinationRule grafana ("0s" for a session cookie), so that the proxy sets the cookie; ${SHARED}`);
    // AND any ttl, "0s" included, makes the proxy set it
    expect(local([...round, destinationRule({ httpCookie: { name: 'affinity', ttl: '0s' } })])).toEqual([]);
    expect(local([...round, destinationRule({ httpCookie: { name: 'affinity', ttl: '3600s' } })])).toEqual([]);
  });
});

describe('hashing on the client\'s address counts as affinity, as ClientIP does', () => {
  const round = [grafana(), service('grafana')];
  const destinationRule = (consistentHash: Obj): Obj => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'grafana' },
    spec: { host: 'grafana.default.svc.cluster.local', trafficPolicy: { loadBalancer: { consistentHash } } },
  });

  test('Istio useSourceIp', () => {
    expect(rulesOf([...round, destinationRule({ useSourceIp: true })])).toEqual([]);
    expect(rulesOf([...round, destinationRule({ useSourceIp: false })])).toEqual(['local-sessions-without-affinity']);
  });

  test.each(['$binary_remote_addr', '$remote_addr'])('ingress-nginx upstream-hash-by %s', variable => {
    expect(rulesOf([...round, ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/upstream-hash-by': variable })])).toEqual([]);
  });

  test('ingress-nginx upstream-hash-by on another variable pins no user', () => {
    // A hash of the URI or a header is not per user.
    for (const variable of ['$request_uri', '$http_x_tenant']) {
      expect(rulesOf([...round, ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/upstream-hash-by': variable })])).toEqual(['local-sessions-without-affinity']);
    }
  });

  test('ingress-nginx upstream-hash-by-subset spreads each address over a subset of pods', () => {
    const front = ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/upstream-hash-by': '$remote_addr', 'nginx.ingress.kubernetes.io/upstream-hash-by-subset': 'true' });
    const found = AffinityDoctor.check([...round, front]);
    expect(found.map(f => f.rule)).toEqual(['local-sessions-without-affinity']);
    expect(found[0].message).toContain('Not counted: ingress-nginx client-IP hashing (upstream-hash-by $remote_addr) on Ingress grafana, as Ingress grafana sets nginx.ingress.kubernetes.io/upstream-hash-by-subset: "true"');
    expect(found[0].fix).toMatch(/^Remove nginx.ingress.kubernetes.io\/upstream-hash-by-subset from Ingress grafana/);
  });

  test('ingress-nginx upstream-hash-by with service-upstream: the cluster IP is the only upstream', () => {
    const front = ingress('grafana', 'grafana', { 'nginx.ingress.kubernetes.io/upstream-hash-by': '$remote_addr', 'nginx.ingress.kubernetes.io/service-upstream': 'true' });
    const found = AffinityDoctor.check([...round, front]);
    expect(found.map(f => f.rule)).toEqual(['local-sessions-without-affinity']);
    expect(found[0].message).toContain('Not counted: ingress-nginx client-IP hashing (upstream-hash-by $remote_addr) on Ingress grafana, as Ingress grafana sets nginx.ingress.kubernetes.io/service-upstream: "true"');
  });

  test('client-IP hashing in front of a single pod is named as the affinity that does nothing', () => {
    const found = AffinityDoctor.check([grafana({ replicas: 1 }), service('grafana'), destinationRule({ useSourceIp: true })]);
    expect(found.map(f => [f.rule, f.message])).toEqual([['affinity-single-replica',
      'Service grafana: Istio consistent hash on the client\'s IP (useSourceIp) on DestinationRule grafana in front of the single pod of Deployment grafana has no effect']]);
  });
});

describe('a headless Service (clusterIP: None) spreads nothing itself', () => {
  const headless = (name: string, spec: Obj = {}) => service(name, { clusterIP: 'None', selector: { app: 'grafana' }, ports: [{ name: 'gossip-tcp', port: 9094, targetPort: 9094 }], ...spec });

  test('beside the main Service with ClientIP, as Grafana\'s chart writes it for alerting gossip: nothing to report', () => {
    // GIVEN multi-pod Grafana, its Service with ClientIP and a headless Service for gossip
    const manifests = [grafana(), service('grafana', { ...CLIENT_IP, selector: { app: 'grafana' } }), headless('grafana-headless')];
    // THEN the headless Service is not said to spread requests
    expect(rulesOf(manifests)).toEqual([]);
    // AND neither when headless is written as clusterIPs
    expect(rulesOf([grafana(), service('grafana', { ...CLIENT_IP, selector: { app: 'grafana' } }), headless('grafana-headless', { clusterIP: undefined, clusterIPs: ['None'] })])).toEqual([]);
  });

  test('an ExternalName Service spreads nothing either', () => {
    expect(rulesOf([grafana(), service('grafana', { type: 'ExternalName', externalName: 'grafana.example.com' })])).toEqual([]);
  });

  test('an Ingress to a headless Service spreads requests: judged by the Ingress, with a fix that does not ask for ClientIP', () => {
    // GIVEN an Ingress without affinity to a headless Service of multi-pod Grafana
    const front = ingress('grafana', 'grafana-headless');
    // WHEN
    const found = AffinityDoctor.check([grafana(), headless('grafana-headless'), front]);
    // THEN
    expect(found.map(f => [f.rule, f.message, f.fix])).toEqual([['local-sessions-without-affinity',
      'Ingress grafana spreads the requests for headless Service grafana-headless over the 4 pods of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); with no cookie or client-IP affinity there, users are logged out at random',
      'Give Ingress grafana cookie affinity (nginx.ingress.kubernetes.io/affinity: cookie for an Ingress, sessionPersistence or the gateway\'s cookie policy for a route; ClientIP does nothing on a headless Service), or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).']]);
    // AND with cookie affinity on the Ingress, nothing
    expect(rulesOf([grafana(), headless('grafana-headless'), ingress('grafana', 'grafana-headless', { 'nginx.ingress.kubernetes.io/affinity': 'cookie' })])).toEqual([]);
  });
});

describe('cookie-path-not-covering-route', () => {
  const NGINX = 'nginx.ingress.kubernetes.io/';
  const STICKY = 'traefik.ingress.kubernetes.io/service.sticky.cookie';
  const found = (manifests: Obj[]) => AffinityDoctor.check(manifests).filter(f => f.rule === 'cookie-path-not-covering-route').map(f => f.message);
  const nginxCookie = (cookiePath: string, ...paths: string[]) => withPaths(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-path`]: cookiePath }), ...paths);

  test('path-match as RFC 6265 5.1.4 has it: a prefix up to a "/"', () => {
    // covered: the path itself, a path below it, any path under "/", a Path ending in "/"
    expect(found([nginxCookie('/admin', '/admin', '/admin/users')])).toEqual([]);
    expect(found([nginxCookie('/', '/', '/api')])).toEqual([]);
    expect(found([nginxCookie('/admin/', '/admin/users')])).toEqual([]);
    // not covered: a shorter path, a longer name sharing the prefix
    expect(found([nginxCookie('/admin', '/administrator')])).toHaveLength(1);
    expect(found([nginxCookie('/admin/', '/admin')])).toHaveLength(1);
  });

  test('a Prefix path ending in "/" also routes the path without it, which a Path ending in "/" does not cover', () => {
    // GIVEN an ingress-nginx cookie of Path /app/ and a rule /app/ of pathType Prefix
    const prefixed = (cookiePath: string, pathType: string) => {
      const ing = nginxCookie(cookiePath, '/app/');
      ing.spec.rules[0].http.paths[0].pathType = pathType;
      return ing;
    };
    // THEN the request /app is found uncovered, named with the rule that routes it
    expect(found([prefixed('/app/', 'Prefix')])).toEqual([
      'Ingress app: ingress-nginx\'s affinity cookie has Path "/app/" (nginx.ingress.kubernetes.io/session-cookie-path), which does not cover the path "/app" (which the Prefix path "/app/" matches too: a Prefix match ignores a trailing \'/\') on host app.example.com: '
      + 'browsers send the cookie back only with requests under "/app/", so the other requests to that path are not kept on one pod',
    ]);
    // AND a Path of /app covers it; ImplementationSpecific (an nginx location prefix) and Exact keep their reading
    expect(found([prefixed('/app', 'Prefix')])).toEqual([]);
    expect(found([prefixed('/app/', 'ImplementationSpecific')])).toEqual([]);
    expect(found([prefixed('/app/', 'Exact')])).toEqual([]);
    // AND a Prefix "/" is "/"
    expect(found([nginxCookie('/', '/')])).toEqual([]);
  });

  test('every uncovered path of the Ingress in one finding', () => {
    expect(found([nginxCookie('/admin', '/', '/api', '/admin')])).toEqual([
      'Ingress app: ingress-nginx\'s affinity cookie has Path "/admin" (nginx.ingress.kubernetes.io/session-cookie-path), which does not cover the paths "/" on host app.example.com, "/api" on host app.example.com: browsers send the cookie back only with requests under "/admin", so the other requests to these paths are not kept on one pod',
    ]);
  });

  test('not when ingress-nginx drops or does not use the Path', () => {
    // a value its validator refuses (the location path is used), one not starting with "/", regex paths
    expect(found([nginxCookie('/a b', '/')])).toEqual([]);
    expect(found([nginxCookie('admin', '/')])).toEqual([]);
    // a regular expression (use-regex) is read by its literal start, as CookieAffinityIngress reads it
    const regex = (cookiePath: string, routed: string) => withPaths(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}use-regex`]: 'true', [`${NGINX}session-cookie-path`]: cookiePath }), routed);
    expect(found([regex('/checkout', '/checkout(/|$)(.*)')])).toEqual([]);
    expect(found([regex('/admin', '/api(/|$)(.*)')])).toEqual([expect.stringContaining('does not cover the path "/api(/|$)(.*)" (a regular expression) on host app.example.com')]);
    // without use-regex those characters are literal: /v1.0+ is a prefix like any other
    expect(found([withPaths(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-path`]: '/admin' }), '/v1+')]))
      .toEqual([expect.stringContaining('does not cover the path "/v1+" on host app.example.com')]);
    // an Ingress another controller serves, or one that sends to the cluster IP (the cookie pins nothing anyway)
    expect(found([withClass(nginxCookie('/admin', '/'), 'traefik')])).toEqual([]);
    expect(found([withPaths(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-path`]: '/admin', [`${NGINX}service-upstream`]: 'true' }), '/')])).toEqual([]);
    // without affinity: cookie the annotation is not read
    expect(found([withPaths(ingress('app', 'app', { [`${NGINX}session-cookie-path`]: '/admin' }), '/')])).toEqual([]);
  });

  test('Traefik\'s service.sticky.cookie.path on the Service, for a Traefik Ingress', () => {
    // GIVEN a sticky cookie with Path /admin on the Service behind a Traefik Ingress of "/"
    const svc = service('app', {}, { [STICKY]: 'true', [`${STICKY}.path`]: '/admin' });
    const front = withClass(ingress('app', 'app'), 'traefik');
    // THEN
    expect(found([workload('app', { replicas: 3 }), svc, front])).toEqual([
      'Ingress app: Traefik\'s affinity cookie has Path "/admin" (traefik.ingress.kubernetes.io/service.sticky.cookie.path on Service app), which does not cover the path "/" on host app.example.com: browsers send the cookie back only with requests under "/admin", so the other requests to that path are not kept on one pod',
    ]);
    // AND not for an Ingress ingress-nginx serves, nor with nativelb (no cookie pins a pod)
    expect(found([workload('app', { replicas: 3 }), svc, ingress('app', 'app')])).toEqual([]);
    const native = service('app', {}, { [STICKY]: 'true', [`${STICKY}.path`]: '/admin', 'traefik.ingress.kubernetes.io/service.nativelb': 'true' });
    expect(found([workload('app', { replicas: 3 }), native, front])).toEqual([]);
  });

  describe('ingress-nginx without session-cookie-path: each location\'s cookie has that location\'s own path', () => {
    const sticky = (_name: string, extra: Record<string, string> = {}) => ({ [`${NGINX}affinity`]: 'cookie', ...extra });
    const localSessions = (replicas = 3) => ({ ...workload('grafana', { replicas }), metadata: { name: 'grafana', annotations: { 'cdk8s-session-affinity.dev/local-sessions': 'true' } } });
    const stack = (...ingresses: Obj[]) => [grafana({ replicas: 3 }), service('grafana'), ...ingresses];
    const all = (manifests: Obj[]) => AffinityDoctor.check(manifests);

    test('GIVEN Grafana on SQLite behind one Ingress with /grafana and /api and no session-cookie-path THEN an error: a user is kept on a different pod under each', () => {
      // GIVEN the reported setup: 3 Grafana pods, cookie affinity, two disjoint locations to the same Service
      const front = withPaths(ingress('grafana', 'grafana', sticky('grafana')), '/grafana', '/api');
      // WHEN
      const findings = all(stack(front));
      // THEN one error on the Ingress, naming both Paths and what each does not cover
      expect(findings.map(f => [f.rule, f.severity, f.resource.name])).toEqual([['cookie-path-not-covering-route', Severity.ERROR, 'grafana']]);
      expect(findings[0].message).toBe('Ingress grafana: on host app.example.com, the locations "/grafana", "/api" reach Service grafana with ingress-nginx cookie affinity, and '
        + 'without nginx.ingress.kubernetes.io/session-cookie-path each location sets the cookie with its own path as Path: Path "/grafana" does not cover "/api"; Path "/api" does not cover "/grafana": '
        + 'browsers send a cookie only with requests under its Path, so a user\'s request to another location comes without it, and ingress-nginx picks a pod afresh there and sets another cookie; '
        + 'one user\'s requests go to a different pod under each location');
      // AND the fix asks for session-cookie-path, no longer to leave it out
      expect(findings[0].fix).toContain('on ingress-nginx, the same session-cookie-path on every Ingress that reaches the Service, covering its paths on every host');
      expect(findings[0].fix).not.toContain('leave it out');
      // AND the same for pods annotated as keeping local sessions
      expect(all([localSessions(), service('grafana'), front]).map(f => [f.rule, f.severity])).toEqual([['cookie-path-not-covering-route', Severity.ERROR]]);
    });

    test('GIVEN session-cookie-path "/", or a single location THEN clean', () => {
      expect(all(stack(withPaths(ingress('grafana', 'grafana', sticky('grafana', { [`${NGINX}session-cookie-path`]: '/' })), '/grafana', '/api')))).toEqual([]);
      expect(all(stack(withPaths(ingress('grafana', 'grafana', sticky('grafana')), '/grafana')))).toEqual([]);
      // AND the same path twice is one location
      expect(found(stack(withPaths(ingress('grafana', 'grafana', sticky('grafana')), '/grafana', '/grafana')))).toEqual([]);
    });

    test('GIVEN nested locations / and /api THEN only /api\'s Path is too narrow: a first visit there sets Path=/api, which / does not get', () => {
      expect(found(stack(withPaths(ingress('grafana', 'grafana', sticky('grafana')), '/', '/api')))).toEqual([
        expect.stringContaining('without nginx.ingress.kubernetes.io/session-cookie-path each location sets the cookie with its own path as Path: Path "/api" does not cover "/": '),
      ]);
    });

    test('GIVEN several Ingresses of one host to one Service THEN their locations are taken together, as ingress-nginx merges them into one server', () => {
      // GIVEN /grafana and /api on two Ingresses of the same host, neither with session-cookie-path
      const a = withPaths(ingress('grafana', 'grafana', sticky('grafana')), '/grafana');
      const b = withPaths(ingress('grafana-api', 'grafana', sticky('grafana-api')), '/api');
      // THEN each is found, naming the other Ingress's location
      expect(all(stack(a, b)).map(f => [f.rule, f.resource.name, f.message])).toEqual([
        ['cookie-path-not-covering-route', 'grafana', expect.stringContaining('the locations "/grafana", "/api" (Ingress grafana-api) reach Service grafana with ingress-nginx cookie affinity, and without nginx.ingress.kubernetes.io/session-cookie-path each location sets the cookie with its own path as Path: Path "/grafana" does not cover "/api" (Ingress grafana-api): ')],
        ['cookie-path-not-covering-route', 'grafana-api', expect.stringContaining('Path "/api" does not cover "/grafana" (Ingress grafana): ')],
      ]);
      // AND a session-cookie-path each that covers only its own Ingress's paths is found too: one Path, whichever
      // ingress-nginx reads last, leaves the other Ingress's location without the cookie
      const own = (ing: Obj, p: string) => ({ ...ing, metadata: { ...ing.metadata, annotations: { ...ing.metadata.annotations, [`${NGINX}session-cookie-path`]: p } } });
      expect(found(stack(own(a, '/grafana'), own(b, '/api')))).toEqual([
        expect.stringContaining('with "/grafana" (Ingress grafana), requests to "/api" on host app.example.com (Ingress grafana-api) come without the cookie and are not kept on one pod; '
          + 'with "/api" (Ingress grafana-api), requests to "/grafana" on host app.example.com (Ingress grafana) come without the cookie and are not kept on one pod; '),
      ]);
      // AND session-cookie-path "/" on both is clean
      expect(all(stack(own(a, '/'), own(b, '/')))).toEqual([]);
    });

    test('GIVEN the locations on different hosts, to different Services, or not all ingress-nginx cookie Ingresses THEN not found', () => {
      const a = withPaths(ingress('grafana', 'grafana', sticky('grafana')), '/grafana');
      const otherHost = withPaths(ingress('grafana-api', 'grafana', sticky('grafana-api')), '/api');
      otherHost.spec.rules[0].host = 'api.example.com';
      expect(found(stack(a, otherHost))).toEqual([]);
      // another Service: its own pods, and its own cookie key
      expect(found([...stack(a), withPaths(ingress('other', 'other', sticky('other')), '/api')])).toEqual([]);
      // a canary Ingress adds no location of its own
      const canary = withPaths(ingress('grafana-canary', 'grafana', sticky('grafana-canary', { [`${NGINX}canary`]: 'true', [`${NGINX}canary-weight`]: '10' })), '/api');
      expect(found(stack(a, canary))).toEqual([]);
      // an Ingress Traefik serves, or one that sends to the cluster IP
      expect(found(stack(withClass(withPaths(ingress('grafana', 'grafana', sticky('grafana')), '/grafana', '/api'), 'traefik')))).toEqual([]);
      expect(found(stack(withPaths(ingress('grafana', 'grafana', sticky('grafana', { [`${NGINX}service-upstream`]: 'true' })), '/grafana', '/api')))).toEqual([]);
    });

    test('GIVEN use-regex THEN literal paths are still their cookies\' Paths; an expression as the Path is nginx-regex-path-without-cookie-path\'s alone', () => {
      const regex = (extra: Record<string, string>, ...paths: string[]) => withPaths(ingress('grafana', 'grafana', sticky('grafana', { [`${NGINX}use-regex`]: 'true', ...extra })), ...paths);
      // literal paths under use-regex: the split as without it
      expect(found(stack(regex({}, '/grafana', '/api')))).toEqual([expect.stringContaining('Path "/grafana" does not cover "/api"; Path "/api" does not cover "/grafana": ')]);
      // expressions: their cookie never comes back at all, which the other rule says
      expect(all(stack(regex({}, '/grafana(/|$)(.*)', '/api(/|$)(.*)'))).map(f => f.rule)).toEqual(['nginx-regex-path-without-cookie-path']);
      // session-cookie-path "/" covers them all
      expect(all(stack(regex({ [`${NGINX}session-cookie-path`]: '/' }, '/grafana(/|$)(.*)', '/api(/|$)(.*)')))).toEqual([]);
      expect(all(stack(regex({ [`${NGINX}session-cookie-path`]: '/' }, '/grafana', '/api')))).toEqual([]);
    });
  });

  describe('ingress-nginx keeps one cookie Path per Service and port, from the Ingress it reads last', () => {
    const app = [workload('web', { replicas: 3 }), service('web')];
    /** An ingress-nginx Ingress with cookie affinity to Service web, with session-cookie-path when given. */
    const web = (name: string, cookiePath: string | undefined, ...paths: string[]) => withPaths(ingress(name, 'web', {
      [`${NGINX}affinity`]: 'cookie', ...(cookiePath === undefined ? {} : { [`${NGINX}session-cookie-path`]: cookiePath }),
    }), ...paths);
    const withTimestamp = (ing: Obj, at: string) => ({ ...ing, metadata: { ...ing.metadata, creationTimestamp: at } });
    const all = (manifests: Obj[]) => AffinityDoctor.check(manifests);

    test('GIVEN web-api (/api, session-cookie-path "/") and web (/, none) of one host and Service THEN an error: the Path depends on which Ingress is read last', () => {
      // WHEN
      const findings = all([...app, web('web-api', '/', '/api'), web('web', undefined, '/')]);
      // THEN one error, on the Ingress that sets a Path, naming both Ingresses, their values and what each Path does
      expect(findings.map(f => [f.rule, f.severity, f.resource.name])).toEqual([['cookie-path-not-covering-route', Severity.ERROR, 'web-api']]);
      expect(findings[0].message).toBe('Ingress web-api: Ingresses web-api ("/"), web (no nginx.ingress.kubernetes.io/session-cookie-path) reach Service web port 80 with ingress-nginx cookie affinity '
        + 'and set nginx.ingress.kubernetes.io/session-cookie-path differently; ingress-nginx gives the cookie one Path for all the Service\'s locations on every host, that of the Ingress it reads last: '
        + 'with "/" (Ingress web-api), the cookie comes back to every location; '
        + 'with no Path (Ingress web), each location sets its own path as Path, and Path "/api" does not cover "/" on host app.example.com, so a user is kept on a different pod under each location; '
        + 'which one applies depends on the order in which the Ingresses were created (the oldest is read first; of equal creation times, by name from z to a), which the manifests do not fix');
      // AND the fix asks for one session-cookie-path on both
      expect(findings[0].fix).toBe('Give every Ingress that reaches Service web port 80 with cookie affinity (web-api, web) the same nginx.ingress.kubernetes.io/session-cookie-path, '
        + 'one that covers all their paths on every host ("/" covers them all).');
    });

    test('GIVEN the annotations swapped (web "/", web-api none) THEN the same error: which Path applies still depends on the order', () => {
      const findings = all([...app, web('web', '/', '/'), web('web-api', undefined, '/api')]);
      expect(findings.map(f => [f.rule, f.resource.name])).toEqual([['cookie-path-not-covering-route', 'web']]);
      expect(findings[0].message).toContain('Ingresses web ("/"), web-api (no nginx.ingress.kubernetes.io/session-cookie-path) reach Service web port 80');
      expect(findings[0].message).toContain('with no Path (Ingress web-api), each location sets its own path as Path, and Path "/api" does not cover "/" on host app.example.com');
    });

    test('GIVEN both Ingresses with session-cookie-path "/", or no Path and one location THEN clean', () => {
      expect(all([...app, web('web-api', '/', '/api'), web('web', '/', '/')])).toEqual([]);
      expect(all([...app, web('web', undefined, '/')])).toEqual([]);
      // AND values that differ but each cover every location (here "/" and none, with the one location "/"): no user is split either way
      expect(all([...app, web('web', '/', '/'), web('web-2', undefined, '/')])).toEqual([]);
    });

    test('GIVEN a session-cookie-path on an Ingress of another host THEN it may become the Path on this host too', () => {
      // GIVEN web on hosts a and b (/, no Path) and web-c on host c (/app, session-cookie-path /app), one Service
      const ab = web('web', undefined, '/');
      ab.spec.rules = ['a.example.com', 'b.example.com'].map(host => ({ ...ab.spec.rules[0], host }));
      const c = web('web-c', '/app', '/app');
      c.spec.rules[0].host = 'c.example.com';
      // THEN found, naming the locations of hosts a and b that "/app" leaves without the cookie
      expect(found([...app, ab, c])).toEqual([expect.stringContaining(
        'with no Path (Ingress web), the cookie comes back to every location; with "/app" (Ingress web-c), requests to "/" on host a.example.com (Ingress web), "/" on host b.example.com (Ingress web) come without the cookie')]);
      // AND the same "/app" on both: it is the Path on every host, and it does not cover "/" on hosts a and b
      const abApp = web('web', '/app', '/');
      abApp.spec.rules = ab.spec.rules;
      expect(found([...app, abApp, c])).toEqual([expect.stringContaining('which does not cover the paths "/" on host a.example.com, "/" on host b.example.com')]);
    });

    test('GIVEN every creationTimestamp THEN it says which Ingress is read last', () => {
      // equal times: by name from z to a, so web (after web-api) is read last
      const tie = all([...app, withTimestamp(web('web-api', '/', '/api'), '2026-01-01T00:00:00Z'), withTimestamp(web('web', undefined, '/'), '2026-01-01T00:00:00Z')]);
      expect(tie.map(f => f.message)).toEqual([expect.stringContaining(
        'by the creationTimestamps given, Ingress web is read last, so no nginx.ingress.kubernetes.io/session-cookie-path applies, until the Ingresses are created anew in another order')]);
      // a later one is read last
      const later = all([...app, withTimestamp(web('web-api', '/', '/api'), '2026-02-01T00:00:00Z'), withTimestamp(web('web', undefined, '/'), '2026-01-01T00:00:00Z')]);
      expect(later.map(f => f.message)).toEqual([expect.stringContaining('Ingress web-api is read last, so "/" applies')]);
      // one missing: not said
      const partial = all([...app, withTimestamp(web('web-api', '/', '/api'), '2026-02-01T00:00:00Z'), web('web', undefined, '/')]);
      expect(partial.map(f => f.message)).toEqual([expect.stringContaining('which one applies depends on the order in which the Ingresses were created')]);
    });

    test('GIVEN another port, a canary or another class THEN not the same cookie Path', () => {
      // another Service port is another upstream with a Path of its own
      const byName = web('web', undefined, '/');
      byName.spec.rules[0].http.paths[0].backend = { service: { name: 'web', port: { name: 'http' } } };
      expect(found([...app, web('web-api', '/', '/api'), byName])).toEqual([]);
      // a canary Ingress has an upstream of its own
      const canary = withPaths(ingress('web-canary', 'web', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}canary`]: 'true', [`${NGINX}session-cookie-path`]: '/api' }), '/api');
      expect(found([...app, web('web', undefined, '/'), canary])).toEqual([]);
      // another ingress-nginx class is another controller
      expect(found([...app, withClass(web('web-api', '/', '/api'), 'nginx-internal'), web('web', undefined, '/')])).toEqual([]);
    });
  });

  describe('an NGINX Plus VirtualServer', () => {
    const virtualServer = (cookiePath: string | undefined, ...routes: Obj[]): Obj => ({
      apiVersion: 'k8s.nginx.org/v1',
      kind: 'VirtualServer',
      metadata: { name: 'shop', namespace: 'shop' },
      spec: {
        host: 'shop.example.com',
        upstreams: [
          { name: 'shop', service: 'shop', port: 80, sessionCookie: { enable: true, name: 'SHOP', ...(cookiePath === undefined ? {} : { path: cookiePath }) } },
          { name: 'plain', service: 'plain', port: 80 },
        ],
        routes,
      },
    });
    const pass = (routePath: string, upstream = 'shop'): Obj => ({ path: routePath, action: { pass: upstream } });

    test('GIVEN a route path the cookie Path does not cover THEN an error naming the upstream, the Path and the route paths', () => {
      expect(found([virtualServer('/shop', pass('/'), pass('/shop'))])).toEqual([
        'VirtualServer shop/shop: the NGINX Plus sticky cookie of upstream shop has Path "/shop" (sessionCookie.path), which does not cover the route path "/": '
        + 'browsers send the cookie back only with requests under "/shop", so the other requests to that path are not kept on one pod',
      ]);
    });

    test('GIVEN prefixes, exact paths and anchored expressions under the Path, or no Path, THEN nothing', () => {
      expect(found([virtualServer('/shop', pass('/shop'), pass('/shop/cart'), pass('=/shop/x'), pass('~* ^/shop/v[0-9]+'))])).toEqual([]);
      expect(found([virtualServer(undefined, pass('/'))])).toEqual([]);
      expect(found([virtualServer('/shop', pass('/', 'plain'))])).toEqual([]);
    });

    test('GIVEN an expression not anchored with ^ THEN nginx searches the whole path for it: only the Path / covers it', () => {
      expect(found([virtualServer('/shop', pass('~ /shop'))])).toHaveLength(1);
      expect(found([virtualServer('/', pass('~ /shop'))])).toEqual([]);
    });

    test('GIVEN the upstream reached through a split or a match THEN its routes count too', () => {
      const split = { path: '/', splits: [{ weight: 90, action: { pass: 'plain' } }, { weight: 10, action: { pass: 'shop' } }] };
      const match = { path: '/api', matches: [{ conditions: [{ header: 'x', value: 'y' }], action: { pass: 'shop' } }], action: { pass: 'plain' } };
      expect(found([virtualServer('/shop', split, match)])).toEqual([expect.stringContaining('does not cover the route paths "/", "/api":')]);
    });

    test('GIVEN affinity-migrate --to nginx-plus of an Ingress whose session-cookie-path leaves a path out THEN the doctor says so of the output, as of the source', () => {
      const source = nginxCookie('/shop', '/', '/shop');
      const objects = AffinityMigration.migrate([source], { target: MigrationTarget.NGINX_PLUS }).objects;
      expect(found([source])).toHaveLength(1);
      expect(found(objects)).toEqual([expect.stringContaining('has Path "/shop" (sessionCookie.path), which does not cover the route path "/"')]);
    });
  });
});

describe('a ClientIP Service behind an AWS NLB without source-IP stickiness', () => {
  const TYPE = 'service.beta.kubernetes.io/aws-load-balancer-type';
  const TARGET_TYPE = 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type';
  const ATTRIBUTES = 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes';
  const STICKY = 'stickiness.enabled=true,stickiness.type=source_ip';
  const nlb = (annotations: Record<string, string>) => service('grafana', { ...CLIENT_IP, type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, annotations);
  const localSessions = () => ({ ...workload('grafana', { replicas: 3 }), metadata: { name: 'grafana', annotations: { 'cdk8s-session-affinity.dev/local-sessions': 'true' } } });
  const findings = (manifests: Obj[]) => AffinityDoctor.check(manifests).filter(f => f.rule.startsWith('aws-nlb-'));

  test('GIVEN Grafana on SQLite with 3 pods, aws-load-balancer-type nlb and no stickiness THEN an error (exit 1) that names both makers, with a fix that chooses the controller', () => {
    // GIVEN the reported setup
    const manifests = [grafana({ replicas: 3 }), nlb({ [TYPE]: 'nlb' })];
    // WHEN
    const found = findings(manifests);
    // THEN one error, not the warning: either maker leaves users unpinned
    expect(found.map(f => [f.rule, f.severity])).toEqual([['aws-nlb-client-ip-spreads-sessions', Severity.ERROR]]);
    expect(found[0].message).toBe('Service grafana: ClientIP affinity without the NLB\'s source-IP stickiness (stickiness.enabled=true,stickiness.type=source_ip in service.beta.kubernetes.io/aws-load-balancer-target-group-attributes), '
      + 'and no load balancer class with service.beta.kubernetes.io/aws-load-balancer-type: nlb: '
      + 'if the AWS Load Balancer Controller\'s Service webhook (v2.5 and later, on unless enableServiceMutatorWebhook is false) gave it the class service.k8s.aws/nlb when it was created, the controller\'s NLB moves a client between nodes, each with its own affinity table; '
      + 'if not, the in-tree cloud provider takes it and makes no load balancer at all, as it refuses sessionAffinity ClientIP ("unsupported load balancer affinity: ClientIP"); '
      + 'Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres), so users are spread over 3 pods and logged out at random');
    // AND the fix chooses the controller at creation, with the keys it reads
    expect(found[0].fix).toBe('Choose the AWS Load Balancer Controller, the only one that reads target-group stickiness, when Service grafana is created: '
      + 'service.beta.kubernetes.io/aws-load-balancer-type: external with service.beta.kubernetes.io/aws-load-balancer-nlb-target-type: instance (or ip), or spec.loadBalancerClass: service.k8s.aws/nlb, '
      + 'service.beta.kubernetes.io/aws-load-balancer-scheme: internet-facing for a public NLB (the controller makes internal ones by default) '
      + 'and service.beta.kubernetes.io/aws-load-balancer-target-group-attributes: stickiness.enabled=true,stickiness.type=source_ip (LoadBalancerStickiness.awsNlb() writes them); '
      + 'neither may change on an existing Service (a changed type leaves the old load balancer behind; the API server refuses a class set later), so recreate the Service; '
      + 'or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).');
    expect(AffinityDoctor.check(manifests).some(f => f.severity === Severity.ERROR)).toBe(true);
    // AND the same for pods annotated as keeping local sessions, and for a Service with no type annotation (the in-tree Classic ELB)
    expect(findings([localSessions(), nlb({ [TYPE]: 'nlb' })]).map(f => f.rule)).toEqual(['aws-nlb-client-ip-spreads-sessions']);
    expect(findings([localSessions(), nlb({ [TARGET_TYPE]: 'instance' })]).map(f => f.rule)).toEqual(['aws-nlb-client-ip-spreads-sessions']);
  });

  test('GIVEN aws-load-balancer-type nlb WITH the stickiness attributes THEN a warning, not an error: sticky if the controller\'s webhook took the Service, no load balancer if the in-tree provider did', () => {
    // GIVEN the reviewed case: ClientIP, type nlb, source-IP stickiness, pods with local sessions
    const manifests = [localSessions(), nlb({ [TYPE]: 'nlb', [ATTRIBUTES]: STICKY })];
    // WHEN
    const found = findings(manifests);
    // THEN one warning that names both makers
    expect(found.map(f => [f.rule, f.severity])).toEqual([['aws-nlb-stickiness-depends-on-webhook', Severity.WARNING]]);
    expect(found[0].message).toBe('Service grafana: ClientIP affinity with source-IP stickiness in service.beta.kubernetes.io/aws-load-balancer-target-group-attributes, '
      + 'but no load balancer class and service.beta.kubernetes.io/aws-load-balancer-type: nlb: '
      + 'the stickiness holds only if the AWS Load Balancer Controller\'s Service webhook (v2.5 and later, on unless enableServiceMutatorWebhook is false) gave it the class service.k8s.aws/nlb when it was created; '
      + 'if not, the in-tree cloud provider takes it and makes no load balancer at all, as it refuses sessionAffinity ClientIP ("unsupported load balancer affinity: ClientIP"), and from v1.34 the stickiness attributes too');
    // AND the fix removes the doubt: the type external with a target type, or the controller's class
    expect(found[0].fix).toMatch(/^Choose the AWS Load Balancer Controller when the Service is created: service\.beta\.kubernetes\.io\/aws-load-balancer-type: external with service\.beta\.kubernetes\.io\/aws-load-balancer-nlb-target-type: instance \(or ip\), or spec\.loadBalancerClass: service\.k8s\.aws\/nlb /);
    expect(AffinityDoctor.check(manifests).some(f => f.severity === Severity.ERROR)).toBe(false);
    // AND the same without local sessions (a missing load balancer is no matter of sessions)
    expect(findings([workload('grafana', { replicas: 3 }), nlb({ [TYPE]: 'nlb', [ATTRIBUTES]: STICKY })]).map(f => f.rule)).toEqual(['aws-nlb-stickiness-depends-on-webhook']);
    // AND with the controller's load balancer class, or the type external with a target type, or nlb-ip, it is the controller's NLB, which reads it: clean
    const classed = nlb({ [TYPE]: 'nlb', [ATTRIBUTES]: STICKY });
    classed.spec.loadBalancerClass = 'service.k8s.aws/nlb';
    expect(findings([localSessions(), classed])).toEqual([]);
    expect(findings([localSessions(), nlb({ [TYPE]: 'external', [TARGET_TYPE]: 'instance', [ATTRIBUTES]: STICKY })])).toEqual([]);
    expect(findings([localSessions(), nlb({ [TYPE]: 'nlb-ip', [ATTRIBUTES]: STICKY })])).toEqual([]);
  });

  test('GIVEN the AWS Load Balancer Controller\'s NLB THEN an error with local sessions, a warning without; its stickiness annotation makes both clean', () => {
    const controller = { [TYPE]: 'external', [TARGET_TYPE]: 'instance' };
    expect(findings([grafana({ replicas: 3 }), nlb(controller)]).map(f => [f.rule, f.severity])).toEqual([['aws-nlb-client-ip-spreads-sessions', Severity.ERROR]]);
    const stateless = findings([workload('grafana', { replicas: 3 }), nlb(controller)]);
    expect(stateless.map(f => [f.rule, f.severity])).toEqual([['aws-nlb-client-ip-without-stickiness', Severity.WARNING]]);
    // the rule's own fix, which leads with the controller's annotation
    expect(stateless[0].fix).toBe(AffinityDoctor.rules().find(r => r.id === 'aws-nlb-client-ip-without-stickiness')!.fix);
    expect(stateless[0].fix).toMatch(/^With the AWS Load Balancer Controller .*, add the annotation service\.beta\.kubernetes\.io\/aws-load-balancer-target-group-attributes: stickiness\.enabled=true,stickiness\.type=source_ip /);
    expect(findings([grafana({ replicas: 3 }), nlb({ ...controller, [ATTRIBUTES]: STICKY })])).toEqual([]);
    expect(findings([workload('grafana', { replicas: 3 }), nlb({ ...controller, [ATTRIBUTES]: STICKY })])).toEqual([]);
  });

  test('GIVEN aws-load-balancer-type nlb without stickiness in front of pods that keep no sessions THEN a warning, with the fix that chooses the controller', () => {
    const found = findings([workload('grafana', { replicas: 3 }), nlb({ [TYPE]: 'nlb' })]);
    expect(found.map(f => [f.rule, f.severity])).toEqual([['aws-nlb-client-ip-without-stickiness', Severity.WARNING]]);
    expect(found[0].fix).toMatch(/^Choose the AWS Load Balancer Controller, .*so recreate the Service\.$/);
  });
});

describe('nginx-balanced-affinity-autoscaled', () => {
  const NGINX = 'nginx.ingress.kubernetes.io/';
  const found = (manifests: Obj[]) => AffinityDoctor.check(manifests).filter(f => f.rule === 'nginx-balanced-affinity-autoscaled');
  // Pods that keep sessions in a volume local to each pod.
  const local = { volumes: [{ name: 'sessions', emptyDir: {} }], volumeMounts: [{ name: 'sessions', mountPath: '/var/lib/app/sessions' }] };
  const app = [workload('app', { replicas: 2, ...local }), service('app')];

  test('not for pods whose sessions live in a shared store: moving a user to a new pod loses nothing', () => {
    const front = ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' });
    expect(found([workload('app', { replicas: 2 }), service('app'), hpa('app'), front])).toEqual([]);
    const sharedGrafana = grafana({ env: [{ name: 'GF_DATABASE_TYPE', value: 'postgres' }] });
    expect(found([sharedGrafana, service('grafana'), hpa('grafana'), ingress('grafana', 'grafana', { [`${NGINX}affinity`]: 'cookie' })])).toEqual([]);
  });

  test('balanced as set, and a KEDA ScaledObject, count as the default does', () => {
    const front = ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: ' balanced' });
    const result = found([...app, scaledObject('app', undefined, { minReplicaCount: 2, maxReplicaCount: 6 }), front]);
    expect(result.map(f => [f.severity, f.resource.kind, f.message])).toEqual([[Severity.INFO, 'Ingress',
      'Ingress app: ingress-nginx cookie affinity in balanced mode (as set) in front of Deployment app, which runs 2 to 6 pods (scaled by ScaledObject app): when it scales up, ingress-nginx moves some sessions to the new pods']]);
  });

  test('not when the pod count cannot grow, nor without an autoscaler', () => {
    const front = ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' });
    expect(found([...app, hpa('app', 3, 3), front])).toEqual([]);
    expect(found([workload('app', { replicas: 5, ...local }), service('app'), front])).toEqual([]);
  });

  test('not when the cookie pins nothing, another controller serves the Ingress, or the mode is unknown (nginx-affinity-mode-unknown says it)', () => {
    expect(found([...app, hpa('app'), ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}service-upstream`]: 'true' })])).toEqual([]);
    expect(found([...app, hpa('app'), withClass(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' }), 'traefik')])).toEqual([]);
    expect(found([...app, hpa('app'), ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'sticky' })])).toEqual([]);
  });

  test('not for the default backend\'s pods, which ingress-nginx gives no cookie', () => {
    // GIVEN the autoscaled pods reached only through the cookie Ingress's default backend
    const front = ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' });
    const { rules: _rules, ...spec } = front.spec;
    const onlyDefault = { ...front, spec: { ...spec, defaultBackend: { service: { name: 'app', port: { number: 80 } } } } };
    // THEN nothing moves: no user is pinned there to begin with
    expect(found([...app, hpa('app'), onlyDefault])).toEqual([]);
    // AND a rule of the Ingress to them is found as before
    expect(found([...app, hpa('app'), { ...onlyDefault, spec: { ...onlyDefault.spec, rules: front.spec.rules } }])).toHaveLength(1);
  });
});

describe('severity filter', () => {
  test('minSeverity leaves out the findings below it', () => {
    const manifests = [grafana(), service('grafana', { ...CLIENT_IP, type: 'LoadBalancer' })];
    expect(AffinityDoctor.check(manifests).map(f => f.severity)).toEqual([Severity.INFO]);
    expect(AffinityDoctor.check(manifests, { minSeverity: Severity.WARNING })).toEqual([]);
  });
});

describe('Grafana configuration, read as Grafana reads it', () => {
  const secret = (name: string, data: Record<string, string>): Obj => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: data });
  const configMap = (name: string, data: Record<string, string>): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
  const postgresIni = '[database]\ntype = postgres\nhost = db:5432\n';
  const errorsOf = (manifests: Obj[]) => AffinityDoctor.check(manifests).filter(f => f.severity === Severity.ERROR).map(f => f.rule);

  test('GF_DATABASE_TYPE__FILE names a file from a mounted Secret', () => {
    // GIVEN the type in a Secret mounted at /run/secrets/grafana, named by GF_DATABASE_TYPE__FILE
    const opts = {
      env: [{ name: 'GF_DATABASE_TYPE__FILE', value: '/run/secrets/grafana/db-type' }],
      volumes: [{ name: 'db', secret: { secretName: 'grafana-db' } }],
      volumeMounts: [{ name: 'db', mountPath: '/run/secrets/grafana', readOnly: true }],
    };
    // THEN postgres is read from the file; SQLite in the file is still local
    expect(rulesOf([grafana(opts), secret('grafana-db', { 'db-type': 'postgres\n' }), service('grafana')])).toEqual([]);
    expect(rulesOf([grafana(opts), secret('grafana-db', { 'db-type': 'sqlite3' }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('GF_DATABASE_TYPE__FILE on a Secret not among the manifests is not an error, and is named', () => {
    const opts = {
      env: [{ name: 'GF_DATABASE_TYPE__FILE', value: '/run/secrets/grafana/db-type' }],
      volumes: [{ name: 'db', secret: { secretName: 'grafana-db' } }],
      volumeMounts: [{ name: 'db', mountPath: '/run/secrets/grafana' }],
    };
    const found = AffinityDoctor.check([grafana(opts), service('grafana')]);
    expect(found.map(f => f.rule)).toEqual(['grafana-database-source-missing']);
    expect(found[0].message).toContain('Secret grafana-db (volume db at /run/secrets/grafana)');
  });

  test('GF_DATABASE_URL__FILE from a Secret key mapped by items', () => {
    const opts = {
      env: [{ name: 'GF_DATABASE_URL__FILE', value: '/secrets/url' }],
      volumes: [{ name: 'db', secret: { secretName: 'grafana-db', items: [{ key: 'database-url', path: 'url' }] } }],
      volumeMounts: [{ name: 'db', mountPath: '/secrets' }],
    };
    expect(rulesOf([grafana(opts), secret('grafana-db', { 'database-url': 'mysql://grafana:pw@mysql:3306/grafana' }), service('grafana')])).toEqual([]);
  });

  test('grafana.ini with type = postgres through a projected volume', () => {
    const volumes = [{ name: 'config', projected: { sources: [{ configMap: { name: 'grafana-ini' } }, { secret: { name: 'grafana-creds' } }] } }];
    const volumeMounts = [{ name: 'config', mountPath: '/etc/grafana' }];
    const manifests = [grafana({ volumes, volumeMounts }), configMap('grafana-ini', { 'grafana.ini': postgresIni }), secret('grafana-creds', { password: 'x' }), service('grafana')];
    expect(rulesOf(manifests)).toEqual([]);
  });

  test('grafana.ini mounted with subPath, from a key of another name', () => {
    const volumes = [{ name: 'config', configMap: { name: 'grafana' } }];
    const volumeMounts = [{ name: 'config', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana-config.ini' }];
    expect(rulesOf([grafana({ volumes, volumeMounts }), configMap('grafana', { 'grafana-config.ini': postgresIni }), service('grafana')])).toEqual([]);
    const sqlite = configMap('grafana', { 'grafana-config.ini': '[server]\nroot_url = https://grafana.example.com\n' });
    expect(rulesOf([grafana({ volumes, volumeMounts }), sqlite, service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('grafana.ini at GF_PATHS_CONFIG, not at the default path', () => {
    const volumes = [{ name: 'config', configMap: { name: 'grafana' } }];
    const volumeMounts = [{ name: 'config', mountPath: '/config' }];
    const moved = grafana({ env: [{ name: 'GF_PATHS_CONFIG', value: '/config/custom.ini' }], volumes, volumeMounts });
    expect(rulesOf([moved, configMap('grafana', { 'custom.ini': postgresIni }), service('grafana')])).toEqual([]);
    // a grafana.ini in a folder Grafana does not read changes nothing
    expect(rulesOf([grafana({ volumes, volumeMounts }), configMap('grafana', { 'grafana.ini': postgresIni }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('dashboards, provisioning and plugins from ConfigMaps not among the manifests never hide SQLite', () => {
    // GIVEN a 3-replica Grafana mounting dashboards and provisioning the manifests do not hold
    const volumes = [
      { name: 'storage', emptyDir: {} },
      { name: 'dashboards', configMap: { name: 'grafana-dashboards' } },
      { name: 'dashboard-nodes', configMap: { name: 'grafana-dashboard-nodes' } },
      { name: 'datasources', secret: { secretName: 'grafana-datasources' } },
      { name: 'plugins', persistentVolumeClaim: { claimName: 'grafana-plugins' } },
    ];
    const volumeMounts = [
      { name: 'storage', mountPath: '/var/lib/grafana' },
      { name: 'dashboards', mountPath: '/etc/grafana/provisioning/dashboards' },
      { name: 'dashboard-nodes', mountPath: '/grafana-dashboard-definitions/0/nodes' },
      { name: 'datasources', mountPath: '/etc/grafana/provisioning/datasources' },
      { name: 'plugins', mountPath: '/var/lib/grafana/plugins' },
    ];
    // THEN it is an error
    expect(rulesOf([grafana({ replicas: 3, volumes, volumeMounts }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('a grafana.ini ConfigMap not among the manifests is named at info level', () => {
    const volumes = [{ name: 'config', configMap: { name: 'grafana-ini' } }];
    const volumeMounts = [{ name: 'config', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana.ini' }];
    const found = AffinityDoctor.check([grafana({ volumes, volumeMounts }), service('grafana')]);
    expect(found.map(f => f.rule)).toEqual(['grafana-database-source-missing']);
    expect(found[0].message).toContain('ConfigMap grafana-ini (volume config at /etc/grafana/grafana.ini)');
  });

  test('a subPathExpr over the configuration file could be any entry of the volume', () => {
    const volumes = [{ name: 'config', configMap: { name: 'grafana-ini' } }];
    const volumeMounts = [{ name: 'config', mountPath: '/etc/grafana/grafana.ini', subPathExpr: '$(POD_NAME).ini' }];
    const manifests = [grafana({ volumes, volumeMounts }), configMap('grafana-ini', { 'grafana-0.ini': postgresIni }), service('grafana')];
    expect(rulesOf(manifests)).toEqual(['grafana-database-source-missing']);
  });

  test('an emptyDir over the configuration folder could hold anything', () => {
    const volumes = [{ name: 'config', emptyDir: {} }];
    const volumeMounts = [{ name: 'config', mountPath: '/etc/grafana' }];
    const found = AffinityDoctor.check([grafana({ volumes, volumeMounts }), service('grafana')]);
    expect(found.map(f => f.rule)).toEqual(['grafana-database-source-missing']);
    expect(found[0].message).toContain('volume config (emptyDir) mounted at /etc/grafana');
  });

  test('env wins over envFrom; a url wins over type', () => {
    const cm = configMap('grafana-env', { GF_DATABASE_TYPE: 'postgres' });
    const envFrom = [{ configMapRef: { name: 'grafana-env' } }];
    expect(errorsOf([grafana({ envFrom, env: [{ name: 'GF_DATABASE_TYPE', value: 'sqlite3' }] }), cm, service('grafana')])).toEqual(['local-sessions-without-affinity']);
    expect(errorsOf([grafana({ env: [{ name: 'GF_DATABASE_TYPE', value: 'sqlite3' }, { name: 'GF_DATABASE_URL', value: 'postgres://g@db/grafana' }] }), service('grafana')])).toEqual([]);
    const iniUrl = configMap('ini', { 'grafana.ini': '[database]\nurl = mysql://g@db/grafana\n' });
    const mounted = { volumes: [{ name: 'c', configMap: { name: 'ini' } }], volumeMounts: [{ name: 'c', mountPath: '/etc/grafana' }] };
    expect(errorsOf([grafana({ ...mounted, env: [{ name: 'GF_DATABASE_TYPE', value: 'sqlite3' }] }), iniUrl, service('grafana')])).toEqual([]);
  });

  test('$(NAME) references in env values are expanded as the kubelet does', () => {
    const cm = configMap('db', { DB_KIND: 'postgres' });
    const env = [{ name: 'DB_KIND', valueFrom: { configMapKeyRef: { name: 'db', key: 'DB_KIND' } } }, { name: 'GF_DATABASE_TYPE', value: '$(DB_KIND)' }];
    expect(rulesOf([grafana({ env }), cm, service('grafana')])).toEqual([]);
    // the ConfigMap elsewhere: not guessed
    expect(rulesOf([grafana({ env }), service('grafana')])).toEqual(['grafana-database-source-missing']);
    // an escaped reference stays literal: a type Grafana refuses
    expect(errorsOf([grafana({ env: [{ name: 'GF_DATABASE_TYPE', value: '$$(DB_KIND)' }] }), service('grafana')])).toEqual(['grafana-database-type-unknown']);
  });

  test('an envFrom Secret elsewhere does not hide a shared database in grafana.ini', () => {
    // GIVEN admin credentials from a Secret the manifests do not hold, and postgres in grafana.ini
    const mounted = { volumes: [{ name: 'c', configMap: { name: 'ini' } }], volumeMounts: [{ name: 'c', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana.ini' }] };
    const manifests = [grafana({ ...mounted, envFrom: [{ secretRef: { name: 'grafana-admin' } }] }), configMap('ini', { 'grafana.ini': postgresIni }), service('grafana')];
    // THEN nothing to say
    expect(rulesOf(manifests)).toEqual([]);
  });

  test('a Secret\'s stringData wins over its data, as the API server merges them', () => {
    const both = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { GF_DATABASE_TYPE: Buffer.from('sqlite3').toString('base64') }, stringData: { GF_DATABASE_TYPE: 'postgres' } };
    expect(rulesOf([grafana({ envFrom: [{ secretRef: { name: 'db' } }] }), both, service('grafana')])).toEqual([]);
  });

  test('envFrom with a prefix', () => {
    const cm = configMap('db', { DATABASE_TYPE: 'postgres' });
    expect(rulesOf([grafana({ envFrom: [{ prefix: 'GF_', configMapRef: { name: 'db' } }] }), cm, service('grafana')])).toEqual([]);
    expect(rulesOf([grafana({ envFrom: [{ prefix: 'APP_', configMapRef: { name: 'db' } }] }), cm, service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('a value Grafana expands at start is not guessed', () => {
    const ini = configMap('ini', { 'grafana.ini': '[database]\ntype = $__file{/run/secrets/db-type}\n' });
    const mounted = { volumes: [{ name: 'c', configMap: { name: 'ini' } }], volumeMounts: [{ name: 'c', mountPath: '/etc/grafana' }] };
    expect(rulesOf([grafana(mounted), ini, service('grafana')])).toEqual(['grafana-database-source-missing']);
  });

  test('an init container with a Grafana image is not the server: only the containers that run serve', () => {
    // GIVEN a Grafana on postgres whose init container installs plugins with the same image
    const withInit = (init: Obj, env: Obj[]): Obj => {
      const g = grafana({ env });
      g.spec.template.spec.initContainers = [init];
      return g;
    };
    const installer = { name: 'install-plugins', image: 'grafana/grafana:11.2.0', command: ['grafana', 'cli', 'plugins', 'install', 'grafana-piechart-panel'] };
    const postgres = [{ name: 'GF_DATABASE_TYPE', value: 'postgres' }];
    // THEN nothing to say: the init container ends before the pod serves
    expect(rulesOf([withInit(installer, postgres), service('grafana')])).toEqual([]);
    // and a sidecar (restartPolicy: Always) runs beside the containers, so a Grafana there counts
    const sidecar = { ...installer, command: undefined, restartPolicy: 'Always' };
    const notGrafana = workload('grafana', { replicas: 4 });
    notGrafana.spec.template.spec.initContainers = [sidecar];
    expect(rulesOf([notGrafana, service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('${NAME} in grafana.ini is the container\'s variable, as Grafana expands it at start', () => {
    // GIVEN grafana.ini with type = ${DB_TYPE}
    const ini = configMap('ini', { 'grafana.ini': '[database]\ntype = ${DB_TYPE}\nhost = pg:5432\n' });
    const mounted = { volumes: [{ name: 'c', configMap: { name: 'ini' } }], volumeMounts: [{ name: 'c', mountPath: '/etc/grafana/grafana.ini', subPath: 'grafana.ini' }] };
    // THEN the variable decides
    expect(rulesOf([grafana({ ...mounted, env: [{ name: 'DB_TYPE', value: 'postgres' }] }), ini, service('grafana')])).toEqual([]);
    const sqlite = AffinityDoctor.check([grafana({ ...mounted, env: [{ name: 'DB_TYPE', value: 'sqlite3' }] }), ini, service('grafana')]);
    expect(sqlite.map(f => f.rule)).toEqual(['local-sessions-without-affinity']);
    expect(sqlite[0].message).toContain('here SQLite (/etc/grafana/grafana.ini [database] type) on each pod');
    // and a variable the container does not set (its image might) is not guessed
    const unset = AffinityDoctor.check([grafana(mounted), ini, service('grafana')]);
    expect(unset.map(f => [f.rule, f.severity])).toEqual([['grafana-database-source-missing', Severity.INFO]]);
    expect(unset[0].message).toContain('the variable DB_TYPE that /etc/grafana/grafana.ini [database] type reads ("${DB_TYPE}"), which the env of container app does not set');
  });

  test('${NAME} and $__env{NAME} in a GF_ variable are expanded too', () => {
    const db = secret('grafana-db', { url: 'postgres://grafana@pg:5432/grafana' });
    const env = [{ name: 'GF_DATABASE_URL', value: '${DATABASE_URL}' }, { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'grafana-db', key: 'url' } } }];
    expect(rulesOf([grafana({ env }), db, service('grafana')])).toEqual([]);
    // the Secret elsewhere: info, never a literal "${database_url}" database
    const found = AffinityDoctor.check([grafana({ env }), service('grafana')]);
    expect(found.map(f => [f.rule, f.severity])).toEqual([['grafana-database-source-missing', Severity.INFO]]);
    expect(found[0].message).toContain('Secret grafana-db (DATABASE_URL of container app)');
    const envForm = [{ name: 'GF_DATABASE_TYPE', value: '$__env{KIND}' }, { name: 'KIND', value: 'mysql' }];
    expect(rulesOf([grafana({ env: envForm }), service('grafana')])).toEqual([]);
  });

  test('$__file{path} reads a file the manifests hold, trimmed', () => {
    const opts = {
      env: [{ name: 'GF_DATABASE_TYPE', value: '$__file{/run/secrets/db/type}' }],
      volumes: [{ name: 'db', secret: { secretName: 'db' } }],
      volumeMounts: [{ name: 'db', mountPath: '/run/secrets/db' }],
    };
    expect(rulesOf([grafana(opts), secret('db', { type: 'postgres\n' }), service('grafana')])).toEqual([]);
    expect(rulesOf([grafana(opts), secret('db', { type: 'sqlite3' }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('Bitnami\'s image reads /opt/bitnami/grafana/conf/grafana.ini', () => {
    // GIVEN Bitnami's Grafana with postgres in a grafana.ini at its own path
    const mountAt = (mountPath: string) => ({ volumes: [{ name: 'c', configMap: { name: 'ini' } }], volumeMounts: [{ name: 'c', mountPath, subPath: 'grafana.ini' }] });
    const image = 'docker.io/bitnami/grafana:11.2.0-debian-12-r0';
    const ini = configMap('ini', { 'grafana.ini': postgresIni });
    // THEN the file is read
    expect(rulesOf([grafana({ image, ...mountAt('/opt/bitnami/grafana/conf/grafana.ini') }), ini, service('grafana')])).toEqual([]);
    expect(rulesOf([grafana({ image: 'bitnamilegacy/grafana:11.2.0', ...mountAt('/opt/bitnami/grafana/conf/grafana.ini') }), ini, service('grafana')])).toEqual([]);
    // and a file at the official image's path is not what Bitnami's reads
    expect(rulesOf([grafana({ image, ...mountAt('/etc/grafana/grafana.ini') }), ini, service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('--config on the command line wins over GF_PATHS_CONFIG', () => {
    const ini = configMap('ini', { 'custom.ini': postgresIni });
    const mounted = { volumes: [{ name: 'c', configMap: { name: 'ini' } }], volumeMounts: [{ name: 'c', mountPath: '/config' }] };
    const withArgs = (args: string[], command?: string[]): Obj => {
      const g = grafana({ ...mounted, env: [{ name: 'GF_PATHS_CONFIG', value: '/etc/grafana/grafana.ini' }, { name: 'CFG', value: '/config/custom.ini' }] });
      Object.assign(g.spec.template.spec.containers[0], { args, ...(command ? { command } : {}) });
      return g;
    };
    // GIVEN the image's start script with --config in args (after its own), in either form, or through $(CFG)
    for (const args of [['--config=/config/custom.ini'], ['-config', '/config/custom.ini'], ['--config', '$(CFG)']]) {
      expect(rulesOf([withArgs(args), ini, service('grafana')])).toEqual([]);
    }
    // GIVEN a command of its own, with --config in a shell script
    expect(rulesOf([withArgs(['-c', 'exec grafana server --homepath=/usr/share/grafana --config=/config/custom.ini'], ['sh']), ini, service('grafana')])).toEqual([]);
  });

  test('a configuration file the doctor cannot place is not read as SQLite', () => {
    const withContainer = (fields: Obj): Obj => {
      const g = grafana();
      Object.assign(g.spec.template.spec.containers[0], fields);
      return g;
    };
    // GIVEN a command that replaces the start script without --config, or a --config the shell expands
    const ownCommand = AffinityDoctor.check([withContainer({ command: ['grafana', 'server', '--homepath=/usr/share/grafana'] }), service('grafana')]);
    expect(ownCommand.map(f => [f.rule, f.severity])).toEqual([['grafana-database-source-missing', Severity.INFO]]);
    expect(ownCommand[0].message).toContain('whose command replaces the image\'s start script and names no --config');
    const shellVar = AffinityDoctor.check([withContainer({ command: ['sh', '-c', 'grafana server --config=$MY_CONFIG'] }), service('grafana')]);
    expect(shellVar.map(f => f.rule)).toEqual(['grafana-database-source-missing']);
    // THEN a shared database given where Grafana reads it anyway still settles it
    expect(rulesOf([withContainer({ command: ['grafana', 'server'], env: [{ name: 'GF_DATABASE_TYPE', value: 'postgres' }] }), service('grafana')])).toEqual([]);
    // and the image's run.sh named as the command is the start script
    expect(rulesOf([withContainer({ command: ['/run.sh'] }), service('grafana')])).toEqual(['local-sessions-without-affinity']);
  });

  test('cfg:database.type on the command line wins over GF_DATABASE_TYPE', () => {
    const g = grafana({ env: [{ name: 'GF_DATABASE_TYPE', value: 'sqlite3' }] });
    g.spec.template.spec.containers[0].args = ['cfg:database.type=postgres'];
    expect(rulesOf([g, service('grafana')])).toEqual([]);
  });

  test('a database type Grafana refuses is said to stop it, not to keep sessions on each pod', () => {
    // GIVEN the scheme postgresql (Grafana takes postgres), or a type not in lowercase
    for (const env of [[{ name: 'GF_DATABASE_URL', value: 'postgresql://grafana:pw@pg:5432/grafana' }], [{ name: 'GF_DATABASE_TYPE', value: 'Postgres' }]]) {
      const found = AffinityDoctor.check([grafana({ env }), service('grafana')]);
      // THEN one error that Grafana does not start, and no claim about sessions
      expect(found.map(f => [f.rule, f.severity])).toEqual([['grafana-database-type-unknown', Severity.ERROR]]);
    }
    // a url's scheme is read as Go's url parser reads it, lowercase
    expect(rulesOf([grafana({ env: [{ name: 'GF_DATABASE_URL', value: 'MySQL://g@db/grafana' }] }), service('grafana')])).toEqual([]);
  });

  test('the info finding is only for several pods', () => {
    expect(rulesOf([grafana({ replicas: 1, envFrom: [{ secretRef: { name: 'elsewhere' } }] }), service('grafana')])).toEqual([]);
  });
});

describe('nginx-samesite-none-without-secure', () => {
  const NGINX = 'nginx.ingress.kubernetes.io/';
  const none = { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-samesite`]: 'None' };

  test('not when spec.tls covers the host: ingress-nginx marks the cookie Secure on HTTPS', () => {
    expect(rulesOf([withTls(ingress('app', 'app', none), 'app.example.com')])).toEqual([]);
    expect(rulesOf([withTls(ingress('app', 'app', none), '*.example.com')])).toEqual([]);
  });

  test('not when another Ingress of the host (same class) has its TLS: the controller serves the host from one server', () => {
    const tlsSibling = withTls(withPaths(ingress('app-static', 'static'), '/static'), 'app.example.com');
    expect(rulesOf([ingress('app', 'app', none), tlsSibling])).toEqual([]);
    const otherClass = { ...tlsSibling, spec: { ...tlsSibling.spec, ingressClassName: 'haproxy' } };
    expect(rulesOf([ingress('app', 'app', none), otherClass])).toEqual(['nginx-samesite-none-without-secure']);
  });

  test('still when spec.tls covers another host', () => {
    expect(rulesOf([withTls(ingress('app', 'app', none), 'other.example.com')])).toEqual(['nginx-samesite-none-without-secure']);
    expect(rulesOf([withTls(ingress('app', 'app', none), '*.app.example.com')])).toEqual(['nginx-samesite-none-without-secure']);
  });

  test.each(['1', 't', 'T', 'TRUE', 'true', 'True'])('not with session-cookie-secure %j, which Go\'s ParseBool reads as true', value => {
    expect(rulesOf([ingress('app', 'app', { ...none, [`${NGINX}session-cookie-secure`]: value })])).toEqual([]);
  });

  test.each(['yes', 'on', 'false', '0'])('still with session-cookie-secure %j', value => {
    expect(rulesOf([ingress('app', 'app', { ...none, [`${NGINX}session-cookie-secure`]: value })])).toEqual(['nginx-samesite-none-without-secure']);
  });
});

describe('ingress-nginx rules across annotations and Ingresses', () => {
  const NGINX = 'nginx.ingress.kubernetes.io/';
  const cookie = { [`${NGINX}affinity`]: 'cookie' };

  test('affinity-mode: the validator trims spaces but is case-sensitive', () => {
    expect(rulesOf([ingress('app', 'app', { ...cookie, [`${NGINX}affinity-mode`]: ' persistent ' })])).toEqual([]);
    expect(rulesOf([ingress('app', 'app', { ...cookie, [`${NGINX}affinity-mode`]: 'Persistent' })])).toEqual(['nginx-affinity-mode-unknown']);
  });

  test('rewrite-target on another Ingress of the host makes its paths regular expressions too', () => {
    const sticky = withPaths(ingress('app', 'app', cookie), '/app/.*');
    const rewriting = withPaths(ingress('api', 'api', { [`${NGINX}rewrite-target`]: '/$2' }), '/api(/|$)(.*)');
    expect(rulesOf([sticky, rewriting])).toContain('nginx-regex-path-without-cookie-path');
    expect(rulesOf([sticky])).toEqual([]);
  });

  test('use-regex with literal paths leaves the cookie path working', () => {
    // Each location's own literal path is a Path browsers match; but /api's does not cover / (cookie-path-not-covering-route)
    expect(rulesOf([withPaths(ingress('app', 'app', { ...cookie, [`${NGINX}use-regex`]: 'true' }), '/', '/api')])).toEqual(['cookie-path-not-covering-route']);
    expect(rulesOf([withPaths(ingress('app', 'app', { ...cookie, [`${NGINX}use-regex`]: 'true' }), '/api')])).toEqual([]);
    expect(rulesOf([withPaths(ingress('app', 'app', { ...cookie, [`${NGINX}use-regex`]: 'false' }), '/api/.*')])).toEqual([]);
  });

  test('a canary Ingress of the host follows the main Ingress\'s affinity', () => {
    const canary = ingress('app-canary', 'app-v2', { [`${NGINX}canary`]: 'true', [`${NGINX}canary-weight`]: '10' });
    expect(rulesOf([ingress('app', 'app', cookie), canary])).toEqual([]);
  });

  test('Ingresses of another class or another host are not compared', () => {
    const other = ingress('app-ws', 'app');
    expect(rulesOf([ingress('app', 'app', cookie), { ...other, spec: { ...other.spec, ingressClassName: 'traefik' } }])).toEqual([]);
    expect(rulesOf([ingress('app', 'app', cookie), { ...other, spec: { ...other.spec, rules: [{ ...other.spec.rules[0], host: 'ws.example.com' }] } }])).toEqual([]);
  });

  test('an Ingress of the host that reaches other pods is left alone', () => {
    expect(rulesOf([ingress('app', 'app', cookie), withPaths(ingress('app-static', 'static'), '/static')])).toEqual([]);
  });

  test('the same pods through another Service count', () => {
    // GIVEN two Services selecting the same pods, one behind the sticky Ingress
    const manifests = [
      workload('app', { replicas: 3 }), service('app'), service('app-ws', { selector: { app: 'app' } }),
      ingress('app', 'app', cookie), withPaths(ingress('app-ws', 'app-ws'), '/ws'),
    ];
    // THEN the other Ingress is named
    expect(rulesOf(manifests)).toEqual(['nginx-affinity-not-on-every-ingress-of-host']);
  });

  test('every unsticky Ingress of the host is named', () => {
    const found = AffinityDoctor.check([ingress('app', 'app', cookie), withPaths(ingress('app-ws', 'app'), '/ws'), withPaths(ingress('app-api', 'app'), '/api')])
      .filter(f => f.rule === 'nginx-affinity-not-on-every-ingress-of-host');
    expect(found.map(f => f.resource.name)).toEqual(['app-ws', 'app-api']);
  });
});

describe('client-ip-multi-port', () => {
  test('not on a headless Service (affinity-without-virtual-ip says it does nothing)', () => {
    const ports = [{ name: 'http', port: 80 }, { name: 'grpc', port: 9090 }];
    expect(rulesOf([service('app', { ...CLIENT_IP, clusterIP: 'None', ports })])).toEqual(['affinity-without-virtual-ip']);
  });

  test('ports without names are written as port/protocol', () => {
    const found = AffinityDoctor.check([service('dns', { ...CLIENT_IP, ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] })]);
    expect(found.map(f => f.message)).toEqual(['Service dns: ClientIP affinity on 2 ports, 53/UDP, 53/TCP; kube-proxy keeps a client\'s pod per port, so its connections to different ports can reach different pods']);
  });
});
