import { AffinityMigration, MigrationFate, MigrationTarget } from '../../src';
import { httpRoutePathProblem } from '../../src/migrate/target-facts';
import { crdSchemaErrors } from '../util/crd-schemas';

// affinity-migrate refuses, path by path, what the HTTPRoute CRD's CEL rules
// would refuse; the CEL helper is the judge of the hand-written check.

const SAMPLES = [
  '/', '/api', '/api/v1/', '/a-b_c.d~e', "/!$&'()*+,;=:@", '/%20space', '/caf%C3%A9',
  '/`x`', '/a//b', '/a/./b', '/a/../b', '/a%2fb', '/a%2Fb', '/a#b', '/a/..', '/a/.', 'api', '/a b', '/a"b', '/a<b>', '/a%zz', '/ü',
  `/${'a'.repeat(1100)}`,
];

function route(value: string, type: string) {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r', namespace: 'shop' },
    spec: { parentRefs: [{ name: 'public' }], rules: [{ matches: [{ path: { type, value } }], backendRefs: [{ name: 'web', port: 80 }] }] },
  };
}

test.each(SAMPLES.flatMap(p => [[p, 'PathPrefix'], [p, 'Exact']]))('GIVEN path %j as %s WHEN checked THEN the migration\'s rule agrees with the CRD (schema and CEL)', (value, type) => {
  const accepted = crdSchemaErrors(route(value, type)).length === 0;
  expect(httpRoutePathProblem(value) === undefined).toBe(accepted);
});

test('GIVEN an Ingress path the HTTPRoute CRD refuses WHEN migrated THEN that path is dropped with the reason and the others are written', () => {
  const ingress = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'files', namespace: 'shop' },
    spec: {
      ingressClassName: 'nginx',
      rules: [{
        host: 'files.example.com',
        http: {
          paths: [
            { path: '/files//raw', pathType: 'Prefix', backend: { service: { name: 'files', port: { number: 80 } } } },
            { path: '/files', pathType: 'Prefix', backend: { service: { name: 'files', port: { number: 80 } } } },
          ],
        },
      }],
    },
  };
  const result = AffinityMigration.migrate([ingress], { target: MigrationTarget.GATEWAY_API, gateway: 'public' });
  expect(result.notes).toEqual([expect.objectContaining({
    subject: 'spec.rules[0].http.paths[0]',
    fate: MigrationFate.DROPPED,
    detail: "path \"/files//raw\": an HTTPRoute PathPrefix path must not contain '//'; this path is not written",
  })]);
  expect(result.objects[0].spec.rules.map((r: any) => r.matches[0].path.value)).toEqual(['/files']);
  expect(crdSchemaErrors(result.objects[0])).toEqual([]);
});
