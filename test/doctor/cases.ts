// One triggering and one clean set of manifests for every rule.
import { CLIENT_IP, Obj, grafana, hpa, ingress, ingressRoute, scaledObject, service, withClass, withPaths, workload } from './fixtures';

export interface RuleCase {
  readonly rule: string;
  /** Manifests that must give exactly one finding of the rule. */
  readonly trigger: Obj[];
  /** The finding's message, in full. */
  readonly message: string;
  /** Manifests that are the fixed version of `trigger`: no finding of the rule. */
  readonly clean: Obj[];
}

const NGINX = 'nginx.ingress.kubernetes.io/';
const TRAEFIK_STICKY = 'traefik.ingress.kubernetes.io/service.sticky.cookie';

/** An Ingress without a class: the cluster's default controller takes it. */
function classless(ing: Obj): Obj {
  const { ingressClassName: _class, ...spec } = ing.spec;
  return { ...ing, spec };
}

/** An IngressClass marked as the cluster's default. */
function defaultIngressClass(name: string, controller: string): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name, annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller } };
}

/** A Gateway API HTTPRoute with one rule to a Service. */
function httpRoute(name: string, backend: string, rule: Obj = {}): Obj {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name },
    spec: { parentRefs: [{ name: 'gateway' }], rules: [{ backendRefs: [{ name: backend, port: 80 }], ...rule }] },
  };
}
const sessionVolume = {
  volumes: [{ name: 'sessions', emptyDir: {} }],
  volumeMounts: [{ name: 'sessions', mountPath: '/var/lib/app/sessions' }],
};

/** A sticky-sessions KongUpstreamPolicy named sticky, as Kong's guide writes it. */
const KONG_STICKY: Obj = {
  apiVersion: 'configuration.konghq.com/v1beta1',
  kind: 'KongUpstreamPolicy',
  metadata: { name: 'sticky' },
  spec: { algorithm: 'sticky-sessions', hashOn: { input: 'none' }, stickySessions: { cookie: 'session-id' } },
};

/** An object with these annotations added to its metadata. */
function annotated(obj: any, annotations: Record<string, string>): any {
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, ...annotations } } };
}

/** A workload with these annotations added to its pod template. */
function onPodTemplate(obj: any, annotations: Record<string, string>): any {
  const template = obj.spec.template;
  return { ...obj, spec: { ...obj.spec, template: { ...template, metadata: { ...template.metadata, annotations } } } };
}

