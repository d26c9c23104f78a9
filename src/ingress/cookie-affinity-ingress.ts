import { ApiObject, Lazy, resolve } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { IngressController } from './controller';
import {
  AffinityCookie, cookiePathCoverageProblem, DEFAULT_COOKIE_PATH, ResolvedAffinityCookie, ResolvedCookie, resolveCookie, SameSite,
} from '../cookie/affinity-cookie';
import { NO_ERRORS, pathOf, propError } from '../errors';
import {
  ALB_ANNOTATIONS, ALB_CONTROLLER_NAME, ALB_INGRESS_CLASS_PARAMS, ALB_SERVICE_OVERRIDDEN_KEYS, ALB_STICKY_TARGET_TYPE, AlbClassTargetType,
  albAttributesWithStickiness, albClassTargetType, albServiceOverride, albTargetTypeProblem,
} from '../facts/aws-alb';
import { browserCookieDomain, domainMatches } from '../facts/cookie';
import { isDefaultIngressClass } from '../facts/ingress-classes';
import {
  NGINX_AFFINITY_ANNOTATIONS, NGINX_AFFINITY_COOKIE, NGINX_DEFAULT_COOKIE_NAME, NGINX_REGEX_ANNOTATIONS, nginxPathsAreRegex, REGEX_PATH_CHARACTERS,
} from '../facts/ingress-nginx';
import { describeNameRule, followsNameRule, NameRule } from '../facts/names';
import { TRAEFIK_STICKY_ANNOTATIONS } from '../facts/traefik';
import { keptAnnotations } from '../metadata';
import { checkName, checkObjectNames } from '../names';
import { oweServiceWrite, settleWrites } from '../owed-writes';
import { onlyOwnResolvers } from '../rendered';
import { rootOf } from '../tree';
import { describeUntyped, untypedProps } from '../units';

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

/**
 * What an Ingress keeps of its rules and TLS, for its checks. The base
 * constructor may add rules and TLS before this class's fields exist: what it
 * adds is kept beside the object until the constructor takes it.
 */
interface IngressState {
  /** `host path` of every rule so far: cdk8s-plus refuses repeats in words that name no prop. */
  readonly routes: Set<string>;
  /** Whether a default backend is set. */
  withDefault: boolean;
  /** The path of every rule so far. */
  readonly rulePaths: string[];
  /**
   * The rule paths of pathType Prefix (cdk8s-plus's default) that end with
   * '/' (made when the first is added): such a path also routes the path
   * without its trailing '/', which a cookie Path must cover too.
   */
  slashPrefixPaths?: Set<string>;
  /**
   * The host (empty: none), backend Service name and whether it is a default
   * backend, of every rule so far that routes to a Service, where one cookie
   * may span Services (made when the first is kept).
   */
  hostServices?: Array<readonly [string, string, boolean]>;
  /** Whether TLS was added. */
  withTls: boolean;
  /** Backends added by the base constructor, before the controller is known: related once it is (made when the first is added). */
  earlyBackends?: kplus.IngressBackend[];
}

/** State the base constructor wrote, until the Ingress's constructor takes it (most Ingresses never have any). */
const EARLY_STATE = new WeakMap<CookieAffinityIngress, IngressState>();

function newState(): IngressState {
  return {
    routes: new Set(),
    withDefault: false,
    rulePaths: [],
    slashPrefixPaths: undefined,
    hostServices: undefined,
    withTls: false,
    earlyBackends: undefined,
  };
}

/** A backend Service as the Ingress found it when the backend was added. */
interface RelatedBackend {
  /** The Service's name, as the Ingress writes it. */
  readonly name: string;
  /** The Service of the app, when it was found. */
  readonly service?: ApiObject;
  /** Whether relating it at the app's walk was refused (the refusal is told on its own). */
  readonly refused?: boolean;
}

/** Annotations an Ingress wrote on a Service, as they were when it wrote them. */
interface WrittenAnnotations {
  readonly by: CookieAffinityIngress;
  readonly values: { readonly [key: string]: string };
}

/**
 * A cookie every backend Service of an Ingress gets under one name, where its
 * value names a pod of the Service that set it, and the prop that makes it so.
 */
interface SharedCookie {
  readonly name: string;
  readonly prop: 'cookie.name' | 'controller';
}

/**
 * Where a browser gets one Ingress's cookie for one of its Services: a
 * host, the hosts of the cookie's Domain, or any host (a Traefik rule
 * without a host answers on every one).
 */
interface CookieScope {
  readonly ingress: CookieAffinityIngress;
  /** The Service, as `namespace/name`. */
  readonly service: string;
  readonly host: string;
  /** The cookie's Domain, lowercase and without a leading '.'. */
  readonly domain?: string;
  readonly anyHost: boolean;
}

/** A group's cookie scopes, by host (host-only cookies), Domain, and any host. */
interface CookieScopes {
  readonly hosts: Map<string, CookieScope[]>;
  readonly domains: CookieScope[];
  readonly anyHost: CookieScope[];
}

/**
 * The app's Services by name. It is built by one walk of the app when an
 * Ingress first looks a backend up; a name not in it is looked for among the
 * latest children of the Ingress's scopes (a Service is usually declared just
 * before the rule that routes to it), in scopes of a few dozen children at
 * most. Otherwise the backend waits for the next walk of the app, which is
 * made once for every backend waiting, before anything reads the app (see
 * owed-writes.ts), so N Ingresses neither walk the app nor list a chart's
 * hundreds of children N times.
 */
class ServiceIndex {
  /** The index of the app `scope` is in. */
  public static of(scope: IConstruct): ServiceIndex {
    const root = rootOf(scope);
    let index = SERVICE_INDEXES.get(root);
    if (!index) {
      index = new ServiceIndex(root);
      SERVICE_INDEXES.set(root, index);
    }
    return index;
  }

  /**
   * What each Service of the app was annotated with, by which Ingress, in the
   * order they wrote: the first that wrote a key set its value (see `writerOf`).
   */
  public readonly writers = new Map<ApiObject, WrittenAnnotations[]>();

  private byName?: Map<string, ApiObject[]>;

  /** The app's IngressClass objects, and the AWS Load Balancer Controller's IngressClassParams, as last walked. */
  private ingressClasses?: ApiObject[];
  private albClassParams?: ApiObject[];

  /** Whether `byName` was built since the app's root was last validated (see `watchSynth`). */
  private builtAtSynth = false;

  /** Whether the root's validation that marks the index out of date at each synth was added. */
  private synthWatched = false;

  /** Backends that wait for the next walk of the app, by the name of their Service, in the order they were added. */
  private waiting?: Array<readonly [string, (services: ApiObject[]) => void]>;

  /**
   * The Ingresses whose one cookie spans their Services (see
   * `cookiePerService`), by what makes two of them set the same cookie: the
   * controller and its class, the cookie's name and Path.
   */
  private readonly cookieGroups = new Map<string, Set<CookieAffinityIngress>>();

  /** Where each group's cookie goes, as last gathered, and the rule count it was gathered at. */
  private readonly cookieScopes = new Map<string, { readonly version: number; readonly scopes: CookieScopes }>();

  /** Rules added so far to the Ingresses of `cookieGroups`: a gathered group is current while this is unchanged. */
  private cookieVersion = 0;

