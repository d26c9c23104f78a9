import { Duration } from 'cdk8s';
import { CLIENT_IP_TIMEOUT_DEFAULT_SECONDS, CLIENT_IP_TIMEOUT_MAX_SECONDS } from '../facts/kubernetes';

/**
 * Named ClientIP affinity timeouts for the common reasons to be sticky.
 *
 * The timeout is how long kube-proxy remembers which pod a client IP went to
 * after its last connection. Too short and users bounce between pods
 * mid-session; too long and a pod keeps clients long after a scale-out,
 * so load evens out slowly.
 */
export class AffinityTimeout {
  /**
   * 3 hours: Kubernetes' own default (10800 s), and what the Grafana fix uses.
   * A working day's session with coffee breaks stays on one pod.
   */
  public static readonly KUBERNETES_DEFAULT = Duration.seconds(CLIENT_IP_TIMEOUT_DEFAULT_SECONDS);

  /**
   * 24 hours, the most Kubernetes allows: WebSocket and other long-lived
   * connections reconnect to the pod that holds their state for a whole day.
   */
  public static readonly WEBSOCKETS = Duration.seconds(CLIENT_IP_TIMEOUT_MAX_SECONDS);

  /**
   * 1 hour: in-memory session stores, whose sessions usually expire after an
   * hour of inactivity anyway; a longer pin only skews the load.
   */
  public static readonly IN_MEMORY_SESSIONS = Duration.hours(1);

  /**
   * 2 hours: resumable and multi-part uploads, long enough for a large
   * transfer to resume on the pod that holds its parts.
   */
  public static readonly RESUMABLE_UPLOADS = Duration.hours(2);

  /**
   * 5 minutes: enough for an affinity probe's burst of requests to prove
   * stickiness, short enough that a re-run sees a fresh choice of pod.
   */
  public static readonly AFFINITY_PROBE = Duration.minutes(5);

  private constructor() {}
}