export const CASES: RuleCase[] = [
  {
    rule: 'local-sessions-without-affinity',
    trigger: [grafana(), service('grafana')],
    message: 'Service grafana spreads requests over the 4 pods of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); with no ClientIP or cookie affinity in front, users are logged out at random',
    clean: [grafana(), service('grafana', CLIENT_IP)],
  },
  {
    rule: 'local-sessions-without-affinity',
    trigger: [workload('shop', { replicas: 3, ...sessionVolume }), service('shop')],
    message: 'Service shop spreads requests over the 3 pods of Deployment shop, and container app keeps sessions in /var/lib/app/sessions on emptyDir (volume sessions), local to each pod; with no ClientIP or cookie affinity in front, users are logged out at random',
    clean: [workload('shop', { replicas: 3, ...sessionVolume }), service('shop'), ingress('shop', 'shop', { [`${NGINX}affinity`]: 'cookie' })],
  },
  {
    // Sessions in memory do not show in a manifest: the workload can say so.
    rule: 'local-sessions-without-affinity',
    trigger: [annotated(workload('cart', { replicas: 3 }), { 'cdk8s-session-affinity.dev/local-sessions': 'true' }), service('cart')],
    message: 'Service cart spreads requests over the 3 pods of Deployment cart, and its pods keep sessions to themselves (annotation cdk8s-session-affinity.dev/local-sessions: "true"); with no ClientIP or cookie affinity in front, users are logged out at random',
    clean: [
      annotated(workload('shop', { replicas: 3, ...sessionVolume }), { 'cdk8s-session-affinity.dev/local-sessions': 'false' }), service('shop'),
      // On the pod template, as Helm charts' podAnnotations write it.
      onPodTemplate(workload('web', { replicas: 3, ...sessionVolume }), { 'cdk8s-session-affinity.dev/local-sessions': 'false' }), service('web'),
    ],
  },
  {
    rule: 'local-sessions-without-affinity',
    trigger: [grafana({ replicas: 1 }), hpa('grafana'), service('grafana')],
    message: 'Service grafana spreads requests over the 2 to 10 pods (scaled by HorizontalPodAutoscaler grafana) of Deployment grafana, and Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres); with no ClientIP or cookie affinity in front, users are logged out at random',
    clean: [grafana({ replicas: 1, env: [{ name: 'GF_DATABASE_TYPE', value: 'postgres' }] }), hpa('grafana'), service('grafana')],
  },
  {
    rule: 'client-ip-timeout-out-of-range',
    trigger: [service('app', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } } })],
    message: 'Service app: spec.sessionAffinityConfig.clientIP.timeoutSeconds (90000) must be a whole number from 1 to 86400; the API server refuses the Service',
    // A key with no value (`timeoutSeconds:`) is null, which the API server reads as unset: the 10800 s default.
    clean: [service('app', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 86400 } } }),
      service('web', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: null } } })],
  },
  {
    // Without ClientIP the API server drops the config (defaulting runs before
    // validation) and accepts the Service: affinity-config-without-client-ip says so.
    rule: 'client-ip-timeout-out-of-range',
    trigger: [service('app', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } })],
    message: 'Service app: spec.sessionAffinityConfig.clientIP.timeoutSeconds (0) must be a whole number from 1 to 86400; the API server refuses the Service',
    clean: [service('app', { sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } } }), service('web', { sessionAffinity: 'None', sessionAffinityConfig: { clientIP: { timeoutSeconds: 0 } } })],
  },
  {
    rule: 'cookie-shared-by-services',
    // Two Ingresses for one host: / to shop, /api to api, each Service with Traefik's sticky cookie WEB.
    trigger: [
      service('shop', {}, { [TRAEFIK_STICKY]: 'true', [`${TRAEFIK_STICKY}.name`]: 'WEB' }),
      service('api', {}, { [TRAEFIK_STICKY]: 'true', [`${TRAEFIK_STICKY}.name`]: 'WEB' }),
      { ...ingress('shop', 'shop'), spec: { ...ingress('shop', 'shop').spec, ingressClassName: 'traefik' } },
      { ...withPaths(ingress('api', 'api'), '/api'), spec: { ...withPaths(ingress('api', 'api'), '/api').spec, ingressClassName: 'traefik' } },
    ],
    message: 'Ingress shop: Services "shop" and "api" on host "app.example.com" share the affinity cookie "WEB" (Path /), whose value names a pod of the Service that set it: each replaces the other\'s cookie, so neither stays sticky',
    // Traefik's own name per Service; ingress-nginx's balanced mode; persistent with a Path per location.
    clean: [
      service('shop', {}, { [TRAEFIK_STICKY]: 'true' }),
      service('api', {}, { [TRAEFIK_STICKY]: 'true' }),
      { ...ingress('shop', 'shop'), spec: { ...ingress('shop', 'shop').spec, ingressClassName: 'traefik' } },
      { ...withPaths(ingress('api', 'api'), '/api'), spec: { ...withPaths(ingress('api', 'api'), '/api').spec, ingressClassName: 'traefik' } },
      service('web'), service('admin'),
      ingress('web', 'web', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-path`]: '/' }),
      withPaths(ingress('admin', 'admin', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-path`]: '/' }), '/admin'),
    ],
  },
  {
    rule: 'cookie-shared-by-services',
    // ingress-nginx in persistent mode: INGRESSCOOKIE at Path / for both Services.
    trigger: [
      service('web'), service('admin'),
      ingress('web', 'web', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'persistent', [`${NGINX}session-cookie-path`]: '/' }),
      withPaths(ingress('admin', 'admin', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'persistent', [`${NGINX}session-cookie-path`]: '/' }), '/admin'),
    ],
    message: 'Ingress web: Services "web" and "admin" on host "app.example.com" share the affinity cookie "INGRESSCOOKIE" (Path /), whose value names a pod of the Service that set it: each replaces the other\'s cookie, so neither stays sticky',
    // A Path per location; Services with Traefik's annotations (a name with no value is none)
    // behind Ingresses with ingress-nginx's affinity.
    clean: [
      service('web'), service('admin'),
      ingress('web', 'web', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'persistent' }),
      withPaths(ingress('admin', 'admin', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'persistent' }), '/admin'),
      service('shop', {}, { [TRAEFIK_STICKY]: 'true', [`${TRAEFIK_STICKY}.name`]: null as unknown as string }),
      service('shop2', {}, { [TRAEFIK_STICKY]: 'true', [`${TRAEFIK_STICKY}.name`]: null as unknown as string }),
      { ...ingress('shop', 'shop'), spec: { ...ingress('shop', 'shop').spec, ingressClassName: 'traefik' } },
      { ...withPaths(ingress('shop2', 'shop2'), '/two'), spec: { ...withPaths(ingress('shop2', 'shop2'), '/two').spec, ingressClassName: 'traefik' } },
      service('cart', {}, { [TRAEFIK_STICKY]: 'true', [`${TRAEFIK_STICKY}.name`]: 'WEB' }),
      service('api', {}, { [TRAEFIK_STICKY]: 'true', [`${TRAEFIK_STICKY}.name`]: 'WEB' }),
      ingress('cart', 'cart', { [`${NGINX}affinity`]: 'cookie' }),
      withPaths(ingress('api', 'api', { [`${NGINX}affinity`]: 'cookie' }), '/api'),
    ],
  },
  {
    rule: 'cookie-shared-by-services',
    // Traefik's IngressRoute, as affinity-migrate writes one for an Ingress with two paths on one host:
    // each route's Service sticky under the one cookie name, at Traefik's default Path /.
    trigger: [
      service('catalog'), service('checkout'),
      ingressRoute('store', [
        ['Host(`shop.example.com`) && PathPrefix(`/catalog`)', 'catalog', { name: 'store-affinity' }],
        ['Host(`shop.example.com`) && PathPrefix(`/checkout`)', 'checkout', { name: 'store-affinity' }],
      ]),
    ],
    message: 'IngressRoute store: Services "catalog" and "checkout" on host "shop.example.com" share the affinity cookie "store-affinity" (Path /), whose value names a pod of the Service that set it: each replaces the other\'s cookie, so neither stays sticky',
    // No name (Traefik names each Service's cookie apart); a Path each; other hosts; a
    // negated rule and a host pattern, which the doctor does not guess at.
    clean: [
      service('catalog'), service('checkout'),
      ingressRoute('unnamed', [
        ['Host(`shop.example.com`)', 'catalog', {}],
        ['Host(`shop.example.com`) && PathPrefix(`/checkout`)', 'checkout', {}],
      ]),
      ingressRoute('paths', [
        ['Host(`paths.example.com`) && PathPrefix(`/catalog`)', 'catalog', { name: 'store', path: '/catalog' }],
        ['Host(`paths.example.com`) && PathPrefix(`/checkout`)', 'checkout', { name: 'store', path: '/checkout' }],
      ]),
      ingressRoute('hosts', [
        ['Host(`a.example.com`)', 'catalog', { name: 'store' }],
        ['Host(`b.example.com`)', 'checkout', { name: 'store' }],
      ]),
      ingressRoute('unsure', [
        ['HostRegexp(`^.+\\.example\\.org$`)', 'catalog', { name: 'guess' }],
        ['Host(`c.example.org`) && !PathPrefix(`/x`)', 'checkout', { name: 'guess' }],
      ]),
    ],
  },
  {
    rule: 'metadata-value-not-string',
    // As YAML reads `session-cookie-max-age: 3600` and `tier: 1` unquoted.
    trigger: [{ ...ingress('shop', 'shop', { [`${NGINX}affinity`]: 'cookie' }), metadata: { name: 'shop', annotations: { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-max-age`]: 3600 }, labels: { tier: 1 } } }],
    message: `Ingress shop: metadata.annotations ${NGINX}session-cookie-max-age: 3600 (a number); metadata.labels tier: 1 (a number) must be a string; the API server refuses the object`,
    // null reads as an empty string, which the API server takes.
    clean: [{ ...service('shop'), metadata: { name: 'shop', annotations: { note: '3600', empty: null }, labels: { tier: '1' } } }],
  },
  {
    rule: 'session-affinity-unsupported-value',
    trigger: [service('app', { sessionAffinity: 'clientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 3600 } } })],
    message: 'Service app: spec.sessionAffinity "clientIP" must be ClientIP or None; the API server refuses the Service',
    clean: [service('app', { sessionAffinity: 'ClientIP' }), service('web', { sessionAffinity: 'None' }), service('api'), service('nulled', { sessionAffinity: null }), service('empty', { sessionAffinity: '' })],
  },
  {
    rule: 'affinity-config-without-client-ip',
    trigger: [service('app', { sessionAffinityConfig: { clientIP: { timeoutSeconds: 3600 } } })],
    message: 'Service app: spec.sessionAffinityConfig is set but spec.sessionAffinity is unset; the API server drops the config and the Service is not sticky',
    clean: [service('app', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 3600 } } }), service('web', { sessionAffinityConfig: null })],
  },
  {
    rule: 'affinity-without-virtual-ip',
    trigger: [service('db', { ...CLIENT_IP, clusterIP: 'None' })],
    message: 'Service db: ClientIP affinity on a headless Service (clusterIP: None) does nothing: DNS returns the pod IPs and clients connect to pods directly',
    clean: [service('db', { clusterIP: 'None' })],
  },
  {
    rule: 'affinity-without-virtual-ip',
    trigger: [service('api', { ...CLIENT_IP, type: 'ExternalName', externalName: 'api.example.com', selector: undefined })],
    message: 'Service api: ClientIP affinity on an ExternalName Service does nothing: DNS answers with a CNAME and kube-proxy never sees the traffic',
    clean: [service('api', { type: 'ExternalName', externalName: 'api.example.com', selector: undefined })],
  },
  {
    rule: 'nginx-affinity-not-cookie',
    trigger: [ingress('app', 'app', { [`${NGINX}affinity`]: 'Cookie' })],
    message: 'Ingress app: nginx.ingress.kubernetes.io/affinity is "Cookie", which ingress-nginx reads as no affinity',
    clean: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' })],
  },
  {
    rule: 'nginx-cookie-seconds-not-numeric',
    trigger: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-max-age`]: '1h' })],
    message: 'Ingress app: nginx.ingress.kubernetes.io/session-cookie-max-age is "1h", not a whole number of seconds greater than 0',
    clean: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-max-age`]: '3600' })],
  },
  {
    rule: 'nginx-cookie-name-invalid',
    trigger: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-name`]: 'app affinity' })],
    message: 'Ingress app: nginx.ingress.kubernetes.io/session-cookie-name "app affinity" is not a cookie name ingress-nginx accepts (letters, digits and - . _ ~); it uses INGRESSCOOKIE instead',
    clean: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-name`]: 'app-affinity' })],
  },
  {
    rule: 'nginx-samesite-none-without-secure',
    trigger: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-samesite`]: 'None' })],
    message: 'Ingress app: nginx.ingress.kubernetes.io/session-cookie-samesite is None without nginx.ingress.kubernetes.io/session-cookie-secure: "true", and spec.tls does not cover app.example.com; browsers reject the cookie on requests that are not HTTPS',
    clean: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-samesite`]: 'None', [`${NGINX}session-cookie-secure`]: 'true' })],
  },
  {
    rule: 'nginx-cookie-settings-without-affinity',
    trigger: [ingress('app', 'app', { [`${NGINX}session-cookie-name`]: 'app-affinity', [`${NGINX}session-cookie-max-age`]: '3600' })],
    message: 'Ingress app: session-cookie-name, session-cookie-max-age set without nginx.ingress.kubernetes.io/affinity; ingress-nginx ignores them',
    clean: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-name`]: 'app-affinity', [`${NGINX}session-cookie-max-age`]: '3600' })],
  },
  {
    rule: 'nginx-affinity-mode-unknown',
    trigger: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'persistent-drainable' })],
    message: 'Ingress app: nginx.ingress.kubernetes.io/affinity-mode is "persistent-drainable", which ingress-nginx does not know; it uses balanced, which moves some sessions to new pods when the app scales up',
    clean: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'persistent' })],
  },
  {
    rule: 'nginx-regex-path-without-cookie-path',
    trigger: [withPaths(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}use-regex`]: 'true' }), '/api(/|$)(.*)')],
    message: 'Ingress app: cookie affinity without nginx.ingress.kubernetes.io/session-cookie-path on host app.example.com, whose paths are regular expressions (use-regex on Ingress app); the cookie\'s Path is "/api(/|$)(.*)", which browsers never match, so the cookie is not sent back',
    clean: [withPaths(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}use-regex`]: 'true', [`${NGINX}session-cookie-path`]: '/api' }), '/api(/|$)(.*)')],
  },
  {
    rule: 'cookie-path-not-covering-route',
    trigger: [withPaths(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-path`]: '/admin' }), '/', '/admin/users')],
    message: 'Ingress app: ingress-nginx\'s affinity cookie has Path "/admin" (nginx.ingress.kubernetes.io/session-cookie-path), which does not cover the path "/" on host app.example.com: browsers send the cookie back only with requests under "/admin", so the other requests to that path are not kept on one pod',
    clean: [withPaths(ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}session-cookie-path`]: '/' }), '/', '/admin/users')],
  },
  {
    rule: 'nginx-affinity-not-on-every-ingress-of-host',
    trigger: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' }), withPaths(ingress('app-ws', 'app'), '/ws')],
    message: 'Ingress app-ws shares host app.example.com with Ingress app, which has cookie affinity, but has none itself: its paths "/ws" (Service app) reach the same pods without the cookie',
    clean: [ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' }), withPaths(ingress('app-ws', 'app', { [`${NGINX}affinity`]: 'cookie' }), '/ws')],
  },
  {
    rule: 'client-ip-multi-port',
    trigger: [service('chat', { ...CLIENT_IP, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'ws', port: 8081, targetPort: 8081 }] })],
    message: 'Service chat: ClientIP affinity on 2 ports, http (80/TCP), ws (8081/TCP); kube-proxy keeps a client\'s pod per port, so its connections to different ports can reach different pods',
    clean: [service('chat', { ...CLIENT_IP, ports: [{ name: 'http', port: 80, targetPort: 8080 }] })],
  },
  {
    rule: 'grafana-database-source-missing',
    trigger: [grafana({ envFrom: [{ configMapRef: { name: 'grafana-env' } }] }), service('grafana')],
    message: 'Deployment grafana: Grafana (container app) may take its database from ConfigMap grafana-env (envFrom of container app), not among the manifests; without it the doctor cannot tell whether the pods share sessions',
    clean: [grafana({ envFrom: [{ configMapRef: { name: 'grafana-env' } }] }), service('grafana'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'grafana-env' }, data: { GF_DATABASE_TYPE: 'postgres' } }],
  },
  {
    rule: 'traefik-sticky-on-ingress',
    trigger: [withClass(ingress('app', 'app', { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' }), 'traefik'), service('app')],
    message: 'Ingress app: traefik.ingress.kubernetes.io/service.sticky.cookie on an Ingress; Traefik reads them only on the Service, so there is no sticky cookie',
    clean: [ingress('app', 'app'), service('app', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' })],
  },
  {
    // ingress-nginx's cookie on one Ingress, Traefik's on the other's Service, neither Ingress with a class.
    rule: 'cookie-affinity-without-ingress-class',
    trigger: [
      classless(ingress('shop', 'shop', { [`${NGINX}affinity`]: 'cookie' })), service('shop'),
      classless(ingress('blog', 'blog')), service('blog', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' }),
    ],
    message: 'Ingress blog has no ingress class and affinity settings for Traefik, while Ingress shop, also without a class, has them for ingress-nginx only; one controller serves Ingresses without a class and ignores the other\'s settings, so the users of one of the two are not kept on one pod',
    clean: [
      ingress('shop', 'shop', { [`${NGINX}affinity`]: 'cookie' }), service('shop'),
      { ...classless(ingress('blog', 'blog')), spec: { ...classless(ingress('blog', 'blog')).spec, ingressClassName: 'traefik' } },
      service('blog', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' }),
    ],
  },
  {
    // The same, both Ingresses routing to one Service: Traefik's settings on it do not make shop written for Traefik.
    rule: 'cookie-affinity-without-ingress-class',
    trigger: [
      classless(ingress('shop', 'app', { [`${NGINX}affinity`]: 'cookie' })),
      classless(ingress('blog', 'app')), service('app', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' }),
    ],
    message: 'Ingress blog has no ingress class and affinity settings for Traefik, while Ingress shop, also without a class, has them for ingress-nginx; one controller serves Ingresses without a class, and unless that is Traefik, whose settings reach both, it ignores the other\'s settings, so the users of one of the two are not kept on one pod',
    clean: [
      classless(ingress('shop', 'app', { [`${NGINX}affinity`]: 'cookie' })),
      withClass(classless(ingress('blog', 'app')), 'traefik'), service('app', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' }),
    ],
  },
  {
    // The same, with a default IngressClass in the manifests: its controller, ingress-nginx, ignores Traefik's settings.
    rule: 'cookie-affinity-without-ingress-class',
    trigger: [
      defaultIngressClass('nginx', 'k8s.io/ingress-nginx'),
      classless(ingress('shop', 'app', { [`${NGINX}affinity`]: 'cookie' })),
      classless(ingress('blog', 'app')), service('app', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' }),
    ],
    message: 'Ingress blog has no ingress class and affinity settings for Traefik, while Ingress shop, also without a class, has them for ingress-nginx; one controller serves Ingresses without a class (here the one of the default IngressClass nginx, controller k8s.io/ingress-nginx), which ignores the settings of one of the two at least, so the users of one of the two are not kept on one pod',
    // Traefik's default class: it reads the Service they share for both, so both keep their users.
    clean: [
      defaultIngressClass('traefik', 'traefik.io/ingress-controller'),
      classless(ingress('shop', 'app', { [`${NGINX}affinity`]: 'cookie' })),
      classless(ingress('blog', 'app')), service('app', {}, { 'traefik.ingress.kubernetes.io/service.sticky.cookie': 'true' }),
    ],
  },
  {
    rule: 'client-ip-behind-ingress',
    trigger: [workload('app', { replicas: 3 }), service('app', CLIENT_IP), ingress('app', 'app')],
    message: 'Service app: ClientIP affinity on a ClusterIP Service reached through Ingress app; the ingress controller connects to the pods directly, so the affinity does nothing for that traffic',
    clean: [workload('app', { replicas: 3 }), service('app'), ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' })],
  },
  {
    rule: 'client-ip-bypassed',
    trigger: [workload('shop', { replicas: 3, ...sessionVolume }), service('shop', CLIENT_IP), ingress('shop', 'shop')],
    message: 'Service shop: ClientIP is its only affinity, but Ingress shop picks the pods of Deployment shop itself, past the Service\'s virtual IP where kube-proxy applies ClientIP; container app keeps sessions in /var/lib/app/sessions on emptyDir (volume sessions), local to each pod, so users reaching it there are spread over 3 pods and logged out at random',
    clean: [workload('shop', { replicas: 3, ...sessionVolume }), service('shop', CLIENT_IP), ingress('shop', 'shop', { [`${NGINX}affinity`]: 'cookie' })],
  },
  {
    rule: 'client-ip-bypassed',
    trigger: [grafana(), service('grafana', CLIENT_IP), httpRoute('grafana', 'grafana')],
    message: 'Service grafana: ClientIP is its only affinity, but HTTPRoute grafana picks the pods of Deployment grafana itself, past the Service\'s virtual IP where kube-proxy applies ClientIP; Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres), so users reaching it there are spread over 4 pods and logged out at random',
    clean: [grafana(), service('grafana', CLIENT_IP), httpRoute('grafana', 'grafana', { sessionPersistence: { sessionName: 'grafana', type: 'Cookie' } })],
  },
  {
    rule: 'client-ip-sees-proxy',
    trigger: [grafana(), service('grafana', CLIENT_IP), ingress('grafana', 'grafana', { [`${NGINX}service-upstream`]: 'true' })],
    message: 'Service grafana: ClientIP is its only affinity, but Ingress grafana sends requests to its virtual IP (cluster IP or node port) from the proxy\'s own addresses (the ingress controller\'s pods, or the load balancer\'s nodes): kube-proxy keeps each of those, not each user, on one pod; Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres), so a user whose requests come from another proxy address changes pods, over 4 pods, and is logged out at random',
    clean: [grafana(), service('grafana'), ingress('grafana', 'grafana', { [`${NGINX}affinity`]: 'cookie' })],
  },
  {
    rule: 'aws-nlb-client-ip-spreads-sessions',
    trigger: [grafana(), service('grafana', { ...CLIENT_IP, type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance' })],
    message: 'Service grafana: ClientIP affinity behind an AWS load balancer without the NLB\'s source-IP stickiness (stickiness.enabled=true,stickiness.type=source_ip in service.beta.kubernetes.io/aws-load-balancer-target-group-attributes): the load balancer moves a client between nodes, each with its own affinity table; '
      + 'Grafana keeps sessions in its database, here the default SQLite on each pod (no GF_DATABASE_TYPE of mysql or postgres), so users are spread over 4 pods and logged out at random',
    clean: [grafana(), service('grafana', { ...CLIENT_IP, type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip',
    })],
  },
  {
    rule: 'aws-nlb-stickiness-depends-on-webhook',
    trigger: [service('app', { ...CLIENT_IP, type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip',
    })],
    message: 'Service app: ClientIP affinity with source-IP stickiness in service.beta.kubernetes.io/aws-load-balancer-target-group-attributes, but no load balancer class and service.beta.kubernetes.io/aws-load-balancer-type: nlb: '
      + 'the stickiness holds only if the AWS Load Balancer Controller\'s Service webhook (v2.5 and later, on unless enableServiceMutatorWebhook is false) gave it the class service.k8s.aws/nlb when it was created; '
      + 'if not, the in-tree cloud provider takes it and makes no load balancer at all, as it refuses sessionAffinity ClientIP ("unsupported load balancer affinity: ClientIP"), and from v1.34 the stickiness attributes too',
    clean: [service('app', { ...CLIENT_IP, type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip',
    })],
  },
  {
    rule: 'aws-nlb-client-ip-without-stickiness',
    trigger: [service('app', { ...CLIENT_IP, type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, { 'service.beta.kubernetes.io/aws-load-balancer-type': 'external', 'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance' })],
    message: 'Service app: ClientIP affinity behind an AWS load balancer without the NLB\'s source-IP stickiness (stickiness.enabled=true,stickiness.type=source_ip in service.beta.kubernetes.io/aws-load-balancer-target-group-attributes): the load balancer moves a client between nodes, each with its own affinity table',
    clean: [service('app', { ...CLIENT_IP, type: 'LoadBalancer', externalTrafficPolicy: 'Local' }, {
      'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
      'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'instance',
      'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'stickiness.enabled=true,stickiness.type=source_ip',
    })],
  },
  {
    rule: 'grafana-legacy-session-settings',
    trigger: [grafana({ replicas: 1, env: [{ name: 'GF_SESSION_PROVIDER', value: 'redis' }, { name: 'GF_SESSION_PROVIDER_CONFIG', value: 'addr=redis:6379' }] })],
    message: 'Deployment grafana: container app sets GF_SESSION_PROVIDER, GF_SESSION_PROVIDER_CONFIG, which Grafana ignores since 6.2 (sessions live in its database)',
    clean: [grafana({ replicas: 1, env: [{ name: 'GF_DATABASE_TYPE', value: 'postgres' }] })],
  },
  {
    rule: 'grafana-database-type-unknown',
    trigger: [grafana({ env: [{ name: 'GF_DATABASE_URL', value: 'postgresql://grafana@pg:5432/grafana' }] }), service('grafana')],
    message: 'Deployment grafana: Grafana (container app) does not start: its database type "postgresql" (GF_DATABASE_URL) is none of mysql, postgres, sqlite3',
    clean: [grafana({ env: [{ name: 'GF_DATABASE_URL', value: 'postgres://grafana@pg:5432/grafana' }] }), service('grafana')],
  },
  {
    rule: 'client-ip-without-local-traffic-policy',
    trigger: [service('app', { ...CLIENT_IP, type: 'LoadBalancer' })],
    message: 'Service app: ClientIP affinity on a LoadBalancer Service with externalTrafficPolicy Cluster (the default): client IPs seen by the pods are nodes\' addresses',
    clean: [service('app', { ...CLIENT_IP, type: 'LoadBalancer', externalTrafficPolicy: 'Local' })],
  },
  {
    rule: 'affinity-single-replica',
    trigger: [workload('app', { replicas: 1 }), service('app', CLIENT_IP)],
    message: 'Service app: ClientIP affinity in front of the single pod of Deployment app has no effect',
    clean: [workload('app', { replicas: 2 }), service('app', CLIENT_IP)],
  },
  {
    rule: 'client-ip-autoscaled',
    trigger: [workload('app', { replicas: 2 }), scaledObject('app'), service('app', CLIENT_IP)],
    message: 'Service app: ClientIP affinity on Deployment app, which runs 0 to 100 pods (scaled by ScaledObject app): after a scale-out, the new pods get only new clients',
    clean: [workload('app', { replicas: 2 }), scaledObject('app'), service('app')],
  },
  {
    rule: 'nginx-balanced-affinity-autoscaled',
    trigger: [workload('app', { replicas: 2, ...sessionVolume }), hpa('app'), service('app'), ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie' })],
    message: 'Ingress app: ingress-nginx cookie affinity in balanced mode (the default) in front of Deployment app, which runs 2 to 10 pods (scaled by HorizontalPodAutoscaler app): when it scales up, ingress-nginx moves some sessions to the new pods',
    clean: [workload('app', { replicas: 2, ...sessionVolume }), hpa('app'), service('app'), ingress('app', 'app', { [`${NGINX}affinity`]: 'cookie', [`${NGINX}affinity-mode`]: 'persistent' })],
  },
  {
    rule: 'kong-sticky-policy-unused',
    trigger: [service('shop', {}, { 'konghq.com/upstream-policy': 'sticky' }), KONG_STICKY],
    message: 'Service shop carries the sticky-sessions KongUpstreamPolicy sticky, but no Ingress or route among the manifests reaches it: the cookie is never set',
    clean: [service('shop', {}, { 'konghq.com/upstream-policy': 'sticky' }), KONG_STICKY, { ...ingress('shop', 'shop'), spec: { ...ingress('shop', 'shop').spec, ingressClassName: 'kong' } }],
  },
  {
    rule: 'kong-sticky-policy-unused',
    trigger: [service('shop'), KONG_STICKY],
    message: 'KongUpstreamPolicy sticky asks for sticky sessions, but no Service in its namespace names it in konghq.com/upstream-policy: it applies to nothing',
    clean: [service('shop', {}, { 'konghq.com/upstream-policy': 'sticky' }), KONG_STICKY, ingress('shop', 'shop')],
  },
  {
    rule: 'gke-gateway-affinity-unsupported',
    trigger: [service('shop'), gcpBackendPolicy('shop', { type: 'HTTP_COOKIE', cookieTtlSec: 60 })],
    message: 'GCPBackendPolicy shop: spec.default.sessionAffinity.type HTTP_COOKIE is not supported by GCPBackendPolicy; the Service gets no affinity',
    clean: [service('shop'), gcpBackendPolicy('shop', { type: 'GENERATED_COOKIE', cookieTtlSec: 60 })],
  },
  {
    rule: 'nginx-plus-session-cookie-unnamed',
    trigger: [service('shop'), virtualServer('shop', { enable: true, path: '/' })],
    message: 'VirtualServer shop: upstream "shop" has a sessionCookie without a name, which the controller refuses',
    clean: [service('shop'), virtualServer('shop', { enable: true, name: 'srv_id', path: '/' })],
  },
];

function gcpBackendPolicy(target: string, sessionAffinity: Obj): Obj {
  return {
    apiVersion: 'networking.gke.io/v1',
    kind: 'GCPBackendPolicy',
    metadata: { name: target },
    spec: { default: { sessionAffinity }, targetRef: { group: '', kind: 'Service', name: target } },
  };
}

function virtualServer(target: string, sessionCookie: Obj): Obj {
  return {
    apiVersion: 'k8s.nginx.org/v1',
    kind: 'VirtualServer',
    metadata: { name: target },
    spec: {
      host: 'shop.example.com',
      upstreams: [{ name: target, service: target, port: 80, sessionCookie }],
      routes: [{ path: '/', action: { pass: target } }],
    },
  };
}
