import { ApiObject, Duration, Lazy, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ProbeIdentity, ProbeIdentityConfig } from './identity';
import { MIN_REQUESTS, probeScript, probeSeconds } from './script';
import { propError } from '../errors';
import { envLiteral, EXTERNAL_NAME_HAS_NO_AFFINITY, HEADLESS_CLUSTER_IP, HEADLESS_HAS_NO_AFFINITY } from '../facts/kubernetes';
import { IMAGE_RULE, isImageReference } from '../facts/kubernetes-images';
import { USER_FACING_ANNOTATION } from '../facts/manifests';
import { NameRule } from '../facts/names';
import { checkName, checkObjectNames } from '../names';
import { StickyService } from '../service/sticky-service';
import { AffinityTimeout } from '../service/timeouts';
import { A_SERVICE, describeNumber, describeSeconds, secondsOf, untypedProps } from '../units';

/**
 * The echo server the probe deploys: it answers every request with the text
 * given in `-text` and listens on 5678 unless told otherwise.
 *
 * @see https://github.com/hashicorp/http-echo
 */
export const HTTP_ECHO_IMAGE = 'hashicorp/http-echo:1.0';

/** The port http-echo listens on by default. */
export const HTTP_ECHO_PORT = 5678;

/**
 * The image the probe's Job runs its script in: curl with a POSIX shell and
 * the usual tools (`date`, `sleep`, `awk`, `head`, `tr`, `sort`, `uniq`, `wc`;
 * busybox's in this image).
 *
 * @see https://hub.docker.com/r/curlimages/curl
 */
export const CURL_IMAGE = 'curlimages/curl:8.11.1';

// An unprivileged uid/gid given explicitly: runAsNonRoot cannot check an image
// whose USER is a name (curlimages/curl's `curl_user`) or unset (http-echo).
/**
 * Annotations of a Service that make the Service proxy prefer the endpoints
 * of the client's zone (topology aware routing; the second is its older name).
 */
const TOPOLOGY_ANNOTATIONS = ['service.kubernetes.io/topology-mode', 'service.kubernetes.io/topology-aware-hints'];

/** What plain JavaScript can get wrong in a probe's props (made once, not per probe). */
const PROBE_PROPS_RULES = {
  durations: ['affinityTimeout', 'interval'],
  strings: ['path', 'echoImage', 'curlImage'],
  constructs: { service: A_SERVICE },
  bindables: { podIdentity: "a ProbeIdentity, such as ProbeIdentity.responseHeader('X-Pod-Name')" },
};
const NON_ROOT_ID = 65532;
const MAX_REQUESTS = 1000;
const MAX_INTERVAL_SECONDS = 60;
// How long the Job waits for the Service to answer at all before it counts.
const WAIT_SECONDS = 120;
// How long the Job waits, after that, for answers from two pods without affinity.
const SPREAD_SECONDS = 120;
// What the Job's deadline allows beyond the script's own longest run: its pod's
// scheduling and image pull, which activeDeadlineSeconds counts too.
const START_SECONDS = 60;

/**
 * Properties of an AffinityProbe.
 */
export interface AffinityProbeProps {
  /**
   * An existing Service to probe instead of deploying the echo app. Its pods
   * must say which pod answered, and `podIdentity` must say where: pods that
   * answer alike would pass whether or not the Service is sticky. It must
   * select its pods by label, with its selector set before the probe is
   * made: the probe adds a Service without affinity over the same pods, to
   * see two of them answer before it checks stickiness. It must have a
   * virtual IP: a headless (`clusterIP: None`) or ExternalName Service has
   * no ClientIP affinity to prove, and is refused. The Job and that
   * Service run in the Service's namespace.
   *
   * @default - the probe deploys http-echo pods behind a StickyService
   */
  readonly service?: kplus.Service;

  /**
   * Where each answer names the pod that served it: the first line of the
   * body, or a response header. Required with `service`, where a response
   * header set from the pod's name is the usual choice; an answer without
   * the identity is a failed answer. An identity alike on every pod (the
   * first line of a health endpoint's JSON, say) never shows two pods, so
   * the Job ends INCONCLUSIVE, never PASS.
   *
   * @default - ProbeIdentity.firstBodyLine() for the probe's own echo pods,
   * which answer with their pod's name; none with `service`, where it must be given
   */
  readonly podIdentity?: ProbeIdentity;

