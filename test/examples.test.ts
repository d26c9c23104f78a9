import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'yaml';
import { Manifest, only, validateManifests } from './util/manifests';

const root = path.resolve(__dirname, '..');
const examples = fs.readdirSync(path.join(root, 'examples'))
  .filter(name => fs.existsSync(path.join(root, 'examples', name, 'cdk8s.yaml')))
  .sort();

/** Timeouts each example app is written with, from the seed it reproduces. */
const EXPECTED_TIMEOUTS: Record<string, number> = {
  'affinity-test': 300,
  'external-app': 3600,
  'file-upload': 7200,
  'grafana': 10800,
  'legacy-app': 3600,
  'stateful-app': 10800,
  'websocket-server': 86400,
};

let run: ReturnType<typeof spawnSync>;
beforeAll(() => {
  // The README's command, as a user runs it.
  run = spawnSync('npm', ['run', 'examples'], { cwd: root, encoding: 'utf-8' });
});

function manifestsOf(name: string): Manifest[] {
  const dir = path.join(root, 'dist', 'examples', name);
  return fs.readdirSync(dir)
    .filter(f => f.endsWith('.k8s.yaml'))
    .flatMap(f => yaml.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf-8')).map(d => d.toJSON()));
}

test('npm run examples synthesizes every example', () => {
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.anything() });
  expect(run.stdout).toContain(`${examples.length} examples synthesized into dist/examples/`);
  expect(examples).toEqual(Object.keys(EXPECTED_TIMEOUTS));
});

describe.each(examples)('example %s', (name) => {
  test('is valid Kubernetes, sticky, with the seed\'s timeout', () => {
    const manifests = manifestsOf(name);
    validateManifests(manifests);
    const service = only(manifests, 'Service', name);
    expect(service.spec.sessionAffinity).toEqual('ClientIP');
    expect(service.spec.sessionAffinityConfig.clientIP.timeoutSeconds).toEqual(EXPECTED_TIMEOUTS[name]);
    if (service.spec.type === 'LoadBalancer') {
      expect(service.spec.externalTrafficPolicy).toEqual('Local');
    }
    expect(manifests).toMatchSnapshot();
  });

  test('runs its containers as non-root, with probes', () => {
    const deployment = only(manifestsOf(name), 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    for (const container of pod.containers) {
      expect(container.securityContext.runAsNonRoot).toBe(true);
      expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
      expect(container.readinessProbe).toBeDefined();
      expect(container.livenessProbe).toBeDefined();
    }
  });

  test('its Service selects its pods', () => {
    const manifests = manifestsOf(name);
    const labels = only(manifests, 'Deployment').spec.template.metadata.labels;
    expect(labels).toMatchObject(only(manifests, 'Service', name).spec.selector);
  });
});
