// What pins a browser to a pod behind a Gateway API route, an Envoy Gateway
// policy or a GKE Gateway policy: cookie sessions only, on every path to the
// Service, and only for the routes the policy's controller reads.
import { Obj, grafana, ingress, service, withClass } from './fixtures';
import { AffinityDoctor, Finding } from '../../src';

const NS = 'observability';
const GATEWAY = 'gateway.networking.k8s.io';

/** Grafana on SQLite with 4 pods and its Service, in `observability`. */
function base(): Obj[] {
  const g = grafana();
  return [{ ...g, metadata: { ...g.metadata, namespace: NS } }, service('grafana', {}, undefined, NS)];
}

/** An HTTPRoute in `observability` with these rules (one plain rule when none is given), each to the grafana Service. */
function route(name: string, ...given: Obj[]): Obj {
  const rules = given.length === 0 ? [{}] : given;
  return {
    apiVersion: `${GATEWAY}/v1`,
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: { parentRefs: [{ name: 'eg' }], rules: rules.map(r => ({ backendRefs: [{ name: 'grafana', port: 80 }], ...r })) },
  };
}

const prefix = (value: string) => ({ matches: [{ path: { type: 'PathPrefix', value } }] });
const COOKIE_SESSION = { sessionPersistence: { type: 'Cookie', sessionName: 'G' } };

function btp(consistentHash: Obj): Obj {
  return {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'BackendTrafficPolicy',
    metadata: { name: 'grafana', namespace: NS },
    spec: { targetRefs: [{ group: GATEWAY, kind: 'HTTPRoute', name: 'grafana' }], loadBalancer: { type: 'ConsistentHash', consistentHash } },
  };
}

function xbtp(sessionPersistence: Obj): Obj {
  return {
    apiVersion: 'gateway.networking.x-k8s.io/v1alpha1',
    kind: 'XBackendTrafficPolicy',
    metadata: { name: 'grafana', namespace: NS },
    spec: { targetRefs: [{ group: '', kind: 'Service', name: 'grafana' }], sessionPersistence },
  };
}

function gcpPolicy(namespace: string, targetRef: Obj = {}): Obj {
  return {
    apiVersion: 'networking.gke.io/v1',
    kind: 'GCPBackendPolicy',
    metadata: { name: 'grafana', namespace },
    spec: { default: { sessionAffinity: { type: 'GENERATED_COOKIE', cookieTtlSec: 3600 } }, targetRef: { group: '', kind: 'Service', name: 'grafana', ...targetRef } },
  };
}

function gceIngress(): Obj {
  const ing = withClass(ingress('grafana', 'grafana'), 'gce');
  return { ...ing, metadata: { ...ing.metadata, namespace: NS } };
}

const lost = (manifests: Obj[]): Finding[] => AffinityDoctor.check(manifests).filter(f => f.rule === 'local-sessions-without-affinity');

const SPREAD = `Service ${NS}/grafana spreads requests over the 4 pods of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); `;
const NONE = `${SPREAD}with no ClientIP or cookie affinity in front, users are logged out at random`;

