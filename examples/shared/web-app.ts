import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** What the example apps need to describe the pods behind a sticky Service. */
export interface WebAppProps {
  /** The `app` label the example Services select on. */
  readonly app: string;
  readonly image: string;
  readonly port: number;
  /** Path that answers 200 when the app is ready. */
  readonly healthPath: string;
  readonly replicas?: number;
  readonly namespace?: string;
  readonly args?: string[];
  readonly env?: Record<string, kplus.EnvValue>;
  /** Folders the app writes to; each gets an emptyDir (the root filesystem is read-only). */
  readonly writablePaths?: string[];
}

/**
 * A Deployment as the example apps would run in production: non-root, read-only
 * root filesystem, readiness and liveness probes, and the `app` label.
 */
export function webApp(scope: Construct, id: string, props: WebAppProps): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, id, {
    metadata: { name: props.app, namespace: props.namespace },
    replicas: props.replicas ?? 3,
  });
  deployment.podMetadata.addLabel('app', props.app);
  const container = deployment.addContainer({
    name: 'app',
    image: props.image,
    args: props.args,
    envVariables: props.env,
    ports: [{ number: props.port, name: 'http' }],
    readiness: kplus.Probe.fromHttpGet(props.healthPath, { port: props.port }),
    liveness: kplus.Probe.fromHttpGet(props.healthPath, { port: props.port }),
  });
  for (const [i, path] of (props.writablePaths ?? []).entries()) {
    const volume = kplus.Volume.fromEmptyDir(deployment, `Scratch${i}`, `scratch-${i}`);
    container.mount(path, volume);
  }
  return deployment;
}
