// Affinity settings that a front reads, but for fewer pods, ports or proxies
// than they seem to cover, in front of Grafana with 4 pods and SQLite
// sessions (so only affinity that really pins users clears the error), and
// the twin of each case that does pin them.
import * as yaml from 'yaml';
import { AffinityDoctor, Finding } from '../../src';

const BASE = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: observability}
spec:
  replicas: 4
  selector: {matchLabels: {app: grafana}}
  template:
    metadata: {labels: {app: grafana}}
    spec:
      containers:
      - name: grafana
        image: grafana/grafana:11.3.0
        ports: [{containerPort: 3000, name: http}]
---
apiVersion: v1
kind: Service
metadata: {name: grafana, namespace: observability}
spec:
  selector: {app: grafana}
  ports: [{name: http, port: 3000, targetPort: 3000}]
`;

const SHARED = 'or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).';

/** The findings for Grafana's Deployment and Service plus `front`, the Service's annotations replaced by `annotations` when given. */
function check(front: string, annotations?: Record<string, string>): Finding[] {
  const docs = yaml.parseAllDocuments(`${BASE}---\n${front}`).map(d => d.toJS());
  if (annotations) {
    docs[1].metadata.annotations = annotations;
  }
  return AffinityDoctor.check(docs);
}

/** The local-sessions-without-affinity findings among them. */
function local(front: string, annotations?: Record<string, string>): Finding[] {
  return check(front, annotations).filter(f => f.rule === 'local-sessions-without-affinity');
}

describe('Traefik CRDs', () => {
  const ingressRoute = (service: string) => `
apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata: {name: grafana, namespace: observability}
spec:
  entryPoints: [websecure]
  routes:
  - match: Host(\`grafana.example.com\`)
    kind: Rule
    services: [${service}]
  tls: {}
`;

  test('GIVEN an IngressRoute service with nativeLB and a sticky cookie WHEN checked THEN the cookie is not counted: its only server is the cluster IP', () => {
    // GIVEN
    const front = ingressRoute('{name: grafana, port: 3000, nativeLB: true, sticky: {cookie: {name: g}}}');
    // WHEN
    const found = local(front);
    // THEN
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('Not counted: Traefik sticky cookie on IngressRoute grafana, as IngressRoute grafana sets nativeLB: true on its service grafana, '
      + 'so Traefik\'s only upstream is the Service\'s cluster IP: the affinity picks that one address for every user, and kube-proxy spreads the requests over the pods');
    expect(found[0].fix).toBe(`Remove nativeLB from service grafana of IngressRoute grafana, so that Traefik picks the pods itself and its affinity pins them; ${SHARED}`);
  });

  test('GIVEN the same IngressRoute without nativeLB (or with nativeLB: false) THEN the cookie pins users: clean', () => {
    expect(check(ingressRoute('{name: grafana, port: 3000, sticky: {cookie: {name: g}}}'))).toEqual([]);
    expect(check(ingressRoute('{name: grafana, port: 3000, nativeLB: false, sticky: {cookie: {name: g}}}'))).toEqual([]);
  });

  const weighted = (child: string, top: string) => `
apiVersion: traefik.io/v1alpha1
kind: TraefikService
metadata: {name: grafana-w, namespace: observability}
spec:
  weighted:
    services: [${child}]
${top}
---
${ingressRoute('{name: grafana-w, kind: TraefikService}')}`;

  test('GIVEN a weighted TraefikService with a sticky cookie on the weighted level only WHEN checked THEN it is not counted: the pods need a cookie of their own', () => {
    // GIVEN
    const front = weighted('{name: grafana, port: 3000, weight: 1}', '    sticky: {cookie: {name: lb}}');
    // WHEN
    const found = local(front);
    // THEN
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('Not counted: Traefik weighted sticky cookie on TraefikService grafana-w, as TraefikService grafana-w sets sticky.cookie on weighted only: '
      + 'that cookie keeps a browser on one of its weighted services, and the pods of Service grafana are picked by that service\'s own load balancer, which has no sticky cookie');
    expect(found[0].fix).toBe('Set sticky.cookie on service grafana among the weighted services of TraefikService grafana-w too, so that Traefik keeps a browser on one of its pods '
      + `(each level of load balancing needs its own cookie); ${SHARED}`);
  });

  test('GIVEN the weighted service entry with its own sticky cookie (with or without the weighted level\'s) THEN users are pinned: clean', () => {
    expect(check(weighted('{name: grafana, port: 3000, weight: 1, sticky: {cookie: {name: pod}}}', '    sticky: {cookie: {name: lb}}'))).toEqual([]);
    expect(check(weighted('{name: grafana, port: 3000, weight: 1, sticky: {cookie: {name: pod}}}', ''))).toEqual([]);
  });

  test('GIVEN a weighted entry with a sticky cookie and nativeLB THEN the cluster IP is its only server: not counted', () => {
    const found = local(weighted('{name: grafana, port: 3000, weight: 1, nativeLB: true, sticky: {cookie: {name: pod}}}', '    sticky: {cookie: {name: lb}}'));
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('Not counted: Traefik sticky cookie on TraefikService grafana-w, as TraefikService grafana-w sets nativeLB: true on its service grafana');
  });
});