describe('a header session pins no browser', () => {
  test('GIVEN an HTTPRoute rule with sessionPersistence type Header THEN an error that says why it is not counted', () => {
    // WHEN
    const found = lost([...base(), route('grafana', { sessionPersistence: { type: 'Header', sessionName: 'X-Session' } })]);
    // THEN
    expect(found.map(f => f.message)).toEqual([`${NONE}. Not counted: Gateway API sessionPersistence on HTTPRoute grafana, as HTTPRoute grafana rule 1 (PathPrefix /) sets sessionPersistence.type Header: the gateway gives the session out in a response header (X-Session) and keeps on one pod only the requests that send that header back, which a browser never does on its own, so a browser's requests go to any pod`]);
    expect(found[0].fix).toMatch(/^Set sessionPersistence\.type to Cookie on HTTPRoute grafana rule 1 \(PathPrefix \/\), or leave type out \(Cookie is the default\)/);
  });

  test('GIVEN type Cookie, or no type (the CRD defaults it to Cookie) THEN nothing is found', () => {
    expect(lost([...base(), route('grafana', COOKIE_SESSION)])).toEqual([]);
    expect(lost([...base(), route('grafana', { sessionPersistence: { sessionName: 'G' } })])).toEqual([]);
  });

  test('GIVEN an XBackendTrafficPolicy with type Header THEN an error; with type Cookie, nothing', () => {
    const found = lost([...base(), route('grafana'), xbtp({ type: 'Header', sessionName: 'X-Session' })]);
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('Not counted: Gateway API sessionPersistence on XBackendTrafficPolicy grafana, as XBackendTrafficPolicy grafana sets sessionPersistence.type Header')]);
    expect(lost([...base(), route('grafana'), xbtp({ type: 'Cookie', sessionName: 'G' })])).toEqual([]);
  });

  test('GIVEN an XBackendTrafficPolicy cookie under a route rule\'s header session THEN the rule, which wins, pins nobody', () => {
    const found = lost([...base(), route('grafana', { sessionPersistence: { type: 'Header', sessionName: 'X-Session' } }), xbtp({ type: 'Cookie' })]);
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('Not counted: Gateway API sessionPersistence on HTTPRoute grafana, as HTTPRoute grafana rule 1 (PathPrefix /) sets sessionPersistence.type Header')]);
  });

  test('GIVEN an Envoy Gateway BackendTrafficPolicy hashing on a header THEN an error; hashing on a cookie with a ttl, nothing', () => {
    const found = lost([...base(), route('grafana'), btp({ type: 'Header', header: { name: 'x-user' } })]);
    expect(found.map(f => f.message)).toEqual([`${NONE}. Not counted: Envoy Gateway header hash on BackendTrafficPolicy grafana, as BackendTrafficPolicy grafana hashes on the request header x-user, which a browser does not send on its own: a browser's requests go to any pod`]);
    expect(found[0].fix).toMatch(/^Hash on a cookie instead: consistentHash type Cookie with a cookie\.ttl on BackendTrafficPolicy grafana;/);
    expect(lost([...base(), route('grafana'), btp({ type: 'Cookie', cookie: { name: 'g', ttl: '1h' } })])).toEqual([]);
  });
});

describe('an Envoy Gateway cookie hash without a ttl', () => {
  test('GIVEN consistentHash type Cookie without cookie.ttl THEN an error: Envoy never sets the cookie', () => {
    // WHEN
    const found = lost([...base(), route('grafana'), btp({ type: 'Cookie', cookie: { name: 'g' } })]);
    // THEN
    expect(found.map(f => f.message)).toEqual([`${NONE}. Not counted: Envoy Gateway cookie hash on BackendTrafficPolicy grafana, as BackendTrafficPolicy grafana sets consistentHash.cookie without a ttl, so Envoy never sets the cookie g and only hashes one the browser already sends: requests without it go to any pod`]);
    expect(found[0].fix).toMatch(/^Set consistentHash\.cookie\.ttl on BackendTrafficPolicy grafana \("0s" for a session cookie\), so that Envoy sets the cookie;/);
  });

  test('GIVEN the same with ttl 0s (a session cookie) THEN nothing is found', () => {
    expect(lost([...base(), route('grafana'), btp({ type: 'Cookie', cookie: { name: 'g', ttl: '0s' } })])).toEqual([]);
  });
});

