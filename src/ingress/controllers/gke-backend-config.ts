import { ApiObject, ApiObjectMetadata, GroupVersionKind } from 'cdk8s';
import { Construct } from 'constructs';
import { GKE_BACKEND_CONFIG_API_VERSION, GKE_BACKEND_CONFIG_KIND } from '../../facts/gke';

/**
 * `spec.sessionAffinity` of a GKE BackendConfig (ingress-gce's
 * `SessionAffinityConfig`).
 *
 * @see https://github.com/kubernetes/ingress-gce/blob/master/pkg/apis/backendconfig/v1/types.go
 */
export interface GkeSessionAffinityConfig {
  /**
   * `NONE`, `CLIENT_IP` or `GENERATED_COOKIE`.
   *
   * @default - none: the load balancer's default, NONE
   */
  readonly affinityType?: string;

  /**
   * Lifetime of the generated cookie in seconds, 0 (a session cookie) to 86400.
   *
   * @default - none: 0, a session cookie
   */
  readonly affinityCookieTtlSec?: number;
}

/**
 * The `spec` of a GKE BackendConfig, with the one part of ingress-gce's
 * `BackendConfigSpec` this library writes. ingress-gce publishes no CRD file
 * (its controller builds the CRD from these Go types), so the fields are typed
 * here from `pkg/apis/backendconfig/v1/types.go`.
 */
export interface GkeBackendConfigSpec {
  /**
   * Session affinity of the backend service.
   *
   * @default - none
   */
  readonly sessionAffinity?: GkeSessionAffinityConfig;
}

/** Properties of a GkeBackendConfig. */
export interface GkeBackendConfigProps {
  /**
   * Metadata of the object.
   *
   * @default - a name cdk8s generates
   */
  readonly metadata?: ApiObjectMetadata;

  /** The BackendConfig's spec. */
  readonly spec: GkeBackendConfigSpec;
}

/**
 * A GKE `cloud.google.com/v1` BackendConfig: settings of the Google Cloud
 * backend service behind a Service that GKE Ingress routes to. A Service
 * refers to it with the `cloud.google.com/backend-config` annotation.
 */
export class GkeBackendConfig extends ApiObject {
  /** apiVersion and kind of a BackendConfig. */
  public static readonly GVK: GroupVersionKind = {
    apiVersion: GKE_BACKEND_CONFIG_API_VERSION,
    kind: GKE_BACKEND_CONFIG_KIND,
  };

  public constructor(scope: Construct, id: string, props: GkeBackendConfigProps) {
    super(scope, id, { ...GkeBackendConfig.GVK, ...props });
  }
}