  /**
   * The port of `service` to call.
   *
   * @default - the Service's only port; required when it has several
   */
  readonly port?: number;

  /**
   * The path to request, starting with `/`.
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * Number of echo pods. At least 2: with one pod every answer comes from it
   * and the probe proves nothing. Only for the echo app the probe deploys.
   *
   * @default 3
   */
  readonly replicas?: number;

  /**
   * ClientIP affinity timeout of the echo app's StickyService. Only for the
   * echo app the probe deploys.
   *
   * @default AffinityTimeout.AFFINITY_PROBE (5 minutes)
   */
  readonly affinityTimeout?: Duration;

  /**
   * Number of requests the Job makes; every answer must come from one pod.
   * From 21 to 1000: over two pods answering at random (a Service that is
   * not sticky), all N answers come from one pod by chance once in 2^(N-1)
   * runs, so 21 keeps a false PASS under one in a million (1 in 2^20).
   *
   * @default 21
   */
  readonly requests?: number;

  /**
   * Pause between two requests, whole seconds from 0 to 60. It must be
   * shorter than the affinity timeout, or affinity may lapse between
   * requests and the probe would fail a Service that works.
   *
   * @default Duration.seconds(1)
   */
  readonly interval?: Duration;

  /**
   * Image of the echo app.
   *
   * @default 'hashicorp/http-echo:1.0'
   */
  readonly echoImage?: string;

  /**
   * Image the Job runs the probe script in: it needs a POSIX `sh`, `curl`,
   * `date`, `sleep`, `awk`, `head`, `tr`, `sort`, `uniq` and `wc`.
   *
   * @default 'curlimages/curl:8.11.1'
   */
  readonly curlImage?: string;
}

/**
 * Proves that a Service keeps a client on one pod: deploys pods that answer
 * with their own name behind a StickyService (the test app of "How to
 * Configure Kubernetes Service Session Affinity with clientIP"), and a Job
 * whose script calls the Service from one pod.
 *
 * The Job first calls the same pods through a second Service, one without
 * affinity, a new connection per request, until answers from two pods have
 * come (at most 2 minutes): without that, one Ready pod (others still
 * starting, or an autoscaler at one replica) would answer every request and
 * pass a Service that is not sticky. If two pods never answer, the Job fails
 * as INCONCLUSIVE. It then calls the Service under test `requests` times and
 * succeeds only when every answer named its pod and all named the same one;
 * its log lists which pods answered and how often. `kubectl wait
 * --for=condition=complete job/<name>` in a pipeline turns it into a test.
 * Both waits are measured by the clock and each request takes at most 5
 * seconds, so every path ends with its verdict and exit code within the
 * Job's `activeDeadlineSeconds`, a Service that never answers included.
 * With `service` it probes an existing Service instead, reading the pod's
 * name where `podIdentity` says; a headless or ExternalName Service, which
 * has no virtual IP and so no ClientIP affinity, is refused.
 *
 * A Service that is not sticky, over two pods answering at random, gives
 * all N answers from one pod once in 2^(N-1) runs: at least 21 requests keep
 * a PASS by chance under one in a million.
 *
 * What a PASS proves, and no more: the Service's own ClientIP affinity, as
 * the cluster's Service proxy (kube-proxy, or the CNI that replaces it)
 * applies it to the Service's ClusterIP, for one client, the Job's pod,
 * calling from inside the cluster. It says nothing of the path users take
 * from outside: a cloud load balancer's (NLB) target stickiness, an Ingress
 * or Gateway cookie, or which client address the Service sees behind them
 * (SNAT, `externalTrafficPolicy`) are not on the Job's path, even when
 * `service` is a LoadBalancer or NodePort Service.
 */
export class AffinityProbe extends Construct {
  /** The echo pods, unless an existing Service is probed. */
  public readonly deployment?: kplus.Deployment;

  /** The Service the probe calls: its own StickyService, or the one given. */
  public readonly service: kplus.Service;

  /** The Job that runs the probe script. */
  public readonly job: kplus.Job;

  /** The URL the Job calls. */
  public readonly url: string;

  /** Number of requests the Job makes. */
  public readonly requests: number;

  /** Where the Job reads, in each answer, which pod served it. */
  public readonly podIdentity: ProbeIdentityConfig;

