import { ingressClassOf, manifestAnnotations, manifestName } from './manifests';

/**
 * Which ingress controller serves an Ingress, from its class: the
 * IngressClass's `spec.controller` when the manifests hold the IngressClass,
 * or the class names controllers install by default. The doctor uses it to
 * tell whether affinity settings written for one controller reach an Ingress
 * another controller serves (they do not: each controller reads its own).
 * Pure: reads plain manifests only.
 */

/**
 * `spec.controller` of the IngressClass each controller installs, by the
 * doctor's name for that controller (its front). A value matches exactly, or
 * as a prefix followed by '/' (HAProxy appends the class:
 * `haproxy.org/ingress-controller/haproxy`).
 *
 * @see https://kubernetes.github.io/ingress-nginx/user-guide/multiple-ingress/
 * @see https://doc.traefik.io/traefik/reference/install-configuration/providers/kubernetes/kubernetes-ingress/
 * @see https://www.haproxy.com/documentation/kubernetes-ingress/community/configuration-reference/ingress-class/
 * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/
 * @see https://docs.konghq.com/kubernetes-ingress-controller/latest/concepts/ingress/
 * @see https://docs.nginx.com/nginx-ingress-controller/configuration/ingress-resources/basic-configuration/
 */
export const INGRESS_CONTROLLER_FRONTS: ReadonlyArray<readonly [string, string]> = [
  ['k8s.io/ingress-nginx', 'ingress-nginx'],
  ['traefik.io/ingress-controller', 'traefik'],
  ['haproxy.org/ingress-controller', 'haproxy'],
  ['ingress.k8s.aws/alb', 'aws-alb'],
  ['ingress-controllers.konghq.com/kong', 'kong'],
  ['nginx.org/ingress-controller', 'nginx-plus'],
];

/**
 * The class names controllers take when installed with their defaults, and
 * which of them may have taken each: `nginx` is both ingress-nginx's and the
 * F5 NGINX Ingress Controller's. GKE Ingress has no IngressClass object; it
 * serves the `gce` and `gce-internal` classes.
 *
 * @see https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#controller_summary
 */
export const DEFAULT_INGRESS_CLASS_FRONTS: ReadonlyMap<string, readonly string[]> = new Map([
  ['nginx', ['ingress-nginx', 'nginx-plus']],
  ['traefik', ['traefik']],
  ['haproxy', ['haproxy']],
  ['alb', ['aws-alb']],
  ['gce', ['gke-ingress']],
  ['gce-internal', ['gke-ingress']],
  ['kong', ['kong']],
]);

/** The annotation that makes an IngressClass the cluster's default, for Ingresses that name no class. */
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

/** The front of an IngressClass's `spec.controller`; undefined for a controller not listed above. */
export function frontOfIngressController(controller: string): string | undefined {
  return INGRESS_CONTROLLER_FRONTS.find(([value]) => controller === value || controller.startsWith(`${value}/`))?.[1];
}

/** Each front of this file in words, for messages. */
export const INGRESS_CONTROLLER_NAMES: ReadonlyMap<string, string> = new Map([
  ['ingress-nginx', 'ingress-nginx'],
  ['traefik', 'Traefik'],
  ['haproxy', 'HAProxy'],
  ['aws-alb', 'the AWS Load Balancer Controller'],
  ['gke-ingress', 'GKE Ingress'],
  ['kong', 'Kong'],
  ['nginx-plus', 'the F5 NGINX Ingress Controller'],
]);

/** The controllers that may serve an Ingress, and how that was told. */
export interface IngressServers {
  /** The fronts (as the doctor's detectors name them) that may serve it. */
  readonly fronts: readonly string[];
  /** How that was told, in words ("IngressClass nginx, controller k8s.io/ingress-nginx"). */
  readonly by: string;
}

/**
 * The controllers that may serve an Ingress: from the IngressClass it names
 * when `classNamed` finds it (or from `defaultClass`, for an Ingress that
 * names none), else from the class names controllers install by default;
 * undefined when neither tells (a class of another name, or of a controller
 * not listed here).
 *
 * @param classNamed the IngressClass of this name among the manifests
 * @param defaultClass the IngressClass marked default among the manifests
 */
export function ingressServers(
  ingress: { [key: string]: any },
  classNamed: (name: string) => { [key: string]: any } | undefined,
  defaultClass?: () => { [key: string]: any } | undefined,
): IngressServers | undefined {
  const cls = ingressClassOf(ingress);
  const named = typeof cls === 'string' && cls !== '';
  const classObj = named ? classNamed(cls) : defaultClass?.();
  if (classObj !== undefined) {
    const controller = classObj.spec?.controller;
    const front = typeof controller === 'string' ? frontOfIngressController(controller) : undefined;
    return front === undefined ? undefined
      : { fronts: [front], by: `${named ? '' : 'the default '}IngressClass ${manifestName(classObj)}, controller ${controller}` };
  }
  const fronts = named ? DEFAULT_INGRESS_CLASS_FRONTS.get(cls) : undefined;
  return fronts === undefined ? undefined : { fronts, by: `class ${cls}` };
}

/** Whether an IngressClass is marked the cluster's default. */
export function isDefaultIngressClass(ingressClass: { [key: string]: any }): boolean {
  return manifestAnnotations(ingressClass)[DEFAULT_INGRESS_CLASS_ANNOTATION] === 'true';
}

/** Fronts of this file in words, joined with "or" ("ingress-nginx or the F5 NGINX Ingress Controller"). */
export function controllersInWords(fronts: readonly string[]): string {
  return fronts.map(f => INGRESS_CONTROLLER_NAMES.get(f) ?? f).join(' or ');
}
