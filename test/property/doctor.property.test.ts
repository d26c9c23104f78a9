import * as fc from 'fast-check';
import { check } from './harness';
import { AffinityDoctor, Finding, Severity } from '../../src';
import {
  AWS_LB_TYPE_ANNOTATION,
  AWS_NLB_TARGET_TYPE_ANNOTATION,
  AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION,
} from '../../src/facts/cloud-load-balancers';
import { NGINX_AFFINITY_ANNOTATIONS } from '../../src/facts/ingress-nginx';
import { TRAEFIK_STICKY_ANNOTATIONS } from '../../src/facts/traefik';

// The doctor reads any YAML a user points it at: it must never throw, say the
// same thing for the same input, whatever the order of the documents, and
// describe every finding with a known rule and a resource.

/** A few names and namespaces, so that Services, workloads and Ingresses often refer to each other. */
const name = fc.constantFrom('grafana', 'web', 'shop', 'api');
const namespace = fc.option(fc.constantFrom('default', 'observability', 'shop'), { nil: undefined });

/** Values of every type where a string or number is expected. */
const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 6 }), fc.constant([]), fc.constant({}));
const seconds = fc.oneof(fc.integer({ min: -5, max: 100_000 }), fc.constantFrom(0, 1, 86_400, 86_401, 10_800, 1.5), junk);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const annotationValue = fc.oneof(
  fc.constantFrom('cookie', 'balanced', 'persistent', 'true', 'false', 'None', 'Lax', '3600', '0abc', 'INGRESSCOOKIE', 'a;b', 'nlb', 'ip', 'instance', 'external',
    'stickiness.enabled=true,stickiness.type=source_ip', 'stickiness.enabled=false'),
  fc.string({ maxLength: 8 }),
  junk,
);
const annotationKeys = [
  ...Object.values(NGINX_AFFINITY_ANNOTATIONS), ...Object.values(NGINX_AFFINITY_ANNOTATIONS),
  ...Object.values(TRAEFIK_STICKY_ANNOTATIONS),
  AWS_LB_TYPE_ANNOTATION, AWS_NLB_TARGET_TYPE_ANNOTATION, AWS_TARGET_GROUP_ATTRIBUTES_ANNOTATION,
  'kubernetes.io/ingress.class',
];
const annotations = maybe(fc.oneof(
  fc.dictionary(fc.constantFrom(...annotationKeys), annotationValue, { maxKeys: 5 }),
  junk,
));
const metadata = fc.record({ name: fc.oneof({ arbitrary: name, weight: 8 }, { arbitrary: junk, weight: 1 }), namespace, annotations }, { requiredKeys: ['name'] });

const service = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Service'),
  metadata,
  spec: fc.oneof({
    arbitrary: fc.record({
      type: maybe(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'Bogus')),
      clusterIP: maybe(fc.constantFrom('None', '10.0.0.1', '')),
      sessionAffinity: maybe(fc.oneof(fc.constantFrom('ClientIP', 'None', 'clientip'), junk)),
      sessionAffinityConfig: maybe(fc.oneof(fc.record({ clientIP: maybe(fc.oneof(fc.record({ timeoutSeconds: maybe(seconds) }), junk)) }), junk)),
      externalTrafficPolicy: maybe(fc.constantFrom('Local', 'Cluster', 'local')),
      loadBalancerClass: maybe(fc.constantFrom('service.k8s.aws/nlb', 'other')),
      selector: maybe(fc.oneof({ arbitrary: fc.record({ app: name }), weight: 8 }, { arbitrary: junk, weight: 1 })),
      ports: maybe(fc.oneof(fc.constant([{ port: 80, targetPort: 3000 }]), junk)),
    }),
    weight: 8,
  }, { arbitrary: junk, weight: 1 }),
});

