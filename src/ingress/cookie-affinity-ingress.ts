import { ApiObject, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { IngressController } from './controller';
import { AffinityCookie, resolveCookie, ResolvedCookie } from '../cookie/affinity-cookie';
import { propError } from '../errors';
import { describeNameRule, followsNameRule, NameRule } from '../facts/names';
import { checkName, checkObjectNames } from '../names';

/**
 * Properties of a CookieAffinityIngress: a cdk8s-plus Ingress plus its
 * affinity cookie and the controller that serves it.
 */
export interface CookieAffinityIngressProps extends kplus.IngressProps {
  /**
   * The cookie that keeps a browser on one pod. Its defaults are the model's
   * (`HttpOnly`, `Path=/`, `SameSite=Lax`, `Secure` when the Ingress has TLS);
   * each controller documents what it cannot express, and refuses it when given.
   *
   * @default - every field at its default: the controller's own cookie name,
   * a session cookie
   */
  readonly cookie?: AffinityCookie;

  /**
   * The ingress controller that serves this Ingress, which decides where and
   * how the cookie is written.
   *
   * @default IngressController.nginx()
   */
  readonly controller?: IngressController;
}

// Rules and TLS may be added by the base constructor, before this class's
// fields exist, so they are kept beside the object rather than in fields.
const BACKENDS = new WeakMap<CookieAffinityIngress, kplus.IngressBackend[]>();
const RULE_PATHS = new WeakMap<CookieAffinityIngress, string[]>();
const WITH_TLS = new WeakSet<CookieAffinityIngress>();
/** `host path` of every rule so far, and whether a default backend is set: cdk8s-plus refuses repeats in words that name no prop. */
const ROUTES = new WeakMap<CookieAffinityIngress, Set<string>>();
const WITH_DEFAULT = new WeakSet<CookieAffinityIngress>();

/**
 * Errors found for each Ingress by the pass that annotated every backend
 * Service of the app, until that Ingress's own validation reports them.
 */
const PENDING = new WeakMap<CookieAffinityIngress, string[]>();

/** Who wrote each Service annotation, so two Ingresses that disagree are caught. */
const SERVICE_ANNOTATIONS = new WeakMap<ApiObject, Map<string, { value: string; by: CookieAffinityIngress }>>();

/**
 * An Ingress whose controller keeps each browser on one pod with a cookie:
 * cookie affinity, which follows the browser where ClientIP affinity follows
 * an address that NAT shares and mobile clients change.
 *
 * It is a `kplus.Ingress` (`addRule`, `addHostRule`, `addDefaultBackend`,
 * `addTls` and `className` work as usual), which refuses in the library's
 * format what cdk8s-plus or the API server would refuse: no rule and no
 * default backend, a second default backend, a repeated host and path, a
 * path not starting with '/', a host that is not a DNS name, and an
 * IngressClass name that is not a DNS-1123 subdomain. The controller renders the one
 * cookie model in its own syntax: annotations on the Ingress (ingress-nginx,
 * AWS ALB), on each backend Service (Traefik, HAProxy, GKE, found in the app
 * and annotated at synth), or a custom resource (GKE's BackendConfig).
 *
 * @example
 * import { CookieAffinityIngress } from 'cdk8s-session-affinity';
 *
 * declare const chart: Chart;
 * declare const service: kplus.Service;
 * const ingress = new CookieAffinityIngress(chart, 'Ingress', {
 *   metadata: { name: 'app-ingress' },
 *   cookie: { name: 'app-affinity', maxAge: Duration.hours(1) },
 * });
 * ingress.addHostRule('app.example.com', '/', kplus.IngressBackend.fromService(service));
 */
export class CookieAffinityIngress extends kplus.Ingress {
  /** The cookie as given (defaults are applied when it is rendered). */
  public readonly cookie: AffinityCookie;

  /** The controller that renders the cookie. */
  public readonly controller: IngressController;

  /** Objects the controller created for the cookie, such as GKE's BackendConfig. */
  public readonly controllerObjects: ApiObject[];

  /**
   * Annotations each backend Service gets at synth (empty for controllers
   * that read only the Ingress).
   */
  public readonly serviceAnnotations: { [key: string]: string };

  public constructor(scope: Construct, id: string, props: CookieAffinityIngressProps = {}) {
    const controller = props.controller ?? IngressController.nginx();
    super(scope, id, { ...props, className: props.className ?? controller.ingressClassName });
    this.cookie = props.cookie ?? {};
    this.controller = controller;
    // cdk8s-plus reports an Ingress with no backend at synth in words that
    // name no prop; this Ingress reports it in the library's format instead.
    Object.defineProperty(this, '_validate', { value: () => [] });
    this.node.addValidation({
      validate: () => (ROUTES.get(this)?.size || WITH_DEFAULT.has(this) ? [] : [
        '\'rules\' (none) must hold at least one rule, or a \'defaultBackend\' must be given: an Ingress with neither routes nothing; add one with addRule(), addHostRule() or addDefaultBackend()',
      ]),
    });

    // spec.ingressClassName names an IngressClass object, so the API server holds it to that object's name rule.
    const ingressClassName = props.className ?? controller.ingressClassName;
    if (ingressClassName !== undefined) {
      checkName(this, 'className', ingressClassName, NameRule.DNS_1123_SUBDOMAIN);
    }
    if (props.className !== undefined && controller.ingressClassName !== undefined && props.className !== controller.ingressClassName) {
      throw propError(this, 'className', JSON.stringify(props.className),
        `must match the class ${controller.name} was given (${JSON.stringify(controller.ingressClassName)}): set it in one place`);
    }
    checkObjectNames(this, this.apiObject);
    // The model's own rules, before the controller's; Secure is decided at synth.
    this._resolveCookie();

    const config = controller.bind(this, this);
    const userAnnotations = props.metadata?.annotations ?? {};
    for (const [key, value] of Object.entries(config.ingressAnnotations ?? {})) {
      if (key in userAnnotations) {
        throw propError(this, 'metadata.annotations', `${key}: ${JSON.stringify(userAnnotations[key])}`,
          `must not set ${key}: ${controller.name} reads it for the cookie, which 'cookie' renders; remove it`);
      }
      this.metadata.addAnnotation(key, value);
    }
    this.controllerObjects = config.apiObjects ?? [];
    this.serviceAnnotations = { ...config.serviceAnnotations };
    if (Object.keys(this.serviceAnnotations).length > 0) {
      // Backends and Services may be added after this constructor, in any
      // order, so the Services are found and annotated when the app is
      // synthesized (cdk8s validates the whole app before it writes any object).
      this.node.addValidation({ validate: () => this.backendServiceErrors() });
    }
  }

  /**
   * Adds rules to this Ingress, as `kplus.Ingress.addRules()` does, keeping
   * their backends so that controllers that read the Service can annotate it.
   *
   * @param rules the rules to add
   */
  public addRules(...rules: kplus.IngressRule[]): void {
    // Checked before any is added, so a refused call adds none of them.
    const routes = new Set(ROUTES.get(this));
    let withDefault = WITH_DEFAULT.has(this);
    for (const rule of rules) {
      if (!rule.host && !rule.path) {
        if (withDefault) {
          throw propError(this, 'defaultBackend', 'a second one',
            'must be given once: an Ingress has one default backend; route other traffic with addRule() or addHostRule()');
        }
        withDefault = true;
        continue;
      }
      const host = rule.host ?? '';
      const path = rule.path ?? '/';
      if (host !== '' && !isIngressHost(host)) {
        throw propError(this, 'rules', `host ${JSON.stringify(host)}`,
          `must be ${describeNameRule(NameRule.DNS_1123_SUBDOMAIN)}, optionally after '*.', and not an IP address`);
      }
      if (!path.startsWith('/')) {
        throw propError(this, 'rules', `path ${JSON.stringify(path)}`, 'must begin with \'/\'');
      }
      const route = `${host}${path}`;
      if (routes.has(route)) {
        throw propError(this, 'rules', `${host ? `host ${JSON.stringify(host)} ` : ''}path ${JSON.stringify(path)}`,
          'must be routed once: this Ingress already has a rule for it');
      }
      routes.add(route);
    }
    super.addRules(...rules);
    ROUTES.set(this, routes);
    if (withDefault) {
      WITH_DEFAULT.add(this);
    }
    BACKENDS.set(this, [...(BACKENDS.get(this) ?? []), ...rules.map(r => r.backend)]);
    // A rule with neither host nor path is the default backend, which has no path.
    const paths = rules.filter(r => r.host !== undefined || r.path !== undefined).map(r => r.path ?? '/');
    RULE_PATHS.set(this, [...(RULE_PATHS.get(this) ?? []), ...paths]);
  }

  /**
   * Adds a rule for a host, as `kplus.Ingress.addHostRule()` does; an empty
   * host is refused in the library's format.
   *
   * @param host the host
   * @param path the HTTP path
   * @param backend the backend to route to
   * @param pathType how the path is matched against request paths
   */
  public addHostRule(host: string, path: string, backend: kplus.IngressBackend, pathType?: kplus.HttpIngressPathType): void {
    refuseEmptyHost(this, host);
    super.addHostRule(host, path, backend, pathType);
  }

  /**
   * Adds the default backend of a host, as `kplus.Ingress.addHostDefaultBackend()`
   * does; an empty host is refused in the library's format.
   *
   * @param host the host
   * @param backend the backend to route to
   */
  public addHostDefaultBackend(host: string, backend: kplus.IngressBackend): void {
    refuseEmptyHost(this, host);
    super.addHostDefaultBackend(host, backend);
  }

  /**
   * The paths of this Ingress's rules, as they are now.
   *
   * @internal
   */
  public _rulePaths(): string[] {
    return [...(RULE_PATHS.get(this) ?? [])];
  }

  /**
   * Adds TLS to this Ingress, as `kplus.Ingress.addTls()` does. A cookie
   * whose `secure` is not given becomes `Secure`.
   *
   * @param tls the TLS configuration
   */
  public addTls(tls: kplus.IngressTls[]): void {
    super.addTls(tls);
    if (tls.length > 0) {
      WITH_TLS.add(this);
    }
  }

  /**
   * The cookie with every default applied, for the TLS the Ingress has now.
   *
   * @internal
   */
  public _resolveCookie(): ResolvedCookie {
    return resolveCookie(this, 'cookie', this.cookie, { tls: WITH_TLS.has(this) });
  }

  /**
   * The first Ingress validated in a synth walks the app once for every
   * Ingress, so that N Ingresses do not walk it N times; each then reports
   * its own errors, under its own path.
   */
  private backendServiceErrors(): string[] {
    if (!PENDING.has(this)) {
      const all = this.node.root.node.findAll();
      const services = new Map<string, ApiObject[]>();
      for (const c of all) {
        if (c instanceof ApiObject && c.kind === 'Service' && c.apiVersion === 'v1') {
          const key = serviceKey(c.name, c.metadata.namespace);
          services.set(key, [...(services.get(key) ?? []), c]);
        }
      }
      for (const c of all) {
        if (c instanceof CookieAffinityIngress && Object.keys(c.serviceAnnotations).length > 0) {
          PENDING.set(c, c.annotateBackendServices(services));
        }
      }
    }
    const errors = PENDING.get(this) ?? [];
    PENDING.delete(this);
    return errors;
  }

  private annotateBackendServices(services: Map<string, ApiObject[]>): string[] {
    const wanted = Object.entries(this.serviceAnnotations).map(([key, value]) => [key, concrete(value)] as const);
    const errors = new Set<string>();
    const namespace = this.metadata.namespace;
    const where = (name: string) => `Service ${JSON.stringify(name)}${namespace ? ` in namespace ${JSON.stringify(namespace)}` : ''}`;
    for (const backend of BACKENDS.get(this) ?? []) {
      const kube = backend._toKube();
      if (kube.service === undefined) {
        errors.add(`'backend' (${kube.resource?.kind ?? 'resource'} ${JSON.stringify(kube.resource?.name)}) must be a Service: ${this.controller.name} reads the cookie from annotations on the backend Service; route to one with kplus.IngressBackend.fromService()`);
        continue;
      }
      const name = kube.service.name;
      const found = services.get(serviceKey(name, namespace)) ?? [];
      if (found.length === 0) {
        errors.add(`'backend' (${where(name)}) must be a Service declared in this app: ${this.controller.name} reads the cookie from annotations on the Service, which cannot be written to one the app does not declare; declare it in the app (a kplus.Service, or an ApiObject or Include of it), or use a controller that reads the Ingress, such as IngressController.nginx()`);
        continue;
      }
      if (found.length > 1) {
        errors.add(`'backend' (${where(name)}) must match one Service of the app, not ${found.length} (${found.map(s => s.node.path).join(', ')}): give them distinct names or namespaces`);
        continue;
      }
      for (const problem of this.annotate(found[0], where(name), wanted)) {
        errors.add(problem);
      }
    }
    return [...errors];
  }

  private annotate(service: ApiObject, what: string, wanted: ReadonlyArray<readonly [string, string]>): string[] {
    const written = SERVICE_ANNOTATIONS.get(service) ?? new Map<string, { value: string; by: CookieAffinityIngress }>();
    SERVICE_ANNOTATIONS.set(service, written);
    const present: Record<string, string> = service.metadata.toJson().annotations ?? {};
    const problems: string[] = [];
    for (const [key, value] of wanted) {
      const before = written.get(key);
      if (before !== undefined && before.by !== this && before.value !== value) {
        problems.push(`'backend' (${what}) is also a backend of ${before.by.node.path}, which annotates it ${key}: ${JSON.stringify(before.value)} where this Ingress needs ${JSON.stringify(value)}; ${this.controller.name} keeps one cookie per Service: give both Ingresses the same cookie and controller, or route them to different Services`);
        continue;
      }
      if (before === undefined && key in present && present[key] !== value) {
        problems.push(`'backend' (${what}) already has the annotation ${key}: ${JSON.stringify(present[key])} where this Ingress needs ${JSON.stringify(value)}: remove it from the Service, and let 'cookie' render it`);
        continue;
      }
      if (before === undefined) {
        written.set(key, { value, by: this });
      }
      service.metadata.addAnnotation(key, value);
    }
    return problems;
  }
}

/**
 * Whether the API server takes `host` as a rule's host: a DNS-1123 subdomain,
 * or one after `*.`, and not an IP address.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/networking/validation/validation.go
 */
function isIngressHost(host: string): boolean {
  const name = host.startsWith('*.') ? host.slice(2) : host;
  return followsNameRule(name, NameRule.DNS_1123_SUBDOMAIN) && !/^[0-9.]+$/.test(name);
}

function refuseEmptyHost(ingress: CookieAffinityIngress, host: string): void {
  if (host === '') {
    throw propError(ingress, 'host', '""', 'must not be empty: use addRule() or addDefaultBackend() for every host');
  }
}

function serviceKey(name: string, namespace: string | undefined): string {
  return `${namespace ?? ''}/${name}`;
}

/** A rendered annotation value now: lazy values (Secure after TLS) are produced. */
function concrete(value: unknown): string {
  return value instanceof Lazy ? String(value.produce()) : String(value);
}