  private constructor(private readonly root: IConstruct) {}

  /** Adds an Ingress whose cookie spans its Services to its group. */
  public addCookieSharer(group: string, ingress: CookieAffinityIngress): void {
    let members = this.cookieGroups.get(group);
    if (!members) {
      members = new Set();
      this.cookieGroups.set(group, members);
    }
    members.add(ingress);
    this.cookieVersion++;
  }

  /** Says that an Ingress of a group added rules. */
  public cookieRulesChanged(): void {
    this.cookieVersion++;
  }

  /** Where the cookie of a group goes: each member's hosts (or Domain), with the Service behind each. */
  public scopesOf(group: string, gather: (ingress: CookieAffinityIngress) => CookieScope[]): CookieScopes {
    const cached = this.cookieScopes.get(group);
    if (cached !== undefined && cached.version === this.cookieVersion) {
      return cached.scopes;
    }
    const scopes: CookieScopes = { hosts: new Map(), domains: [], anyHost: [] };
    for (const ingress of this.cookieGroups.get(group) ?? []) {
      for (const scope of gather(ingress)) {
        if (scope.anyHost) {
          scopes.anyHost.push(scope);
        } else if (scope.domain !== undefined) {
          scopes.domains.push(scope);
        } else {
          scopes.hosts.set(scope.host, [...(scopes.hosts.get(scope.host) ?? []), scope]);
        }
      }
    }
    this.cookieScopes.set(group, { version: this.cookieVersion, scopes });
    return scopes;
  }

  /**
   * The Services of the app with this name, in any namespace, when the index
   * knows them now; undefined when the backend must wait for the next walk
   * (see `relateLater`): its Service is not near, or backends added before it
   * wait already (they are related in the order they were added).
   *
   * @param near where to look for a Service the index does not know
   */
  public named(name: string, near: IConstruct): ApiObject[] | undefined {
    if (this.waiting !== undefined) {
      return undefined;
    }
    if (!this.byName) {
      this.build();
    }
    const known = this.byName!.get(name);
    if (known) {
      return known;
    }
    const found = nearService(near, name);
    if (found) {
      this.byName!.set(name, [found]);
      return [found];
    }
    return undefined;
  }

  /**
   * Relates a backend at the next walk of the app: `relate` gets the
   * Services of its name then. The walk is owed to the app, and made before
   * anything reads it.
   */
  public relateLater(name: string, relate: (services: ApiObject[]) => void): void {
    if (this.waiting === undefined) {
      this.waiting = [];
    }
    oweServiceWrite(this.root, name, this.settle);
    this.waiting.push([name, relate]);
  }

  /** Walks the app once and relates every backend that waits, in the order they were added. */
  private readonly settle = (): void => {
    const waiting = this.waiting;
    if (waiting === undefined) {
      return;
    }
    this.waiting = undefined;
    this.build();
    for (const [name, relate] of waiting) {
      relate(this.byName!.get(name) ?? []);
    }
  };

  /** The Services of the app with this name, as the index knows them (built on first use). */
  public known(name: string): ApiObject[] {
    if (!this.byName) {
      this.build();
    }
    return this.byName!.get(name) ?? [];
  }

  /**
   * Makes the index answer `atSynth()` from one walk of the app per synth:
   * a validation on the app's root (which cdk8s validates first) marks it
   * out of date at each. Called once per Ingress that reads Services at synth.
   */
  public watchSynth(): void {
    if (this.synthWatched) {
      return;
    }
    this.synthWatched = true;
    this.root.node.addValidation({
      validate: () => {
        this.builtAtSynth = false;
        return NO_ERRORS;
      },
    });
  }

  /**
   * The Services of the app with this name, as the app is at this synth:
   * the first lookup of each synth walks the app again (see `watchSynth`),
   * so N Ingresses that read their backends at synth share one walk. (An
   * Ingress validated alone, without the app's root, reads the index as it
   * was last walked.)
   */
  public atSynth(name: string): ApiObject[] {
    this.walkOncePerSynth();
    return this.byName!.get(name) ?? [];
  }

  /** Walks the app unless it was walked since this synth began (see `watchSynth`). */
  private walkOncePerSynth(): void {
    if (!this.builtAtSynth || !this.byName) {
      this.build();
      this.builtAtSynth = true;
    }
  }

  /** Walks the app again: for a Service declared since, before a refusal. */
  public refreshed(name: string): ApiObject[] {
    this.build();
    return this.byName!.get(name) ?? [];
  }

  /**
   * The target type the app's own IngressClassParams set for an IngressClass
   * of the app (by name, or the one marked default when `className` is
   * undefined), as the app is at this synth; undefined when the app declares
   * no such class, parameters, or target type.
   */
  public albClassTargetTypeAtSynth(className: string | undefined): AlbClassTargetType | undefined {
    this.walkOncePerSynth();
    const classes = this.ingressClasses!;
    const found = className !== undefined ? classes.find(c => c.name === className)
      : classes.find(c => isDefaultIngressClass(c.toJson()));
    if (found === undefined) {
      return undefined;
    }
    return albClassTargetType(found.toJson(), name => this.albClassParams!.find(p => p.name === name)?.toJson());
  }

  private build(): void {
    this.byName = new Map();
    this.ingressClasses = [];
    this.albClassParams = [];
    for (const c of this.root.node.findAll()) {
      if (isService(c)) {
        this.byName.set(c.name, [...(this.byName.get(c.name) ?? []), c]);
      } else if (c instanceof ApiObject && c.kind === 'IngressClass' && c.apiVersion.startsWith('networking.k8s.io/')) {
        this.ingressClasses.push(c);
      } else if (c instanceof ApiObject && c.kind === ALB_INGRESS_CLASS_PARAMS.kind && c.apiVersion.startsWith(`${ALB_INGRESS_CLASS_PARAMS.apiGroup}/`)) {
        this.albClassParams.push(c);
      }
    }
  }
}

function isService(c: IConstruct | undefined): c is ApiObject {
  return c instanceof ApiObject && c.kind === 'Service' && c.apiVersion === 'v1';
}

/**
 * Scopes with more children than this are not listed for a backend: listing a
 * chart's hundreds of objects for each of its Ingresses made their lookups
 * grow with the square of the chart (the backend waits for one walk instead).
 */
const NEAR_SCOPE_MAX_CHILDREN = 64;

/** How many children each scope had when last listed. */
const CHILDREN_LISTED = new WeakMap<IConstruct, number>();

/**
 * A Service of this name among the children of `from`'s scopes, latest
 * first (a construct keeps its object as `Resource`), up to the first scope
 * too large to list.
 */
function nearService(from: IConstruct, name: string): ApiObject | undefined {
  for (let scope = from.node.scope; scope !== undefined; scope = scope.node.scope) {
    if ((CHILDREN_LISTED.get(scope) ?? 0) > NEAR_SCOPE_MAX_CHILDREN) {
      return undefined;
    }
    const children = childrenOf(scope);
    CHILDREN_LISTED.set(scope, children.length);
    for (let i = children.length - 1; i >= 0; i--) {
      const c = children.at(i)!;
      const obj = isService(c) ? c : c.node.tryFindChild('Resource');
      if (isService(obj) && obj.name === name) {
        return obj;
      }
    }
  }
  return undefined;
}

