// ClientIP affinity is kept per Service port, not per Service.
import { Rule, describe } from './rule';
import { hasClientIpAffinity, isHeadless, serviceType } from './service';
import { isObject } from '../inventory';
import { Severity } from '../model';

function portInWords(p: any): string {
  const number = `${p.port}/${typeof p.protocol === 'string' ? p.protocol : 'TCP'}`;
  return typeof p.name === 'string' && p.name !== '' ? `${p.name} (${number})` : number;
}

/**
 * kube-proxy (iptables and IPVS alike) and Cilium keep a ClientIP entry per
 * Service port: one client's connections to two ports of the Service can
 * reach two different pods.
 *
 * @see https://github.com/kubernetes/kubernetes/issues/103000
 * @see https://github.com/cilium/cilium/pull/16954 (Cilium documents the same per-port affinity)
 */
export const clientIpMultiPort: Rule = {
  id: 'client-ip-multi-port',
  severity: Severity.WARNING,
  rationale: 'kube-proxy keeps ClientIP affinity per Service port, not per Service: a client\'s connections to two ports (HTTP and WebSocket, say) can land on different pods.',
  fix: 'Serve what must reach the same pod on one port (or one Service per port where that does not matter), or keep the state in a store every pod shares.',
  check(inventory, report) {
    for (const svc of inventory.services) {
      const ports = Array.isArray(svc.obj.spec?.ports) ? svc.obj.spec.ports.filter(isObject) : [];
      const type = serviceType(svc);
      if (!hasClientIpAffinity(svc) || ports.length < 2 || type === 'ExternalName' || isHeadless(svc)) {
        continue;
      }
      report(svc, `${describe(svc)}: ClientIP affinity on ${ports.length} ports, ${ports.map(portInWords).join(', ')}; kube-proxy keeps a client's pod per port, so its connections to different ports can reach different pods`);
    }
  },
};