  public constructor(scope: Construct, id: string, props: AffinityProbeProps = {}) {
    super(scope, id);
    untypedProps(this, props, PROBE_PROPS_RULES);

    this.requests = props.requests ?? MIN_REQUESTS;
    if (!Number.isInteger(this.requests) || this.requests < MIN_REQUESTS || this.requests > MAX_REQUESTS) {
      throw propError(this, 'requests', describeNumber(this.requests),
        `must be a whole number from ${MIN_REQUESTS} to ${MAX_REQUESTS}: a Service that is not sticky, over two pods answering at random, gives all N answers from one pod once in 2^(N-1) runs, a false PASS; ${MIN_REQUESTS} keeps that under one in a million (1 in 2^${MIN_REQUESTS - 1})`);
    }
    const interval = props.interval ?? Duration.seconds(1);
    const intervalSeconds = secondsOf(interval);
    if (!Number.isInteger(intervalSeconds) || intervalSeconds < 0 || intervalSeconds > MAX_INTERVAL_SECONDS) {
      throw propError(this, 'interval', describeSeconds(interval),
        `must be a whole number of seconds from 0 to ${MAX_INTERVAL_SECONDS}`);
    }
    for (const [prop, image] of [['echoImage', props.echoImage], ['curlImage', props.curlImage]] as const) {
      if (image !== undefined && !isImageReference(image)) {
        throw propError(this, prop, JSON.stringify(image), IMAGE_RULE);
      }
    }
    const path = props.path ?? '/';
    if (!/^\/[!-~]*$/.test(path)) {
      throw propError(this, 'path', JSON.stringify(path), 'must start with \'/\' and contain no spaces or control characters');
    }

    if (props.service) {
      for (const [prop, value] of [['replicas', props.replicas], ['affinityTimeout', props.affinityTimeout], ['echoImage', props.echoImage]] as const) {
        if (value !== undefined) {
          throw propError(this, prop, value instanceof Duration ? describeSeconds(value) : String(value),
            'only applies to the echo app the probe deploys: leave it out when probing an existing \'service\'');
        }
      }
      if (props.podIdentity === undefined) {
        throw propError(this, 'podIdentity', 'not given',
          'must say where each answer of an existing \'service\' names the pod that sent it, such as ProbeIdentity.responseHeader(\'X-Pod-Name\') with the header set from the pod\'s metadata.name: pods that answer alike, as every health endpoint does, give identical answers whether or not the Service is sticky, so identical answers prove nothing');
      }
      this.checkVirtualIp(props.service.type, props.service.clusterIP, undefined, props.service.name);
      // The name becomes the host of the probe's URL: one the API server refuses would make a URL curl cannot use.
      checkName(this, 'service.metadata.name', props.service.name, NameRule.DNS_1035_LABEL);
      this.service = props.service;
      this.podIdentity = props.podIdentity.bind(this);
    } else {
      const replicas = props.replicas ?? 3;
      if (!Number.isInteger(replicas) || replicas < 2) {
        throw propError(this, 'replicas', describeNumber(replicas),
          'must be a whole number of at least 2: with one pod every answer comes from it, and the probe proves nothing');
      }
      this.podIdentity = (props.podIdentity ?? ProbeIdentity.firstBodyLine()).bind(this);
      if (this.podIdentity.responseHeader !== undefined) {
        throw propError(this, 'podIdentity', this.podIdentity.description,
          'must be ProbeIdentity.firstBodyLine() (or left out) for the echo app the probe deploys: http-echo names its pod in its body, in no header');
      }
      const deployment = this.echoApp(replicas, props.echoImage ?? HTTP_ECHO_IMAGE);
      this.deployment = deployment;
      this.service = new StickyService(this, 'Service', {
        selector: deployment,
        ports: [{ port: 80, targetPort: HTTP_ECHO_PORT, name: 'http' }],
        affinityTimeout: props.affinityTimeout ?? AffinityTimeout.AFFINITY_PROBE,
      });
      checkObjectNames(this, ApiObject.of(this.service));
    }

    if (this.service instanceof StickyService && intervalSeconds >= secondsOf(this.service.affinityTimeout)) {
      throw propError(this, 'interval', describeSeconds(interval),
        `must be shorter than the Service's affinityTimeout (${describeSeconds(this.service.affinityTimeout)}): affinity lapses between requests otherwise`);
    }

    const port = this.portOf(props.port);
    this.url = `http://${this.service.name}:${port}${path}`;
    const spread = this.spreadService(port);
    this.job = this.probeJob(props.curlImage ?? CURL_IMAGE, intervalSeconds, `http://${spread.name}:${port}${path}`);
  }

