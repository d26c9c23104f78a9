import { synthExample } from '../util/examples';
import { only } from '../util/manifests';

test('an example can be synthesized in-process by its capability\'s tests', () => {
  const service = only(synthExample('grafana'), 'Service', 'grafana');
  expect(service.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toBe(10800);
});
