import { synthExample } from '../util/examples';
import { only, validateManifests } from '../util/manifests';

describe('example autoscaled-api', () => {
  test('KEDA owns the replica count of a stateless JWT API behind a plain Service', () => {
    // GIVEN the example as `npm run examples` runs it
    const manifests = synthExample('autoscaled-api');
    validateManifests(manifests);
    // THEN the ScaledObject targets the Deployment, 2 to 10 on CPU
    const scaled = only(manifests, 'ScaledObject', 'api');
    expect(scaled.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' },
      minReplicaCount: 2,
      maxReplicaCount: 10,
      triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }],
    });
    // AND the Deployment writes no replicas, requests CPU, and takes its key from the Secret
    const deployment = only(manifests, 'Deployment', 'api');
    expect(deployment.spec.replicas).toBeUndefined();
    const container = deployment.spec.template.spec.containers[0];
    expect(container.resources.requests.cpu).toBe('200m');
    expect(container.env).toEqual([{ name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'app-secrets', key: 'jwt-secret' } } }]);
    // AND the Service in front has no affinity: stateless replicas want round robin
    expect(only(manifests, 'Service', 'api').spec.sessionAffinity).toBeUndefined();
  });
});
