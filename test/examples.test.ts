import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'yaml';
import { at, leaves, seedService } from './seeds';
import { Manifest, only, validateManifests } from './util/manifests';

const root = path.resolve(__dirname, '..');
const examples = fs.readdirSync(path.join(root, 'examples'))
  .filter(name => fs.existsSync(path.join(root, 'examples', name, 'cdk8s.yaml')))
  .sort();

/**
 * The seed Service each StickyService example reproduces, and the Service type
 * it must have. Examples of the other constructs are checked by their own
 * tests (`test/<capability>/examples.test.ts`); every example gets the schema,
 * snapshot and non-root checks below.
 */
const EXPECTED: Record<string, { seed: string; type: string }> = {
  'affinity-test': { seed: 'affinity-test', type: 'ClusterIP' },
  'external-app': { seed: 'external-app', type: 'LoadBalancer' },
  'file-upload': { seed: 'file-upload', type: 'ClusterIP' },
  'grafana': { seed: 'grafana-lb', type: 'LoadBalancer' },
  'legacy-app': { seed: 'legacy-app', type: 'ClusterIP' },
  'stateful-app': { seed: 'stateful-app', type: 'ClusterIP' },
  'websocket-server': { seed: 'websocket-server', type: 'LoadBalancer' },
};

/**
 * Seed fields an example writes differently on purpose: legacy-app shows
 * exposeWorkload(), which selects the Deployment's own pod label.
 */
const DIFFERS_BY_DESIGN: Record<string, string[]> = {
  'legacy-app': ['spec.selector.app'],
};

let run: ReturnType<typeof spawnSync>;
beforeAll(() => {
  // The README's command, as a user runs it. Against another major
  // (CDK8S_PLUS_MAJOR, inherited), its preload swaps the major in and it
  // writes to dist/majors/examples-plus-<major>/.
  run = spawnSync('npm', ['run', 'examples'], { cwd: root, encoding: 'utf-8' });
});

/**
 * Where `npm run examples` writes: dist/examples/, or, run against another
 * cdk8s-plus major (`node scripts/majors.js test`), dist/majors/examples-plus-<major>/.
 */
const major = process.env.CDK8S_PLUS_MAJOR;
const outRoot = major && major !== '28' ? `dist/majors/examples-plus-${major}` : 'dist/examples';

/** The manifests `npm run examples` wrote for one example. */
function manifestsOf(name: string): Manifest[] {
  const dir = path.join(root, outRoot, name);
  return fs.readdirSync(dir)
    .filter(f => f.endsWith('.k8s.yaml'))
    .flatMap(f => yaml.parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf-8')).map(d => d.toJSON()));
}

test('npm run examples synthesizes every example', () => {
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.anything() });
  expect(run.stdout).toContain(`${examples.length} examples synthesized into ${outRoot}/`);
  expect(examples).toEqual(expect.arrayContaining(Object.keys(EXPECTED)));
});

/** Kinds that run pods, and whether their containers must have probes (a Job runs to completion). */
const POD_KINDS: Record<string, { probes: boolean }> = {
  Deployment: { probes: true },
  StatefulSet: { probes: true },
  DaemonSet: { probes: true },
  Job: { probes: false },
};

describe.each(examples)('example %s', (name) => {
  test('is valid Kubernetes (custom resources strictly against their CRD), as in its snapshot', () => {
    const manifests = manifestsOf(name);
    validateManifests(manifests);
    expect(manifests).toMatchSnapshot();
  });

  test('runs every container as non-root, with probes where the pod serves', () => {
    const workloads = manifestsOf(name).filter(m => m.kind in POD_KINDS);
    for (const workload of workloads) {
      const pod = workload.spec.template.spec;
      expect({ workload: workload.metadata.name, runAsNonRoot: pod.securityContext?.runAsNonRoot })
        .toEqual({ workload: workload.metadata.name, runAsNonRoot: true });
      for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
        const what = `${workload.kind} ${workload.metadata.name} container ${container.name}`;
        const context = container.securityContext ?? {};
        expect({ what, runAsNonRoot: context.runAsNonRoot, allowPrivilegeEscalation: context.allowPrivilegeEscalation })
          .toEqual({ what, runAsNonRoot: true, allowPrivilegeEscalation: false });
        if (POD_KINDS[workload.kind].probes && !(pod.initContainers ?? []).includes(container)) {
          expect({ what, readiness: container.readinessProbe !== undefined, liveness: container.livenessProbe !== undefined })
            .toEqual({ what, readiness: true, liveness: true });
        }
      }
    }
  });
});

describe.each(Object.keys(EXPECTED))('StickyService example %s', (name) => {
  test('its Service has every field of the seed', () => {
    const manifests = manifestsOf(name);
    const service = only(manifests, 'Service', name);
    const skip = DIFFERS_BY_DESIGN[name] ?? [];
    for (const [field, value] of leaves(seedService(EXPECTED[name].seed)).filter(([p]) => !skip.includes(p))) {
      expect({ field, value: at(service, field) }).toEqual({ field, value });
    }
    expect(service.spec.sessionAffinity).toEqual('ClientIP');
    expect(service.spec.type).toEqual(EXPECTED[name].type);
    expect(service.spec.externalTrafficPolicy).toEqual(EXPECTED[name].type === 'LoadBalancer' ? 'Local' : undefined);
  });

  test('its Service selects its pods, and only by the app label or the Deployment\'s own', () => {
    const manifests = manifestsOf(name);
    const deployment = only(manifests, 'Deployment');
    const selector = only(manifests, 'Service', name).spec.selector;
    const expected = name === 'legacy-app' ? deployment.spec.selector.matchLabels : { app: name };
    expect(selector).toEqual(expected);
    expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
  });
});
