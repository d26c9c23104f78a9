// Rules that follow a Service to the workloads it selects and back to what
// routes to it: where sessions are kept, and what pins a client to a pod.
import { localSessions } from './grafana';
import { Rule, describe } from './rule';
import { AWS_NLB_ONLY_CONTROLLER, AWS_NLB_STICKINESS_FIX, awsLoadBalancerWithoutStickiness, hasClientIpAffinity, isHeadless, serviceType } from './service';
import { notUserFacing } from '../../facts/manifests';
import { Doc, Inventory, Workload, nameOf } from '../inventory';
import { Severity } from '../model';

/** A workload's pods in words: "3 pods", "2 to 10 pods (scaled by HorizontalPodAutoscaler a)", "one pod per node". */
export function podsInWords(inventory: Inventory, w: Workload): string {
  const count = inventory.podCount(w);
  if (count.autoscaled) {
    return `${count.min} to ${count.max} pods (scaled by ${w.scalers.map(s => `${s.obj.kind} ${nameOf(s.obj)}`).join(', ')})`;
  }
  return count.max === Infinity ? 'one pod per node' : `${count.max} ${count.max === 1 ? 'pod' : 'pods'}`;
}

/** "a", "a and b", "a, b and c". */
function inWords(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function workloadName(w: Workload): string {
  return `${w.kind} ${w.name}`;
}

/** The lasting fix for pods that keep sessions to themselves. */
const SHARED_STORE = 'keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres)';

/** The fix when a front's affinity setting is there but pins nobody as written: the changes that make it pin. */
function uncountedFix(inventory: Inventory, svc: Doc): string | undefined {
  const fixes = inventory.uncountedAffinityFixes(svc);
  return fixes.length === 0 ? undefined : `${capitalize(fixes.join('; '))}; or better, ${SHARED_STORE}.`;
}

/**
 * The Service's own way in from outside the cluster, in words, when it has
 * one: a LoadBalancer Service's load balancer, or external IPs. (A NodePort
 * Service is not counted: the AWS ALB's instance targets and GKE Ingress
 * without NEGs reach their backends through node ports.)
 */
function directEntry(svc: Doc): string | undefined {
  const externalIps = svc.obj.spec?.externalIPs;
  if (serviceType(svc) === 'LoadBalancer') {
    return `the load balancer of ${describe(svc)} itself (type LoadBalancer)`;
  }
  return Array.isArray(externalIps) && externalIps.length > 0 ? `the way in by the external IPs of ${describe(svc)} itself` : undefined;
}

/** The fix when the Service's own way in is the only one that pins nobody. */
function directEntryFix(svc: Doc, pinned: string[]): string {
  return `Make ${describe(svc)} type ClusterIP without external IPs, so that users come in through ${pinned.join(', ')} only, or give it ClientIP affinity for the users who come in directly; or better, ${SHARED_STORE}.`;
}

/** The fix for a headless Service's routes, where ClientIP would do nothing. */
function headlessFix(routes: string[]): string {
  return `Give ${routes.join(', ')} cookie affinity (nginx.ingress.kubernetes.io/affinity: cookie for an Ingress, sessionPersistence or the gateway's cookie policy for a route; ClientIP does nothing on a headless Service), or better, ${SHARED_STORE}.`;
}

/** The fix for routes (or a route's paths) that pin nobody beside others that do: ClientIP would do nothing behind them. */
function unpinnedRoutesFix(routes: string[]): string | undefined {
  return routes.length === 0 ? undefined
    : `Give ${routes.join(', ')} cookie affinity too (nginx.ingress.kubernetes.io/affinity: cookie for an Ingress; sessionPersistence of type Cookie on every rule, or the gateway's cookie policy, for a route), or better, ${SHARED_STORE}.`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const sessionsLostRoundRobin: Rule = {
  id: 'local-sessions-without-affinity',
  severity: Severity.ERROR,
  rationale: 'Several pods keep sessions to themselves behind a Service that spreads requests over all of them: users are logged out at random.',
  fix: `Pin each client to a pod (sessionAffinity: ClientIP on the Service, or cookie affinity at the ingress), or better, ${SHARED_STORE}.`,
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (hasClientIpAffinity(svc) || serviceType(svc) === 'ExternalName') {
        continue;
      }
      // An Argo Rollout's canary Service behind ingress-nginx: its users come through the canary
      // Ingress Argo copies from the stable one, pinned as the stable Service's are.
      const stable = inventory.argoNginxStableServiceOf(svc);
      if (stable !== undefined && inventory.cookieAffinityFor(stable) !== undefined) {
        continue;
      }
      // A headless Service has no virtual IP, so kube-proxy spreads nothing (its clients
      // resolve pod IPs and pick one); only a route to it, which balances over its pods, can.
      const headlessRoutes = isHeadless(svc) ? inventory.routesTo(svc) : undefined;
      if (headlessRoutes !== undefined && headlessRoutes.length === 0) {
        continue;
      }
      const spreads = headlessRoutes === undefined
        ? `${describe(svc)} spreads requests`
        : `${headlessRoutes.join(', ')} ${headlessRoutes.length > 1 ? 'spread' : 'spreads'} the requests for headless ${describe(svc)}`;
      // Pinned through some routes: the users of the others are not. An affinity setting that pins
      // none of the routes the manifests show (an XBackendTrafficPolicy's cookie under a route rule's
      // header session, which wins over it) is judged as no affinity.
      const byAffinity = inventory.cookieAffinityFor(svc) !== undefined ? inventory.routesByAffinity(svc) : undefined;
      if (byAffinity !== undefined && (byAffinity.pinned.length > 0 || byAffinity.unpinned.length === 0)) {
        const { pinned, unpinned: unpinnedRoutes } = byAffinity;
        // A LoadBalancer Service (or one with external IPs) is a way in of its own, which no route's cookie pins.
        const direct = directEntry(svc);
        const unpinned = direct === undefined ? unpinnedRoutes : [...unpinnedRoutes, direct];
        const local = pinned.length > 0 && unpinned.length > 0 ? localSessionPods(inventory, svc) : undefined;
        if (local) {
          const ignored = inventory.ignoredAffinityFor(svc);
          report(svc, `${spreads} over ${local.over}, and ${local.why}; `
            + `${pinned.join(', ')} ${pinned.length > 1 ? 'keep' : 'keeps'} each user on one pod, but ${unpinned.join(', ')} ${unpinned.length > 1 ? 'do' : 'does'} not, `
            + `so the users who come through ${unpinned.length > 1 ? 'them' : 'it'} are logged out at random${ignored.map(i => `. ${i}`).join('')}`,
          uncountedFix(inventory, svc)
            ?? (unpinnedRoutes.length === 0 && direct !== undefined ? directEntryFix(svc, pinned) : unpinnedRoutesFix(unpinnedRoutes)));
        }
        continue;
      }
      const local = localSessionPods(inventory, svc);
      if (local) {
        const ignored = inventory.ignoredAffinityFor(svc);
        const none = headlessRoutes === undefined ? 'with no ClientIP or cookie affinity in front' : 'with no cookie or client-IP affinity there';
        report(svc, `${spreads} over ${local.over}, and ${local.why}; ${none}, users are logged out at random${ignored.map(i => `. ${i}`).join('')}`,
          uncountedFix(inventory, svc) ?? (headlessRoutes === undefined ? undefined : headlessFix(headlessRoutes)));
      }
    }
  },
};