/** A scope's children in the order they were added, read from the last one on (`at(i)`). */
interface Children {
  readonly length: number;
  at(i: number): IConstruct | undefined;
}

/**
 * A scope's children, cheaply. `node.children` copies every child into a new
 * array, which for a chart of hundreds of objects costs more than the rest of
 * an Ingress's lookup (V8 keeps such a map as a dictionary, whose values it
 * gathers in order one by one); the ids alone come at a quarter of the cost,
 * and the lookup reads only the latest few children. constructs keeps the
 * children as a plain map by id; should it ever keep them otherwise,
 * `node.children` is read.
 */
function childrenOf(scope: IConstruct): Children {
  const kept = (scope.node as unknown as { _children?: unknown })._children;
  // Only a plain object by id is read this way: a Map (or anything else a
  // later constructs keeps) has no own keys to list, so it goes to the API.
  const proto = kept !== null && typeof kept === 'object' ? Object.getPrototypeOf(kept) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    return scope.node.children;
  }
  const ids = Object.keys(kept as object);
  return {
    length: ids.length,
    at: i => {
      const child = (kept as Record<string, unknown>)[ids[i]];
      // Not what constructs keeps today: the scope's own list answers instead.
      return isConstruct(child) ? child : scope.node.children[i];
    },
  };
}

function isConstruct(value: unknown): value is IConstruct {
  return value !== null && typeof value === 'object' && typeof (value as { node?: unknown }).node === 'object';
}

const SERVICE_INDEXES = new WeakMap<IConstruct, ServiceIndex>();

