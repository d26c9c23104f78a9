import { only } from '../util/manifests';
import { synthExample } from '../util/examples';

test('an example can be synthesized in-process by its capability\'s tests', () => {
  const service = only(synthExample('grafana'), 'Service', 'grafana');
  expect(service.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toBe(10800);
});
