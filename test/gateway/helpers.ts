import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';

/** A ClusterIP Service as a route's backend, one port unless told; `null` for no namespace. */
export function backendService(chart: Chart, name = 'backend', namespace: string | null = 'default', ports: number[] = [3000]): kplus.Service {
  return new kplus.Service(chart, `Svc-${name}-${namespace ?? 'none'}`, {
    metadata: { name, namespace: namespace ?? undefined },
    ports: ports.map(port => ({ port })),
  });
}

/** Seconds in a Gateway API duration (`1h30m` -> 5400). */
export function gatewaySeconds(text: string): number {
  let total = 0;
  for (const [, n, unit] of text.matchAll(/([0-9]+)(h|ms|m|s)/g)) {
    total += Number(n) * ({ h: 3600, m: 60, s: 1, ms: 0.001 } as Record<string, number>)[unit];
  }
  return total;
}