const envVar = fc.record({
  name: fc.constantFrom('GF_DATABASE_TYPE', 'GF_DATABASE_URL', 'GF_SESSION_PROVIDER', 'GF_SESSION_PROVIDER_CONFIG', 'SESSION_STORE', 'OTHER'),
  value: maybe(fc.oneof(fc.constantFrom('postgres', 'mysql', 'sqlite3', 'redis', 'postgres://db/grafana'), junk)),
  valueFrom: maybe(fc.oneof(fc.record({ configMapKeyRef: fc.record({ name, key: fc.constantFrom('type', 'grafana.ini') }) }), junk)),
});
const container = fc.record({
  name: fc.constantFrom('grafana', 'app'),
  image: fc.oneof({ arbitrary: fc.constantFrom('grafana/grafana:11.3.0', 'docker.io/grafana/grafana-oss@sha256:abc', 'nginx:1.27', 'registry.example.com/grafana-enterprise:10'), weight: 8 }, { arbitrary: junk, weight: 1 }),
  env: maybe(fc.oneof(fc.array(envVar, { maxLength: 3 }), junk)),
});
const workload = fc.record({
  apiVersion: fc.constant('apps/v1'),
  kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'),
  metadata,
  spec: fc.oneof({
    arbitrary: fc.record({
      replicas: maybe(fc.oneof(fc.integer({ min: 0, max: 10 }), junk)),
      selector: maybe(fc.record({ matchLabels: fc.record({ app: name }) })),
      template: fc.oneof({
        arbitrary: fc.record({
          metadata: fc.record({ labels: fc.oneof({ arbitrary: fc.record({ app: name }), weight: 8 }, { arbitrary: junk, weight: 1 }) }),
          spec: fc.oneof({
            arbitrary: fc.record({
              containers: fc.oneof({ arbitrary: fc.array(container, { minLength: 1, maxLength: 2 }), weight: 8 }, { arbitrary: junk, weight: 1 }),
              volumes: maybe(junk),
            }),
            weight: 8,
          }, { arbitrary: junk, weight: 1 }),
        }),
        weight: 8,
      }, { arbitrary: junk, weight: 1 }),
    }),
    weight: 8,
  }, { arbitrary: junk, weight: 1 }),
});
const ingress = fc.record({
  apiVersion: fc.constant('networking.k8s.io/v1'),
  kind: fc.constant('Ingress'),
  metadata,
  spec: fc.oneof({
    arbitrary: fc.record({
      ingressClassName: maybe(fc.constantFrom('nginx', 'traefik', 'alb', 'gce')),
      defaultBackend: maybe(fc.oneof(fc.record({ service: fc.record({ name, port: fc.record({ number: fc.constant(80) }) }) }), junk)),
      rules: maybe(fc.oneof(fc.array(fc.record({
        host: maybe(fc.constant('example.com')),
        http: fc.oneof(fc.record({
          paths: fc.array(fc.record({
            path: fc.constant('/'),
            pathType: fc.constant('Prefix'),
            backend: fc.oneof(fc.record({ service: fc.record({ name, port: fc.record({ number: fc.constant(80) }) }) }), junk),
          }), { maxLength: 2 }),
        }), junk),
      }), { maxLength: 2 }), junk)),
    }),
    weight: 8,
  }, { arbitrary: junk, weight: 1 }),
});
const scaler = fc.record({
  apiVersion: fc.constantFrom('autoscaling/v2', 'keda.sh/v1alpha1'),
  kind: fc.constantFrom('HorizontalPodAutoscaler', 'ScaledObject'),
  metadata,
  spec: fc.oneof(fc.record({
    scaleTargetRef: fc.oneof(fc.record({ kind: maybe(fc.constantFrom('Deployment', 'StatefulSet')), name }), junk),
    minReplicas: maybe(fc.oneof(fc.integer({ min: 0, max: 5 }), junk)),
    maxReplicas: maybe(fc.oneof(fc.integer({ min: 0, max: 10 }), junk)),
    minReplicaCount: maybe(fc.integer({ min: 0, max: 5 })),
    maxReplicaCount: maybe(fc.integer({ min: 0, max: 10 })),
  }), junk),
});
const configMap = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constantFrom('ConfigMap', 'Secret'),
  metadata,
  data: maybe(fc.oneof(fc.record({ 'type': fc.constantFrom('postgres', 'sqlite3', 'cG9zdGdyZXM='), 'grafana.ini': fc.constantFrom('[database]\ntype = postgres', '[database]\nurl = mysql://x', '[session]\nprovider = redis', '') }), junk)),
});

/** Anything at all: a YAML file can hold any JSON value, and a document with kind and apiVersion can hold anything else. */
const junkDocument = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    apiVersion: fc.constantFrom('v1', 'apps/v1', 'networking.k8s.io/v1'),
    kind: fc.constantFrom('Service', 'Deployment', 'Ingress', 'ScaledObject'),
    metadata: maybe(fc.jsonValue({ maxDepth: 2 })),
    spec: maybe(fc.jsonValue({ maxDepth: 3 })),
  }),
);