function affinityInFront(inventory: Inventory, svc: Doc): string | undefined {
  return hasClientIpAffinity(svc) ? 'ClientIP affinity' : inventory.cookieAffinityFor(svc);
}

export const affinitySingleReplica: Rule = {
  id: 'affinity-single-replica',
  severity: Severity.INFO,
  rationale: 'Affinity in front of a single pod does nothing: every client already reaches the same pod.',
  fix: 'Nothing to do if more replicas are planned; otherwise the affinity settings can go.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      const affinity = affinityInFront(inventory, svc);
      const workloads = inventory.workloadsOf(svc);
      if (!affinity || workloads.length === 0) {
        continue;
      }
      const counts = workloads.map(w => inventory.podCount(w));
      if (counts.every(c => !c.autoscaled) && counts.reduce((n, c) => n + c.max, 0) === 1) {
        const single = workloads[counts.findIndex(c => c.max === 1)];
        report(svc, `${describe(svc)}: ${affinity} in front of the single pod of ${workloadName(single)} has no effect`);
      }
    }
  },
};

export const clientIpAutoscaled: Rule = {
  id: 'client-ip-autoscaled',
  severity: Severity.INFO,
  rationale: 'ClientIP affinity keeps existing clients on their pods after a scale-out: new pods get only new clients, and load stays uneven until the affinity expires.',
  fix: 'Prefer a shared session store with no affinity for autoscaled workloads; or keep the ClientIP timeout short and scale on a metric that tolerates uneven load.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (!hasClientIpAffinity(svc)) {
        continue;
      }
      for (const w of inventory.workloadsOf(svc)) {
        if (inventory.podCount(w).autoscaled) {
          report(svc, `${describe(svc)}: ClientIP affinity on ${workloadName(w)}, which runs ${podsInWords(inventory, w)}: after a scale-out, the new pods get only new clients`);
        }
      }
    }
  },
};