/** Whether every rule of an Ingress routes to the same Service name. */
function oneService(entries: ReadonlyArray<readonly [string, string, boolean]>): boolean {
  for (let i = 1; i < entries.length; i++) {
    if (entries[i][1] !== entries[0][1]) {
      return false;
    }
  }
  return true;
}

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
 * IngressClass name that is not a DNS-1123 subdomain, and a backend Service
 * in another namespace than the Ingress's. The controller renders the one
 * cookie model in its own syntax: annotations on the Ingress (ingress-nginx,
 * AWS ALB), on each backend Service (Traefik, HAProxy, GKE: written on the
 * Service of the app when the backend is added, or, for a Service declared
 * later or far from the Ingress in a chart of many objects, at one walk of
 * the app made before anything reads it), or a custom resource (GKE's
 * BackendConfig).
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
   * Annotations each backend Service gets when it is added (empty for
   * controllers that read only the Ingress).
   */
  public readonly serviceAnnotations: { [key: string]: string };

  /** The backends added so far, each with the Service of the app it names, if found. */
  private readonly backends: RelatedBackend[] = [];

  /** Backends waiting for the next walk of the app to be related (see `ServiceIndex.relateLater`). */
  private backendsWaiting = 0;

  /** What relating the backends that waited refused, told at synth. */
  private laterErrors?: string[];

  /**
   * Rules and TLS so far. Undefined while the base constructor runs (it adds
   * the rules and TLS given in props before this field exists), so the methods
   * it calls read it as possibly undefined.
   */
  private readonly state: IngressState = takeEarlyState(this);

  /** The cookie, checked and with its defaults, as resolved in the constructor (only `secure` can change since: it follows TLS). */
  private resolvedCookie?: ResolvedCookie;

  /** `serviceAnnotations` as this Ingress last wrote them on a Service (a new copy only when they changed since). */
  private lastWritten?: { readonly [key: string]: string };

  /** The annotations the controller wrote on the Ingress itself, checked again at synth. */
  private readonly ingressAnnotations: { readonly [key: string]: string };

  /** `spec.ingressClassName`, as given in props or by the controller. */
  private readonly className?: string;

  /**
   * The annotations of `ingressAnnotations` that the AWS Load Balancer
   * Controller also reads on each backend Service, the Service's winning
   * (undefined when there are none: most controllers).
   */
  private readonly serviceOverriddenKeys?: { readonly [key: string]: true };

  /** The app's index of Services, once looked up (an Ingress's app never changes). */
  private serviceIndex?: ServiceIndex;

  public constructor(scope: Construct, id: string, props: CookieAffinityIngressProps = {}) {
    const controller = props.controller ?? IngressController.nginx();
    // cdk8s-plus spreads the rules into addRules() in its constructor: a
    // string from plain JavaScript would arrive character by character.
    // (TLS goes through addTls() whole, which checks it.)
    if (props === null || typeof props !== 'object' || (props.rules !== undefined && !Array.isArray(props.rules))) {
      untypedProps(pathOf(scope, id), props, RULES_PROP_RULES);
    }
    super(scope, id, { ...props, className: props.className ?? controller.ingressClassName });
    untypedProps(this, props, INGRESS_PROPS_RULES);
    this.cookie = props.cookie ?? {};
    this.controller = controller;
    // One validation for the Ingress's synth-time checks: no backend at all
    // (cdk8s-plus reports it in words that name no prop; this says the same
    // beside it, naming the ways to add one), then what only synth can tell
    // of the backends (once the constructor has related them).
    this.node.addValidation({
      validate: () => {
        const hasRule = this.state.routes.size > 0 || this.state.withDefault;
        if (this.serviceAnnotations === undefined) {
          return hasRule ? NO_ERRORS : [NO_RULE];
        }
        if (this.backendsWaiting > 0) {
          // Validated before the app's root (on its own): its backends are related first.
          settleWrites(this);
        }
        const later = this.laterErrors ?? NO_ERRORS;
        const annotations = this.annotationErrors();
        const onlyDefault = this.defaultBackendOnlyErrors();
        const paths = this.cookiePathErrors();
        const shared = this.sharedCookieErrors();
        const backends = this.backendErrors();
        const errors = later.length + annotations.length + onlyDefault.length + paths.length + shared.length + backends.length === 0
          ? NO_ERRORS : [...later, ...annotations, ...onlyDefault, ...paths, ...shared, ...backends];
        return hasRule ? errors : [NO_RULE, ...errors];
      },
    });

    // spec.ingressClassName names an IngressClass object, so the API server holds it to that object's name rule.
    const ingressClassName = props.className ?? controller.ingressClassName;
    this.className = ingressClassName;
    if (ingressClassName !== undefined) {
      checkName(this, 'className', ingressClassName, NameRule.DNS_1123_SUBDOMAIN);
    }
    if (props.className !== undefined && controller.ingressClassName !== undefined && props.className !== controller.ingressClassName) {
      throw propError(this, 'className', JSON.stringify(props.className),
        `must match the class ${controller.name} was given (${JSON.stringify(controller.ingressClassName)}): set it in one place`);
    }
    checkObjectNames(this, this.apiObject);
    // The model's own rules, before the controller's; Secure is decided at synth.
    const cookie = this.resolveCookie();

    const config = controller.bind(this, { ingress: this, cookie, givenCookie: this.cookie });
    const userAnnotations = props.metadata?.annotations ?? NO_ANNOTATIONS;
    this.ingressAnnotations = config.ingressAnnotations ?? NO_ANNOTATIONS;
    for (const key in this.ingressAnnotations) {
      const value = this.ingressAnnotations[key];
      if (key in userAnnotations) {
        throw propError(this, 'metadata.annotations', `${key}: ${JSON.stringify(userAnnotations[key])}`,
          `must not set ${key}: ${controller.name} reads it for the cookie, which 'cookie' renders; remove it`);
      }
      this.metadata.addAnnotation(key, value);
    }
    let overridden: { [key: string]: true } | undefined;
    for (const key of ALB_SERVICE_OVERRIDDEN_KEYS) {
      if (key in this.ingressAnnotations) {
        (overridden ??= {})[key] = true;
      }
    }
    this.serviceOverriddenKeys = overridden;
    if (overridden !== undefined) {
      this.appIndex().watchSynth();
    }
    this.controllerObjects = config.apiObjects ?? [];
    this.serviceAnnotations = { ...config.serviceAnnotations };
    const spans = this.cookiePerService();
    if (spans !== undefined) {
      this.appIndex().addCookieSharer(this.cookieGroup(spans), this);
    }

    // Backends given in props were added by the base constructor, before the controller was known.
    const early = this.state.earlyBackends;
    this.state.earlyBackends = undefined;
    for (let i = 0; early !== undefined && i < early.length; i++) {
      this.relateBackend(early[i]);
    }
  }

  /**
   * Adds rules to this Ingress, as `kplus.Ingress.addRules()` does, and
   * relates each backend: a Service in another namespace is refused, and
   * controllers that read the Service get their annotations written on it.
   *
   * @param rules the rules to add
   */
  public addRules(...rules: kplus.IngressRule[]): void {
    if (rules.length === 0) {
      // As the base constructor calls it when props hold no rules: nothing to check or keep.
      super.addRules();
      return;
    }
    // Undefined while the base constructor runs: its rules are kept beside the object until then.
    const state = (this.state as IngressState | undefined) ?? earlyState(this);
    // Checked before any is added, so a refused call adds none of them. (A
    // call adds one rule or a few: repeats among them are found by scanning.)
    const added: string[] = [];
    let withDefault = state.withDefault;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (rule === null || typeof rule !== 'object') {
        throw propError(this, 'rules', describeUntyped(rule), `must be ${LIST_OF_RULES}, each an object`);
      }
      if (!isIngressBackend(rule.backend)) {
        throw propError(this, 'backend', describeUntyped(rule.backend), 'must be an IngressBackend, such as kplus.IngressBackend.fromService(service)');
      }
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
      const route = host + path;
      if (state.routes.has(route) || added.includes(route)) {
        throw propError(this, 'rules', `${host ? `host ${JSON.stringify(host)} ` : ''}path ${JSON.stringify(path)}`,
          'must be routed once: this Ingress already has a rule for it');
      }
      added.push(route);
    }
    for (let i = 0; i < rules.length; i++) {
      if (this.controller === undefined) {
        // Called by the base constructor: related once the controller is known.
        (state.earlyBackends ??= []).push(rules[i].backend);
      } else {
        this.relateBackend(rules[i].backend);
      }
    }
    super.addRules(...rules);
    for (let i = 0; i < added.length; i++) {
      state.routes.add(added[i]);
    }
    state.withDefault = withDefault;
    // Kept only where one cookie may span the Services (and for rules in props, before the controller is known).
    const keepServices = this.controller === undefined || this.cookiePerService() !== undefined;
    if (keepServices && this.controller !== undefined) {
      this.appIndex().cookieRulesChanged();
    }
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      // A rule with neither host nor path is the default backend, which has no path.
      if (rule.host !== undefined || rule.path !== undefined) {
        state.rulePaths.push(rule.path ?? '/');
        const path = rule.path ?? '/';
        if (path.length > 1 && path.endsWith('/') && (rule.pathType ?? kplus.HttpIngressPathType.PREFIX) === kplus.HttpIngressPathType.PREFIX) {
          (state.slashPrefixPaths ??= new Set()).add(path);
        }
      }
      if (keepServices) {
        const service = rule.backend._toKube().service?.name;
        if (service !== undefined) {
          (state.hostServices ??= []).push([rule.host ?? '', service, !rule.host && !rule.path]);
        }
      }
    }
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
   * The paths of this Ingress's rules, as they are now (a controller that
   * writes a cookie path reads them at synth, in a `Lazy` value).
   */
  public rulePaths(): string[] {
    return [...this.state.rulePaths];
  }

  /**
   * Adds TLS to this Ingress, as `kplus.Ingress.addTls()` does. A cookie
   * whose `secure` is not given becomes `Secure`.
   *
   * @param tls the TLS configuration
   */
  public addTls(tls: kplus.IngressTls[]): void {
    if (!Array.isArray(tls)) {
      throw propError(this, 'tls', describeUntyped(tls), `must be ${LIST_OF_TLS}`);
    }
    super.addTls(tls);
    if (tls.length > 0) {
      // Undefined while the base constructor runs (TLS given in props).
      ((this.state as IngressState | undefined) ?? earlyState(this)).withTls = true;
    }
  }

  /**
   * The cookie with every default applied, for the TLS the Ingress has now
   * (a controller that writes `Secure` reads it again at synth, in a `Lazy`
   * value, since TLS may be added after construction).
   */
  public resolveCookie(): ResolvedAffinityCookie {
    // Checked once, when the constructor first resolves it; later calls (the
    // controllers' Lazy values at synth) only follow TLS added since.
    const r = this.resolvedCookie ??= resolveCookie(this, 'cookie', this.cookie, { tls: this.state.withTls });
    return {
      name: r.name,
      maxAgeSeconds: r.maxAgeSeconds,
      path: r.path,
      domain: r.domain,
      secure: r.given.secure ? r.secure : this.state.withTls || r.sameSite === SameSite.NONE,
      httpOnly: r.httpOnly,
      sameSite: r.sameSite,
    };
  }

  /** The app's index of Services (see `ServiceIndex`). */
  private appIndex(): ServiceIndex {
    return this.serviceIndex ??= ServiceIndex.of(this);
  }

  /**
   * Relates one backend when it is added: refuses a Service in another
   * namespace, and writes the controller's annotations on the Service.
   */
  private relateBackend(backend: kplus.IngressBackend): void {
    // cdk8s-plus keeps the backend's manifest behind this call; reading it is the only way to the Service's name.
    const kube = backend._toKube();
    const wantsService = hasKeys(this.serviceAnnotations);
    if (kube.service === undefined) {
      if (wantsService) {
        throw propError(this, 'backend', `${kube.resource?.kind ?? 'resource'} ${JSON.stringify(kube.resource?.name)}`,
          `must be a Service: ${this.controller.name} reads the cookie from annotations on the backend Service; route to one with kplus.IngressBackend.fromService()`);
      }
      return;
    }
    const name = kube.service.name;
    if (!wantsService) {
      // Nothing to write: the namespace is checked at synth, by one lookup for the whole app.
      this.backends.push({ name });
      return;
    }
    const index = this.appIndex();
    const candidates = index.named(name, this);
    if (candidates !== undefined) {
      this.backends.push({ name, service: this.relateTo(name, candidates, index) });
      return;
    }
    // Not known now: related at the next walk of the app, which every backend
    // waiting shares, before anything reads the app; what it refuses then is told at synth.
    this.relateAtWalk(index, name, this.backends.push({ name }) - 1);
  }

  /**
   * Relates the backend in `slot` at the next walk of the app. One whose
   * Service the walk does not find waits for the next one (the app may
   * declare it after a first validation), and is told at synth meanwhile.
   */
  private relateAtWalk(index: ServiceIndex, name: string, slot: number): void {
    this.backendsWaiting++;
    index.relateLater(name, services => {
      this.backendsWaiting--;
      try {
        const service = this.relateTo(name, services);
        this.backends[slot] = { name, service };
        if (service === undefined) {
          this.relateAtWalk(index, name, slot);
        }
      } catch (e) {
        this.backends[slot] = { name, refused: true };
        const message = e instanceof Error ? e.message : String(e);
        const path = `${this.node.path}: `;
        (this.laterErrors ??= []).push(message.startsWith(path) ? message.slice(path.length) : message);
      }
    });
  }

  /**
   * Finds the backend Service among the app's Services of its name, refusing
   * one in another namespace only or several, and writes the controller's
   * annotations on it. Returns it, or undefined when the app declares none
   * (told at synth).
   *
   * @param index the index to walk again before refusing a Service in another
   * namespace (left out when the candidates come from a walk just made)
   */
  private relateTo(name: string, candidates: ApiObject[], index?: ServiceIndex): ApiObject | undefined {
    const namespace = this.metadata.namespace;
    // Most names match one Service, in this namespace: no lists made for it.
    let same = candidates.length === 1 && candidates[0].metadata.namespace === namespace
      ? candidates : candidates.filter(s => s.metadata.namespace === namespace);
    if (same.length === 0) {
      // Refused only when both namespaces are written: an object without one goes wherever it is applied.
      const elsewhereOf = (all: ApiObject[]) => all.filter(s => s.metadata.namespace !== undefined && s.metadata.namespace !== namespace);
      if (index !== undefined && elsewhereOf(candidates).length > 0) {
        // Before refusing: the one in this namespace may have been declared since the index was built.
        candidates = index.refreshed(name);
        same = candidates.filter(s => s.metadata.namespace === namespace);
      }
      const elsewhere = elsewhereOf(candidates);
      if (same.length === 0 && elsewhere.length > 0 && namespace !== undefined) {
        throw propError(this, 'backend', `Service ${JSON.stringify(name)} in namespace ${namespacesOf(elsewhere)}`, otherNamespace(namespace));
      }
    }
    if (same.length > 1) {
      throw propError(this, 'backend', this.describeService(name),
        `must match one Service of the app, not ${same.length} (${same.map(s => s.node.path).join(', ')}): give them distinct names or namespaces`);
    }
    const service = same[0];
    if (service !== undefined) {
      this.annotate(service, name);
    }
    return service;
  }

  private describeService(name: string): string {
    const namespace = this.metadata.namespace;
    return `Service ${JSON.stringify(name)}${namespace ? ` in namespace ${JSON.stringify(namespace)}` : ''}`;
  }

  /** Writes the controller's annotations on a backend Service, refusing to overwrite another's. */
  private annotate(service: ApiObject, name: string): void {
    const index = this.appIndex();
    let writers = index.writers.get(service);
    // Only a Service this library has not annotated yet can hold someone else's value.
    const present = writers === undefined ? renderedAnnotations(service, this.serviceAnnotations) : NO_ANNOTATIONS;
    for (const key in this.serviceAnnotations) {
      const before = writerOf(writers, key);
      if (before === undefined && !(key in present)) {
        continue;
      }
      const now = concrete(this.serviceAnnotations[key]);
      const then = before === undefined ? undefined : concrete(before.values[key]);
      if (before !== undefined && before.by !== this && then !== now) {
        throw propError(this, 'backend', this.describeService(name),
          `is also a backend of ${before.by.node.path}, which annotates it ${key}: ${JSON.stringify(then)} where this Ingress needs ${JSON.stringify(now)}; ${this.controller.name} keeps one cookie per Service: give both Ingresses the same cookie and controller, or route them to different Services`);
      }
      if (before === undefined && present[key] !== now) {
        throw propError(this, 'backend', this.describeService(name),
          `already has the annotation ${key}: ${JSON.stringify(present[key])} where this Ingress needs ${JSON.stringify(now)}: remove it from the Service, and let 'cookie' render it`);
      }
    }
    if (writers === undefined) {
      writers = [];
      index.writers.set(service, writers);
    }
    const values = this.writtenValues();
    if (!writers.some(w => w.values === values)) {
      writers.push({ by: this, values });
    }
    for (const key in values) {
      service.metadata.addAnnotation(key, values[key]);
    }
  }

  /** `serviceAnnotations` as they are now, the same frozen copy while they do not change. */
  private writtenValues(): { readonly [key: string]: string } {
    const last = this.lastWritten;
    if (last !== undefined && sameValues(last, this.serviceAnnotations) && sameValues(this.serviceAnnotations, last)) {
      return last;
    }
    return this.lastWritten = Object.freeze({ ...this.serviceAnnotations });
  }

  /**
   * What only synth can tell, read and never written: a backend Service the
   * app does not declare, and an annotation of this
   * Ingress's controller that something changed on the Service since.
   */
  private backendErrors(): string[] {
    if (!hasKeys(this.serviceAnnotations)) {
      const overrides = this.serviceOverrideErrors();
      const namespaces = this.namespaceErrors();
      return overrides.length === 0 ? namespaces : namespaces.length === 0 ? overrides : [...namespaces, ...overrides];
    }
    let errors: Set<string> | undefined;
    for (const backend of this.backends) {
      if (backend.refused) {
        continue;
      }
      if (backend.service === undefined) {
        (errors ??= new Set()).add(`'backend' (${this.describeService(backend.name)}) must be a Service declared in this app: ${this.controller.name} reads the cookie from annotations on the Service, which cannot be written to one the app does not declare; declare it in the app (a kplus.Service, or an ApiObject or Include of it), or use a controller that reads the Ingress, such as IngressController.nginx()`);
        continue;
      }
      // Still as this Ingress wrote them (the same strings and Lazy values): nothing to resolve.
      // (With resolvers of the app's own, the same value may render otherwise: it is resolved.)
      const kept = keptAnnotations(backend.service.metadata);
      if (kept !== undefined && sameValues(this.serviceAnnotations, kept) && onlyOwnResolvers(backend.service)) {
        continue;
      }
      const what = this.describeService(backend.name);
      const now = renderedAnnotations(backend.service, this.serviceAnnotations);
      for (const [key, value] of Object.entries(this.serviceAnnotations)) {
        const wanted = concrete(value);
        if (now[key] !== wanted) {
          const writer = holderOf(this.appIndex().writers.get(backend.service), key, kept);
          (errors ??= new Set()).add(writer !== undefined && writer !== this
            ? `'backend' (${what}) is also a backend of ${writer.node.path}, which annotates it ${key}: ${JSON.stringify(now[key])} where this Ingress needs ${JSON.stringify(wanted ?? null)}; ${this.controller.name} keeps one cookie per Service: give both Ingresses the same cookie and controller, or route them to different Services`
            : `'backend' (${what}) has the annotation ${key}: ${JSON.stringify(now[key] ?? null)} where this Ingress needs ${JSON.stringify(wanted ?? null)}: something set it after the Ingress wrote it; remove that, and let 'cookie' render it`);
        }
      }
    }
    return errors === undefined ? NO_ERRORS : [...errors];
  }

  /**
   * The controller's annotations on the Ingress as they will be written: one
   * that something changed after the constructor wrote it (`metadata.addAnnotation()`)
   * would make the controller read another cookie than 'cookie', or none.
   */
  private annotationErrors(): string[] {
    if (!hasKeys(this.ingressAnnotations)) {
      return NO_ERRORS;
    }
    // What the constructor wrote, still there as written (the same string or Lazy): nothing to resolve.
    const kept = keptAnnotations(this.apiObject.metadata);
    if (kept !== undefined && sameValues(this.ingressAnnotations, kept)) {
      return NO_ERRORS;
    }
    const now = renderedAnnotations(this.apiObject, this.ingressAnnotations);
    const errors: string[] = [];
    for (const key in this.ingressAnnotations) {
      // A Lazy value decided at synth may write nothing (no Secure without TLS).
      const wanted = concrete(this.ingressAnnotations[key]);
      if (now[key] !== wanted) {
        errors.push(`'metadata.annotations' (${key}: ${JSON.stringify(now[key] ?? null)}) must ${wanted === undefined ? 'stay unset' : `stay ${JSON.stringify(wanted)}`}, as the Ingress wrote it for 'cookie': `
          + 'something set it after the Ingress was made; remove that, and let \'cookie\' (or the controller\'s options) render it');
      }
    }
    return errors;
  }

  /**
   * An Ingress whose only backend is its default one, with a controller that
   * gives the default backend no cookie: ingress-nginx gives an upstream its
   * cookie only for the paths of the Ingress's rules, and sets it only on
   * their locations (the default backend becomes its catch-all location,
   * which carries none of the Ingress's affinity), so the cookie would pin
   * nobody. With rules beside it the Ingress is fine (the synth-time doctor
   * reports the default backend's pods if they keep sessions to themselves).
   * Rules may be added after the constructor, so this is told at synth.
   */
  private defaultBackendOnlyErrors(): string[] {
    if (!this.state.withDefault || this.state.routes.size > 0
      || this.ingressAnnotations[NGINX_AFFINITY_ANNOTATIONS.affinity] !== NGINX_AFFINITY_COOKIE) {
      return NO_ERRORS;
    }
    return [`'defaultBackend' (the Ingress's only backend) gets no 'cookie' with ${this.controller.name}, which sets the cookie only on the paths of the Ingress's rules, `
      + 'so no user would be kept on one pod: route the traffic with a rule instead, such as addRule(\'/\', backend) (or addHostRule(host, \'/\', backend))'];
  }

  /**
   * A given cookie Path that leaves some of the rules' paths without the
   * cookie: a browser sends it back only with requests at or below its Path,
   * so the other paths are not sticky. Rules may be added after the
   * constructor, so this is told at synth. A path of an Ingress with
   * ingress-nginx's `use-regex` (or `rewrite-target`) is a regular
   * expression when it holds one of its characters, and is read by its
   * literal start, as the doctor's nginx-regex-path-without-cookie-path does.
   */
  private cookiePathErrors(): string[] {
    const path = this.cookie.path;
    const rulePaths = this.state.rulePaths;
    if (path === undefined || path === DEFAULT_COOKIE_PATH || rulePaths.length === 0) {
      return NO_ERRORS;
    }
    const expressions = rulePaths.some(p => REGEX_PATH_CHARACTERS.test(p)) && this.pathsAreExpressions();
    // A Prefix path is matched element by element, so `/app/` also routes `/app`; ImplementationSpecific
    // and Exact paths keep their own reading (ingress-nginx's nginx location `/app/` does not match `/app`).
    // (The same path may be a Prefix on one host and not on another: the Prefix reading is the wider.)
    const slashPrefixes = this.state.slashPrefixPaths;
    const routed = [...new Set(rulePaths)].map(p => ({
      path: p,
      regex: expressions && REGEX_PATH_CHARACTERS.test(p),
      elementWise: slashPrefixes !== undefined && slashPrefixes.has(p),
    }));
    const problem = cookiePathCoverageProblem(path, routed, 'the Ingress routes', REGEX_PATH_CHARACTERS);
    return problem === undefined ? NO_ERRORS : [`'cookie.path' (${JSON.stringify(path)}) ${problem}`];
  }

  /** Whether ingress-nginx reads this Ingress's paths as regular expressions: `use-regex: "true"`, or a `rewrite-target`. */
  private pathsAreExpressions(): boolean {
    const a = NGINX_REGEX_ANNOTATIONS;
    return nginxPathsAreRegex(renderedAnnotations(this.apiObject, { [a.useRegex]: true, [a.rewriteTarget]: true }));
  }

  /**
   * Traefik keeps one sticky cookie per Service, under the name the Service's
   * annotations give (without one, a name made from the Service's, so each
   * has its own). Two Services that one browser reaches on one host under one
   * given name and Path replace each other's cookie: a request to either
   * finds the other's server in it, picks a new one and writes the cookie
   * again, so neither stays sticky.
   */
  private sharedCookieErrors(): string[] {
    const shared = this.cookiePerService();
    const entries = this.state.hostServices;
    if (shared === undefined || entries === undefined) {
      return NO_ERRORS;
    }
    // Two Services at least, or no host of this Ingress can hold two (most Ingresses route to one).
    if (oneService(entries)) {
      return this.cookieSharedWithOtherIngresses(shared);
    }
    // On Traefik a rule without a host answers on every host; ingress-nginx
    // serves one only from its catch-all server, which answers no named host,
    // and gives the default backend no affinity. A cookie Domain spans hosts.
    const traefik = shared.prop === 'cookie.name';
    const anyHost = new Set<string>();
    const byHost = new Map<string, Set<string>>();
    const spansHosts = this.cookie.domain !== undefined;
    for (const [host, service, isDefault] of entries) {
      if (isDefault && !traefik) {
        continue;
      }
      if (spansHosts || (host === '' && traefik)) {
        anyHost.add(service);
      } else {
        byHost.set(host, (byHost.get(host) ?? new Set()).add(service));
      }
    }
    const hostName = (host: string) => (host === '' ? 'the rules without a host' : `host ${JSON.stringify(host)}`);
    const groups: Array<[string, Set<string>]> = byHost.size === 0
      ? [[spansHosts ? `the hosts of Domain ${JSON.stringify(this.cookie.domain)}` : 'any host', anyHost]]
      : [...byHost].map(([host, services]) => [hostName(host), new Set([...anyHost, ...services])]);
    const found = groups.find(([, services]) => services.size > 1);
    if (found === undefined) {
      return this.cookieSharedWithOtherIngresses(shared);
    }
    const [where, services] = found;
    const named = [...services].map(s => JSON.stringify(s)).join(' and ');
    return [this.sharedCookieError(shared, `Services ${named} on ${where}`, 'route each Service through its own Ingress with its own cookie name')];
  }

  /** The refusal of a cookie that `services` (in words, with where) would share, and what to do instead. */
  private sharedCookieError(shared: SharedCookie, services: string, otherwise: string): string {
    return shared.prop === 'cookie.name'
      ? `'cookie.name' (${JSON.stringify(shared.name)}) must not be shared by ${services}: `
        + `${this.controller.name} gives each Service its own sticky cookie under that name and Path, so a request to one replaces the other's cookie and neither stays sticky; `
        + `leave 'cookie.name' out (Traefik then names each Service's cookie apart), or ${otherwise}`
      : `'controller' (${this.controller.name} with affinityMode persistent) must not keep one cookie (${JSON.stringify(shared.name)}) for ${services}: `
        + 'in persistent mode the cookie names a pod of the Service that set it, so a request to the other Service finds none of its pods there, picks one and replaces the cookie, and neither stays sticky; '
        + `use the balanced mode (the default: the cookie holds a key that each Service maps to one of its pods), or ${otherwise}`;
  }

  /**
   * The same cookie, set for another Service through another Ingress on a
   * host where a browser also gets this Ingress's: the two replace each
   * other's cookie as Services of one Ingress would.
   */
  private cookieSharedWithOtherIngresses(shared: SharedCookie): string[] {
    const group = this.cookieGroup(shared);
    const scopes = this.appIndex().scopesOf(group, ingress => ingress.cookieScopes(shared.prop === 'cookie.name'));
    for (const mine of this.cookieScopes(shared.prop === 'cookie.name')) {
      const candidates = mine.anyHost
        ? [...scopes.anyHost, ...scopes.domains, ...[...scopes.hosts.values()].flat()]
        : mine.domain !== undefined
          ? [...scopes.anyHost, ...scopes.domains.filter(o => domainMatches(o.domain!, mine.domain!) || domainMatches(mine.domain!, o.domain!)),
            ...[...scopes.hosts].filter(([host]) => domainMatches(host, mine.domain!)).flatMap(([, list]) => list)]
          : [...scopes.anyHost, ...scopes.domains.filter(o => domainMatches(mine.host, o.domain!)), ...scopes.hosts.get(mine.host) ?? []];
      const other = candidates.find(o => o.ingress !== this && o.service !== mine.service);
      if (other === undefined) {
        continue;
      }
      const namespace = this.metadata.namespace ?? 'default';
      const serviceName = (s: string) => (s.startsWith(`${namespace}/`) ? s.slice(namespace.length + 1) : s);
      const where = [mine, other].map(o => (o.anyHost ? 'any host' : o.domain !== undefined ? `the hosts of Domain ${JSON.stringify(o.domain)}` : `host ${JSON.stringify(o.host)}`));
      const on = where[0] === where[1] ? where[0] : `${where[0]} and ${where[1]}`;
      const services = `Services ${JSON.stringify(serviceName(mine.service))} and ${JSON.stringify(serviceName(other.service))} (through ${other.ingress.node.path}) on ${on}`;
      return [this.sharedCookieError(shared, services, 'give each Ingress its own cookie name')];
    }
    return NO_ERRORS;
  }

  /** What makes two Ingresses' cookies the same cookie: the controller and its class, the cookie's name and Path. */
  private cookieGroup(shared: SharedCookie): string {
    return [shared.prop, this.className ?? '', shared.name, this.resolvedCookie?.path ?? '/'].join('\0');
  }

  /** Where a browser gets this Ingress's cookie, for each Service it routes to (see `CookieScope`). */
  private cookieScopes(traefik: boolean): CookieScope[] {
    const domain = this.cookie.domain === undefined ? undefined : browserCookieDomain(this.cookie.domain);
    const namespace = this.metadata.namespace ?? 'default';
    const out: CookieScope[] = [];
    for (const [host, service, isDefault] of this.state.hostServices ?? []) {
      // ingress-nginx gives the default backend no affinity.
      if (isDefault && !traefik) {
        continue;
      }
      out.push({ ingress: this, service: `${namespace}/${service}`, host: host.toLowerCase(), domain, anyHost: domain === undefined && host === '' && traefik });
    }
    return out;
  }

  /**
   * The cookie every backend Service of this Ingress gets under one name,
   * where its value names a pod of the Service that set it: Traefik's with a
   * given name, ingress-nginx's in persistent mode (the name given, or
   * INGRESSCOOKIE). Undefined where each Service's cookie is its own or holds
   * a key any Service maps to its pods (ingress-nginx's balanced mode).
   */
  private cookiePerService(): SharedCookie | undefined {
    const traefikName = this.serviceAnnotations[TRAEFIK_STICKY_ANNOTATIONS.name];
    if (traefikName !== undefined) {
      return { name: traefikName, prop: 'cookie.name' };
    }
    const nginx = NGINX_AFFINITY_ANNOTATIONS;
    if (this.ingressAnnotations[nginx.affinityMode] === 'persistent') {
      return { name: this.ingressAnnotations[nginx.name] ?? NGINX_DEFAULT_COOKIE_NAME, prop: 'controller' };
    }
    return undefined;
  }

  /**
   * A backend Service of the app whose own value of an annotation the AWS
   * Load Balancer Controller reads over the Ingress's (target-type,
   * target-group-attributes) undoes the Ingress's stickiness: the controller
   * builds each Service's target group from the two merged key by key, the
   * Service's value replacing the Ingress's whole. The ALB writes nothing on
   * the Service, so the Service is looked up by name at synth, whenever its
   * annotation was set.
   */
  private serviceOverrideErrors(): string[] {
    const keys = this.serviceOverriddenKeys;
    if (keys === undefined || this.backends.length === 0) {
      return NO_ERRORS;
    }
    const namespace = this.metadata.namespace;
    const index = this.appIndex();
    // The IngressClassParams of the Ingress's class, when the app declares them: their target type wins over
    // the Ingress's and every Service's target-type annotation (controller v2.13 and later).
    const fromClass = ALB_ANNOTATIONS.targetType in keys ? index.albClassTargetTypeAtSynth(this.className) : undefined;
    const classProblem = fromClass === undefined ? undefined : albTargetTypeProblem(fromClass.targetType);
    if (fromClass !== undefined && classProblem !== undefined) {
      const how = this.controller.name === ALB_CONTROLLER_NAME ? 'className, or IngressController.awsAlb({ ingressClassName })' : 'className';
      return [`'className' (${JSON.stringify(this.className ?? fromClass.ingressClass)}) names IngressClass ${JSON.stringify(fromClass.ingressClass)}, whose IngressClassParams ${JSON.stringify(fromClass.params)} `
        + `set targetType: ${JSON.stringify(fromClass.targetType)}, which ${ALB_CONTROLLER_NAME} reads over the target-type annotations of the Ingress and its Services for every target group of the class: `
        + `${classProblem}; set targetType: ${ALB_STICKY_TARGET_TYPE} there (or leave it out), or give the Ingress a class whose IngressClassParams do not (${how})`];
    }
    let errors: string[] | undefined;
    for (const name of new Set(this.backends.map(b => b.name))) {
      for (const service of index.atSynth(name)) {
        if (service.metadata.namespace !== namespace) {
          continue;
        }
        const now = renderedAnnotations(service, keys);
        for (const key in keys) {
          const ingressValue = concrete(this.ingressAnnotations[key]);
          if (now[key] === undefined || ingressValue === undefined || (fromClass !== undefined && key === ALB_ANNOTATIONS.targetType)) {
            continue;
          }
          const value = String(now[key]);
          const why = albServiceOverride(key, ingressValue, value);
          if (why === undefined) {
            continue;
          }
          const keep = key === ALB_ANNOTATIONS.targetType
            ? `set it to ${JSON.stringify(ingressValue)}`
            : `write there the Ingress's stickiness beside your attributes: ${JSON.stringify(albAttributesWithStickiness(ingressValue, value))}`;
          (errors ??= []).push(`'backend' (${this.describeService(name)}) has the annotation ${key}: ${JSON.stringify(value)}, which ${ALB_CONTROLLER_NAME} reads over the Ingress's ${JSON.stringify(ingressValue)} for that Service's target group: `
            + `${why}; remove it from the Service (${this.controller.name === ALB_CONTROLLER_NAME ? 'IngressController.awsAlb() writes what stickiness needs on the Ingress' : 'the Ingress writes what stickiness needs'}), or ${keep}`);
        }
      }
    }
    return errors ?? NO_ERRORS;
  }

  /** A backend that is a Service of the app in another namespace only, for a controller that writes nothing into it. */
  private namespaceErrors(): string[] {
    const namespace = this.metadata.namespace;
    if (namespace === undefined || this.backends.length === 0) {
      return NO_ERRORS;
    }
    const index = this.appIndex();
    const errors: string[] = [];
    for (const name of new Set(this.backends.map(b => b.name))) {
      const elsewhere = (all: ApiObject[]) => all.some(s => s.metadata.namespace === namespace)
        ? [] : all.filter(s => s.metadata.namespace !== undefined);
      // The index as it is, then, before reporting, the app walked again.
      if (elsewhere(index.known(name)).length > 0) {
        const found = elsewhere(index.refreshed(name));
        if (found.length > 0) {
          errors.push(`'backend' (Service ${JSON.stringify(name)} in namespace ${namespacesOf(found)}) ${otherNamespace(namespace)}`);
        }
      }
    }
    return errors;
  }
}

