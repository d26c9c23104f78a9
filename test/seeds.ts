import * as yaml from 'yaml';

/**
 * The sticky Services of the two source documents (../shared/seeds/), as they
 * print them. The constructs must reproduce every field these set.
 */
export const SEED_SERVICES: Record<string, string> = {
  // "Session Affinity in Kubernetes", Configuration Example
  'grafana': `
apiVersion: v1
kind: Service
metadata:
  name: grafana
  namespace: observability
spec:
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  ports:
  - port: 3000
    targetPort: 3000
  selector:
    app: grafana
`,
  // "Session Affinity in Kubernetes", Real-World Example: The Solution
  'grafana-lb': `
apiVersion: v1
kind: Service
metadata:
  name: grafana
  namespace: observability
spec:
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  type: LoadBalancer
  ports:
  - port: 3000
    targetPort: 3000
  selector:
    app: grafana
`,
  // "Configure Service Session Affinity with clientIP", Enabling Session Affinity
  'stateful-app': `
apiVersion: v1
kind: Service
metadata:
  name: stateful-app
  namespace: production
spec:
  type: ClusterIP
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 10800
  selector:
    app: stateful-app
  ports:
  - port: 80
    targetPort: 8080
    protocol: TCP
`,
  // Testing Session Affinity
  'affinity-test': `
apiVersion: v1
kind: Service
metadata:
  name: affinity-test
  namespace: default
spec:
  type: ClusterIP
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 300
  selector:
    app: affinity-test
  ports:
  - port: 80
    targetPort: 5678
`,
  // Use Cases: WebSocket Connections
  'websocket-server': `
apiVersion: v1
kind: Service
metadata:
  name: websocket-server
spec:
  type: LoadBalancer
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 86400
  selector:
    app: websocket-server
  ports:
  - port: 80
    targetPort: 8080
`,
  // Use Cases: In-Memory Session Storage
  'legacy-app': `
apiVersion: v1
kind: Service
metadata:
  name: legacy-app
spec:
  type: ClusterIP
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 3600
  selector:
    app: legacy-app
  ports:
  - port: 8080
    targetPort: 8080
`,
  // Use Cases: File Upload Resumption
  'file-upload': `
apiVersion: v1
kind: Service
metadata:
  name: file-upload
spec:
  type: ClusterIP
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 7200
  selector:
    app: file-upload
  ports:
  - port: 80
    targetPort: 3000
`,
  // Combining with External Traffic Policy
  'external-app': `
apiVersion: v1
kind: Service
metadata:
  name: external-app
spec:
  type: LoadBalancer
  sessionAffinity: ClientIP
  sessionAffinityConfig:
    clientIP:
      timeoutSeconds: 3600
  externalTrafficPolicy: Local
  selector:
    app: external-app
  ports:
  - port: 80
    targetPort: 8080
`,
};

/** A seed Service as an object. */
export function seedService(name: string): any {
  const text = SEED_SERVICES[name];
  if (text === undefined) {
    throw new Error(`no seed Service named ${name}`);
  }
  return yaml.parse(text);
}

/**
 * Every leaf path the seed sets, with its value, e.g.
 * `spec.sessionAffinityConfig.clientIP.timeoutSeconds = 10800`.
 */
export function leaves(value: any, prefix = ''): Array<[string, unknown]> {
  // An empty list or map is a leaf of its own, so `externalIPs: []` counts.
  if (value === null || typeof value !== 'object' || Object.keys(value).length === 0) {
    return [[prefix, value]];
  }
  return Object.entries(value).flatMap(([key, child]) =>
    leaves(child, prefix === '' ? key : `${prefix}.${key}`));
}

/** The value at a dotted path (array indices as numbers), or undefined. */
export function at(value: any, path: string): unknown {
  return path.split('.').reduce((node, key) => (node === undefined || node === null ? undefined : node[key]), value);
}
