import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KedaScaledObject, KedaTrigger } from './keda';
import { GrafanaSessions, GrafanaSessionsConsumer } from './sessions';
import { NO_ERRORS, propError } from '../errors';
import {
  GRAFANA_DATA_PATH,
  GRAFANA_ENV,
  GRAFANA_HEALTH_PATH,
  GRAFANA_HTTP_PORT,
  GRAFANA_IMAGE_UID,
  GRAFANA_SESSION_SECTION_REMOVED_IN,
  isLegacyGrafanaSessionEnv,
} from '../facts/grafana';
import { IMAGE_RULE, isImageReference } from '../facts/kubernetes-images';
import { NameRule } from '../facts/names';
import { checkName, checkObjectNames } from '../names';
import { SecretKeyRef } from '../session/session-store';
import { A_LIST_OF_TRIGGERS, describeNumber, untypedProps } from '../units';

/** KEDA autoscaling of MultiPodGrafana. */
export interface GrafanaAutoscaling {
  /** Fewest replicas, at least 1 with the default CPU trigger. */
  readonly minReplicas: number;

  /** Most replicas, at least 1 and at least `minReplicas`. */
  readonly maxReplicas: number;

  /**
   * What makes KEDA scale.
   *
   * @default - CPU utilisation at 70 % of Grafana's CPU request
   */
  readonly triggers?: KedaTrigger[];
}

/** Properties of MultiPodGrafana. */
export interface MultiPodGrafanaProps {
  /** The admin user's password (`GF_SECURITY_ADMIN_PASSWORD`), from a Secret. */
  readonly adminPassword: SecretKeyRef;

  /**
   * Name of the Deployment and the Service, and the `app` label of the pods.
   *
   * @default 'grafana'
   */
  readonly name?: string;

  /**
   * Number of Grafana pods, when not autoscaled.
   *
   * @default 4, or none with `autoscaling`
   */
  readonly replicas?: number;

  /**
   * Type of the Service users reach Grafana through.
   *
   * @default kplus.ServiceType.LOAD_BALANCER
   */
  readonly serviceType?: kplus.ServiceType;

  /**
   * How users stay logged in across pods.
   *
   * @default GrafanaSessions.clientIpAffinity()
   */
  readonly sessions?: GrafanaSessions;

  /**
   * Scale with KEDA instead of a fixed `replicas`: a ScaledObject owns the
   * replica count.
   *
   * @default - a fixed number of replicas
   */
  readonly autoscaling?: GrafanaAutoscaling;

  /**
   * Grafana's image, best pinned to a version (an untagged image is whatever
   * `latest` is when a node pulls it). With `GrafanaSessions.sharedDatabase()`,
   * a tag older than 6.2 is refused: Grafana keeps sessions in its database
   * only since 6.2.
   *
   * @default 'grafana/grafana:11.3.0'
   */
  readonly image?: string;

  /**
   * CPU and memory of the Grafana container. The CPU trigger of autoscaling
   * needs a CPU request.
   *
   * @default - requests 250m CPU and 256 MiB, limits 1 CPU and 1 GiB
   */
  readonly resources?: kplus.ContainerResources;
}

/**
 * What MultiPodGrafana tells its session mode. Grafana's pods (`app: <name>`,
 * as the Service selects them) are selected when a mode first asks, for a
 * store's NetworkPolicy: the quick fix never does, and a construct it does
 * not need would be one more node in the tree at every synth.
 */
class GrafanaConsumer implements GrafanaSessionsConsumer {
  private selected?: kplus.Pods;

  public constructor(private readonly grafana: Construct, public readonly name: string, public readonly namespace: string | undefined,
    public readonly serviceType: kplus.ServiceType, public readonly replicas: number | undefined, public readonly autoscaled: boolean) {}

  public get pods(): kplus.INetworkPolicyPeer {
    this.selected ??= kplus.Pods.select(this.grafana, 'Pods', { labels: { app: this.name } });
    return this.selected;
  }
}

/** What MultiPodGrafana checks of its props, made once. */
const PROPS_RULES = {
  required: ['adminPassword'],
  secretKeyRefs: ['adminPassword'],
  strings: ['name', 'image'],
  enums: { serviceType: kplus.ServiceType },
  bindables: { sessions: 'a GrafanaSessions, such as GrafanaSessions.clientIpAffinity()' },
  lists: { 'autoscaling.triggers': A_LIST_OF_TRIGGERS },
  objects: { autoscaling: 'an object, such as { minReplicas: 2, maxReplicas: 8 }' },
};