describe('Kong', () => {
  const STICKY = { 'konghq.com/upstream-policy': 'sticky' };
  const policy = (spec: string) => `
apiVersion: configuration.konghq.com/v1beta1
kind: KongUpstreamPolicy
metadata: {name: sticky, namespace: observability}
spec: ${spec}
`;
  const kongIngress = `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: grafana, namespace: observability}
spec:
  ingressClassName: kong
  rules:
  - host: grafana.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: grafana, port: {number: 3000}}}}]}
`;
  const HASH_COOKIE = '{algorithm: consistent-hashing, hashOn: {cookie: session, cookiePath: /}}';

  test('GIVEN a consistent-hashing policy on a cookie, named on the Service, behind a Kong Ingress WHEN checked THEN it is cookie affinity: clean', () => {
    // GIVEN open-source Kong's cookie hashing, which sets the cookie when a request has none
    const front = `${policy(HASH_COOKIE)}---\n${kongIngress}`;
    // WHEN / THEN
    expect(check(front, STICKY)).toEqual([]);
  });

  test('GIVEN the same policy not named on the Service THEN the error stays, and the policy is said to apply to nothing', () => {
    const found = check(`${policy(HASH_COOKIE)}---\n${kongIngress}`);
    expect(found.map(f => [f.rule, f.resource.kind])).toEqual([
      ['local-sessions-without-affinity', 'Service'],
      ['kong-sticky-policy-unused', 'KongUpstreamPolicy'],
    ]);
    expect(found[1].message).toBe('KongUpstreamPolicy observability/sticky asks for consistent hashing on a cookie, but no Service in its namespace names it in konghq.com/upstream-policy: it applies to nothing');
  });

  test('GIVEN the cookie-hashing policy named on a Service no route reaches THEN the cookie is never set: the warning names the policy', () => {
    const found = check(policy(HASH_COOKIE), STICKY).filter(f => f.rule === 'kong-sticky-policy-unused');
    expect(found.map(f => f.message)).toEqual(['Service observability/grafana carries the cookie-hashing KongUpstreamPolicy sticky, but no Ingress or route among the manifests reaches it: the cookie is never set']);
  });

  test('GIVEN consistent hashing on a header or on a query argument THEN no cookie is set: still the error', () => {
    for (const hashOn of ['{header: x-user}', '{queryArg: user}']) {
      expect(local(`${policy(`{algorithm: consistent-hashing, hashOn: ${hashOn}}`)}---\n${kongIngress}`, STICKY)).toHaveLength(1);
    }
    // AND a cookie under another algorithm is not hashed on
    expect(local(`${policy('{algorithm: round-robin, hashOn: {cookie: session, cookiePath: /}}')}---\n${kongIngress}`, STICKY)).toHaveLength(1);
  });
});
