// Misuse of the Kong, GKE Gateway and NGINX Plus affinity objects that their
// CRDs accept but the controllers ignore or refuse.
import { Rule, describe } from './rule';
import { GCP_BACKEND_POLICY_KIND, GKE_GATEWAY_UNSUPPORTED_AFFINITY_TYPES } from '../../facts/gke-gateway';
import { isKongStickyPolicy, kongAffinityCookie, KONG_UPSTREAM_POLICY_ANNOTATION, KONG_UPSTREAM_POLICY_KIND } from '../../facts/kong';
import { NGINX_CRD_GROUP } from '../../facts/nginx-plus';
import { annotationsOf, nameOf, namespaceOf } from '../inventory';
import { Severity } from '../model';

/** @see https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/ */
export const kongStickyPolicyUnused: Rule = {
  id: 'kong-sticky-policy-unused',
  severity: Severity.WARNING,
  rationale: `A KongUpstreamPolicy acts only on a Service whose ${KONG_UPSTREAM_POLICY_ANNOTATION} annotation names it, and only for the Kong routes (Ingress or HTTPRoute) that reach that Service; otherwise its cookie (sticky sessions, or consistent hashing on a cookie) pins nobody, without a word.`,
  fix: `Annotate the backend Service with ${KONG_UPSTREAM_POLICY_ANNOTATION}: <policy name> (same namespace), and route to that Service through Kong; KongCookieAffinity or CookieAffinityRoute with GatewayImplementation.kong() writes both.`,
  check(inventory, report) {
    const named = new Set<string>();
    for (const svc of inventory.services) {
      const policyName = annotationsOf(svc.obj)[KONG_UPSTREAM_POLICY_ANNOTATION];
      if (policyName === undefined) {
        continue;
      }
      const ns = namespaceOf(svc.obj);
      named.add(`${ns}/${policyName}`);
      const policy = inventory.find(KONG_UPSTREAM_POLICY_KIND, ns, policyName);
      if (policy === undefined || kongAffinityCookie(policy.obj) === undefined) {
        continue;
      }
      if (!inventory.frontsOf(svc).some(r => r.front !== 'kong')) {
        const what = isKongStickyPolicy(policy.obj) ? 'sticky-sessions' : 'cookie-hashing';
        report(svc, `${describe(svc)} carries the ${what} ${KONG_UPSTREAM_POLICY_KIND} ${policyName}, but no Ingress or route among the manifests reaches it: the cookie is never set`);
      }
    }
    for (const doc of inventory.docs) {
      if (doc.obj.kind === KONG_UPSTREAM_POLICY_KIND && kongAffinityCookie(doc.obj) !== undefined && !named.has(`${namespaceOf(doc.obj)}/${nameOf(doc.obj)}`)) {
        const what = isKongStickyPolicy(doc.obj) ? 'sticky sessions' : 'consistent hashing on a cookie';
        report(doc, `${describe(doc)} asks for ${what}, but no Service in its namespace names it in ${KONG_UPSTREAM_POLICY_ANNOTATION}: it applies to nothing`);
      }
    }
  },
};

/** @see https://github.com/GoogleCloudPlatform/gke-gateway-api/issues/42 */
export const gkeGatewayAffinityUnsupported: Rule = {
  id: 'gke-gateway-affinity-unsupported',
  severity: Severity.ERROR,
  rationale: `GCPBackendPolicy's CRD lists ${GKE_GATEWAY_UNSUPPORTED_AFFINITY_TYPES.join(' and ')} as session-affinity types, but GKE's documentation says the policy supports neither: the object is accepted and gives no affinity.`,
  fix: 'Use type GENERATED_COOKIE (with cookieTtlSec) or CLIENT_IP; GkeGatewayCookieAffinity writes GENERATED_COOKIE.',
  check(inventory, report) {
    for (const doc of inventory.docs) {
      const type = doc.obj.spec?.default?.sessionAffinity?.type;
      if (doc.obj.kind === GCP_BACKEND_POLICY_KIND && (GKE_GATEWAY_UNSUPPORTED_AFFINITY_TYPES as readonly string[]).includes(type)) {
        report(doc, `${describe(doc)}: spec.default.sessionAffinity.type ${type} is not supported by GCPBackendPolicy; the Service gets no affinity`);
      }
    }
  },
};

/** @see https://github.com/nginx/kubernetes-ingress/blob/v5.5.4/pkg/apis/configuration/validation/virtualserver.go */
export const nginxPlusSessionCookieUnnamed: Rule = {
  id: 'nginx-plus-session-cookie-unnamed',
  severity: Severity.ERROR,
  rationale: 'F5 NGINX Ingress Controller requires sessionCookie.name, though the VirtualServer CRD leaves it optional: the API server stores the object and the controller rejects it, so the whole host is not served.',
  fix: 'Give every sessionCookie a name, e.g. name: srv_id; NginxPlusCookieAffinity always writes one.',
  check(inventory, report) {
    for (const doc of inventory.docs) {
      if ((doc.obj.kind !== 'VirtualServer' && doc.obj.kind !== 'VirtualServerRoute') || !String(doc.obj.apiVersion ?? '').startsWith(`${NGINX_CRD_GROUP}/`)) {
        continue;
      }
      for (const upstream of Array.isArray(doc.obj.spec?.upstreams) ? doc.obj.spec.upstreams : []) {
        const cookie = upstream?.sessionCookie;
        if (typeof cookie === 'object' && cookie !== null && (typeof cookie.name !== 'string' || cookie.name === '')) {
          report(doc, `${describe(doc)}: upstream ${JSON.stringify(upstream.name ?? '')} has a sessionCookie without a name, which the controller refuses`);
        }
      }
    }
  },
};
