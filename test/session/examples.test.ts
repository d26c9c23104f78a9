import { synthExample } from '../util/examples';
import { only, validateManifests } from '../util/manifests';

// The session store examples, checked field by field against the seed
// ("Session Affinity in Kubernetes", "Better Alternatives for Production").
// test/examples.test.ts also checks their schema, snapshot and security context.

function appEnv(name: string, deployment: string): any[] {
  const manifests = synthExample(name);
  validateManifests(manifests);
  expect(only(manifests, 'Service', deployment).spec.sessionAffinity).toBeUndefined();
  return only(manifests, 'Deployment', deployment).spec.template.spec.containers[0].env;
}

test('sessions-jwt gives the app JWT_SECRET exactly as the seed does', () => {
  expect(appEnv('sessions-jwt', 'api')).toEqual([
    { name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'jwt-secret' } } },
  ]);
});

test('sessions-postgres gives the app the seed\'s SESSION_DATABASE, with the password from the Secret', () => {
  expect(appEnv('sessions-postgres', 'stateless-app')).toEqual([
    { name: 'SESSION_DATABASE_PASSWORD', valueFrom: { secretKeyRef: { name: 'sessions-db-auth', key: 'password' } } },
    { name: 'SESSION_DATABASE', value: 'postgresql://sessions:$(SESSION_DATABASE_PASSWORD)@sessions-db.default.svc.cluster.local:5432/sessions' },
  ]);
  const statefulSet = only(synthExample('sessions-postgres'), 'StatefulSet', 'sessions-db');
  expect(statefulSet.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toEqual('5Gi');
});

test('sessions-redis gives the app SESSION_STORE naming the Redis Service, and keeps Redis data on a claim', () => {
  expect(appEnv('sessions-redis', 'shop')).toEqual([
    { name: 'SESSION_STORE_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-redis-auth', key: 'password' } } },
    { name: 'SESSION_STORE', value: 'redis://:$(SESSION_STORE_PASSWORD)@shop-redis.shop.svc.cluster.local:6379' },
  ]);
  const manifests = synthExample('sessions-redis');
  expect(only(manifests, 'Service', 'shop-redis').spec.ports).toEqual([{ name: 'redis', port: 6379, targetPort: 6379 }]);
  expect(only(manifests, 'StatefulSet', 'shop-redis').spec.volumeClaimTemplates[0].spec.resources.requests.storage).toEqual('1Gi');
  expect(manifests.filter(m => m.kind === 'Secret')).toEqual([]);
});

test('sessions-memcached gives the app SESSION_STORE naming the Memcached Service', () => {
  expect(appEnv('sessions-memcached', 'shop')).toEqual([
    { name: 'SESSION_STORE', value: 'memcached://shop-memcached.shop.svc.cluster.local:11211' },
  ]);
});
