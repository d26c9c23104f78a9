import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, Lazy, Testing } from 'cdk8s';
import { HttpProxy } from '../../src/imports/contour-httpproxies';
import * as kinds from '../../src/imports/custom-resource';
import { BackendTrafficPolicy as EnvoyBackendTrafficPolicy } from '../../src/imports/envoy-backendtrafficpolicies';
import { HttpRoute } from '../../src/imports/gateway-httproutes';
import { HttpRoute as MainHttpRoute } from '../../src/imports/gateway-main-httproutes';
import { XBackendTrafficPolicy as MainXBackendTrafficPolicy } from '../../src/imports/gateway-main-xbackendtrafficpolicies';
import { ReferenceGrantV1Beta1 } from '../../src/imports/gateway-referencegrants';
import { XBackendTrafficPolicy } from '../../src/imports/gateway-xbackendtrafficpolicies';
import { GcpBackendPolicy } from '../../src/imports/gke-gcpbackendpolicies';
import { DestinationRule } from '../../src/imports/istio-destinationrules';
import { ScaledObject } from '../../src/imports/keda-scaledobjects';
import { KongUpstreamPolicy } from '../../src/imports/kong-upstreampolicies';
import { VirtualServer } from '../../src/imports/nginx-virtualservers';
import { IngressRoute } from '../../src/imports/traefik-ingressroutes';

describe('custom resources written as plain ApiObjects', () => {
  test.each([
    ['HTTP_ROUTE', kinds.HTTP_ROUTE, HttpRoute.GVK],
    ['X_BACKEND_TRAFFIC_POLICY', kinds.X_BACKEND_TRAFFIC_POLICY, XBackendTrafficPolicy.GVK],
    ['ENVOY_BACKEND_TRAFFIC_POLICY', kinds.ENVOY_BACKEND_TRAFFIC_POLICY, EnvoyBackendTrafficPolicy.GVK],
    ['ISTIO_DESTINATION_RULE', kinds.ISTIO_DESTINATION_RULE, DestinationRule.GVK],
    ['KEDA_SCALED_OBJECT', kinds.KEDA_SCALED_OBJECT, ScaledObject.GVK],
    ['TRAEFIK_INGRESS_ROUTE', kinds.TRAEFIK_INGRESS_ROUTE, IngressRoute.GVK],
    ['HTTP_ROUTE (Gateway API main)', kinds.HTTP_ROUTE, MainHttpRoute.GVK],
    ['X_BACKEND_TRAFFIC_POLICY (Gateway API main)', kinds.X_BACKEND_TRAFFIC_POLICY, MainXBackendTrafficPolicy.GVK],
    ['REFERENCE_GRANT', kinds.REFERENCE_GRANT, ReferenceGrantV1Beta1.GVK],
    ['KONG_UPSTREAM_POLICY', kinds.KONG_UPSTREAM_POLICY, KongUpstreamPolicy.GVK],
    ['CONTOUR_HTTP_PROXY', kinds.CONTOUR_HTTP_PROXY, HttpProxy.GVK],
    ['GCP_BACKEND_POLICY', kinds.GCP_BACKEND_POLICY, GcpBackendPolicy.GVK],
    ['NGINX_VIRTUAL_SERVER', kinds.NGINX_VIRTUAL_SERVER, VirtualServer.GVK],
  ])('GIVEN %s THEN it is the generated class\'s apiVersion and kind', (_name, gvk, generated) => {
    expect(gvk).toEqual(generated);
  });

  test('GIVEN props THEN customResource renders what the generated class renders', () => {
    const props = {
      metadata: { name: 'r', namespace: 'default' },
      spec: { parentRefs: [{ name: 'eg' }], rules: [{ backendRefs: [{ name: 's', port: 80 }] }] },
    };
    const chart = Testing.chart();
    kinds.customResource(chart, 'Plain', kinds.HTTP_ROUTE, props);
    const generatedChart = new Chart(Testing.app(), 'g');
    new HttpRoute(generatedChart, 'Generated', props);
    expect(Testing.synth(chart)).toEqual(Testing.synth(generatedChart));
  });

  test('GIVEN the library as compiled THEN no source file loads a generated module at run time', () => {
    // `import type` is erased; any other import of ../imports/<generated> would load it with the package.
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'imports') walk(file);
        } else if (file.endsWith('.ts')) {
          const source = fs.readFileSync(file, 'utf-8');
          for (const m of source.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']*imports\/[^']+)'/gms)) {
            if (!m[1] && !m[2].endsWith('/custom-resource')) offenders.push(`${path.relative(process.cwd(), file)}: ${m[2]}`);
          }
        }
      }
    };
    walk(path.join(__dirname, '..', '..', 'src'));
    expect(offenders).toEqual([]);
  });
});

describe('a custom resource\'s fields', () => {
  const gvk = kinds.HTTP_ROUTE;
  /** The manifest the same props give as a plain ApiObject's props, the way cdk8s renders them. */
  const asProps = (props: any, app = Testing.app()) => {
    const chart = new Chart(app, 'props');
    new ApiObject(chart, 'R', { ...props, apiVersion: gvk.apiVersion, kind: gvk.kind });
    return Testing.synth(chart);
  };
  const written = (props: any, app = Testing.app()) => {
    const chart = new Chart(app, 'written');
    const object = kinds.customResource(chart, 'R', gvk, props);
    return { object, manifests: () => Testing.synth(chart) };
  };
  // JSON.stringify, not toEqual: the keys' order is part of the manifest.
  const same = (a: unknown, b: unknown) => expect(JSON.stringify(a)).toBe(JSON.stringify(b));

  test('GIVEN a Lazy value in the spec THEN it is resolved at synth', () => {
    let port = 80;
    const props = { metadata: { name: 'r' }, spec: { rules: [{ backendRefs: [{ name: 's', port: Lazy.any({ produce: () => port }) }] }] } };
    const { manifests } = written(props);
    port = 8080;
    expect(manifests()[0].spec.rules[0].backendRefs[0].port).toBe(8080);
    same(manifests(), asProps(props));
  });

  test('GIVEN an apiVersion or kind among the props THEN the kind\'s own win, as on the props path', () => {
    const props = { apiVersion: 'other.example.com/v1', kind: 'Other', metadata: { name: 'r' }, spec: { hostnames: ['a.example.com'] } };
    const [manifest] = written(props).manifests();
    expect([manifest.apiVersion, manifest.kind]).toEqual([gvk.apiVersion, gvk.kind]);
    same(written(props).manifests(), asProps(props));
  });
});
