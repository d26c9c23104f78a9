import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { customResource, REFERENCE_GRANT } from '../imports/custom-resource';
import type { ReferenceGrantV1Beta1Props } from '../imports/gateway-referencegrants';
import { checkObjectNames, DEFAULT_NAMESPACE } from '../names';

/** The API group of Gateway API routes, the `from.group` of a grant. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/** A reference from a route in one namespace to a Service, to be granted when it crosses namespaces. */
export interface CrossNamespaceRef {
  /** Kind of the referring route (`HTTPRoute`). */
  readonly fromKind: string;
  /** Namespace of the route, `undefined` for the default. */
  readonly fromNamespace?: string;
  /** Name of the Service. */
  readonly serviceName: string;
  /** Namespace of the Service, `undefined` for the default. */
  readonly serviceNamespace?: string;
}

/** Whether two namespaces differ, an unset one being `default` (where an object without one lands). */
export function crossesNamespaces(a: string | undefined, b: string | undefined): boolean {
  return (a ?? DEFAULT_NAMESPACE) !== (b ?? DEFAULT_NAMESPACE);
}

/**
 * The `ReferenceGrant` (gateway.networking.k8s.io/v1beta1) a route needs to
 * send traffic to a Service in another namespace, written in the Service's
 * namespace and granting exactly that route kind, from that namespace, that
 * one Service; `undefined` when the route and the Service share a namespace.
 * Without it, a conformant implementation refuses the backend
 * (`ResolvedRefs: False`, reason `RefNotPermitted`).
 *
 * @see https://gateway-api.sigs.k8s.io/api-types/referencegrant/
 */
export function grantReference(scope: Construct, id: string, ref: CrossNamespaceRef): ApiObject | undefined {
  if (!crossesNamespaces(ref.fromNamespace, ref.serviceNamespace)) {
    return undefined;
  }
  const grant = customResource<ReferenceGrantV1Beta1Props>(scope, id, REFERENCE_GRANT, {
    metadata: { namespace: ref.serviceNamespace ?? DEFAULT_NAMESPACE },
    spec: {
      from: [{ group: GATEWAY_API_GROUP, kind: ref.fromKind, namespace: ref.fromNamespace ?? DEFAULT_NAMESPACE }],
      // The core group is the empty string.
      to: [{ group: '', kind: 'Service', name: ref.serviceName }],
    },
  });
  checkObjectNames(scope, grant);
  return grant;
}
