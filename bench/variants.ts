// The same N sticky Services written three ways, so their synth cost can be
// compared side by side. Every variant renders the same affinity fields.
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { StickyService } from '../src';

/** One way of writing N sticky Services into a chart. */
export interface Variant {
  readonly name: string;
  readonly describe: string;
  build(chart: Chart, n: number): void;
}

const TIMEOUT_SECONDS = 10800;

function serviceName(i: number): string {
  return `app-${i}`;
}

export const LIBRARY: Variant = {
  name: 'library',
  describe: 'StickyService from this library',
  build(chart, n) {
    for (let i = 0; i < n; i++) {
      const service = new StickyService(chart, `Svc${i}`, {
        metadata: { name: serviceName(i) },
        ports: [{ port: 80, targetPort: 8080 }],
      });
      service.selectLabel('app', serviceName(i));
    }
  },
};

export const HAND_WRITTEN: Variant = {
  name: 'hand-written',
  describe: 'kplus.Service + JSON patches, as users write it today',
  build(chart, n) {
    for (let i = 0; i < n; i++) {
      const service = new kplus.Service(chart, `Svc${i}`, {
        metadata: { name: serviceName(i) },
        ports: [{ port: 80, targetPort: 8080 }],
      });
      service.selectLabel('app', serviceName(i));
      // The L1 spells it clientIp; a patch with clientIP would be dropped.
      ApiObject.of(service).addJsonPatch(
        JsonPatch.add('/spec/sessionAffinity', 'ClientIP'),
        JsonPatch.add('/spec/sessionAffinityConfig', { clientIp: { timeoutSeconds: TIMEOUT_SECONDS } }),
      );
    }
  },
};

export const RAW_L1: Variant = {
  name: 'raw-L1',
  describe: 'kplus.k8s.KubeService objects, no cdk8s-plus',
  build(chart, n) {
    for (let i = 0; i < n; i++) {
      new kplus.k8s.KubeService(chart, `Svc${i}`, {
        metadata: { name: serviceName(i) },
        spec: {
          type: 'ClusterIP',
          selector: { app: serviceName(i) },
          ports: [{ port: 80, targetPort: kplus.k8s.IntOrString.fromNumber(8080) }],
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIp: { timeoutSeconds: TIMEOUT_SECONDS } },
        },
      });
    }
  },
};

export const VARIANTS: Variant[] = [LIBRARY, HAND_WRITTEN, RAW_L1];

export function variantNamed(name: string): Variant {
  const found = VARIANTS.find(v => v.name === name);
  if (!found) {
    throw new Error(`no variant ${name}; have ${VARIANTS.map(v => v.name).join(', ')}`);
  }
  return found;
}

/** A fresh chart, built with `n` Services of the variant: the construct tree only. */
export function buildChart(variant: Variant, n: number): Chart {
  const chart = new Chart(new App({ outdir: '/dev/null' }), 'bench');
  variant.build(chart, n);
  return chart;
}

/**
 * What every variant must render alike for the comparison to mean anything:
 * per Service, its name, type, selector, ports and affinity.
 */
export function renderedAffinity(manifests: any[]): unknown[] {
  return manifests.map(m => ({
    name: m.metadata.name,
    type: m.spec.type ?? 'ClusterIP',
    selector: m.spec.selector,
    ports: m.spec.ports,
    sessionAffinity: m.spec.sessionAffinity,
    sessionAffinityConfig: m.spec.sessionAffinityConfig,
  }));
}
