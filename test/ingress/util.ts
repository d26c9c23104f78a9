import { Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import * as yaml from 'yaml';

/**
 * The ingress-nginx Ingress of "Configure Service Session Affinity with
 * clientIP" (../shared/seeds/003_ec455fee87a88aa2.txt, "Session Affinity with
 * Ingress"), as it prints it.
 */
export const SEED_INGRESS = yaml.parse(`
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: app-ingress
  annotations:
    nginx.ingress.kubernetes.io/affinity: "cookie"
    nginx.ingress.kubernetes.io/session-cookie-name: "app-affinity"
    nginx.ingress.kubernetes.io/session-cookie-max-age: "3600"
    nginx.ingress.kubernetes.io/session-cookie-expires: "3600"
spec:
  rules:
  - host: app.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: app-service
            port:
              number: 80
`);

/** A Service named `name` with one port, as a backend for the tests. */
export function service(chart: Chart, name = 'app-service', id = 'Service', namespace?: string): kplus.Service {
  const svc = new kplus.Service(chart, id, { metadata: { name, namespace }, ports: [{ port: 80, targetPort: 8080 }] });
  svc.selectLabel('app', name);
  return svc;
}
