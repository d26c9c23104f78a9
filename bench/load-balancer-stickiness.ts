// What `loadBalancerStickiness: LoadBalancerStickiness.awsNlb()` adds to the
// synth of LoadBalancer StickyServices: three annotations per Service and a
// synth-time check that nothing added later undid them. Prints a ratio
// measured in this run; never fails on a figure.
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { median, msSince, spreadPercent, table } from './stats';
import { LoadBalancerStickiness, StickyService } from '../src';

const N = 1000;

function synth(stickiness: LoadBalancerStickiness | undefined): number {
  const start = process.hrtime.bigint();
  const chart = new Chart(new App(), 'bench');
  for (let i = 0; i < N; i++) {
    const service = new StickyService(chart, `Svc${i}`, {
      metadata: { name: `app-${i}` },
      type: kplus.ServiceType.LOAD_BALANCER,
      ports: [{ port: 80, targetPort: 8080 }],
      loadBalancerStickiness: stickiness,
    });
    service.selectLabel('app', `app-${i}`);
  }
  chart.toJson();
  return msSince(start);
}

/** Prints the cost of awsNlb() next to the same Services without it. */
export function benchLoadBalancerStickiness(repeats: number): void {
  const plain: number[] = [];
  const aws: number[] = [];
  for (let r = 0; r < 3; r++) {
    synth(undefined);
    synth(LoadBalancerStickiness.awsNlb());
  }
  for (let r = 0; r < repeats; r++) {
    // Alternate which goes first, so neither always runs after a GC.
    if (r % 2 === 0) {
      plain.push(synth(undefined));
      aws.push(synth(LoadBalancerStickiness.awsNlb()));
    } else {
      aws.push(synth(LoadBalancerStickiness.awsNlb()));
      plain.push(synth(undefined));
    }
  }
  console.log(`\nloadBalancerStickiness: ${N} LoadBalancer StickyServices, build + toJson (${repeats} repeats, interleaved)`);
  console.log(table(['variant', 'total ms', 'spread', 'vs without'], [
    ['without', median(plain).toFixed(1), `${spreadPercent(plain).toFixed(0)}%`, '1.00'],
    ['awsNlb()', median(aws).toFixed(1), `${spreadPercent(aws).toFixed(0)}%`, (median(aws) / median(plain)).toFixed(2)],
  ]));
}
