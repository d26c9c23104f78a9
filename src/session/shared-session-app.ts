import { ApiObject, ApiObjectMetadata, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { SessionStore, SessionStoreConfig } from './session-store';
import { propError } from '../errors';
import { IMAGE_RULE, isImageReference } from '../facts/kubernetes-images';
import { KUBERNETES_ENV_NAME } from '../facts/session-stores';
import { checkObjectNames, definedMetadata } from '../names';
import { describeNumber, untypedProps, UntypedPropsRules } from '../units';
import { checkResources } from './stores/common';

/** Properties of a SharedSessionApp. */
export interface SharedSessionAppProps {
  /** The app's container image. */
  readonly image: string;

  /** The port the app's container listens on. */
  readonly port: number;

  /** Where the app keeps its sessions: `SessionStore.redis()`, `.memcached()`, `.postgres()` or `.jwt()`. */
  readonly store: SessionStore;

  /**
   * Name and namespace of the Deployment and Service (the store's objects are
   * named after it), plus labels and annotations.
   *
   * @default - a name cdk8s derives from the construct path, the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * How many replicas of the app run. At least 1; with one, a shared store
   * buys nothing but restarts without logouts. Leave it out when an
   * autoscaler (`KedaScaledObject`, `kplus.HorizontalPodAutoscaler`) targets
   * `deployment`: the autoscaler then owns the replica count.
   *
   * @default - 2, or none once an autoscaler targets the Deployment
   */
  readonly replicas?: number;

  /**
   * The Service's port.
   *
   * @default - the container's `port`
   */
  readonly servicePort?: number;

  /**
   * More environment variables for the app. They come before the store's,
   * and may not reuse a name the store sets.
   *
   * @default - only the store's
   */
  readonly env?: { [name: string]: kplus.EnvValue };

  /**
   * Entrypoint of the app's container.
   *
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];

  /**
   * Arguments of the app's container.
   *
   * @default - the image's CMD
   */
  readonly args?: string[];

  /**
   * CPU and memory for the app's container.
   *
   * @default - cdk8s-plus's defaults (requests of 1000m CPU and 512Mi memory, limits of 1500m and 2048Mi)
   */
  readonly resources?: kplus.ContainerResources;

  /**
   * Readiness probe of the app's container.
   *
   * @default - a TCP check of `port`
   */
  readonly readiness?: kplus.Probe;

  /**
   * Liveness probe of the app's container.
   *
   * @default - a TCP check of `port`, after 15 seconds
   */
  readonly liveness?: kplus.Probe;

  /**
   * Security context of the app's container.
   *
   * @default - cdk8s-plus's: non-root, read-only root filesystem, no privilege escalation
   */
  readonly securityContext?: kplus.ContainerSecurityContextProps;

  /**
   * Mount an emptyDir volume at `/tmp` in the app's container. The root
   * filesystem is read-only by default, and many runtimes and frameworks write
   * temporary files (uploads, caches, sockets) to `/tmp`; the store containers
   * get one the same way. Set `false` when the app mounts its own `/tmp`
   * (`container.mount('/tmp', ...)`), or needs none.
   *
   * @default true
   */
  readonly writableTmp?: boolean;

  /**
   * Security context of the app's pods.
   *
   * @default - cdk8s-plus's: non-root
   */
  readonly podSecurityContext?: kplus.PodSecurityContextProps;
}

/** What SharedSessionApp checks of its props, made once. */
const PROPS_RULES: UntypedPropsRules = {
  required: ['image', 'port', 'store'],
  strings: ['image'],
  booleans: ['writableTmp'],
  envValues: ['env'],
  bindables: { store: 'a SessionStore, such as SessionStore.redis()' },
  stringLists: { command: "a list of strings, such as ['node', 'server.js']", args: "a list of strings, such as ['--port', '8080']" },
};

/**
 * Stateless replicas behind a plain Service, with their sessions in a shared
 * store: any pod serves any request, so the Service has no session affinity,
 * pods can come and go without logging anyone out, and load spreads by
 * request rather than by client.
 *
 * It creates a Deployment and a ClusterIP Service, binds the store (which
 * may run its own workload, Services and NetworkPolicy beside the app) and gives the app the store's environment: `SESSION_STORE`
 * (Redis, Memcached), `SESSION_DATABASE` (PostgreSQL) or `JWT_SECRET`, with
 * every credential from a Secret. To autoscale it, leave `replicas` out and
 * target `deployment` with a `KedaScaledObject` or a cdk8s-plus
 * `HorizontalPodAutoscaler`.
 *
 * @example
 * import { SessionStore, SharedSessionApp } from 'cdk8s-session-affinity';
 *
 * declare const chart: Chart;
 * new SharedSessionApp(chart, 'Shop', {
 *   metadata: { name: 'shop', namespace: 'production' },
 *   image: 'ghcr.io/example/shop:1.4.2',
 *   port: 8080,
 *   store: SessionStore.redis({ password: { secret: kplus.Secret.fromSecretName(chart, 'Auth', 'shop-redis'), key: 'password' } }),
 * });
 */
export class SharedSessionApp extends Construct {
  /** The app's Deployment. */
  public readonly deployment: kplus.Deployment;

  /** The app's container. */
  public readonly container: kplus.Container;

  /** The app's Service: ClusterIP, no session affinity. */
  public readonly service: kplus.Service;

  /** The bound store: its env, connection details and objects. */
  public readonly store: SessionStoreConfig;

  public constructor(scope: Construct, id: string, props: SharedSessionAppProps) {
    super(scope, id);
    props = untypedProps(this, props, PROPS_RULES);

    const replicas = props.replicas;
    if (replicas !== undefined && (!Number.isInteger(replicas) || replicas < 1)) {
      throw propError(this, 'replicas', describeNumber(replicas), 'must be a whole number, at least 1 (default 2)');
    }
    if (!isImageReference(props.image)) {
      throw propError(this, 'image', JSON.stringify(props.image), IMAGE_RULE);
    }
    checkPort(this, 'port', props.port);
    checkResources(this, 'resources', props.resources);
    if (props.servicePort !== undefined) {
      checkPort(this, 'servicePort', props.servicePort);
    }

    // Without `replicas` cdk8s-plus writes 2, and none once an autoscaler
    // calls markHasAutoscaler(): KEDA or an HPA can then own the count.
    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: definedMetadata(props.metadata),
      replicas,
      securityContext: props.podSecurityContext,
    });
    checkObjectNames(this, ApiObject.of(this.deployment));
    const namespace = props.metadata?.namespace ?? Chart.of(this).namespace;

    this.store = props.store.bind(this, {
      name: this.deployment.name,
      namespace,
      pods: this.deployment,
    });

    const env: { [name: string]: kplus.EnvValue } = { ...props.env };
    for (const name of Object.keys(env)) {
      if (!KUBERNETES_ENV_NAME.test(name)) {
        throw propError(this, 'env', JSON.stringify(name),
          'must hold environment variable names: a letter, \'_\', \'-\' or \'.\', then letters, digits, \'_\', \'-\' or \'.\'');
      }
    }
    for (const variable of this.store.env) {
      if (variable.name in env) {
        throw propError(this, 'env', variable.name, `must not set ${variable.name}: the session store sets it (rename the store's variable with its env options)`);
      }
      env[variable.name] = variable.value;
    }

    this.container = this.deployment.addContainer({
      name: 'app',
      image: props.image,
      command: props.command,
      args: props.args,
      ports: [{ name: 'http', number: props.port }],
      envVariables: env,
      resources: props.resources,
      securityContext: props.securityContext,
      readiness: props.readiness ?? kplus.Probe.fromTcpSocket({ port: props.port }),
      liveness: props.liveness ?? kplus.Probe.fromTcpSocket({ port: props.port, initialDelaySeconds: Duration.seconds(15) }),
    });
    // A read-only root filesystem and no writable /tmp crash many images at start.
    if (props.writableTmp ?? true) {
      this.container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));
    }

    // A plain kplus.Service: it never writes sessionAffinity, so kube-proxy
    // spreads every connection over every ready pod.
    this.service = new kplus.Service(this, 'Service', {
      metadata: { name: this.deployment.name, ...(namespace !== undefined ? { namespace } : {}) },
      selector: this.deployment,
      ports: [{ name: 'http', port: props.servicePort ?? props.port, targetPort: props.port }],
    });
    checkObjectNames(this, ApiObject.of(this.service));
  }
}


function checkPort(scope: Construct, prop: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw propError(scope, prop, describeNumber(port), 'must be a whole number from 1 to 65535');
  }
}
