import { IConstruct } from 'constructs';
import { propError } from '../errors';
import { isHttpFieldName } from '../facts/http';

/**
 * Where the probe's script reads, in each answer, the name of the pod that
 * served it.
 */
export interface ProbeIdentityConfig {
  /**
   * The response header whose value names the pod (matched without regard to
   * case, as HTTP field names are).
   *
   * @default - the first line of the body
   */
  readonly responseHeader?: string;

  /** What the identity is, in words, for the probe's log (`response header X-Pod`). */
  readonly description: string;
}

/**
 * How the probe tells which pod answered a request.
 *
 * The probe passes only when every answer names the same pod, so the answers
 * must name their pod: a Service whose pods all answer alike (a health
 * endpoint, a static page) gives identical answers whether or not it is
 * sticky, and proves nothing. An answer that lacks the identity (an empty
 * body, a missing header) counts as a failed request, never as a pod. The
 * probe cannot know before it runs whether an identity differs from pod to
 * pod: its Job first requires answers naming two different pods from a
 * Service without affinity, and ends INCONCLUSIVE when they never come.
 *
 * @example
 * import { AffinityProbe, ProbeIdentity } from 'cdk8s-session-affinity';
 *
 * declare const chart: Chart;
 * declare const api: kplus.Service;
 * new AffinityProbe(chart, 'Probe', {
 *   service: api,
 *   path: '/api/health',
 *   podIdentity: ProbeIdentity.responseHeader('X-Pod-Name'),
 * });
 */
export abstract class ProbeIdentity {
  /**
   * The first line of the body names the pod: what the probe's own http-echo
   * pods answer (`-text=$(POD_NAME)`), and the default for them.
   *
   * With an existing `service`, only for an app whose first line differs
   * from pod to pod (its pod's name). A first line alike on every pod (the
   * `{` of pretty-printed JSON, a health endpoint's status line) cannot tell
   * pods apart: the probe's Job then never sees two pods answer without
   * affinity, and ends INCONCLUSIVE instead of PASS. Prefer
   * `responseHeader()` for an app of your own.
   */
  public static firstBodyLine(): ProbeIdentity {
    return new FirstBodyLine();
  }

  /**
   * A response header names the pod, for an app that says which pod served
   * it (`X-Pod-Name: shop-7d9f-abcde`, set from the downward API's
   * `metadata.name`). An answer without the header is a failed answer.
   *
   * @param name the header's name, an HTTP token (letters, digits and `!#$%&'*+-.^_\`|~`)
   * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.1
   */
  public static responseHeader(name: string): ProbeIdentity {
    return new ResponseHeader(name);
  }

  /**
   * For subclasses: another way of naming the pod implements `bind()`.
   */
  protected constructor() {}

  /**
   * Returns where the probe's script finds the pod's name in an answer.
   *
   * @param probe the probe, for error messages
   */
  public abstract bind(probe: IConstruct): ProbeIdentityConfig;
}

class FirstBodyLine extends ProbeIdentity {
  public bind(): ProbeIdentityConfig {
    return { description: 'first line of the body' };
  }
}

class ResponseHeader extends ProbeIdentity {
  public constructor(private readonly name: string) {
    super();
  }

  public bind(probe: IConstruct): ProbeIdentityConfig {
    if (typeof this.name !== 'string' || !isHttpFieldName(this.name)) {
      throw propError(probe, 'podIdentity', `responseHeader(${JSON.stringify(this.name)})`,
        'must name an HTTP header: one or more letters, digits or !#$%&\'*+-.^_`|~ (an RFC 9110 token)');
    }
    return { responseHeader: this.name, description: `response header ${this.name}` };
  }
}