describe('every path to the Service must pin: per rule and per route', () => {
  test('GIVEN one rule of an HTTPRoute with sessionPersistence on /api and another sending / without THEN an error naming the rule that does not pin', () => {
    // WHEN
    const found = lost([...base(), route('grafana', { ...prefix('/api'), ...COOKIE_SESSION }, prefix('/'))]);
    // THEN
    expect(found.map(f => f.message)).toEqual([`${SPREAD}HTTPRoute grafana rule 1 (PathPrefix /api) keeps each user on one pod, but HTTPRoute grafana rule 2 (PathPrefix /) does not, so the users who come through it are logged out at random`]);
    // AND the fix asks for affinity there (ClientIP would do nothing behind a gateway)
    expect(found[0].fix).toMatch(/^Give HTTPRoute grafana rule 2 \(PathPrefix \/\) cookie affinity too /);
  });

  test('GIVEN both rules with sessionPersistence THEN nothing is found', () => {
    expect(lost([...base(), route('grafana', { ...prefix('/api'), ...COOKIE_SESSION }, { ...prefix('/'), ...COOKIE_SESSION })])).toEqual([]);
  });

  test('GIVEN one HTTPRoute with sessionPersistence on /api and another sending / without THEN an error naming that route', () => {
    const found = lost([...base(), route('grafana-api', { ...prefix('/api'), ...COOKIE_SESSION }), route('grafana', {})]);
    expect(found.map(f => f.message)).toEqual([`${SPREAD}HTTPRoute grafana-api keeps each user on one pod, but HTTPRoute grafana does not, so the users who come through it are logged out at random`]);
    // AND with persistence on both routes, nothing
    expect(lost([...base(), route('grafana-api', { ...prefix('/api'), ...COOKIE_SESSION }), route('grafana', COOKIE_SESSION)])).toEqual([]);
  });

  test('GIVEN a rule with a header session beside one with a cookie session THEN the header rule is named', () => {
    const found = lost([...base(), route('grafana', { ...prefix('/api'), ...COOKIE_SESSION }, { ...prefix('/'), sessionPersistence: { type: 'Header', sessionName: 'X' } })]);
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('HTTPRoute grafana rule 1 (PathPrefix /api) keeps each user on one pod, but HTTPRoute grafana rule 2 (PathPrefix /) does not')]);
  });

  test('GIVEN an Envoy Gateway cookie policy on one route and another route without THEN the other route is named', () => {
    const policy = btp({ type: 'Cookie', cookie: { name: 'g', ttl: '0s' } });
    const found = lost([...base(), route('grafana', {}), route('grafana-admin', prefix('/admin')), policy]);
    expect(found.map(f => f.message)).toEqual([expect.stringContaining('HTTPRoute grafana keeps each user on one pod, but HTTPRoute grafana-admin does not')]);
    // AND the policy pins every rule of the route it targets
    expect(lost([...base(), route('grafana', prefix('/api'), prefix('/')), policy])).toEqual([]);
  });

  test('GIVEN an XBackendTrafficPolicy cookie on the Service THEN it pins every Gateway API route, and no Ingress', () => {
    const policy = xbtp({ type: 'Cookie' });
    expect(lost([...base(), route('grafana', prefix('/api'), prefix('/')), policy])).toEqual([]);
    const nginx = { ...ingress('grafana', 'grafana'), metadata: { name: 'grafana', namespace: NS } };
    expect(lost([...base(), route('grafana'), nginx, policy]).map(f => f.message))
      .toEqual([expect.stringContaining('HTTPRoute grafana keeps each user on one pod, but Ingress grafana does not')]);
  });
});