/** The fronts that reach a Service's pods past its virtual IP, as "Ingress a, HTTPRoute b". */
function bypassingFronts(inventory: Inventory, svc: Doc): string[] {
  return [...new Set(inventory.frontsBypassingVirtualIp(svc).map(r => r.via))];
}

/** The pods behind a Service that keep sessions to themselves, in words. */
interface LocalPods {
  /** "the 3 pods of Deployment a", or "the 1 pod of Deployment a and the 1 pod of Deployment b". */
  readonly over: string;
  /** "Deployment a", or "Deployment a and Deployment b". */
  readonly workloads: string;
  /** "3 pods" for one workload; for several, as `over`. */
  readonly pods: string;
  /** Why they keep sessions locally (per workload when the reasons differ). */
  readonly why: string;
}

/**
 * The pods a Service spreads requests over that keep sessions to
 * themselves, counted across all the workloads it selects (a stable and a
 * canary Deployment of one pod each are two pods), when there can be more
 * than one; undefined otherwise, and for a Service that says no user's
 * requests come through it (while no Ingress or route reaches it).
 */
function localSessionPods(inventory: Inventory, svc: Doc): LocalPods | undefined {
  // The annotation is believed only while nothing routes users to the Service.
  if (notUserFacing(svc.obj) && inventory.routesTo(svc).length === 0) {
    return undefined;
  }
  const local: Array<{ w: Workload; why: string }> = [];
  for (const w of inventory.workloadsOf(svc)) {
    const why = inventory.podCount(w).max > 0 ? localSessions(inventory, w) : undefined;
    if (why !== undefined) {
      local.push({ w, why });
    }
  }
  if (local.reduce((n, l) => n + inventory.podCount(l.w).max, 0) <= 1) {
    return undefined;
  }
  const over = inWords(local.map(l => `the ${podsInWords(inventory, l.w)} of ${workloadName(l.w)}`));
  const whys = [...new Set(local.map(l => l.why))];
  return {
    over,
    workloads: inWords(local.map(l => workloadName(l.w))),
    pods: local.length === 1 ? podsInWords(inventory, local[0].w) : over,
    why: whys.length === 1 ? whys[0] : local.map(l => `${workloadName(l.w)}: ${l.why}`).join('; '),
  };
}

/**
 * @see https://kubernetes.io/docs/reference/networking/virtual-ips/#session-affinity
 */