  /**
   * A Service without affinity over the pods `service` selects, on the same
   * port and target: the Job calls it, a new connection per request, to see
   * two pods answer before it checks stickiness. The Service proxy spreads
   * new connections to a Service without affinity over its Ready endpoints
   * (at random with kube-proxy's iptables and nftables modes, in turn with
   * IPVS), so two pods that are Ready answer within a few requests.
   */
  private spreadService(port: number): ApiObject {
    const target = ApiObject.of(this.service);
    // Again as the Service is written, for a type or cluster IP set on its manifest.
    const written = target.toJson().spec ?? {};
    this.checkVirtualIp(written.type, written.clusterIP, written.clusterIPs, this.service.name);
    if (Object.keys(written.selector ?? {}).length === 0) {
      throw propError(this, 'service', this.service.name,
        'must select its pods by label before the probe is made: the probe reaches the same pods through a Service without affinity, to see two of them answer, and a Service without a selector names no pods it could select');
    }
    // The Service's selector and this port's target, as the Service is written
    // (one rendering of it), and what narrows the pods a client reaches
    // through it: with `internalTrafficPolicy: Local` only the pods on the
    // client's node, with a traffic distribution or topology hints those of
    // its zone first. The spread Service keeps them, so that it sees the pods
    // the probed Service can send the Job to, and no more: two pods the Job
    // could never reach through the probed Service would make a Service that
    // reaches one pod, and so always answers from it, look sticky.
    const specOf = (): Record<string, unknown> => {
      const spec = target.toJson().spec ?? {};
      const given = (spec.ports ?? []).find((p: { port: number }) => p.port === port) ?? {};
      return {
        type: 'ClusterIP',
        selector: spec.selector ?? {},
        ports: [{
          port,
          ...(given.targetPort !== undefined ? { targetPort: given.targetPort } : {}),
          ...(given.protocol !== undefined ? { protocol: given.protocol } : {}),
        }],
        ...(spec.internalTrafficPolicy !== undefined ? { internalTrafficPolicy: spec.internalTrafficPolicy } : {}),
        ...(spec.trafficDistribution !== undefined ? { trafficDistribution: spec.trafficDistribution } : {}),
      };
    };
    const annotations: Record<string, string> = { [USER_FACING_ANNOTATION]: 'false' };
    for (const key of TOPOLOGY_ANNOTATIONS) {
      // As the Service is written, when the chart is (left out where it has none).
      annotations[key] = Lazy.any({ produce: () => target.toJson().metadata?.annotations?.[key] });
    }
    const spread = new ApiObject(this, 'Spread', {
      apiVersion: 'v1',
      kind: 'Service',
      // Only the probe calls it: the doctor does not ask it to keep users on their pods.
      metadata: { namespace: this.service.metadata.namespace, annotations },
      // Read when the chart is written: labels selected after the probe was made count too.
      spec: Lazy.any({ produce: specOf }),
    });
    checkObjectNames(this, spread);
    return spread;
  }

  /**
   * Refuses a Service without a virtual IP, where ClientIP affinity never
   * applies: nothing to prove, and the probe's URL would reach the pods
   * directly (headless) or another host (ExternalName). A headless Service
   * has `clusterIP: None`, or `clusterIPs: [None]` with clusterIP left out
   * (the API server defaults clusterIP from it).
   */
  private checkVirtualIp(type: string | undefined, clusterIP: string | undefined, clusterIPs: unknown, name: string): void {
    if (type === kplus.ServiceType.EXTERNAL_NAME) {
      throw propError(this, 'service', `${name}, type ExternalName`,
        `must be a ClusterIP, NodePort or LoadBalancer Service: ${EXTERNAL_NAME_HAS_NO_AFFINITY}, so there is no stickiness to prove`);
    }
    const headless = clusterIP !== undefined && clusterIP !== ''
      ? clusterIP === HEADLESS_CLUSTER_IP
      : Array.isArray(clusterIPs) && clusterIPs[0] === HEADLESS_CLUSTER_IP;
    if (headless) {
      throw propError(this, 'service', `${name}, clusterIP: ${HEADLESS_CLUSTER_IP}`,
        `must have a cluster IP: ${HEADLESS_HAS_NO_AFFINITY}, so there is no stickiness to prove, and the probe would reach a pod directly on the Service's port and end in "never answered"`);
    }
  }

