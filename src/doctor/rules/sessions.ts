// Rules that follow a Service to the workloads it selects and back to what
// routes to it: where sessions are kept, and what pins a client to a pod.
import { localSessions } from './grafana';
import { Rule, describe } from './rule';
import { hasClientIpAffinity, serviceType } from './service';
import { ingressUsesClusterIp } from '../../facts/ingress-upstreams';
import { Doc, Inventory, Workload, annotationsOf, nameOf } from '../inventory';
import { Severity } from '../model';

function podsInWords(inventory: Inventory, w: Workload): string {
  const count = inventory.podCount(w);
  if (count.autoscaled) {
    return `${count.min} to ${count.max} pods (scaled by ${w.scalers.map(s => `${s.obj.kind} ${nameOf(s.obj)}`).join(', ')})`;
  }
  return count.max === Infinity ? 'one pod per node' : `${count.max} pods`;
}

function workloadName(w: Workload): string {
  return `${w.kind} ${w.name}`;
}

export const sessionsLostRoundRobin: Rule = {
  id: 'local-sessions-without-affinity',
  severity: Severity.ERROR,
  rationale: 'Several pods keep sessions to themselves behind a Service that spreads requests over all of them: users are logged out at random.',
  fix: 'Pin each client to a pod (sessionAffinity: ClientIP on the Service, or cookie affinity at the ingress), or better, keep sessions in a store every pod shares (Redis, a database; for Grafana, GF_DATABASE_TYPE mysql or postgres).',
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (hasClientIpAffinity(svc) || inventory.cookieAffinityFor(svc) !== undefined) {
        continue;
      }
      for (const w of inventory.workloadsOf(svc)) {
        if (inventory.podCount(w).max <= 1) {
          continue;
        }
        const why = localSessions(inventory, w);
        if (why) {
          report(svc, `${describe(svc)} spreads requests over the ${podsInWords(inventory, w)} of ${workloadName(w)}, and ${why}; with no ClientIP or cookie affinity in front, users are logged out at random`);
        }
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
        report(svc, `${describe(svc)}: ${affinity} in front of the single pod of ${workloadName(workloads[0])} has no effect`);
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

export const clientIpBehindIngress: Rule = {
  id: 'client-ip-behind-ingress',
  severity: Severity.WARNING,
  rationale: 'ingress-nginx and most other controllers read a Service\'s endpoints and connect to the pods directly, bypassing the virtual IP where kube-proxy applies ClientIP affinity.',
  fix: 'Use the controller\'s cookie affinity instead (for ingress-nginx: nginx.ingress.kubernetes.io/affinity: cookie on the Ingress).',
  check(inventory, report) {
    for (const svc of inventory.services) {
      if (!hasClientIpAffinity(svc) || serviceType(svc) !== 'ClusterIP' || inventory.cookieAffinityFor(svc) !== undefined) {
        continue;
      }
      const externalIps = svc.obj.spec?.externalIPs;
      if (Array.isArray(externalIps) && externalIps.length > 0) {
        continue;
      }
      const bypassing = inventory.ingressesOf(svc).filter(ing => !ingressUsesClusterIp(annotationsOf(ing.obj)));
      if (bypassing.length > 0) {
        report(svc, `${describe(svc)}: ClientIP affinity on a ClusterIP Service reached through Ingress ${bypassing.map(i => nameOf(i.obj)).join(', ')}; the ingress controller connects to the pods directly, so the affinity does nothing for that traffic`);
      }
    }
  },
};