export const clientIpBypassed: Rule = {
  id: 'client-ip-bypassed',
  severity: Severity.ERROR,
  rationale: 'ClientIP affinity is applied by kube-proxy on the Service\'s virtual IP. Ingress controllers (ingress-nginx, Traefik, HAProxy, the AWS ALB with ip targets, GKE with NEGs), every Gateway API implementation and mesh sidecars pick the pod themselves and never pass that virtual IP, so for pods that keep sessions to themselves, users are logged out at random.',
  fix: 'Give the front cookie affinity (CookieAffinityIngress or nginx.ingress.kubernetes.io/affinity: cookie for an Ingress, sessionPersistence or the gateway\'s cookie policy for a route, a consistent-hash cookie for a mesh), or keep the sessions in a store every pod shares.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (!hasClientIpAffinity(svc) || inventory.cookieAffinityFor(svc) !== undefined) {
        continue;
      }
      const fronts = bypassingFronts(inventory, svc);
      const local = fronts.length > 0 ? localSessionPods(inventory, svc) : undefined;
      if (local) {
        report(svc, `${describe(svc)}: ClientIP is its only affinity, but ${fronts.join(', ')} ${fronts.length > 1 ? 'pick' : 'picks'} the pods of ${local.workloads} itself, past the Service's virtual IP where kube-proxy applies ClientIP; ${local.why}, so users reaching it there are spread over ${local.pods} and logged out at random`);
      }
    }
  },
};

/** The Ingresses whose proxy sends to a Service's virtual IP (its cluster IP or node port), as "Ingress a". */
function proxiedIngresses(inventory: Inventory, svc: Doc): string[] {
  return [...new Set(inventory.frontsOf(svc).filter(r => r.bypassesVirtualIp === false && r.obj.kind === 'Ingress').map(r => r.via))];
}

/**
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#service-upstream
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-type
 */
export const clientIpSeesProxy: Rule = {
  id: 'client-ip-sees-proxy',
  severity: Severity.ERROR,
  rationale: 'ClientIP affinity keys on the client address kube-proxy sees. An ingress controller that sends to a Service\'s cluster IP (ingress-nginx service-upstream, Traefik nativeLB) or a load balancer that sends to its node port (the AWS ALB with instance targets, GKE Ingress without NEGs) is that client: kube-proxy keeps each proxy address on one pod, and one user\'s requests come from several of them, so for pods that keep sessions to themselves, users are logged out at random.',
  fix: 'Give the front cookie affinity that reaches the pods (ingress-nginx: affinity: cookie without service-upstream; the AWS ALB: target-type: ip with stickiness.enabled=true; GKE: container-native load balancing and a BackendConfig cookie), or keep the sessions in a store every pod shares.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (!hasClientIpAffinity(svc) || inventory.cookieAffinityFor(svc) !== undefined) {
        continue;
      }
      const proxied = proxiedIngresses(inventory, svc);
      const local = proxied.length > 0 ? localSessionPods(inventory, svc) : undefined;
      if (local) {
        report(svc, `${describe(svc)}: ClientIP is its only affinity, but ${proxied.join(', ')} ${proxied.length > 1 ? 'send' : 'sends'} requests to its virtual IP (cluster IP or node port) from the proxy's own addresses (the ingress controller's pods, or the load balancer's nodes): kube-proxy keeps each of those, not each user, on one pod; ${local.why}, so a user whose requests come from another proxy address changes pods, over ${local.pods}, and is logged out at random`);
      }
    }
  },
};