/** Annotations where a controller writes none (shared, never changed). */
const NO_ANNOTATIONS: { readonly [key: string]: string } = Object.freeze({});

/** Whether an object has a key of its own, without listing them. */
function hasKeys(object: object): boolean {
  for (const key in object) {
    if (Object.prototype.hasOwnProperty.call(object, key)) {
      return true;
    }
  }
  return false;
}

/** Whether every key of `wanted` holds the same value (the same string or Lazy) in `actual`. */
function sameValues(wanted: { readonly [key: string]: unknown }, actual: { readonly [key: string]: unknown }): boolean {
  for (const key in wanted) {
    if (actual[key] !== wanted[key]) {
      return false;
    }
  }
  return true;
}

/** What first wrote `key` on a Service, of what annotated it. */
function writerOf(writers: WrittenAnnotations[] | undefined, key: string): WrittenAnnotations | undefined {
  for (let i = 0; writers !== undefined && i < writers.length; i++) {
    if (Object.prototype.hasOwnProperty.call(writers[i].values, key)) {
      return writers[i];
    }
  }
  return undefined;
}

/**
 * The Ingress whose value of `key` a Service holds now: of those that
 * annotated it, the last that wrote that very value (the same string or
 * Lazy), or, where cdk8s keeps annotations otherwise, the first that wrote
 * the key. Undefined where none did: something else set it since.
 */
