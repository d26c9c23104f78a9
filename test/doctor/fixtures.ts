// Small builders for the manifests the doctor's tests feed it.

export type Obj = { [key: string]: any };

export interface WorkloadOptions {
  readonly kind?: string;
  readonly namespace?: string;
  readonly replicas?: number;
  readonly image?: string;
  readonly env?: Obj[];
  readonly envFrom?: Obj[];
  readonly volumes?: Obj[];
  readonly volumeMounts?: Obj[];
  readonly labels?: Record<string, string>;
}

export function workload(name: string, options: WorkloadOptions = {}): Obj {
  const labels = options.labels ?? { app: name };
  const kind = options.kind ?? 'Deployment';
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, ...(options.namespace ? { namespace: options.namespace } : {}) },
    spec: {
      ...(kind === 'DaemonSet' ? {} : { replicas: options.replicas ?? 1 }),
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: 'app',
            image: options.image ?? 'ghcr.io/example/app:1.0.0',
            ...(options.env ? { env: options.env } : {}),
            ...(options.envFrom ? { envFrom: options.envFrom } : {}),
            ...(options.volumeMounts ? { volumeMounts: options.volumeMounts } : {}),
          }],
          ...(options.volumes ? { volumes: options.volumes } : {}),
        },
      },
    },
  };
}

export function grafana(options: WorkloadOptions = {}): Obj {
  return workload('grafana', { image: 'grafana/grafana:11.3.0', replicas: 4, ...options });
}

export function service(name: string, spec: Obj = {}, annotations?: Record<string, string>, namespace?: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...spec },
  };
}

export const CLIENT_IP = { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } } };

export function ingress(name: string, backend: string, annotations: Record<string, string> = {}): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, annotations },
    spec: {
      ingressClassName: 'nginx',
      rules: [{
        host: 'app.example.com',
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: 80 } } } }] },
      }],
    },
  };
}

/** The Ingress with another `spec.ingressClassName`. */
export function withClass(ing: Obj, ingressClassName: string): Obj {
  return { ...ing, spec: { ...ing.spec, ingressClassName } };
}

/** The Ingress with its one rule's paths replaced (each to the same backend). */
export function withPaths(ing: Obj, ...paths: string[]): Obj {
  const rule = ing.spec.rules[0];
  const backend = rule.http.paths[0].backend;
  return { ...ing, spec: { ...ing.spec, rules: [{ ...rule, http: { paths: paths.map(path => ({ path, pathType: 'ImplementationSpecific', backend })) } }] } };
}

/** A Traefik IngressRoute: one route per [match, Service, sticky cookie] (no cookie name: Traefik's own). */
export function ingressRoute(name: string, routes: Array<[string, string, { name?: string; path?: string }]>): Obj {
  return {
    apiVersion: 'traefik.io/v1alpha1',
    kind: 'IngressRoute',
    metadata: { name },
    spec: {
      entryPoints: ['websecure'],
      routes: routes.map(([match, backend, cookie]) => ({
        kind: 'Rule',
        match,
        services: [{ name: backend, port: 80, sticky: { cookie } }],
      })),
    },
  };
}

/** The Ingress with spec.tls for these hosts. */
export function withTls(ing: Obj, ...hosts: string[]): Obj {
  return { ...ing, spec: { ...ing.spec, tls: [{ hosts, secretName: `${ing.metadata.name}-tls` }] } };
}

export function hpa(target: string, min = 2, max = 10): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: target },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: min, maxReplicas: max },
  };
}

export function scaledObject(target: string, namespace?: string, spec: Obj = {}): Obj {
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: target, ...(namespace ? { namespace } : {}) },
    spec: { scaleTargetRef: { name: target }, triggers: [{ type: 'cpu', metricType: 'Utilization', metadata: { value: '60' } }], ...spec },
  };
}
