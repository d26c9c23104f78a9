import { GATEWAY_API_MAIN_CRD_DIR, applyDefaults, celErrors, celPropertyName, celRules, crdKeys, crdSchema, unplannableRules } from './cel';
import { crdSchemaErrors } from './crd-schemas';

// The CEL helper itself, on objects that every CRD in crds/ accepts and on
// objects each CRD's rules refuse (with the CRD's own message).

const meta = { name: 'x', namespace: 'shop' };
const HTTPROUTE = 'gateway.networking.k8s.io/v1';

function route(rule: object): object {
  return {
    apiVersion: HTTPROUTE,
    kind: 'HTTPRoute',
    metadata: meta,
    spec: { parentRefs: [{ name: 'gw' }], rules: [rule] },
  };
}

interface Case {
  readonly crd: string;
  readonly good: object;
  readonly bad?: object;
  readonly message?: string;
  readonly dir?: string;
}

const CASES: Case[] = [
  {
    crd: 'KongUpstreamPolicy',
    good: {
      apiVersion: 'configuration.konghq.com/v1beta1',
      kind: 'KongUpstreamPolicy',
      metadata: meta,
      spec: { algorithm: 'sticky-sessions', hashOn: { input: 'none' }, stickySessions: { cookie: 'SHOP' } },
    },
    bad: {
      apiVersion: 'configuration.konghq.com/v1beta1',
      kind: 'KongUpstreamPolicy',
      metadata: meta,
      spec: { algorithm: 'sticky-sessions', stickySessions: { cookie: 'SHOP' } },
    },
    message: "/: When spec.stickySessions is set, spec.hashOn.input must be set to 'none' (no other hash_on fields allowed).",
  },
  {
    crd: 'HTTPProxy',
    good: {
      apiVersion: 'projectcontour.io/v1',
      kind: 'HTTPProxy',
      metadata: meta,
      spec: {
        virtualhost: { fqdn: 'shop.example.com' },
        routes: [{ services: [{ name: 'web', port: 80, validation: { caSecret: 'ca', subjectName: 'web', subjectNames: ['web'] } }] }],
      },
    },
    bad: {
      apiVersion: 'projectcontour.io/v1',
      kind: 'HTTPProxy',
      metadata: meta,
      spec: {
        virtualhost: { fqdn: 'shop.example.com' },
        routes: [{ services: [{ name: 'web', port: 80, validation: { caSecret: 'ca', subjectName: 'web', subjectNames: ['api'] } }] }],
      },
    },
    message: '/spec/routes/0/services/0/validation: subjectNames[0] must equal subjectName if set',
  },
  {
    crd: 'ScaledObject',
    good: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: meta, spec: { scaleTargetRef: { name: 'web' }, minReplicaCount: 2, maxReplicaCount: 5, triggers: [{ type: 'cpu', metadata: { value: '60' } }] } },
    bad: { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: meta, spec: { scaleTargetRef: { name: 'web' }, minReplicaCount: 6, maxReplicaCount: 5, triggers: [{ type: 'cpu', metadata: { value: '60' } }] } },
    message: '/spec: minReplicaCount must be less than or equal to maxReplicaCount',
  },
  {
    crd: 'Middleware',
    good: { apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: meta, spec: { addPrefix: { prefix: '/api' } } },
    bad: { apiVersion: 'traefik.io/v1alpha1', kind: 'Middleware', metadata: meta, spec: { addPrefix: { prefix: 'api' } } },
    message: "/spec/addPrefix/prefix: must start with a '/'",
  },
  {
    crd: 'DestinationRule',
    good: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta, spec: { host: 'web', trafficPolicy: { connectionPool: { tcp: { connectTimeout: '2s' } } } } },
    bad: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: meta, spec: { host: 'web', trafficPolicy: { connectionPool: { tcp: { connectTimeout: '0s' } } } } },
    message: '/spec/trafficPolicy/connectionPool/tcp/connectTimeout: must be a valid duration greater than 1ms',
  },
  {
    crd: 'BackendTrafficPolicy',
    good: {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: meta,
      spec: {
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web' }],
        loadBalancer: { type: 'ConsistentHash', consistentHash: { type: 'Cookie', cookie: { name: 'SHOP', ttl: '0s' } } },
      },
    },
    bad: {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: meta,
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', name: 'web' }], loadBalancer: { type: 'ConsistentHash' } },
    },
    message: '/spec/loadBalancer: If LoadBalancer type is consistentHash, consistentHash field needs to be set.',
  },
  {
    crd: 'HTTPRoute v1.6.1 (defaults read by a rule: backendRef group and kind)',
    good: route({ backendRefs: [{ name: 'web', port: 80 }] }),
    bad: route({ backendRefs: [{ name: 'web' }] }),
    message: '/spec/rules/0/backendRefs/0: Must have port for Service reference',
  },
  {
    crd: 'HTTPRoute v1.6.1 sessionPersistence',
    good: route({ backendRefs: [{ name: 'web', port: 80 }], sessionPersistence: { sessionName: 'SHOP', absoluteTimeout: '1h', cookieConfig: { lifetimeType: 'Permanent' } } }),
    bad: route({ backendRefs: [{ name: 'web', port: 80 }], sessionPersistence: { sessionName: 'SHOP', cookieConfig: { lifetimeType: 'Permanent' } } }),
    message: '/spec/rules/0/sessionPersistence: AbsoluteTimeout must be specified when cookie lifetimeType is Permanent',
  },
  {
    crd: 'HTTPRoute main sessionPersistence (type defaults to Cookie, which needs cookie)',
    dir: GATEWAY_API_MAIN_CRD_DIR,
    good: route({ backendRefs: [{ name: 'web', port: 80 }], sessionPersistence: { cookie: { name: 'SHOP' } } }),
    bad: route({ backendRefs: [{ name: 'web', port: 80 }], sessionPersistence: {} }),
    message: '/spec/rules/0/sessionPersistence: cookie must be specified for Cookie type',
  },
  {
    crd: 'GRPCRoute main',
    dir: GATEWAY_API_MAIN_CRD_DIR,
    good: { apiVersion: HTTPROUTE, kind: 'GRPCRoute', metadata: meta, spec: { rules: [{ backendRefs: [{ name: 'web', port: 80 }], sessionPersistence: { type: 'Header', header: { name: 'x-session' } } }] } },
    bad: { apiVersion: HTTPROUTE, kind: 'GRPCRoute', metadata: meta, spec: { rules: [{ backendRefs: [{ name: 'web', port: 80 }], sessionPersistence: { type: 'Header' } }] } },
    message: '/spec/rules/0/sessionPersistence: header must be specified for Header type',
  },
  {
    crd: 'XBackendTrafficPolicy v1.6.1',
    good: { apiVersion: 'gateway.networking.x-k8s.io/v1alpha1', kind: 'XBackendTrafficPolicy', metadata: meta, spec: { targetRefs: [{ group: '', kind: 'Service', name: 'web' }], sessionPersistence: { sessionName: 'SHOP' } } },
    bad: { apiVersion: 'gateway.networking.x-k8s.io/v1alpha1', kind: 'XBackendTrafficPolicy', metadata: meta, spec: { targetRefs: [{ group: '', kind: 'Service', name: 'web' }], sessionPersistence: { type: 'Header', cookieConfig: {} } } },
    message: '/spec/sessionPersistence: cookieConfig can only be set with type Cookie',
  },
  {
    crd: 'XBackendTrafficPolicy main',
    dir: GATEWAY_API_MAIN_CRD_DIR,
    good: { apiVersion: 'gateway.networking.x-k8s.io/v1alpha1', kind: 'XBackendTrafficPolicy', metadata: meta, spec: { targetRefs: [{ group: '', kind: 'Service', name: 'web' }], sessionPersistence: { cookie: {} } } },
    bad: { apiVersion: 'gateway.networking.x-k8s.io/v1alpha1', kind: 'XBackendTrafficPolicy', metadata: meta, spec: { targetRefs: [{ group: '', kind: 'Service', name: 'web' }], sessionPersistence: { type: 'Header', cookie: {}, header: { name: 'x' } } } },
    message: '/spec/sessionPersistence: cookie must be nil if type is not Cookie',
  },
  // CRDs with no CEL rules: a good object passes; there is nothing to break.
  { crd: 'VirtualServer', good: { apiVersion: 'k8s.nginx.org/v1', kind: 'VirtualServer', metadata: meta, spec: { host: 'shop.example.com', upstreams: [{ name: 'web', service: 'web', port: 80, sessionCookie: { enable: true, name: 'SHOP' } }], routes: [{ path: '/', action: { pass: 'web' } }] } } },
  { crd: 'GCPBackendPolicy', good: { apiVersion: 'networking.gke.io/v1', kind: 'GCPBackendPolicy', metadata: meta, spec: { targetRef: { group: '', kind: 'Service', name: 'web' }, default: { sessionAffinity: { type: 'GENERATED_COOKIE', cookieTtlSec: 3600 } } } } },
  { crd: 'GCPSessionAffinityPolicy', good: { apiVersion: 'networking.gke.io/v1', kind: 'GCPSessionAffinityPolicy', metadata: meta, spec: { targetRef: { group: '', kind: 'Service', name: 'web' }, statefulGeneratedCookie: { cookieTtlSeconds: 60 } } } },
  { crd: 'GCPSessionAffinityFilter', good: { apiVersion: 'networking.gke.io/v1', kind: 'GCPSessionAffinityFilter', metadata: meta, spec: { statefulGeneratedCookie: { cookieTtlSeconds: 60 } } } },
  { crd: 'IngressRoute', good: { apiVersion: 'traefik.io/v1alpha1', kind: 'IngressRoute', metadata: meta, spec: { routes: [{ kind: 'Rule', match: 'Host(`a`)', services: [{ name: 'web', port: 80, sticky: { cookie: { name: 'SHOP' } } }] }] } } },
  { crd: 'TraefikService', good: { apiVersion: 'traefik.io/v1alpha1', kind: 'TraefikService', metadata: meta, spec: { weighted: { services: [{ name: 'web', port: 80 }] } } } },
  { crd: 'ReferenceGrant', good: { apiVersion: 'gateway.networking.k8s.io/v1beta1', kind: 'ReferenceGrant', metadata: meta, spec: { from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'web' }], to: [{ group: '', kind: 'Service' }] } } },
];