function holderOf(writers: WrittenAnnotations[] | undefined, key: string,
  kept: { readonly [key: string]: unknown } | undefined): CookieAffinityIngress | undefined {
  if (kept === undefined) {
    return writerOf(writers, key)?.by;
  }
  for (let i = (writers?.length ?? 0) - 1; i >= 0; i--) {
    const values = writers![i].values;
    if (Object.prototype.hasOwnProperty.call(values, key) && values[key] === kept[key]) {
      return writers![i].by;
    }
  }
  return undefined;
}

/** How a Service's metadata renders the keys of `wanted` (those it renders), as `metadata.toJson()` would. */
function renderedAnnotations(service: ApiObject, wanted: { readonly [key: string]: unknown }): Record<string, any> {
  // cdk8s keeps the annotations as given on the metadata definition; each of
  // the keys is resolved on its own, as toJson() resolves them, rather than
  // the whole metadata (for each backend, when annotated and at every synth).
  // Should cdk8s ever keep them otherwise, the rendered metadata is read.
  const kept = keptAnnotations(service.metadata);
  if (kept === undefined) {
    return service.metadata.toJson().annotations ?? {};
  }
  // With only cdk8s's own resolvers, a string renders as itself.
  const strings = onlyOwnResolvers(service);
  const rendered: Record<string, any> = {};
  for (const key in wanted) {
    if (!Object.prototype.hasOwnProperty.call(kept, key)) {
      continue;
    }
    const raw = kept[key];
    const value = strings && typeof raw === 'string' ? raw : resolve(['annotations', key], raw, service);
    if (value !== null && typeof value === 'object') {
      // Not a string: toJson() sanitizes such a value (or refuses it).
      return service.metadata.toJson().annotations ?? {};
    }
    if (value !== undefined && value !== null) {
      rendered[key] = value;
    }
  }
  return rendered;
}