const document = fc.oneof(
  { arbitrary: service, weight: 4 },
  { arbitrary: workload, weight: 4 },
  { arbitrary: ingress, weight: 3 },
  { arbitrary: scaler, weight: 2 },
  { arbitrary: configMap, weight: 1 },
  { arbitrary: junkDocument, weight: 1 },
);
const documents = fc.array(document, { maxLength: 8 });

const RULES = new Map(AffinityDoctor.rules().map(r => [r.id, r]));
const key = (f: Finding) => JSON.stringify(f);

describe('AffinityDoctor.check on generated manifests', () => {
  test('never throws, and every finding has a known rule, its severity, a resource and words', () => {
    const seen = new Set<string>();
    check(documents, docs => {
      const findings = AffinityDoctor.check(docs);
      expect(Array.isArray(findings)).toBe(true);
      for (const f of findings) {
        seen.add(f.rule);
        const rule = RULES.get(f.rule);
        expect(rule).toBeDefined();
        expect(f.severity).toBe(rule!.severity);
        expect(Object.values(Severity)).toContain(f.severity);
        expect(typeof f.resource.kind).toBe('string');
        expect(typeof f.resource.apiVersion).toBe('string');
        expect(typeof f.resource.name).toBe('string');
        if (f.resource.namespace !== undefined) {
          expect(typeof f.resource.namespace).toBe('string');
        }
        expect(f.message.length).toBeGreaterThan(0);
        expect(f.fix.length).toBeGreaterThan(0);
      }
    }, 500);
    // The generator reaches the rules, not only the parser.
    if (process.env.PROPERTY_MIX) {
      // eslint-disable-next-line no-console
      console.log(`doctor rules reached: ${[...seen].sort().join(', ')}`);
    }
    expect(seen.size).toBeGreaterThanOrEqual(10);
  });

  test('is deterministic, leaves its input alone, and respects minSeverity', () => {
    check(documents, docs => {
      const before = JSON.stringify(docs);
      const first = AffinityDoctor.check(docs);
      expect(JSON.stringify(docs)).toBe(before);
      expect(AffinityDoctor.check(JSON.parse(before))).toEqual(first);
      expect(AffinityDoctor.check(docs, { minSeverity: Severity.ERROR })).toEqual(first.filter(f => f.severity === Severity.ERROR));
      expect(AffinityDoctor.check(docs, { minSeverity: Severity.WARNING })).toEqual(first.filter(f => f.severity !== Severity.INFO));
    }, 300);
  });

  test('does not depend on the order of the documents (each object named once)', () => {
    const unique = documents.map(docs => {
      const seenRefs = new Set<string>();
      return docs.filter(d => {
        const ref = JSON.stringify([(d as any)?.kind, (d as any)?.metadata?.namespace, (d as any)?.metadata?.name]);
        if (seenRefs.has(ref)) {
          return false;
        }
        seenRefs.add(ref);
        return true;
      });
    });
    const docsAndShuffled = unique.chain(docs =>
      fc.tuple(fc.constant(docs), fc.shuffledSubarray(docs, { minLength: docs.length, maxLength: docs.length })));
    check(docsAndShuffled, ([docs, shuffled]) => {
      expect(AffinityDoctor.check(shuffled).map(key).sort()).toEqual(AffinityDoctor.check(docs).map(key).sort());
    }, 300);
  });

  test('checkYaml agrees with check on the same documents', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml');
    check(fc.array(fc.oneof(service, workload, ingress, scaler), { maxLength: 5 }), docs => {
      // Written for a YAML 1.1 reader, as kubectl and the doctor are (a bare `n` is false there).
      const text = docs.map(d => YAML.stringify(d, { version: '1.1' })).join('---\n');
      const strip = (fs: Finding[]) => fs.map(f => ({ ...f, resource: { ...f.resource, line: undefined, file: undefined } })).map(key).sort();
      expect(strip(AffinityDoctor.checkYaml(text))).toEqual(strip(AffinityDoctor.check(JSON.parse(JSON.stringify(docs)))));
    }, 150);
  });
});