  private echoApp(replicas: number, image: string): kplus.Deployment {
    const deployment = new kplus.Deployment(this, 'Resource', {
      replicas,
      securityContext: { user: NON_ROOT_ID, group: NON_ROOT_ID },
      automountServiceAccountToken: false,
    });
    checkObjectNames(this, ApiObject.of(deployment));
    deployment.addContainer({
      name: 'echo',
      image,
      // Kubernetes expands $(POD_NAME) from the env before http-echo starts.
      args: ['-text=$(POD_NAME)'],
      envVariables: { POD_NAME: kplus.EnvValue.fromFieldRef(kplus.EnvFieldPaths.POD_NAME) },
      ports: [{ number: HTTP_ECHO_PORT, name: 'http' }],
      readiness: kplus.Probe.fromHttpGet('/', { port: HTTP_ECHO_PORT }),
      liveness: kplus.Probe.fromHttpGet('/', { port: HTTP_ECHO_PORT }),
      securityContext: { user: NON_ROOT_ID, group: NON_ROOT_ID },
      resources: {
        cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(100) },
        memory: { request: Size.mebibytes(16), limit: Size.mebibytes(32) },
      },
    });
    return deployment;
  }

  private portOf(port: number | undefined): number {
    const ports = this.service.ports.map(p => p.port);
    if (port === undefined) {
      if (ports.length !== 1) {
        throw propError(this, 'port', 'not given',
          `must name one of the Service's ports (${ports.join(', ') || 'none'}): it has ${ports.length === 0 ? 'none yet' : 'several'}`);
      }
      return ports[0];
    }
    if (!ports.includes(port)) {
      throw propError(this, 'port', String(port), `must be one of the Service's ports (${ports.join(', ') || 'none'})`);
    }
    return port;
  }

  private probeJob(image: string, intervalSeconds: number, spreadUrl: string): kplus.Job {
    const job = new kplus.Job(this, 'Job', {
      metadata: { namespace: this.service.metadata.namespace },
      // A failed probe is a result, not a flake to retry.
      backoffLimit: 0,
      // The script ends by the clock within probeSeconds() on every path, verdict and exit code included.
      activeDeadline: Duration.seconds(probeSeconds(WAIT_SECONDS, SPREAD_SECONDS, this.requests, intervalSeconds) + START_SECONDS),
      securityContext: { user: NON_ROOT_ID, group: NON_ROOT_ID },
      automountServiceAccountToken: false,
    });
    checkObjectNames(this, ApiObject.of(job));
    job.addContainer({
      name: 'probe',
      image,
      command: ['/bin/sh', '-c', probeScript()],
      envVariables: {
        PROBE_URL: kplus.EnvValue.fromValue(this.url),
        PROBE_REQUESTS: kplus.EnvValue.fromValue(String(this.requests)),
        PROBE_INTERVAL_SECONDS: kplus.EnvValue.fromValue(String(intervalSeconds)),
        PROBE_WAIT_SECONDS: kplus.EnvValue.fromValue(String(WAIT_SECONDS)),
        PROBE_SPREAD_URL: kplus.EnvValue.fromValue(spreadUrl),
        PROBE_SPREAD_SECONDS: kplus.EnvValue.fromValue(String(SPREAD_SECONDS)),
        ...(this.podIdentity.responseHeader !== undefined ? {
          // Kubernetes reduces `$$` to `$` in env values; a token may hold a `$`.
          PROBE_IDENTITY_HEADER: kplus.EnvValue.fromValue(envLiteral(this.podIdentity.responseHeader)),
        } : {}),
      },
      securityContext: { user: NON_ROOT_ID, group: NON_ROOT_ID },
      resources: {
        cpu: { request: kplus.Cpu.millis(10), limit: kplus.Cpu.millis(200) },
        memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) },
      },
    });
    return job;
  }
}