/** The `major.minor` of an image's tag (`grafana/grafana:6.1.0` -> [6, 1]), when the tag is a version. */
function grafanaImageVersion(image: string): [number, number] | undefined {
  const name = image.split('@')[0];
  const tag = /:([^/:]+)$/.exec(name)?.[1];
  const m = tag === undefined ? null : /^v?(\d+)\.(\d+)(\.|-|$)/.exec(tag);
  return m === null ? undefined : [Number(m[1]), Number(m[2])];
}

/** Whether `version` is below `than` (`major.minor`). */
function versionBelow([major, minor]: [number, number], than: string): boolean {
  const [thanMajor, thanMinor] = than.split('.').map(Number);
  return major < thanMajor || (major === thanMajor && minor < thanMinor);
}

/** The Grafana image used unless another is given: Grafana OSS, pinned. */
export const GRAFANA_IMAGE = 'grafana/grafana:11.3.0';

/** Four pods, unless told otherwise. */
export const GRAFANA_DEFAULT_REPLICAS = 4;

/** How often the start-up probe asks Grafana for its health, in seconds. */
const GRAFANA_STARTUP_PROBE_PERIOD_SECONDS = 10;
/** Failed asks before a start is given up: with the period, five minutes to start. */
const GRAFANA_STARTUP_PROBE_FAILURES = 30;

/**
 * Grafana with several pods, on port 3000, whose users stay logged in.
 *
 * The pods run non-root (Grafana's own uid 472) with a read-only root file
 * system, probes on `/api/health` (a start-up probe allows five minutes for
 * database migrations), resources, and the admin password from a Secret; `sessions` decides how logins survive several pods: ClientIP
 * affinity (the quick fix), a shared database (Grafana's high-availability
 * setup), or a persistent volume (one pod).
 * `autoscaling` hands the replica count to a KEDA ScaledObject.
 */
export class MultiPodGrafana extends Construct {
  /** The Grafana pods. */
  public readonly deployment: kplus.Deployment;

  /** The Grafana container. */
  public readonly container: kplus.Container;

  /** The Service users reach Grafana through. */
  public readonly service: kplus.Service;

  /** Name of the Deployment and Service, and the pods' `app` label. */
  public readonly name: string;

  /**
   * The fixed number of replicas.
   *
   * @default - none: autoscaled
   */
  public readonly replicas?: number;

  /** Type of the Service. */
  public readonly serviceType: kplus.ServiceType;

  /**
   * The autoscaling settings.
   *
   * @default - not autoscaled
   */
  public readonly autoscaling?: GrafanaAutoscaling;

  /**
   * The KEDA ScaledObject.
   *
   * @default - not autoscaled
   */
  public readonly scaledObject?: KedaScaledObject;