describe('CEL rules of the CRDs (test helper)', () => {
  test('GIVEN every CRD in crds/ and crds/gateway-api-main WHEN planned THEN every rule is understood', () => {
    expect(celRules().length).toBeGreaterThan(400);
    expect(celRules(GATEWAY_API_MAIN_CRD_DIR).length).toBeGreaterThan(100);
    expect(unplannableRules()).toEqual([]);
    expect(unplannableRules(GATEWAY_API_MAIN_CRD_DIR)).toEqual([]);
  });

  test.each(CASES)('GIVEN a good $crd WHEN checked THEN the schema and every rule hold', ({ good, dir }) => {
    expect(crdSchemaErrors(good as any, dir)).toEqual([]);
  });

  test.each(CASES.filter(c => c.bad))('GIVEN a bad $crd WHEN checked THEN its CRD\'s rule refuses it with its message', ({ bad, dir, message }) => {
    // The bad objects pass the structural schema: only CEL catches them.
    expect(crdSchemaErrors(bad as any, dir)).toEqual([message]);
  });

  test('GIVEN every CRD in crds/ and crds/gateway-api-main WHEN listed THEN each kind has a known-good object here', () => {
    const covered = new Set(CASES.map(c => `${c.dir ?? 'crds'} ${(c.good as any).apiVersion.split('/')[0]} ${(c.good as any).kind}`));
    const kinds = (dir: string | undefined) => [...new Set(crdKeys(dir).map(k => `${dir ?? 'crds'} ${k.split('/')[0]} ${k.split('/').pop()}`))];
    const missing = [...kinds(undefined), ...kinds(GATEWAY_API_MAIN_CRD_DIR)].filter(k => !covered.has(k));
    expect(missing).toEqual([]);
  });

  test('GIVEN the CRDs without CEL rules WHEN listed THEN they really have none', () => {
    const kinds = new Set(celRules().map(r => r.crd.split('/').pop()));
    for (const kind of ['VirtualServer', 'GCPBackendPolicy', 'GCPSessionAffinityPolicy', 'GCPSessionAffinityFilter', 'IngressRoute', 'TraefikService', 'ReferenceGrant']) {
      expect(kinds.has(kind)).toBe(false);
    }
  });

  test('GIVEN property names CEL reserves or cannot spell WHEN escaped THEN as Kubernetes does', () => {
    expect(celPropertyName('namespace')).toBe('__namespace__');
    expect(celPropertyName('if')).toBe('__if__');
    expect(celPropertyName('x-prop')).toBe('x__dash__prop');
    expect(celPropertyName('a.b/c')).toBe('a__dot__b__slash__c');
    expect(celPropertyName('a__b')).toBe('a__underscores__b');
    expect(celPropertyName('name')).toBe('name');
  });

  test('GIVEN a parentRef in another namespace listed twice WHEN checked THEN the rule reading __namespace__ refuses it', () => {
    const twice = {
      apiVersion: HTTPROUTE,
      kind: 'HTTPRoute',
      metadata: meta,
      spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }, { name: 'gw', namespace: 'infra' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] },
    };
    expect(celErrors(twice)).toEqual(['/spec/parentRefs: sectionName or port must be unique when parentRefs includes 2 or more references to the same parent']);
  });

  test('GIVEN an HTTPRoute WHEN defaulted THEN group, kind, weight and the path match are filled as the API server does', () => {
    const schema = crdSchema(HTTPROUTE, 'HTTPRoute')!;
    const out = applyDefaults(schema, { spec: { parentRefs: [{ name: 'gw' }], rules: [{ backendRefs: [{ name: 'web', port: 80 }] }] } }) as any;
    expect(out.spec.parentRefs[0]).toEqual({ name: 'gw', group: 'gateway.networking.k8s.io', kind: 'Gateway' });
    expect(out.spec.rules[0].backendRefs[0]).toEqual({ name: 'web', port: 80, group: '', kind: 'Service', weight: 1 });
    expect(out.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
  });
});
