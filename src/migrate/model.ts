// The public, plain-data side of affinity-migrate: what a caller passes and
// gets back. No cdk8s: the CLI loads this too.

/** What `AffinityMigration` writes in place of ingress-nginx Ingresses. */
export enum MigrationTarget {
  /** Gateway API HTTPRoute with `sessionPersistence` (experimental channel). */
  GATEWAY_API = 'gateway-api',
  /** HTTPRoute plus an Envoy Gateway BackendTrafficPolicy with a cookie consistent hash. */
  ENVOY_GATEWAY = 'envoy-gateway',
  /** HTTPRoute plus an Istio DestinationRule with `consistentHash.httpCookie`. */
  ISTIO = 'istio',
  /** HTTPRoute plus a KongUpstreamPolicy with `algorithm: sticky-sessions`, attached to the Service. */
  KONG = 'kong',
  /** HTTPRoute plus a GKE GCPBackendPolicy with `sessionAffinity: GENERATED_COOKIE`. */
  GKE = 'gke',
  /** A Traefik IngressRoute with a sticky cookie on its services. */
  TRAEFIK = 'traefik',
  /** A Contour HTTPProxy with the `Cookie` load-balancer strategy. */
  CONTOUR = 'contour',
  /** An F5 NGINX Ingress Controller VirtualServer with `sessionCookie` (NGINX Plus only). */
  NGINX_PLUS = 'nginx-plus',
}

/** The shape of Gateway API `sessionPersistence` to write. */
export enum MigrationGatewayApi {
  /** Release v1.6.1: `sessionName` and `cookieConfig.lifetimeType`. */
  V1_6 = 'v1.6',
  /** The main branch after v1.6.1: `cookie.name`, `cookie.path`, `cookie.lifetimeType`. */
  MAIN = 'main',
}

/** What became of one thing the source said. */
export enum MigrationFate {
  /** Written so that the target behaves as ingress-nginx did. */
  CARRIED = 'carried',
  /** Written, but the target behaves differently in a way the note says. */
  APPROXIMATED = 'approximated',
  /** Not written: the target cannot say it, or the source said nothing that acts. */
  DROPPED = 'dropped',
  /** Not an ingress-nginx object: left alone, not part of the output. */
  IGNORED = 'ignored',
}

/** Options of `AffinityMigration.migrate`. */
export interface MigrationOptions {
  /** The controller to move to. */
  readonly target: MigrationTarget;
  /**
   * Name of the Gateway the routes attach to (`parentRefs`).
   *
   * @default - required for the targets that write an HTTPRoute (gateway-api, envoy-gateway, istio, kong, gke); unused by the others
   */
  readonly gateway?: string;
  /**
   * Namespace of that Gateway.
   *
   * @default - the route's own namespace
   */
  readonly gatewayNamespace?: string;
  /**
   * Which Gateway API `sessionPersistence` shape to write (target gateway-api).
   *
   * @default MigrationGatewayApi.V1_6
   */
  readonly gatewayApi?: MigrationGatewayApi;
  /**
   * File the manifests came from, for the notes.
   *
   * @default - none
   */
  readonly file?: string;
}

/** One line of the report: the fate of one source annotation (or field) of one Ingress. */
export interface MigrationNote {
  /** `namespace/name` of the Ingress. */
  readonly ingress: string;
  /** The annotation key, or the Ingress field (`spec.tls`, `spec.rules[0].http.paths[1]`). */
  readonly subject: string;
  /** What became of it. */
  readonly fate: MigrationFate;
  /** Where it went, how it differs, or why it was not written. */
  readonly detail: string;
  /**
   * File of the Ingress.
   *
   * @default - not known
   */
  readonly file?: string;
  /**
   * Line of the Ingress in its file.
   *
   * @default - not known
   */
  readonly line?: number;
}

/** What `AffinityMigration.migrate` returns: the new objects and the report. */
export interface MigrationResult {
  /** The objects that replace the Ingresses, as plain JSON (apiVersion, kind, metadata, spec). */
  readonly objects: any[];
  /** One note per source annotation and per Ingress field that did not carry over as is. */
  readonly notes: MigrationNote[];
  /** Whether every note is `carried` (or `ignored`): the CLI's exit status 0. */
  readonly exact: boolean;
}