export const clientIpBehindIngress: Rule = {
  id: 'client-ip-behind-ingress',
  severity: Severity.WARNING,
  rationale: 'ingress-nginx and most other controllers, every Gateway API implementation and mesh sidecars read a Service\'s endpoints and connect to the pods directly, bypassing the virtual IP where kube-proxy applies ClientIP affinity; a controller told to send to the cluster IP (ingress-nginx service-upstream) or a load balancer that sends to node ports (the AWS ALB with instance targets) passes it, but then the Service\'s clients are those proxies, not the users.',
  fix: 'Use the front\'s cookie affinity instead (for ingress-nginx: nginx.ingress.kubernetes.io/affinity: cookie on the Ingress; for a route, sessionPersistence), or drop the ClientIP setting if nothing needs it.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (!hasClientIpAffinity(svc) || inventory.cookieAffinityFor(svc) !== undefined) {
        continue;
      }
      // Pods with local sessions get client-ip-sees-proxy and client-ip-bypassed, errors, instead
      // (worked out only for a Service something reaches).
      let local: boolean | undefined;
      const keepsSessions = () => local ??= localSessionPods(inventory, svc) !== undefined;
      // Ingresses whose proxy sends to the virtual IP, of a Service of any type: kube-proxy sees the proxies as the clients.
      const proxied = proxiedIngresses(inventory, svc);
      if (proxied.length > 0 && !keepsSessions()) {
        report(svc, `${describe(svc)}: ClientIP affinity on a Service reached through ${proxied.join(', ')} at its virtual IP (cluster IP or node port), whose clients there are the proxy's own addresses (the ingress controller's pods, or the load balancer's nodes): kube-proxy keeps each of those, not each user, on one pod, so a user whose requests come from another proxy address changes pods, and all the users behind one share one`);
      }
      // A Service reachable from outside keeps its affinity for that traffic.
      const externalIps = svc.obj.spec?.externalIPs;
      if (serviceType(svc) !== 'ClusterIP' || (Array.isArray(externalIps) && externalIps.length > 0)) {
        continue;
      }
      const fronts = bypassingFronts(inventory, svc);
      if (fronts.length === 0 || keepsSessions()) {
        continue;
      }
      report(svc, `${describe(svc)}: ClientIP affinity on a ClusterIP Service reached through ${fronts.join(', ')}; ${fronts.length > 1 ? 'these connect' : fronts[0].startsWith('Ingress ') ? 'the ingress controller connects' : 'it connects'} to the pods directly, so the affinity does nothing for that traffic`);
    }
  },
};

/**
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 * @see https://github.com/kubernetes/kubernetes/issues/94416
 */
export const awsNlbWithoutStickiness: Rule = {
  id: 'aws-nlb-client-ip-without-stickiness',
  severity: Severity.WARNING,
  rationale: `The AWS Load Balancer Controller's NLB ignores sessionAffinity and spreads one client over several nodes (or pods, with IP targets); each node keeps its own ClientIP table, so the client changes pods. ${AWS_NLB_ONLY_CONTROLLER}`,
  fix: AWS_NLB_STICKINESS_FIX,
  check(inventory, report) {
    for (const svc of inventory.services) {
      const found = awsLoadBalancerWithoutStickiness(svc);
      // Pods with local sessions get aws-nlb-client-ip-spreads-sessions, an error, instead.
      if (found !== undefined && localSessionPods(inventory, svc) === undefined) {
        report(svc, `${describe(svc)}: ${found.why}`, found.fix);
      }
    }
  },
};

/**
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/
 * @see https://github.com/kubernetes/kubernetes/issues/94416
 */
export const awsNlbSpreadsSessions: Rule = {
  id: 'aws-nlb-client-ip-spreads-sessions',
  severity: Severity.ERROR,
  rationale: `The AWS Load Balancer Controller's NLB ignores sessionAffinity and spreads one client over several nodes (or pods, with IP targets), each with its own ClientIP table, so for pods that keep sessions to themselves, users are logged out at random. ${AWS_NLB_ONLY_CONTROLLER}`,
  fix: `${AWS_NLB_STICKINESS_FIX.slice(0, -1)}; or keep the sessions in a store every pod shares.`,
  check(inventory, report) {
    for (const svc of inventory.services) {
      const found = awsLoadBalancerWithoutStickiness(svc);
      const local = found !== undefined ? localSessionPods(inventory, svc) : undefined;
      if (found !== undefined && local !== undefined) {
        report(svc, `${describe(svc)}: ${found.why}; ${local.why}, so users are spread over ${local.pods} and logged out at random`,
          found.fix === undefined ? undefined : `${found.fix.slice(0, -1)}; or better, ${SHARED_STORE}.`);
      }
    }
  },
};
