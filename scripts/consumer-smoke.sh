#!/usr/bin/env bash
# Consumer smoke test: installs the packed library into a fresh cdk8s app
# outside the repository, the way a user would, synthesizes it with the real
# cdk8s CLI and checks the rendered Services.
#
# Run after `npx projen build` (uses dist/js/*.tgz; packs with `npm pack`
# when there is none). Set KEEP_SMOKE_DIR=1 to keep the temporary app.

# The node -e scripts below are single-quoted on purpose: $ is JavaScript's.
# shellcheck disable=SC2016
set -euo pipefail

start=$SECONDS
repo=$(cd "$(dirname "$0")/.." && pwd)
pkg_name=cdk8s-session-affinity

tmp=$(mktemp -d "${TMPDIR:-/tmp}/consumer-smoke.XXXXXX")
cleanup() {
  if [[ "${KEEP_SMOKE_DIR:-}" == "1" ]]; then
    echo "consumer smoke: kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT
case "$tmp/" in
  "$repo"/*) echo "consumer smoke test: FAILED: temporary folder $tmp is inside the repo" >&2; exit 1 ;;
esac

fail() {
  echo "consumer smoke test: FAILED: $*" >&2
  exit 1
}

step() {
  echo "==> $*"
}

cli="$repo/node_modules/.bin/cdk8s"
[[ -x "$cli" ]] || fail "cdk8s CLI not found at $cli (is cdk8s-cli installed in the repo?)"

# --- 1. The package tarball -------------------------------------------------
shopt -s nullglob
tarballs=("$repo"/dist/js/cdk8s-session-affinity@*.tgz)
if (( ${#tarballs[@]} == 0 )); then
  step "no dist/js/*.tgz: packing with npm pack"
  (cd "$repo" && npm pack --pack-destination "$tmp" >"$tmp/npm-pack.log" 2>&1) \
    || { tail -n 40 "$tmp/npm-pack.log" >&2; fail "npm pack failed"; }
  tarballs=("$tmp"/*.tgz)
fi
shopt -u nullglob
(( ${#tarballs[@]} == 1 )) || fail "expected exactly one tarball, found ${#tarballs[@]}: ${tarballs[*]:-none}"
tarball=${tarballs[0]}
step "tarball: $tarball"

# Nothing but the compiled library and its docs belongs in the package.
listing=$(tar -tzf "$tarball") || fail "cannot list $tarball"
for dir in examples bench test src; do
  if grep -q "^package/$dir/" <<<"$listing"; then
    fail "tarball contains $dir/: $(grep "^package/$dir/" <<<"$listing" | head -n 5 | tr '\n' ' ')"
  fi
  echo "    ok: no $dir/ in the tarball"
done

# --- 2. A fresh cdk8s app ---------------------------------------------------
app="$tmp/app"
mkdir -p "$app"
cp "$tarball" "$app/"
tgz_file="./$(basename "$tarball")"

cat >"$app/package.json" <<'EOF'
{
  "name": "smoke-app",
  "version": "0.0.0",
  "private": true
}
EOF

cat >"$app/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "module": "commonjs",
    "target": "ES2022",
    "lib": ["ES2022"],
    "strict": true,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["main.ts"]
}
EOF

cat >"$app/cdk8s.yaml" <<'EOF'
language: typescript
app: npx ts-node main.ts
EOF

cat >"$app/main.ts" <<'EOF'
import { StickyService, AffinityTimeout, ExternalTrafficPolicy } from 'cdk8s-session-affinity';
import * as kplus from 'cdk8s-plus-28';
import { App, Chart } from 'cdk8s';

const app = new App();
const chart = new Chart(app, 'smoke');

const deployment = new kplus.Deployment(chart, 'Grafana', {
  containers: [{ image: 'grafana/grafana:11.3.0', portNumber: 3000 }],
});

const grafana = StickyService.exposeWorkload(deployment, {
  name: 'grafana',
  serviceType: kplus.ServiceType.LOAD_BALANCER,
  affinityTimeout: AffinityTimeout.KUBERNETES_DEFAULT,
});
if (grafana.externalTrafficPolicy !== ExternalTrafficPolicy.LOCAL) {
  throw new Error(`expected the LoadBalancer default externalTrafficPolicy Local, got ${grafana.externalTrafficPolicy}`);
}

const ws = new StickyService(chart, 'Ws', {
  metadata: { name: 'websocket-server' },
  type: kplus.ServiceType.LOAD_BALANCER,
  affinityTimeout: AffinityTimeout.WEBSOCKETS,
  ports: [{ port: 80, targetPort: 8080 }],
});
ws.selectLabel('app', 'websocket-server');

// Without a name, the Service takes the name cdk8s generates.
const worker = new kplus.Deployment(chart, 'Worker', {
  containers: [{ image: 'ghcr.io/example/worker:1.0.0', portNumber: 9000 }],
});
StickyService.exposeWorkload(worker);

// --- LoadBalancerStickiness (issue 7) ---
{
  const { LoadBalancerStickiness } = require('cdk8s-session-affinity');
  const eks = new StickyService(chart, 'Eks', {
    metadata: { name: 'grafana-eks' },
    type: kplus.ServiceType.LOAD_BALANCER,
    ports: [{ port: 3000 }],
    loadBalancerStickiness: LoadBalancerStickiness.awsNlb({ useLoadBalancerClass: true }),
  });
  eks.selectLabel('app', 'grafana');
}
// --- MultiPodGrafana, AffinityProbe (issue 11) ---
import { AffinityProbe, GrafanaSessions, LoadBalancerStickiness as Stickiness, MultiPodGrafana, ProbeIdentity, SessionStore } from 'cdk8s-session-affinity';

const observability = new Chart(app, 'smoke-observability', { namespace: 'observability' });
const fromSecret = (id: string, name: string, key: string) => ({ secret: kplus.Secret.fromSecretName(observability, id, name), key });
const grafanaAdmin = fromSecret('GrafanaAdmin', 'grafana-admin', 'password');
// Grafana on EKS: ClientIP affinity, and source-IP stickiness on the NLB in front of it.
const dashboardsGrafana = new MultiPodGrafana(observability, 'Dashboards', {
  name: 'dashboards',
  adminPassword: grafanaAdmin,
  sessions: GrafanaSessions.clientIpAffinity({ loadBalancerStickiness: Stickiness.awsNlb() }),
});
new MultiPodGrafana(observability, 'DashboardsHa', {
  name: 'dashboards-ha',
  adminPassword: grafanaAdmin,
  sessions: GrafanaSessions.sharedDatabase({
    database: SessionStore.postgres({ password: fromSecret('GrafanaDb', 'grafana-db', 'password'), database: 'grafana', user: 'grafana' }),
    secretKey: fromSecret('GrafanaKey', 'grafana-secret-key', 'secret-key'),
  }),
  autoscaling: { minReplicas: 2, maxReplicas: 6 },
});
new AffinityProbe(observability, 'Probe');
// An existing Service probed, with the doctor at synth on: the probe's Service without affinity must not fail it.
new AffinityProbe(observability, 'DashboardsProbe', { service: dashboardsGrafana.service, podIdentity: ProbeIdentity.responseHeader('X-Pod-Name') });
// --- end MultiPodGrafana, AffinityProbe (issue 11) ---
// --- CookieAffinityRoute, MeshCookieAffinity (issue 10) ---
import { CookieAffinityRoute, MeshCookieAffinity } from 'cdk8s-session-affinity';
import { Duration as GatewayDuration } from 'cdk8s';
const shop = new kplus.Service(chart, 'Shop', {
  metadata: { name: 'shop', namespace: 'shop' },
  ports: [{ port: 80, targetPort: 8080 }],
});
new CookieAffinityRoute(chart, 'ShopRoute', {
  metadata: { name: 'shop' },
  gateway: 'eg',
  hostnames: ['shop.example.com'],
  backend: shop,
  cookie: { name: 'SHOP_AFFINITY', maxAge: GatewayDuration.hours(8) },
});
new MeshCookieAffinity(chart, 'ShopMesh', { metadata: { name: 'shop' }, service: shop, cookie: { name: 'user' } });
// --- end issue 10 ---
// --- a route to a Service in another namespace (ReferenceGrant) ---
new CookieAffinityRoute(chart, 'ShopWebRoute', {
  metadata: { name: 'shop-web', namespace: 'web' },
  gateway: 'eg',
  hostnames: ['web.example.com'],
  backend: shop,
});
// --- end cross-namespace route ---
// --- the other routes, and KEDA on its own (coordinator) ---
import { BackendCookieAffinity, EnvoyCookieAffinity, KedaScaledObject, TraefikCookieAffinityRoute } from 'cdk8s-session-affinity';
new BackendCookieAffinity(chart, 'ShopBackend', { metadata: { name: 'shop-backend' }, service: shop, cookie: { name: 'SHOP_BACKEND' } });
new EnvoyCookieAffinity(chart, 'ShopEnvoy', {
  metadata: { name: 'shop-envoy' },
  gateway: 'eg',
  hostnames: ['envoy.example.com'],
  backend: shop,
  cookie: { name: 'SHOP_ENVOY', maxAge: GatewayDuration.hours(1) },
});
new TraefikCookieAffinityRoute(chart, 'ShopTraefik', {
  metadata: { name: 'shop-traefik' },
  hostnames: ['traefik.example.com'],
  backend: shop,
  cookie: { name: 'SHOP_TRAEFIK' },
});
{
  const api = new kplus.Deployment(chart, 'Api', { metadata: { name: 'api' } });
  api.addContainer({
    image: 'ghcr.io/example/api:2.3.0',
    portNumber: 8080,
    resources: { cpu: { request: kplus.Cpu.millis(200) } },
  });
  new KedaScaledObject(chart, 'ApiScale', { metadata: { name: 'api' }, target: api, minReplicas: 2, maxReplicas: 10 });
}
// --- end the other routes, and KEDA ---
// --- Kong, GKE Gateway, Contour, NGINX Plus and Gateway API main ---
import {
  ContourCookieAffinityProxy, CookieAffinityRoute as PlatformRoute, GatewayApiRelease, GatewayImplementation,
  GkeGatewayCookieAffinity, KongCookieAffinity, NginxPlusCookieAffinity,
} from 'cdk8s-session-affinity';
{
  const platformService = (name: string) => {
    const svc = new kplus.Service(chart, `${name}-svc`, { metadata: { name }, ports: [{ port: 80, targetPort: 8080 }] });
    svc.selectLabel('app', name);
    return svc;
  };
  new PlatformRoute(chart, 'KongRoute', { metadata: { name: 'kong-shop' }, gateway: 'kong', backend: platformService('kong-shop'), implementation: GatewayImplementation.kong(), cookie: { name: 'KONG_SHOP' } });
  new KongCookieAffinity(chart, 'KongIngressAffinity', { metadata: { name: 'kong-admin-sticky' }, service: platformService('kong-admin') });
  new GkeGatewayCookieAffinity(chart, 'GkeAffinity', { metadata: { name: 'gke-shop' }, service: platformService('gke-shop'), cookie: { maxAge: GatewayDuration.hours(3) } });
  new ContourCookieAffinityProxy(chart, 'ContourProxy', { metadata: { name: 'contour-shop' }, fqdn: 'contour.example.com', backend: platformService('contour-shop') });
  new NginxPlusCookieAffinity(chart, 'NginxPlus', { metadata: { name: 'nginx-plus-shop' }, host: 'nginx-plus.example.com', backend: platformService('nginx-plus-shop'), cookie: { name: 'NGINX_PLUS_SHOP' } });
  new PlatformRoute(chart, 'MainRoute', { metadata: { name: 'main-shop' }, gateway: 'eg', backend: platformService('main-shop'), gatewayApiRelease: GatewayApiRelease.MAIN, pathPrefix: '/shop', cookie: { name: 'MAIN_SHOP', path: '/shop' } });
}
// --- end Kong, GKE Gateway, Contour, NGINX Plus and Gateway API main ---
// --- CookieAffinityIngress (issue 8) ---
// The seed's ingress-nginx Ingress, and a Traefik one that must annotate its
// backend Service (declared after the Ingress). The seed's Ingress has no class
// (the cluster's default controller, ingress-nginx here); the Traefik one names
// its class, or ingress-nginx would serve it too and ignore Traefik's cookie.
import { CookieAffinityIngress, IngressController } from 'cdk8s-session-affinity';
import { Duration } from 'cdk8s';
{
  const seedService = new kplus.Service(chart, 'AppService', { metadata: { name: 'app-service' }, ports: [{ port: 80, targetPort: 8080 }] });
  seedService.selectLabel('app', 'app');
  const seedIngress = new CookieAffinityIngress(chart, 'AppIngress', {
    metadata: { name: 'app-ingress' },
    cookie: { name: 'app-affinity', maxAge: Duration.hours(1) },
  });
  seedIngress.addHostRule('app.example.com', '/', kplus.IngressBackend.fromService(seedService));
  const cartIngress = new CookieAffinityIngress(chart, 'CartIngress', {
    metadata: { name: 'cart-ingress' },
    controller: IngressController.traefik({ ingressClassName: 'traefik' }),
    cookie: { name: 'cart-affinity' },
  });
  const cart = new kplus.Service(chart, 'Cart', { metadata: { name: 'cart' }, ports: [{ port: 80, targetPort: 8080 }] });
  cart.selectLabel('app', 'cart');
  cartIngress.addRule('/cart', kplus.IngressBackend.fromService(cart));
  // The pods behind it keep sessions in memory: three of them, kept apart by Traefik's cookie.
  const cartPods = new kplus.Deployment(chart, 'CartPods', {
    metadata: { name: 'cart' },
    replicas: 3,
    podMetadata: { labels: { app: 'cart' } },
    containers: [{
      image: 'ghcr.io/example/cart:1.4.0',
      portNumber: 8080,
      securityContext: { user: 1000 },
      readiness: kplus.Probe.fromHttpGet('/healthz'),
      liveness: kplus.Probe.fromHttpGet('/healthz'),
    }],
  });
  void cartPods;
}

// --- AffinityDoctorValidation (issue 12) ---
// The doctor runs at synth: an error-level finding would fail cdk8s synth.
import { AffinityDoctorValidation } from 'cdk8s-session-affinity';
import { ApiObject, Lazy } from 'cdk8s';
AffinityDoctorValidation.addTo(app);
// cdk8s validates the app once as its synth begins and again before each of
// its two charts is written; the doctor renders each object once, before the
// first chart is written (2 renders with the write, where a doctor that read
// everything at every pass made 4, and one that read at the first two, 3).
let smokeRenders = 0;
new ApiObject(chart, 'RenderCount', {
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'render-count' },
  data: Lazy.any({ produce: () => ({ renders: String(++smokeRenders) }) }),
});
// --- SharedSessionApp (issue 9) ---
import { SessionStore as SessionStores, SharedSessionApp } from 'cdk8s-session-affinity';
const sessionsAuth = kplus.Secret.fromSecretName(chart, 'SessionsAuth', 'basket-redis-auth');
const basket = new SharedSessionApp(chart, 'Basket', {
  metadata: { name: 'basket' },
  image: 'ghcr.io/example/shop:1.4.2',
  port: 8080,
  store: SessionStores.redis({ password: { secret: sessionsAuth, key: 'password' } }),
  resources: { cpu: { request: kplus.Cpu.millis(250) } },
});
// Under KEDA: the ScaledObject owns the replica count.
new KedaScaledObject(chart, 'BasketScale', { metadata: { name: 'basket' }, target: basket.deployment, minReplicas: 2, maxReplicas: 8 });
if (basket.store.host !== 'basket-redis' || basket.store.port !== 6379 || !basket.store.runsInChart) {
  throw new Error(`unexpected SharedSessionApp store: ${basket.store.host}:${basket.store.port}`);
}
// --- end SharedSessionApp (issue 9) ---

app.synth();
if (smokeRenders !== 2) {
  throw new Error(`the doctor at synth rendered the ConfigMap ${smokeRenders - 1} times in one synth of two charts, where it renders it once`);
}
EOF

# --- 3. Install as a user would ---------------------------------------------
# Only the library and the TypeScript tooling are named: npm installs the
# peers from the tarball's own peerDependencies, so a wrong peer range or a
# peer listed as a dependency shows up here.
step "npm install (log: $tmp/npm-install.log)"
(cd "$app" && npm install --no-audit --no-fund \
  "$tgz_file" \
  'ts-node@^10.9.2' 'typescript@~5.9.3' '@types/node@^20' 'yaml@^2' \
  >"$tmp/npm-install.log" 2>&1) \
  || { tail -n 40 "$tmp/npm-install.log" >&2; fail "npm install failed"; }
# Surface warnings worth knowing about (peer deps, deprecations), not npmrc noise.
warnings=$(grep -i 'warn' "$tmp/npm-install.log" | grep -v 'Unknown user config\|Unknown env config' || true)
if [[ -n "$warnings" ]]; then
  echo "    npm install warnings:"
  head -n 20 <<<"$warnings" | while IFS= read -r line; do echo "      $line"; done
fi
(cd "$app" && node -e '
  for (const p of ["cdk8s-session-affinity", "cdk8s", "cdk8s-plus-28", "constructs", "typescript", "ts-node"]) {
    console.log(`    installed ${p}@${require(`${p}/package.json`).version}`);
  }')

# --- 4. The installed package's entry points --------------------------------
step "checking the installed package"
(cd "$app" && node -e '
  const fs = require("fs");
  const path = require("path");
  const dir = path.resolve("node_modules", process.argv[1]);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  let failed = 0;
  const check = (ok, what) => { console.log(`    ${ok ? "ok" : "FAIL"}: ${what}`); if (!ok) failed++; };
  for (const field of ["main", "types"]) {
    const target = pkg[field];
    check(typeof target === "string" && fs.existsSync(path.join(dir, target)),
      `package.json ${field} (${target}) exists`);
  }
  check(fs.existsSync(path.join(dir, ".jsii")), ".jsii exists");
  // One copy of each peer: the library must resolve the same copy as the app.
  for (const peer of ["cdk8s", "cdk8s-plus-28", "constructs"]) {
    const fromApp = require.resolve(peer);
    const fromLib = require.resolve(peer, { paths: [dir] });
    check(fromApp === fromLib, `${peer} resolves to one copy (${path.relative(process.cwd(), fromApp)})`);
  }
  const lib = require(process.argv[1]);
  for (const name of ["StickyService", "AffinityTimeout", "ExternalTrafficPolicy"]) {
    check(lib[name] !== undefined, `exports ${name}`);
  }
  process.exit(failed ? 1 : 0);
' "$pkg_name") || fail "the installed package is incomplete"

# --- 5. Synthesize with the real cdk8s CLI ----------------------------------
step "cdk8s synth"
# The CLI's version check may print an HTTP error when offline: harmless, the
# exit code is what counts.
(cd "$app" && "$cli" synth >"$tmp/synth.log" 2>&1) \
  || { tail -n 60 "$tmp/synth.log" >&2; fail "cdk8s synth failed"; }
grep -E '^\s+- ' "$tmp/synth.log" | sed 's/^\s*- /    wrote /' || true

# The library prints nothing at synth (the cdk8s CLI's own lines aside): the
# app run on its own, as the CLI runs it, writes nothing to stdout or stderr.
step "the app prints nothing while it synthesizes"
quiet=$(cd "$app" && CDK8S_OUTDIR="$tmp/quiet-out" npx ts-node main.ts 2>&1) \
  || { echo "$quiet" >&2; fail "the app failed when run on its own"; }
[[ -z "$quiet" ]] || fail "the app printed while synthesizing: $quiet"
echo "    ok: nothing printed"

# --- 6. Check the rendered manifests ----------------------------------------
step "checking the synthesized manifests"
(cd "$app" && node -e '
  const fs = require("fs");
  const path = require("path");
  const YAML = require("yaml");
  const files = fs.readdirSync("dist").filter(f => f.endsWith(".k8s.yaml")).map(f => path.join("dist", f));
  if (files.length === 0) { console.error("    FAIL: no dist/*.k8s.yaml"); process.exit(1); }
  const docs = files.flatMap(f => YAML.parseAllDocuments(fs.readFileSync(f, "utf8")).map(d => d.toJS())).filter(Boolean);
  console.log(`    ${files.join(", ")}: ${docs.map(d => `${d.kind}/${d.metadata && d.metadata.name}`).join(", ")}`);
  let failed = 0;
  const check = (actual, expected, what) => {
    const ok = JSON.stringify(actual) === JSON.stringify(expected);
    console.log(`    ${ok ? "ok" : "FAIL"}: ${what} == ${JSON.stringify(expected)}${ok ? "" : ` (got ${JSON.stringify(actual)})`}`);
    if (!ok) failed++;
  };
  const get = (obj, p) => p.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);
  const service = name => {
    const found = docs.filter(d => d.kind === "Service" && d.metadata && d.metadata.name === name);
    if (found.length !== 1) { console.log(`    FAIL: expected one Service ${name}, found ${found.length}`); failed++; }
    return found[0];
  };

  const grafana = service("grafana");
  if (grafana) {
    check(get(grafana, "spec.sessionAffinity"), "ClientIP", "grafana spec.sessionAffinity");
    check(get(grafana, "spec.sessionAffinityConfig.clientIP.timeoutSeconds"), 10800, "grafana spec.sessionAffinityConfig.clientIP.timeoutSeconds");
    check(get(grafana, "spec.type"), "LoadBalancer", "grafana spec.type");
    check(get(grafana, "spec.externalTrafficPolicy"), "Local", "grafana spec.externalTrafficPolicy");
    check(get(grafana, "spec.ports.0.port"), 3000, "grafana spec.ports[0].port");
    const deployment = docs.find(d => d.kind === "Deployment" && d.metadata.name.includes("grafana"));
    check(deployment !== undefined, true, "a grafana Deployment was synthesized");
    check(get(grafana, "spec.selector"), get(deployment, "spec.selector.matchLabels"), "grafana spec.selector (the Deployment selector)");
  }
  const ws = service("websocket-server");
  if (ws) {
    check(get(ws, "spec.sessionAffinity"), "ClientIP", "websocket-server spec.sessionAffinity");
    check(get(ws, "spec.sessionAffinityConfig.clientIP.timeoutSeconds"), 86400, "websocket-server spec.sessionAffinityConfig.clientIP.timeoutSeconds");
    check(get(ws, "spec.selector"), { app: "websocket-server" }, "websocket-server spec.selector");
    check(get(ws, "spec.ports.0.targetPort"), 8080, "websocket-server spec.ports[0].targetPort");
  }
  const unnamed = docs.filter(d => !(d.metadata && typeof d.metadata.name === "string" && d.metadata.name !== ""));
  check(unnamed.map(d => d.kind), [], "every object has a metadata.name");
  const workerServices = docs.filter(d => d.kind === "Service" && d.metadata && /worker/.test(d.metadata.name || ""));
  check(workerServices.length, 1, "exposeWorkload without a name gives the worker Service a generated name");

  // --- LoadBalancerStickiness (issue 7) ---
  const eks = service("grafana-eks");
  if (eks) {
    check(get(eks, "metadata.annotations"), {
      "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "instance",
      "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": "stickiness.enabled=true,stickiness.type=source_ip",
    }, "grafana-eks metadata.annotations (AWS Load Balancer Controller NLB stickiness)");
    check(get(eks, "spec.loadBalancerClass"), "service.k8s.aws/nlb", "grafana-eks spec.loadBalancerClass");
    check(get(eks, "spec.sessionAffinity"), "ClientIP", "grafana-eks spec.sessionAffinity");
  }
  // --- MultiPodGrafana, AffinityProbe (issue 11) ---
  const dashboards = service("dashboards");
  if (dashboards) {
    check(get(dashboards, "spec.type"), "LoadBalancer", "dashboards spec.type");
    check(get(dashboards, "spec.sessionAffinity"), "ClientIP", "dashboards spec.sessionAffinity");
    check(get(dashboards, "spec.sessionAffinityConfig.clientIP.timeoutSeconds"), 10800, "dashboards spec.sessionAffinityConfig.clientIP.timeoutSeconds");
    check(get(dashboards, "spec.ports"), [{ port: 3000, targetPort: 3000 }], "dashboards spec.ports");
    check(get(dashboards, "spec.selector"), { app: "dashboards" }, "dashboards spec.selector");
    check((get(dashboards, "metadata.annotations") || {})["service.beta.kubernetes.io/aws-load-balancer-target-group-attributes"],
      "stickiness.enabled=true,stickiness.type=source_ip", "dashboards: source-IP stickiness on the EKS NLB");
  }
  const deploymentNamed = name => docs.find(d => d.kind === "Deployment" && d.metadata.name === name);
  check(get(deploymentNamed("dashboards"), "spec.replicas"), 4, "dashboards Deployment spec.replicas");
  const ha = service("dashboards-ha");
  if (ha) {
    check(get(ha, "spec.sessionAffinity") === undefined, true, "dashboards-ha has no sessionAffinity");
  }
  const haDeployment = deploymentNamed("dashboards-ha");
  check(haDeployment !== undefined && !("replicas" in haDeployment.spec), true, "dashboards-ha Deployment leaves replicas to KEDA");
  const scaled = docs.filter(d => d.kind === "ScaledObject" && d.metadata.namespace === "observability");
  check(scaled.map(d => [d.apiVersion, get(d, "spec.scaleTargetRef.name"), get(d, "spec.minReplicaCount"), get(d, "spec.maxReplicaCount")]),
    [["keda.sh/v1alpha1", "dashboards-ha", 2, 6]], "one ScaledObject for dashboards-ha, 2 to 6");
  const haEnv = Object.fromEntries((get(haDeployment, "spec.template.spec.containers.0.env") || []).map(e => [e.name, e]));
  check(Object.keys(haEnv).filter(n => n.startsWith("GF_SESSION_")), [], "no legacy GF_SESSION_* setting");
  check(get(haEnv.GF_DATABASE_TYPE, "value"), "postgres", "dashboards-ha GF_DATABASE_TYPE");
  check(get(haEnv.GF_DATABASE_PASSWORD, "valueFrom.secretKeyRef"), { key: "password", name: "grafana-db" }, "dashboards-ha GF_DATABASE_PASSWORD from its Secret");
  check(get(haEnv.GF_SECURITY_SECRET_KEY, "valueFrom.secretKeyRef"), { key: "secret-key", name: "grafana-secret-key" }, "dashboards-ha GF_SECURITY_SECRET_KEY from its Secret");
  check(get(service("dashboards-ha-alerting"), "spec.clusterIP"), "None", "dashboards-ha-alerting is headless");
  const probeJobs = docs.filter(d => d.kind === "Job");
  check(probeJobs.map(j => [get(j, "spec.backoffLimit"), get(j, "spec.template.spec.containers.0.command.0")]), [[0, "/bin/sh"], [0, "/bin/sh"]], "two AffinityProbe Jobs running their sh script");
  // Each probe first calls the same pods through a Service without affinity, which tells the doctor no user comes through it.
  const probeEnv = j => Object.fromEntries((get(j, "spec.template.spec.containers.0.env") || []).map(e => [e.name, e.value]));
  const spreadNames = probeJobs.map(j => new URL(probeEnv(j).PROBE_SPREAD_URL).hostname);
  check(spreadNames.map(n => (get(service(n), "metadata.annotations") || {})["cdk8s-session-affinity.dev/user-facing"]), ["false", "false"],
    "the Service without affinity of each probe is marked cdk8s-session-affinity.dev/user-facing: false");
  check(get(service(spreadNames[1]), "spec.selector"), { app: "dashboards" }, "the Service without affinity of the dashboards probe selects the Grafana pods");
  // --- end MultiPodGrafana, AffinityProbe (issue 11) ---
  // --- CookieAffinityRoute, MeshCookieAffinity (issue 10) ---
  const one = (kind, name) => {
    const found = docs.filter(d => d.kind === kind && d.metadata && d.metadata.name === name);
    if (found.length !== 1) { console.log(`    FAIL: expected one ${kind} ${name}, found ${found.length}`); failed++; }
    return found[0];
  };
  const route = one("HTTPRoute", "shop");
  if (route) {
    check(route.apiVersion, "gateway.networking.k8s.io/v1", "shop HTTPRoute apiVersion");
    check(get(route, "spec.rules.0.sessionPersistence"),
      { absoluteTimeout: "8h", cookieConfig: { lifetimeType: "Permanent" }, sessionName: "SHOP_AFFINITY", type: "Cookie" },
      "shop HTTPRoute spec.rules[0].sessionPersistence");
    check(get(route, "spec.rules.0.backendRefs"), [{ name: "shop", port: 80 }], "shop HTTPRoute spec.rules[0].backendRefs");
  }
  const rule = one("DestinationRule", "shop");
  if (rule) {
    check(get(rule, "spec.host"), "shop.shop.svc.cluster.local", "shop DestinationRule spec.host");
    check(get(rule, "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl"), "0s", "shop DestinationRule httpCookie.ttl (a session cookie)");
  }
  // --- end issue 10 ---
  // --- a route to a Service in another namespace (ReferenceGrant) ---
  check(get(one("HTTPRoute", "shop-web"), "spec.rules.0.backendRefs"), [{ name: "shop", namespace: "shop", port: 80 }],
    "shop-web HTTPRoute (namespace web) names the namespace of the shop Service");
  const grants = docs.filter(d => d.kind === "ReferenceGrant");
  check(grants.map(g => [g.apiVersion, get(g, "metadata.namespace"), get(g, "spec.from"), get(g, "spec.to")]),
    [["gateway.networking.k8s.io/v1beta1", "shop",
      [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "web" }],
      [{ group: "", kind: "Service", name: "shop" }]]],
    "one ReferenceGrant in shop, from HTTPRoutes in web to the shop Service");
  // --- end cross-namespace route ---
  // --- the other routes, and KEDA on its own (coordinator) ---
  check(get(one("XBackendTrafficPolicy", "shop-backend"), "spec.sessionPersistence.sessionName"), "SHOP_BACKEND", "shop-backend XBackendTrafficPolicy sessionName");
  check(get(one("BackendTrafficPolicy", "shop-envoy"), "spec.loadBalancer.consistentHash.cookie.name"), "SHOP_ENVOY", "shop-envoy BackendTrafficPolicy cookie name");
  check(get(one("IngressRoute", "shop-traefik"), "spec.routes.0.services.0.sticky.cookie.name"), "SHOP_TRAEFIK", "shop-traefik IngressRoute sticky cookie name");
  const apiScale = one("ScaledObject", "api");
  check(get(apiScale, "spec.scaleTargetRef.name"), "api", "api ScaledObject targets the api Deployment");
  const apiDeployment = one("Deployment", "api");
  check(apiDeployment !== undefined && !("replicas" in apiDeployment.spec), true, "api Deployment leaves replicas to KEDA");
  // --- end the other routes, and KEDA ---
  // --- Kong, GKE Gateway, Contour, NGINX Plus and Gateway API main ---
  check(get(one("KongUpstreamPolicy", "kong-admin-sticky"), "spec"), { algorithm: "sticky-sessions", hashOn: { input: "none" }, stickySessions: { cookie: "INGRESSCOOKIE", cookiePath: "/" } }, "kong-admin-sticky KongUpstreamPolicy spec");
  check(get(one("Service", "kong-admin"), "metadata.annotations"), { "konghq.com/upstream-policy": "kong-admin-sticky" }, "kong-admin Service upstream-policy annotation");
  check(docs.filter(d => d.kind === "KongUpstreamPolicy" && get(d, "spec.stickySessions.cookie") === "KONG_SHOP").length, 1, "the KongUpstreamPolicy of the kong-shop route");
  check(get(one("GCPBackendPolicy", "gke-shop"), "spec.default.sessionAffinity"), { cookieTtlSec: 10800, type: "GENERATED_COOKIE" }, "gke-shop GCPBackendPolicy sessionAffinity");
  check(get(one("HTTPProxy", "contour-shop"), "spec.routes.0.loadBalancerPolicy.strategy"), "Cookie", "contour-shop HTTPProxy Cookie strategy");
  check(get(one("VirtualServer", "nginx-plus-shop"), "spec.upstreams.0.sessionCookie.name"), "NGINX_PLUS_SHOP", "nginx-plus-shop VirtualServer sessionCookie name");
  check(get(one("HTTPRoute", "main-shop"), "spec.rules.0.sessionPersistence"), { cookie: { lifetimeType: "Session", name: "MAIN_SHOP", path: "/shop" }, type: "Cookie" }, "main-shop HTTPRoute sessionPersistence (Gateway API main)");
  // --- end Kong, GKE Gateway, Contour, NGINX Plus and Gateway API main ---
  // --- CookieAffinityIngress (issue 8) ---
  const seedIngress = docs.filter(d => d.kind === "Ingress" && d.metadata && d.metadata.name === "app-ingress");
  check(seedIngress.length, 1, "one app-ingress Ingress");
  if (seedIngress[0]) {
    check(get(seedIngress[0], "metadata.annotations"), {
      "nginx.ingress.kubernetes.io/affinity": "cookie",
      "nginx.ingress.kubernetes.io/session-cookie-expires": "3600",
      "nginx.ingress.kubernetes.io/session-cookie-max-age": "3600",
      "nginx.ingress.kubernetes.io/session-cookie-name": "app-affinity",
    }, "app-ingress metadata.annotations (as in the seed)");
    check(get(seedIngress[0], "spec.rules"), [{ host: "app.example.com", http: { paths: [{ backend: { service: { name: "app-service", port: { number: 80 } } }, path: "/", pathType: "Prefix" }] } }], "app-ingress spec.rules (as in the seed)");
  }
  const cart = service("cart");
  if (cart) {
    check(get(cart, "metadata.annotations")["traefik.ingress.kubernetes.io/service.sticky.cookie"], "true", "cart Service metadata.annotations[service.sticky.cookie] (Traefik reads the Service)");
    check(get(cart, "metadata.annotations")["traefik.ingress.kubernetes.io/service.sticky.cookie.name"], "cart-affinity", "cart Service metadata.annotations[service.sticky.cookie.name]");
  }
  // --- SharedSessionApp (issue 9) ---
  const basket = service("basket");
  if (basket) {
    check(get(basket, "spec.sessionAffinity"), undefined, "basket spec.sessionAffinity (none: sessions are in Redis)");
  }
  const basketApp = docs.find(d => d.kind === "Deployment" && d.metadata.name === "basket");
  check(basketApp !== undefined && !("replicas" in basketApp.spec), true, "basket Deployment leaves replicas to KEDA");
  check(docs.filter(d => d.kind === "ScaledObject" && get(d, "spec.scaleTargetRef.name") === "basket").length, 1, "one ScaledObject for basket");
  check(get(basketApp, "spec.template.spec.containers.0.env"), [
    { name: "SESSION_STORE_PASSWORD", valueFrom: { secretKeyRef: { key: "password", name: "basket-redis-auth" } } },
    { name: "SESSION_STORE", value: "redis://:$(SESSION_STORE_PASSWORD)@basket-redis:6379" },
  ], "basket env: password from the Secret, then the URL that embeds it");
  const redisService = service("basket-redis");
  check(get(redisService, "spec.ports.0.port"), 6379, "basket-redis Service port");
  for (const kind of ["StatefulSet", "NetworkPolicy"]) {
    check(docs.filter(d => d.kind === kind && d.metadata.name === "basket-redis").length, 1, `one ${kind} basket-redis`);
  }
  check(docs.filter(d => d.kind === "PodDisruptionBudget").length, 0, "no PodDisruptionBudget on a one-pod store");
  const redisSet = docs.find(d => d.kind === "StatefulSet" && d.metadata.name === "basket-redis");
  check(get(service(get(redisSet, "spec.serviceName")), "spec.clusterIP"), "None", "basket-redis StatefulSet governed by a headless Service");
  // --- end SharedSessionApp (issue 9) ---
  process.exit(failed ? 1 : 0);
') || fail "the synthesized manifests are not what a user should get (see FAIL lines above)"

# --- affinity-doctor (issue 12) ---------------------------------------------
step "affinity-doctor: the packaged bin on the synthesized app, on stdin and on a broken manifest"
doctor="$app/node_modules/.bin/affinity-doctor"
[[ -x "$doctor" ]] || fail "affinity-doctor bin not installed at $doctor"
# The same CLI as a kubectl plugin: kubectl runs kubectl-affinity_doctor for `kubectl affinity-doctor`.
[[ -x "$app/node_modules/.bin/kubectl-affinity_doctor" ]] || fail "kubectl-affinity_doctor bin not installed"
[[ "$("$app/node_modules/.bin/kubectl-affinity_doctor" --version)" == "$("$doctor" --version)" ]] || fail "kubectl-affinity_doctor is not the affinity-doctor CLI"
broken="$tmp/broken.yaml"
cat >"$broken" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana, namespace: observability}
spec:
  replicas: 4
  selector: {matchLabels: {app: grafana}}
  template:
    metadata: {labels: {app: grafana}}
    spec:
      containers: [{name: grafana, image: "grafana/grafana:11.3.0"}]
---
apiVersion: v1
kind: Service
metadata: {name: grafana, namespace: observability}
spec:
  selector: {app: grafana}
  ports: [{port: 3000, targetPort: 3000}]
EOF
# expect_exit <code> <what> <command...>: output in $tmp/doctor.out and $tmp/doctor.err.
expect_exit() {
  local want=$1 what=$2
  shift 2
  local got=0
  "$@" >"$tmp/doctor.out" 2>"$tmp/doctor.err" || got=$?
  if [[ "$got" != "$want" ]]; then
    cat "$tmp/doctor.out" "$tmp/doctor.err" >&2
    fail "affinity-doctor $what: exit $got, expected $want"
  fi
  echo "    ok: affinity-doctor $what exits $want"
}
manifests=("$app"/dist/*.k8s.yaml)
for format in text json sarif; do
  expect_exit 0 "--format $format dist/" "$doctor" --format "$format" "$app/dist"
  # One stream of every synthesized file, '---' between files as between documents.
  expect_exit 0 "--format $format - (dist/*.k8s.yaml on stdin)" \
    sh -c 'd=$0 f=$1; shift 1; for m in "$@"; do cat "$m"; echo "---"; done | "$d" --format "$f" -' "$doctor" "$format" "${manifests[@]}"
  expect_exit 1 "--format $format broken.yaml" "$doctor" --format "$format" "$broken"
  case $format in
    text) grep -q 'error   local-sessions-without-affinity' "$tmp/doctor.out" || fail "text output lacks the finding" ;;
    json) node -e 'const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (f.length !== 1 || f[0].rule !== "local-sessions-without-affinity" || f[0].resource.name !== "grafana") process.exit(1)' "$tmp/doctor.out" || fail "json output is not the one finding" ;;
    sarif) node -e 'const l = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (l.version !== "2.1.0" || l.runs[0].results[0].ruleId !== "local-sessions-without-affinity") process.exit(1)' "$tmp/doctor.out" || fail "sarif output is not SARIF 2.1.0 with the finding" ;;
  esac
done
expect_exit 1 "- (broken.yaml on stdin)" sh -c '"$0" - <"$1"' "$doctor" "$broken"
printf 'kind: Service\n  name: x\n' >"$tmp/malformed.yaml"
expect_exit 2 "malformed.yaml" "$doctor" "$tmp/malformed.yaml"
grep -q "malformed.yaml:2:" "$tmp/doctor.err" || fail "the malformed-input message does not name the file and line: $(cat "$tmp/doctor.err")"
# A folder with the malformed file next to the broken app: exit 2, and the app's finding still shown.
mkdir -p "$tmp/mixed" && cp "$broken" "$tmp/malformed.yaml" "$tmp/mixed/"
expect_exit 2 "mixed/ (a malformed file next to broken.yaml)" "$doctor" "$tmp/mixed"
grep -q 'error   local-sessions-without-affinity' "$tmp/doctor.out" || fail "an unreadable file hid the other file's finding"
if grep -q '    at ' "$tmp/doctor.err"; then fail "affinity-doctor printed a stack trace"; fi
# Two Ingresses without a class, one with ingress-nginx's cookie and one whose Service has
# Traefik's: a warning (exit 0); none on the app, whose Traefik Ingress names its class.
classless="$tmp/classless.yaml"
cat >"$classless" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, annotations: {nginx.ingress.kubernetes.io/affinity: cookie}}
spec: {rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: cart}
spec: {rules: [{http: {paths: [{path: /cart, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}}]}
---
apiVersion: v1
kind: Service
metadata: {name: cart, annotations: {traefik.ingress.kubernetes.io/service.sticky.cookie: "true"}}
spec: {selector: {app: cart}, ports: [{port: 80}]}
EOF
expect_exit 0 "--min-severity warning classless.yaml" "$doctor" --format json --min-severity warning "$classless"
node -e 'const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (!f.some(x => x.rule === "cookie-affinity-without-ingress-class" && x.resource.name === "cart")) process.exit(1)' "$tmp/doctor.out" \
  || fail "no cookie-affinity-without-ingress-class warning on two Ingresses without a class for two controllers: $(cat "$tmp/doctor.out")"
expect_exit 0 "--min-severity warning dist/" "$doctor" --format json --min-severity warning "$app/dist"
if grep -q 'cookie-affinity-without-ingress-class' "$tmp/doctor.out"; then fail "the app's Ingresses, one with a class, were reported as without one"; fi
# Sessions in memory, which no manifest shows, said by the workload's annotation: an error (exit 1).
inmemory="$tmp/in-memory.yaml"
cat >"$inmemory" <<'EOF'
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart, annotations: {cdk8s-session-affinity.dev/local-sessions: "true"}}
spec:
  replicas: 3
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec: {containers: [{name: cart, image: ghcr.io/example/cart:1.0.0}]}
---
apiVersion: v1
kind: Service
metadata: {name: cart}
spec: {selector: {app: cart}, ports: [{port: 80}]}
EOF
expect_exit 1 "in-memory.yaml (local-sessions annotation)" "$doctor" --format json "$inmemory"
grep -q '"local-sessions-without-affinity"' "$tmp/doctor.out" || fail "the local-sessions annotation did not make the doctor report the Service: $(cat "$tmp/doctor.out")"
# Traefik's sticky cookie on the Service, but the one Ingress to it is ingress-nginx's: the
# annotations count for nothing, and the finding says so (exit 1).
wrongcontroller="$tmp/wrong-controller.yaml"
{ sed -n '1,/^---$/p' "$inmemory"; cat <<'EOF'
apiVersion: v1
kind: Service
metadata: {name: cart, annotations: {traefik.ingress.kubernetes.io/service.sticky.cookie: "true"}}
spec: {selector: {app: cart}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: cart}
spec: {ingressClassName: nginx, rules: [{host: cart.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: cart, port: {number: 80}}}}]}}]}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
EOF
} >"$wrongcontroller"
expect_exit 1 "wrong-controller.yaml (Traefik's cookie on a Service only ingress-nginx reaches)" "$doctor" "$wrongcontroller"
grep -q 'Not counted: Traefik sticky-cookie annotations on the Service' "$tmp/doctor.out" \
  || fail "the doctor counted Traefik's annotations behind an ingress-nginx Ingress: $(cat "$tmp/doctor.out")"
# What the API server refuses or what breaks stickiness without a word: an unquoted number as an
# annotation value, and two Services of one host under one Traefik cookie name.
shared="$tmp/shared-cookie.yaml"
cat >"$shared" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, annotations: {example.com/revision: 3}}
spec:
  ingressClassName: traefik
  rules: [{host: shop.example.com, http: {paths: [
    {path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}},
    {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}]}}]
---
apiVersion: v1
kind: Service
metadata: {name: shop, annotations: {traefik.ingress.kubernetes.io/service.sticky.cookie: "true", traefik.ingress.kubernetes.io/service.sticky.cookie.name: WEB}}
spec: {selector: {app: shop}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: api, annotations: {traefik.ingress.kubernetes.io/service.sticky.cookie: "true", traefik.ingress.kubernetes.io/service.sticky.cookie.name: WEB}}
spec: {selector: {app: api}, ports: [{port: 80}]}
EOF
expect_exit 1 "shared-cookie.yaml (an unquoted annotation, one cookie for two Services)" "$doctor" --format json "$shared"
node -e 'const f = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).map(x => x.rule).sort().join(); if (f !== "cookie-shared-by-services,metadata-value-not-string") process.exit(1)' "$tmp/doctor.out" \
  || fail "expected cookie-shared-by-services and metadata-value-not-string: $(cat "$tmp/doctor.out")"

step "affinity-doctor as a cdk8s CLI validation plugin (validations: in cdk8s.yaml)"
cp "$app/cdk8s.yaml" "$tmp/cdk8s.yaml.orig"
cat >>"$app/cdk8s.yaml" <<'EOF'
validations:
  - package: ./node_modules/cdk8s-session-affinity/lib/doctor/cdk8s-plugin.js
    version: 0.0.0
    class: AffinityDoctorPlugin
EOF
(cd "$app" && "$cli" synth >"$tmp/synth-validate.log" 2>&1) \
  || { tail -n 60 "$tmp/synth-validate.log" >&2; fail "cdk8s synth with the doctor plugin failed"; }
grep -q 'Validations ended succesfully' "$tmp/synth-validate.log" \
  || { tail -n 40 "$tmp/synth-validate.log" >&2; fail "cdk8s synth did not run the doctor plugin"; }
echo "    ok: cdk8s synth ran the doctor plugin and passed"
cp "$tmp/cdk8s.yaml.orig" "$app/cdk8s.yaml"

# --- affinity-migrate ------------------------------------------------------
step "affinity-migrate: the README's nginx Ingress (app-ingress) to a Gateway API HTTPRoute"
migrate="$app/node_modules/.bin/affinity-migrate"
[[ -x "$migrate" ]] || fail "affinity-migrate bin not installed at $migrate"
# Exit 1: the nginx renderer writes session-cookie-expires beside -max-age, and
# v1.6.1 sessionPersistence has no cookie path; each is reported, not lost.
got=0
"$migrate" --to gateway-api --gateway public "$app/dist" >"$tmp/migrate.out" 2>"$tmp/migrate.err" || got=$?
[[ "$got" == 1 ]] || { cat "$tmp/migrate.err" >&2; fail "affinity-migrate on dist/: exit $got, expected 1"; }
grep -q 'Ingress default/app-ingress: nginx.ingress.kubernetes.io/session-cookie-name: carried' "$tmp/migrate.err" \
  || { cat "$tmp/migrate.err" >&2; fail "affinity-migrate did not carry app-ingress's cookie name"; }
node -e '
  const YAML = require(process.argv[2]);
  const docs = YAML.parseAllDocuments(require("fs").readFileSync(process.argv[1], "utf8")).map(d => d.toJS());
  const route = docs.find(d => d.kind === "HTTPRoute" && d.metadata.name === "app-ingress");
  const sp = route && route.spec.rules[0].sessionPersistence;
  if (!sp || sp.sessionName !== "app-affinity" || sp.absoluteTimeout !== "1h" || route.spec.parentRefs[0].name !== "public") {
    console.error(JSON.stringify(route)); process.exit(1);
  }' "$tmp/migrate.out" "$app/node_modules/yaml" || fail "affinity-migrate did not write app-ingress's HTTPRoute with its cookie"
echo "    ok: affinity-migrate wrote HTTPRoute app-ingress with sessionPersistence app-affinity, 1h, and exited 1"
# From the tarball alone, in an empty folder: the CLI needs no cdk8s app.
mkdir -p "$tmp/empty"
got=0
(cd "$tmp/empty" && npx --yes -p "$tarball" affinity-migrate --to traefik "$app/dist" >"$tmp/migrate-npx.out" 2>"$tmp/migrate-npx.err") || got=$?
[[ "$got" == 1 ]] || { cat "$tmp/migrate-npx.err" >&2; fail "npx -p <tarball> affinity-migrate: exit $got, expected 1"; }
grep -q '^kind: IngressRoute' "$tmp/migrate-npx.out" || fail "npx -p <tarball> affinity-migrate wrote no IngressRoute"
echo "    ok: npx -p <tarball> affinity-migrate --to traefik runs in an empty folder"

echo "consumer smoke test: passed in $((SECONDS - start))s"
