import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type * as AwsAlb from './controllers/aws-alb';
import type * as Gke from './controllers/gke';
import type * as Haproxy from './controllers/haproxy';
import type * as Kong from './controllers/kong';
import type * as Nginx from './controllers/nginx';
import type { ControllerRenderer } from './controllers/renderer';
import type * as Traefik from './controllers/traefik';
import type { CookieAffinityIngress } from './cookie-affinity-ingress';
import { AffinityCookie, ResolvedAffinityCookie } from '../cookie/affinity-cookie';
import { loadOnce } from '../load-once';
import { untypedProps, UntypedPropsRules } from '../units';

// Each factory loads its controller's module when it is called, so an app
// loads only the renderers it uses (Kong's also loads the Gateway API modules).
/* eslint-disable @typescript-eslint/no-require-imports */
const controllers = {
  awsAlb: loadOnce(() => require('./controllers/aws-alb') as typeof AwsAlb),
  gke: loadOnce(() => require('./controllers/gke') as typeof Gke),
  haproxy: loadOnce(() => require('./controllers/haproxy') as typeof Haproxy),
  kong: loadOnce(() => require('./controllers/kong') as typeof Kong),
  nginx: loadOnce(() => require('./controllers/nginx') as typeof Nginx),
  traefik: loadOnce(() => require('./controllers/traefik') as typeof Traefik),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** What `IngressController.bind()` is given: the Ingress and its cookie, resolved and as given. */
export interface IngressControllerBindOptions {
  /** The Ingress to render the cookie for (its name, namespace, `resolveCookie()` and `rulePaths()` at synth). */
  readonly ingress: CookieAffinityIngress;

  /** The cookie with every default applied, for the TLS the Ingress has now. */
  readonly cookie: ResolvedAffinityCookie;

  /** The cookie as given, so that a controller refuses the fields it cannot express. */
  readonly givenCookie: AffinityCookie;
}

/**
 * What an ingress controller needs written for cookie affinity: plain data
 * that `CookieAffinityIngress` puts in place.
 */
export interface IngressControllerConfig {
  /**
   * Annotations for the Ingress itself.
   *
   * @default - none
   */
  readonly ingressAnnotations?: { [key: string]: string };

  /**
   * Annotations for every backend Service of the Ingress. The Ingress finds
   * each Service in the app when the backend is added (or, for one it cannot
   * find then, at one walk of the app before anything reads it) and annotates
   * it; a backend that is not a Service of the app is an error.
   *
   * @default - none: the controller reads nothing from the Services
   */
  readonly serviceAnnotations?: { [key: string]: string };

  /**
   * Objects the controller created for the cookie (GKE's BackendConfig).
   *
   * @default - none
   */
  readonly apiObjects?: ApiObject[];
}

// What plain JavaScript can get wrong in each factory's options (made once, not per call).
const CLASS_NAME_TYPES: UntypedPropsRules = { strings: ['ingressClassName'] };
const GKE_OPTION_TYPES: UntypedPropsRules = { strings: ['ingressClass'] };

/**
 * The ingress controller that serves a `CookieAffinityIngress`, and so the
 * syntax its cookie affinity is written in. Each factory renders the one
 * cookie model into exactly what that controller reads, and refuses cookie
 * fields the controller cannot express.
 *
 * To support another controller, extend this class and implement `bind()`,
 * which gets the resolved cookie as plain data and returns plain data (in
 * any jsii language).
 */
export abstract class IngressController {
  /**
   * ingress-nginx (kubernetes/ingress-nginx): `nginx.ingress.kubernetes.io/affinity: cookie`
   * and the `session-cookie-*` annotations, on the Ingress.
   *
   * It writes the cookie `HttpOnly` always (so `httpOnly: false` is refused)
   * and `Secure` on every HTTPS request, whatever `secure` says.
   *
   * @see https://kubernetes.github.io/ingress-nginx/examples/affinity/cookie/
   */
  public static nginx(options: Nginx.NginxControllerOptions = {}): IngressController {
    const { NGINX_OPTION_TYPES, nginxRenderer } = controllers.nginx();
    return new RenderedController(nginxRenderer(untypedProps('IngressController.nginx()', options, NGINX_OPTION_TYPES)));
  }

  /**
   * Traefik's Kubernetes Ingress provider: the `traefik.ingress.kubernetes.io/service.sticky.cookie*`
   * annotations, on each backend **Service** (Traefik reads stickiness from
   * the Service, not the Ingress).
   *
   * @see https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/#on-service
   */
  public static traefik(options: Traefik.TraefikControllerOptions = {}): IngressController {
    const { traefikRenderer } = controllers.traefik();
    return new RenderedController(traefikRenderer(untypedProps('IngressController.traefik()', options, CLASS_NAME_TYPES)));
  }

  /**
   * HAProxy Kubernetes Ingress Controller (haproxytech): `haproxy.org/cookie-persistence`
   * on each backend **Service**. It sets the cookie's name only; any other
   * cookie field given is refused, and the cookie it writes is a session
   * cookie without `HttpOnly`, `Secure` or `SameSite`.
   *
   * @see https://github.com/haproxytech/kubernetes-ingress/blob/master/documentation/annotations.md#cookie-persistence
   */
  public static haproxy(options: Haproxy.HaproxyControllerOptions = {}): IngressController {
    const { haproxyRenderer } = controllers.haproxy();
    return new RenderedController(haproxyRenderer(untypedProps('IngressController.haproxy()', options, CLASS_NAME_TYPES)));
  }

  /**
   * AWS Load Balancer Controller: `alb.ingress.kubernetes.io/target-group-attributes`
   * with `stickiness.*`, and `target-type: ip` so the ALB sticks to pods, on
   * the Ingress of class `alb`. The ALB writes its own cookie (`AWSALB`), so
   * only `maxAge` (1 s to 7 days) is taken, unless `AlbStickiness.APP_COOKIE`
   * follows a cookie the application sets, named by `name`.
   *
   * @see https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#target-group-attributes
   */
  public static awsAlb(options: AwsAlb.AwsAlbControllerOptions = {}): IngressController {
    const { ALB_OPTION_TYPES, awsAlbRenderer } = controllers.awsAlb();
    return new RenderedController(awsAlbRenderer(untypedProps('IngressController.awsAlb()', options, ALB_OPTION_TYPES)));
  }

  /**
   * GKE Ingress: a `cloud.google.com/v1` `BackendConfig` with
   * `sessionAffinity.affinityType: GENERATED_COOKIE`, referenced from each
   * backend **Service** by `cloud.google.com/backend-config`, which also gets
   * `cloud.google.com/neg` so the load balancer sends to pods. GKE writes its
   * own cookie (`GCLB`), so only `maxAge` (at most 1 day) is taken.
   *
   * @see https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#session_affinity
   */
  public static gke(options: Gke.GkeControllerOptions = {}): IngressController {
    const { gkeRenderer } = controllers.gke();
    return new RenderedController(gkeRenderer(untypedProps('IngressController.gke()', options, GKE_OPTION_TYPES)));
  }

  /**
   * Kong Ingress Controller 3.5 or later (Kong Gateway 3.11 or later): a
   * `KongUpstreamPolicy` with `algorithm: sticky-sessions`, named by each
   * backend **Service**'s `konghq.com/upstream-policy` annotation. Kong's
   * cookie has a name and a path only; the CRD describes `stickySessions` as
   * a Kong Enterprise feature.
   *
   * @see https://developer.konghq.com/kubernetes-ingress-controller/sticky-sessions/
   */
  public static kong(options: Kong.KongControllerOptions = {}): IngressController {
    const { kongRenderer } = controllers.kong();
    return new RenderedController(kongRenderer(untypedProps('IngressController.kong()', options, CLASS_NAME_TYPES)));
  }

  /** The controller's name, as messages write it. */
  public abstract readonly name: string;

  /**
   * The IngressClass this controller serves, written to `spec.ingressClassName`
   * unless the Ingress sets `className`.
   *
   * @default - none: the cluster's default IngressClass
   */
  public abstract readonly ingressClassName?: string;

  /**
   * Checks the Ingress's cookie against this controller's limits, creates
   * what the controller needs under `scope`, and returns what to write.
   * Called once, from the Ingress's constructor. The Ingress writes the
   * returned annotations on itself, and on each backend Service as the
   * backend is added (or at the app's walk, see `serviceAnnotations`).
   *
   * @param scope where to create objects (the Ingress)
   * @param options the Ingress and its cookie
   */
  public abstract bind(scope: Construct, options: IngressControllerBindOptions): IngressControllerConfig;
}

/** A controller made by a factory: one renderer file per controller. */
class RenderedController extends IngressController {
  public readonly name: string;
  public readonly ingressClassName?: string;

  public constructor(private readonly renderer: ControllerRenderer) {
    super();
    this.name = renderer.name;
    this.ingressClassName = renderer.ingressClassName;
  }

  public bind(scope: Construct, options: IngressControllerBindOptions): IngressControllerConfig {
    return this.renderer.bind(scope, options);
  }
}