  public constructor(scope: Construct, id: string, props: MultiPodGrafanaProps) {
    super(scope, id);
    props = untypedProps(this, props, PROPS_RULES);
    this.name = props.name ?? 'grafana';
    // The Service takes the same name, and Service names follow the strictest rule.
    checkName(this, 'name', this.name, NameRule.DNS_1035_LABEL);
    this.serviceType = props.serviceType ?? kplus.ServiceType.LOAD_BALANCER;
    this.autoscaling = props.autoscaling;
    if (props.autoscaling !== undefined && props.replicas !== undefined) {
      throw propError(this, 'replicas', String(props.replicas),
        'cannot be set with \'autoscaling\': the ScaledObject owns the replica count (give minReplicas and maxReplicas instead)');
    }
    this.replicas = props.autoscaling === undefined ? props.replicas ?? GRAFANA_DEFAULT_REPLICAS : undefined;
    if (this.replicas !== undefined && (!Number.isInteger(this.replicas) || this.replicas < 1)) {
      throw propError(this, 'replicas', describeNumber(this.replicas), 'must be a whole number of at least 1');
    }

    const image = props.image ?? GRAFANA_IMAGE;
    if (!isImageReference(image)) {
      throw propError(this, 'image', JSON.stringify(image), IMAGE_RULE);
    }

    // The session mode first: it decides the Deployment's update strategy,
    // which cdk8s-plus takes only at construction.
    const namespace = Chart.of(this).namespace;
    const sessions = (props.sessions ?? GrafanaSessions.clientIpAffinity()).bind(this,
      new GrafanaConsumer(this, this.name, namespace, this.serviceType, this.replicas, props.autoscaling !== undefined));
    this.service = sessions.service;
    // Sessions live in Grafana's database only since the [session] section went: an older
    // Grafana keeps them where that section says (files on each pod, by default).
    const version = grafanaImageVersion(image);
    const sharedDatabase = sessions.env.some(e => e.name === GRAFANA_ENV.DATABASE_TYPE);
    if (version !== undefined && sharedDatabase && versionBelow(version, GRAFANA_SESSION_SECTION_REMOVED_IN)) {
      throw propError(this, 'image', JSON.stringify(image),
        `must be Grafana ${GRAFANA_SESSION_SECTION_REMOVED_IN} or later with a shared database: before it, Grafana kept sessions by its [session] section (files on each pod by default), not in the database its replicas share`);
    }

    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: { name: this.name },
      replicas: this.replicas,
      strategy: sessions.strategy,
      securityContext: { user: GRAFANA_IMAGE_UID, group: GRAFANA_IMAGE_UID, fsGroup: GRAFANA_IMAGE_UID },
      automountServiceAccountToken: false,
    });
    checkObjectNames(this, ApiObject.of(this.deployment));
    this.deployment.podMetadata.addLabel('app', this.name);

    const ports: kplus.ContainerPort[] = [{ number: GRAFANA_HTTP_PORT, name: 'http' }];
    if (sessions.ports !== undefined) {
      ports.push(...sessions.ports);
    }
    this.container = this.deployment.addContainer({
      name: 'grafana',
      image,
      ports,
      readiness: kplus.Probe.fromHttpGet(GRAFANA_HEALTH_PATH, { port: GRAFANA_HTTP_PORT }),
      liveness: kplus.Probe.fromHttpGet(GRAFANA_HEALTH_PATH, { port: GRAFANA_HTTP_PORT }),
      // Grafana answers nothing until its database migrations are done, which on a
      // first start against a shared database can take minutes; the liveness probe
      // alone would restart it after 30 s, mid-migration, and again at every start.
      startup: kplus.Probe.fromHttpGet(GRAFANA_HEALTH_PATH, {
        port: GRAFANA_HTTP_PORT,
        periodSeconds: Duration.seconds(GRAFANA_STARTUP_PROBE_PERIOD_SECONDS),
        failureThreshold: GRAFANA_STARTUP_PROBE_FAILURES,
      }),
      securityContext: { user: GRAFANA_IMAGE_UID, group: GRAFANA_IMAGE_UID },
      resources: props.resources ?? {
        cpu: { request: kplus.Cpu.millis(250), limit: kplus.Cpu.units(1) },
        memory: { request: Size.mebibytes(256), limit: Size.gibibytes(1) },
      },
      envVariables: {
        [GRAFANA_ENV.SECURITY_ADMIN_PASSWORD]: kplus.EnvValue.fromSecretValue({
          secret: props.adminPassword.secret,
          key: props.adminPassword.key,
        }),
      },
    });
    // In the order the session mode gives: a variable expanded with $(VAR) comes after VAR.
    for (const variable of sessions.env) {
      this.container.env.addVariable(variable.name, variable.value);
    }

    // The root file system is read-only: Grafana writes its data and logs here.
    this.container.mount(GRAFANA_DATA_PATH, sessions.dataVolume
      ?? kplus.Volume.fromEmptyDir(this, 'Data', 'data'));
    this.container.mount('/var/log/grafana', kplus.Volume.fromEmptyDir(this, 'Logs', 'logs'));
    this.container.mount('/tmp', kplus.Volume.fromEmptyDir(this, 'Tmp', 'tmp'));

    if (props.autoscaling) {
      this.scaledObject = new KedaScaledObject(this, 'Autoscaling', {
        target: this.deployment,
        metadata: { name: this.name },
        minReplicas: props.autoscaling.minReplicas,
        maxReplicas: props.autoscaling.maxReplicas,
        triggers: props.autoscaling.triggers,
      });
    }

    // A session mode added later (or a user's addEnv) must not bring back settings Grafana ignores.
    this.node.addValidation({
      validate: () => {
        let errors: string[] | undefined;
        for (const name in this.container.env.variables) {
          if (isLegacyGrafanaSessionEnv(name)) {
            (errors ??= []).push(`'env' (${name}) is a [session] setting, removed in Grafana 6.2: logins live in Grafana's database, so share the database instead (GrafanaSessions.sharedDatabase())`);
          }
        }
        return errors ?? NO_ERRORS;
      },
    });
  }
}