/** The state the base constructor writes through addRules() and addTls(), before the Ingress's fields exist. */
function earlyState(ingress: CookieAffinityIngress): IngressState {
  let state = EARLY_STATE.get(ingress);
  if (state === undefined) {
    state = newState();
    EARLY_STATE.set(ingress, state);
  }
  return state;
}

/** The Ingress's state: what the base constructor wrote, if anything. */
function takeEarlyState(ingress: CookieAffinityIngress): IngressState {
  const state = EARLY_STATE.get(ingress);
  if (state === undefined) {
    return newState();
  }
  EARLY_STATE.delete(ingress);
  return state;
}

/** What plain JavaScript can get wrong in the props that the base constructor does not read (made once). */
const INGRESS_PROPS_RULES = { bindables: { controller: 'an IngressController, such as IngressController.nginx()' } };

const LIST_OF_RULES = 'a list of rules, such as [{ host: \'shop.example.com\', path: \'/\', backend }]';

/** What plain JavaScript can get wrong in the props before the base constructor reads them (made once). */
const RULES_PROP_RULES = { lists: { rules: LIST_OF_RULES } };
const LIST_OF_TLS = 'a list of TLS entries, such as [{ hosts: [\'shop.example.com\'], secret }]';

/** Whether a value is an IngressBackend (its manifest is read through `_toKube()`). */
function isIngressBackend(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { _toKube?: unknown })._toKube === 'function';
}

const NO_RULE = '\'rules\' (none) must hold at least one rule, or a \'defaultBackend\' must be given: an Ingress with neither routes nothing; add one with addRule(), addHostRule() or addDefaultBackend()';

function namespacesOf(services: ApiObject[]): string {
  return [...new Set(services.map(s => s.metadata.namespace))].map(n => JSON.stringify(n)).join(', ');
}

function otherNamespace(namespace: string): string {
  return `must be in the Ingress's namespace, ${JSON.stringify(namespace)}: an Ingress routes only to Services of its own namespace, so the controller would find no such Service; create the Ingress in the Service's namespace, or route to a Service in ${JSON.stringify(namespace)}`;
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

/**
 * A rendered annotation value now: lazy values (Secure after TLS) are
 * produced; `undefined` where one produces nothing (the annotation is left out).
 */
function concrete(value: unknown): string | undefined {
  const produced = value instanceof Lazy ? value.produce() : value;
  return produced === undefined ? undefined : String(produced);
}
