import { groupOf, ingressBackendRefs, manifestAnnotations, manifestName } from './manifests';
import type { FrontDetector } from '../doctor/fronts';

/**
 * What the HAProxy Kubernetes Ingress Controller (haproxytech) reads for
 * cookie persistence, written once for the HAProxy renderer and the doctor.
 * Pure: no imports.
 *
 * The controller takes only the cookie's name: it writes
 * `cookie <name> insert indirect nocache dynamic` in the backend, a session
 * cookie with no Max-Age, Path, Domain, Secure, HttpOnly or SameSite.
 *
 * @see https://github.com/haproxytech/kubernetes-ingress/blob/master/documentation/annotations.md#cookie-persistence
 * @see https://github.com/haproxytech/kubernetes-ingress/blob/master/pkg/annotations/service/cookie.go
 */

/**
 * The annotation that turns cookie persistence on, its value being the
 * cookie's name. Read from the backend **Service** (or the controller's
 * ConfigMap): on an Ingress it is ignored, since several Ingresses may share
 * the HAProxy backend of one Service. The controller also accepts the
 * `ingress.kubernetes.io/` and `haproxy.com/` prefixes.
 */
export const HAPROXY_COOKIE_PERSISTENCE_ANNOTATION = 'haproxy.org/cookie-persistence';

/**
 * The variant without a dynamic cookie key; the controller refuses a backend
 * that has both.
 */
export const HAPROXY_COOKIE_PERSISTENCE_NO_DYNAMIC_ANNOTATION = 'haproxy.org/cookie-persistence-no-dynamic';

/**
 * The cookie name this library writes when none is given. The controller has
 * no default (no name, no persistence); `SERVERID` is the name HAProxy's own
 * configuration manual uses in its `cookie` examples.
 */
export const HAPROXY_DEFAULT_COOKIE_NAME = 'SERVERID';

/**
 * The HAProxy controller reads `cookie-persistence` from the backend Service,
 * or from the Ingress for all its backends.
 *
 * @see https://github.com/haproxytech/kubernetes-ingress/blob/master/documentation/annotations.md#cookie-persistence
 */
export const HAPROXY_DETECTOR: FrontDetector = {
  front: 'haproxy',
  kinds: ['Service', 'Ingress'],
  detect(obj, context) {
    if ((manifestAnnotations(obj)[HAPROXY_COOKIE_PERSISTENCE_ANNOTATION] ?? '') === '') {
      return [];
    }
    const via = `${obj.kind} ${manifestName(obj)}`;
    if (obj.kind === 'Service') {
      return groupOf(obj) === '' ? [{ namespace: context.namespace, name: manifestName(obj), affinity: 'HAProxy cookie persistence on the Service', via }] : [];
    }
    return ingressBackendRefs(obj).map(ref => ({
      namespace: context.namespace, name: ref.name, port: ref.port, affinity: `HAProxy cookie persistence on ${via}`, via,
    }));
  },
};
