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

describe('Istio DestinationRules', () => {
  const COOKIE = '{loadBalancer: {consistentHash: {httpCookie: {name: user, ttl: 0s}}}}';
  const rule = (spec: string, namespace = 'observability', host = 'grafana.observability.svc.cluster.local') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: grafana, namespace: ${namespace}}
spec:
  host: ${host}
${spec}
`;
  const route = (parentRef: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: grafana, namespace: observability}
spec:
  parentRefs: [${parentRef}]
  rules:
  - backendRefs: [{name: grafana, port: 3000}]
`;
  const ISTIO_INGRESS = route('{name: istio-gw, namespace: istio-ingress}');

  describe('portLevelSettings', () => {
    test('GIVEN a cookie hash under portLevelSettings for a port the Service does not have WHEN checked THEN it is not counted, and the finding names the Service\'s ports', () => {
      // GIVEN
      const front = rule(`  trafficPolicy:\n    portLevelSettings:\n    - port: {number: 9999}\n      ${COOKIE.slice(1, -1)}`);
      // WHEN
      const found = local(front);
      // THEN
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('Not counted: Istio consistent-hash cookie on DestinationRule grafana, as DestinationRule grafana sets it in portLevelSettings for port 9999, which Service grafana does not have (its ports: 3000)');
      expect(found[0].fix).toBe(`Set it in portLevelSettings of DestinationRule grafana for a port of Service grafana (3000), or in its trafficPolicy.loadBalancer for every port; ${SHARED}`);
    });

    test('GIVEN the same settings for the Service\'s port 3000 THEN the cookie pins users: clean', () => {
      expect(check(rule(`  trafficPolicy:\n    portLevelSettings:\n    - port: {number: 3000}\n      ${COOKIE.slice(1, -1)}`))).toEqual([]);
    });

    test('GIVEN a top-level cookie and a port-level entry for 3000 without a loadBalancer THEN the entry replaces the top level for that port: not counted', () => {
      // GIVEN an entry that only tunes the connection pool of port 3000
      const front = rule(`  trafficPolicy:\n    ${COOKIE.slice(1, -1)}\n    portLevelSettings:\n    - port: {number: 3000}\n      connectionPool: {tcp: {maxConnections: 100}}`);
      // WHEN
      const found = local(front);
      // THEN
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('as DestinationRule grafana has portLevelSettings for port 3000, which replace its top-level settings for that port whole and set no consistent hash');
      expect(found[0].fix).toMatch(/^Set the loadBalancer of DestinationRule grafana in its portLevelSettings for port 3000 too/);
      // AND an entry for another port leaves port 3000 to the top level
      expect(check(rule(`  trafficPolicy:\n    ${COOKIE.slice(1, -1)}\n    portLevelSettings:\n    - port: {number: 9999}\n      connectionPool: {tcp: {maxConnections: 100}}`))).toEqual([]);
    });
  });

  describe('exportTo and the namespace of the rule', () => {
    test('GIVEN a rule exported only to its own namespace and a route through a Gateway in another WHEN checked THEN the gateway\'s proxy does not read it: not counted', () => {
      // GIVEN
      const front = `${rule(`  exportTo: ["."]\n  trafficPolicy: ${COOKIE}`)}---\n${ISTIO_INGRESS}`;
      // WHEN
      const found = local(front);
      // THEN
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('Not counted: Istio consistent-hash cookie on DestinationRule grafana, as DestinationRule grafana is exported only to observability (exportTo: ["."]), '
        + 'and HTTPRoute grafana goes through Gateway istio-ingress/istio-gw, whose proxy runs in namespace istio-ingress');
      expect(found[0].fix).toBe(`Add the namespaces of the gateways in front to exportTo of DestinationRule grafana (or leave exportTo out), so that their proxies read it; ${SHARED}`);
    });

    test('GIVEN the rule exported to the gateway\'s namespace, or everywhere, or the Gateway in the rule\'s namespace THEN the gateway reads it: clean', () => {
      for (const exportTo of ['["*"]', '[".", "istio-ingress"]', '[istio-ingress]']) {
        expect(check(`${rule(`  exportTo: ${exportTo}\n  trafficPolicy: ${COOKIE}`)}---\n${ISTIO_INGRESS}`)).toEqual([]);
      }
      expect(check(`${rule(`  trafficPolicy: ${COOKIE}`)}---\n${ISTIO_INGRESS}`)).toEqual([]);
      expect(check(`${rule(`  exportTo: ["."]\n  trafficPolicy: ${COOKIE}`)}---\n${route('{name: eg}')}`)).toEqual([]);
    });

    test('GIVEN a rule in a namespace that is neither the Service\'s nor the root one THEN only proxies there read it', () => {
      // GIVEN the rule in "web", the gateway in istio-ingress
      const elsewhere = rule(`  trafficPolicy: ${COOKIE}`, 'web');
      const found = local(`${elsewhere}---\n${ISTIO_INGRESS}`);
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('as DestinationRule grafana is in namespace web, neither the Service\'s namespace nor Istio\'s root namespace (istio-system), so only the proxies in web read it, '
        + 'and HTTPRoute grafana goes through Gateway istio-ingress/istio-gw, whose proxy runs in namespace istio-ingress');
      expect(found[0].fix).toMatch(/^Move DestinationRule grafana to namespace observability, the Service's/);
      // AND in the root namespace, or with the gateway in "web", it is read
      expect(check(`${rule(`  trafficPolicy: ${COOKIE}`, 'istio-system')}---\n${ISTIO_INGRESS}`)).toEqual([]);
      expect(check(`${elsewhere}---\n${route('{name: edge, namespace: web}')}`)).toEqual([]);
    });

    test('GIVEN no route among the manifests THEN the clients cannot be told: an exported rule still counts', () => {
      expect(check(rule(`  exportTo: ["."]\n  trafficPolicy: ${COOKIE}`))).toEqual([]);
    });
  });

  describe('workloadSelector', () => {
    const selected = (labels: string) => rule(`  workloadSelector: {matchLabels: ${labels}}\n  trafficPolicy: ${COOKIE}`);

    test('GIVEN a rule selecting no workload among the manifests and no route WHEN checked THEN it applies to no proxy that sends to the Service: not counted', () => {
      // GIVEN
      const found = local(selected('{app: nothing}'));
      // THEN
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('Not counted: Istio consistent-hash cookie on DestinationRule grafana, as DestinationRule grafana has a workloadSelector (app=nothing), '
        + 'so Istio applies it only to the proxies of the pods it selects in namespace observability, and no route among the manifests reaches the Service, '
        + 'nor does it select any workload among them that may send to it (the Service\'s own pods receive its requests)');
      expect(found[0].fix).toBe(`Remove workloadSelector from DestinationRule grafana, so that every proxy that sends to the Service applies it; ${SHARED}`);
      // AND selecting Grafana's own pods is no better: they receive the requests
      expect(local(selected('{app: grafana}'))).toHaveLength(1);
    });

    test('GIVEN a route through a Gateway the selector does not select, or in another namespace THEN not counted', () => {
      const other = local(`${selected(`{${'gateway.networking.k8s.io/gateway-name'}: other}`)}---\n${route('{name: eg}')}`);
      expect(other).toHaveLength(1);
      expect(other[0].message).toContain('and HTTPRoute grafana goes through Gateway observability/eg, whose proxy it does not select');
      const away = local(`${selected(`{${'gateway.networking.k8s.io/gateway-name'}: istio-gw}`)}---\n${ISTIO_INGRESS}`);
      expect(away).toHaveLength(1);
      expect(away[0].message).toContain('and HTTPRoute grafana goes through Gateway istio-ingress/istio-gw, whose proxy runs in namespace istio-ingress');
    });

    test('GIVEN the selector selects the route\'s Gateway, or a workload among the manifests that may call the Service, or labels the manifests do not show THEN it may pin: clean', () => {
      expect(check(`${selected(`{${'gateway.networking.k8s.io/gateway-name'}: eg}`)}---\n${route('{name: eg}')}`)).toEqual([]);
      // Labels Istio's Gateway pods may carry that the manifests do not show (the Gateway is not among them)
      expect(check(`${selected('{istio: ingressgateway}')}---\n${route('{name: eg}')}`)).toEqual([]);
      const frontend = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: observability}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec: {containers: [{name: app, image: example.com/frontend:1}]}
`;
      expect(check(`${selected('{app: frontend}')}---\n${frontend}`)).toEqual([]);
      // AND without a workloadSelector the rule applies to every proxy
      expect(check(rule(`  trafficPolicy: ${COOKIE}`))).toEqual([]);
    });
  });
  describe('VirtualServices through Istio Gateways', () => {
    const gateway = (namespace = 'istio-ingress') => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: ${namespace}}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [grafana.example.com]}]
`;
    const virtualService = (gateways: string, host = 'grafana.observability.svc.cluster.local', namespace = 'istio-ingress') => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: grafana, namespace: ${namespace}}
spec:
  hosts: [grafana.example.com]
  ${gateways}
  http:
  - route: [{destination: {host: ${host}, port: {number: 3000}}}]
`;
    const exported = (to: string) => rule(`  exportTo: ${to}\n  trafficPolicy: ${COOKIE}`);

    test('GIVEN a rule exported only to its own namespace and a VirtualService through an Istio Gateway in another WHEN checked THEN the gateway\'s proxy does not read it: not counted', () => {
      // GIVEN
      const front = [exported('["."]'), gateway(), virtualService('gateways: [public]')].join('---\n');
      // WHEN
      const found = local(front);
      // THEN
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('Not counted: Istio consistent-hash cookie on DestinationRule grafana, as DestinationRule grafana is exported only to observability (exportTo: ["."]), '
        + 'and VirtualService grafana goes through Gateway istio-ingress/public, whose proxy runs in namespace istio-ingress');
      expect(found[0].fix).toBe(`Add the namespaces of the gateways in front to exportTo of DestinationRule grafana (or leave exportTo out), so that their proxies read it; ${SHARED}`);
      // AND a short host is the Service of the VirtualService's namespace, reached as well
      expect(local([exported('["."]'), gateway('web'), virtualService('gateways: [public]', 'grafana.observability', 'web')].join('---\n'))).toHaveLength(1);
    });

    test('GIVEN the rule exported to the gateway\'s namespace, the gateway\'s pods in the rule\'s namespace, or a VirtualService for the sidecars THEN a proxy in front reads it: clean', () => {
      // exported to the gateway's namespace, or everywhere
      expect(check([exported('[".", istio-ingress]'), gateway(), virtualService('gateways: [public]')].join('---\n'))).toEqual([]);
      expect(check([rule(`  trafficPolicy: ${COOKIE}`), gateway(), virtualService('gateways: [istio-ingress/public]')].join('---\n'))).toEqual([]);
      // the Gateway's selected pods among the manifests, in the rule's namespace
      const pods = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingressgateway, namespace: observability}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}}
    spec: {containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:1.30.3}]}
`;
      expect(check([exported('["."]'), gateway(), virtualService('gateways: [public]'), pods].join('---\n'))).toEqual([]);
      // the mesh's sidecars (gateways: [mesh], or none), whose clients cannot be told
      expect(check([exported('["."]'), virtualService('gateways: [mesh]', 'grafana', 'observability')].join('---\n'))).toEqual([]);
      expect(check([exported('["."]'), virtualService('', 'grafana', 'observability')].join('---\n'))).toEqual([]);
    });
  });

  describe('Gateways of another controller', () => {
    const gatewayOf = (controller: string) => `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: ${controller}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: infra}
spec:
  gatewayClassName: eg
  listeners: [{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}]
`;
    const ENVOY = 'gateway.envoyproxy.io/gatewayclass-controller';
    const THROUGH_PUBLIC = route('{name: public, namespace: infra}');

    test('GIVEN a route through a Gateway whose GatewayClass names Envoy Gateway\'s controller WHEN checked THEN no proxy in front reads the DestinationRule: not counted', () => {
      // GIVEN
      const front = [rule(`  trafficPolicy: ${COOKIE}`, 'observability', 'grafana'), gatewayOf(ENVOY), THROUGH_PUBLIC].join('---\n');
      // WHEN
      const found = local(front);
      // THEN
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('Not counted: Istio consistent-hash cookie on DestinationRule grafana, as DestinationRule grafana is read by Istio\'s proxies only (sidecars and Istio\'s gateways), '
        + `and HTTPRoute grafana goes through Gateway infra/public, of GatewayClass eg, whose controller ${ENVOY} is not Istio's and reads no DestinationRule`);
      expect(found[0].fix).toBe(`Set the affinity where the gateway in front reads it (sessionPersistence on the route, or that gateway's own policy), or send the traffic through an Istio gateway, as only Istio's proxies read DestinationRule grafana; ${SHARED}`);
    });

    test('GIVEN the GatewayClass names Istio\'s controller, or the manifests do not show the Gateway\'s class THEN the rule may pin: clean', () => {
      expect(check([rule(`  trafficPolicy: ${COOKIE}`), gatewayOf('istio.io/gateway-controller'), THROUGH_PUBLIC].join('---\n'))).toEqual([]);
      expect(check([rule(`  trafficPolicy: ${COOKIE}`), THROUGH_PUBLIC].join('---\n'))).toEqual([]);
    });

    test('GIVEN Istio\'s other classes (istio-remote, istio-waypoint) or a controller the doctor does not know THEN the rule may pin: clean', () => {
      // istiod's own classes name other controllers than istio.io/gateway-controller; vendors ship Istio under their own names.
      for (const controller of ['istio.io/unmanaged-gateway', 'istio.io/mesh-controller', 'istio.aks.azure.com/gateway-controller']) {
        expect(check([rule(`  trafficPolicy: ${COOKIE}`), gatewayOf(controller), THROUGH_PUBLIC].join('---\n'))).toEqual([]);
      }
    });
  });

  describe('portLevelSettings on a multi-port Service', () => {
    /** Findings with Grafana's Service on ports 80 and 3000. */
    const twoPorts = (front: string) => {
      const docs = yaml.parseAllDocuments(`${BASE}---\n${front}`).map(d => d.toJS());
      docs[1].spec.ports = [{ name: 'http', port: 80, targetPort: 3000 }, { name: 'http-direct', port: 3000, targetPort: 3000 }];
      return AffinityDoctor.check(docs).filter(f => f.rule === 'local-sessions-without-affinity');
    };
    const portLevel = (port: number) => rule(`  trafficPolicy:\n    portLevelSettings:\n    - port: {number: ${port}}\n      ${COOKIE.slice(1, -1)}`);
    const routeTo = (port: number) => route('{name: istio-gw, namespace: istio-ingress}').replace('port: 3000', `port: ${port}`);

    test('GIVEN a cookie only for port 3000 and the only route to port 80 WHEN checked THEN the route\'s port has no hash: not counted', () => {
      // WHEN
      const found = twoPorts(`${portLevel(3000)}---\n${routeTo(80)}`);
      // THEN
      expect(found).toHaveLength(1);
      expect(found[0].message).toContain('Not counted: Istio consistent-hash cookie on DestinationRule grafana, as DestinationRule grafana sets it for Service port 3000 only, '
        + 'and no route to the Service goes to that port (HTTPRoute grafana to port 80)');
    });

    test('GIVEN the cookie for the route\'s port, or a route to port 3000 THEN it pins users: clean', () => {
      expect(twoPorts(`${portLevel(80)}---\n${routeTo(80)}`)).toEqual([]);
      expect(twoPorts(`${portLevel(3000)}---\n${routeTo(3000)}`)).toEqual([]);
      // AND with no route among the manifests the clients' port cannot be told
      expect(twoPorts(portLevel(3000))).toEqual([]);
    });
  });
});