describe('a GKE GCPBackendPolicy', () => {
  test('GIVEN the policy in another namespace than its Service, naming it in targetRef.namespace THEN it is not counted', () => {
    // WHEN
    const found = lost([...base(), gcpPolicy('default', { namespace: NS })]);
    // THEN
    expect(found.map(f => f.message)).toEqual([`${NONE}. Not counted: GKE Gateway generated-cookie affinity on GCPBackendPolicy grafana, as GCPBackendPolicy grafana is in namespace default and names namespace ${NS} in its targetRef, but a GCPBackendPolicy applies only to a Service of its own namespace`]);
    expect(found[0].fix).toMatch(/^Move GCPBackendPolicy grafana to namespace observability \(and drop targetRef\.namespace\);/);
  });

  test('GIVEN the policy in the Service\'s namespace (targetRef.namespace the same, or left out) THEN nothing is found', () => {
    expect(lost([...base(), gcpPolicy(NS, { namespace: NS })])).toEqual([]);
    expect(lost([...base(), gcpPolicy(NS), route('grafana')])).toEqual([]);
  });

  test('GIVEN the policy, an HTTPRoute and a gce Ingress THEN the Ingress, which GKE Ingress serves from a BackendConfig, is named', () => {
    // WHEN
    const found = lost([...base(), gcpPolicy(NS), route('grafana'), gceIngress()]);
    // THEN
    expect(found.map(f => f.message)).toEqual([`${SPREAD}HTTPRoute grafana keeps each user on one pod, but Ingress grafana does not, so the users who come through it are logged out at random`]);
    expect(found[0].fix).toMatch(/^Give Ingress grafana cookie affinity too /);
  });

  test('GIVEN the policy and only a gce Ingress THEN the policy is not counted', () => {
    const found = lost([...base(), gcpPolicy(NS), gceIngress()]);
    expect(found.map(f => f.message)).toEqual([`${NONE}. Not counted: GKE Gateway generated-cookie affinity on GCPBackendPolicy grafana, as GCPBackendPolicy grafana is read for Gateway API routes only (HTTPRoute, GRPCRoute), and the only route to the Service is Ingress grafana`]);
  });

  test('GIVEN the gce Ingress\'s own cookie from a BackendConfig beside the policy THEN nothing is found', () => {
    const backendConfig = {
      apiVersion: 'cloud.google.com/v1',
      kind: 'BackendConfig',
      metadata: { name: 'grafana', namespace: NS },
      spec: { sessionAffinity: { affinityType: 'GENERATED_COOKIE', affinityCookieTtlSec: 3600 } },
    };
    const [g] = base();
    const svc = service('grafana', {}, { 'cloud.google.com/backend-config': '{"default": "grafana"}' }, NS);
    expect(lost([g, svc, backendConfig, gcpPolicy(NS), route('grafana'), gceIngress()])).toEqual([]);
  });
});

describe('an Envoy Gateway policy on a Gateway', () => {
  // Envoy Gateway applies a BackendTrafficPolicy that targets a Gateway to every route attached to it.
  function gatewayPolicy(consistentHash: Obj): Obj {
    return {
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: { name: 'public', namespace: 'infra' },
      spec: { targetRefs: [{ group: GATEWAY, kind: 'Gateway', name: 'eg' }], loadBalancer: { type: 'ConsistentHash', consistentHash } },
    };
  }
  const attached = (r: Obj): Obj => ({ ...r, spec: { ...r.spec, parentRefs: [{ name: 'eg', namespace: 'infra' }] } });

  test('GIVEN a cookie hash with a ttl on the Gateway a plain route attaches to THEN nothing is found', () => {
    expect(lost([...base(), attached(route('grafana')), gatewayPolicy({ type: 'Cookie', cookie: { name: 'lb', ttl: '0s' } })])).toEqual([]);
  });

  test('GIVEN the policy on another Gateway, or a route attached elsewhere THEN the route is still unpinned', () => {
    expect(lost([...base(), route('grafana'), gatewayPolicy({ type: 'Cookie', cookie: { name: 'lb', ttl: '0s' } })])).toHaveLength(1);
  });

  test('GIVEN a cookie hash without a ttl on the Gateway THEN an error that says why it is not counted', () => {
    const found = lost([...base(), attached(route('grafana')), gatewayPolicy({ type: 'Cookie', cookie: { name: 'lb' } })]);
    expect(found).toHaveLength(1);
    expect(found[0].message).toContain('BackendTrafficPolicy public sets consistentHash.cookie without a ttl');
  });
});
