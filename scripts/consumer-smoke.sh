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
tarballs=("$repo"/dist/js/*.tgz)
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

// --- SharedSessionApp (issue 9) ---
import { SessionStore, SharedSessionApp } from 'cdk8s-session-affinity';
const sessionsAuth = kplus.Secret.fromSecretName(chart, 'SessionsAuth', 'shop-redis-auth');
const shop = new SharedSessionApp(chart, 'Shop', {
  metadata: { name: 'shop' },
  image: 'ghcr.io/example/shop:1.4.2',
  port: 8080,
  store: SessionStore.redis({ password: { secret: sessionsAuth, key: 'password' } }),
});
if (shop.store.host !== 'shop-redis' || shop.store.port !== 6379 || !shop.store.runsInChart) {
  throw new Error(`unexpected SharedSessionApp store: ${shop.store.host}:${shop.store.port}`);
}
// --- end SharedSessionApp (issue 9) ---

app.synth();
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

  // --- SharedSessionApp (issue 9) ---
  const shop = service("shop");
  if (shop) {
    check(get(shop, "spec.sessionAffinity"), undefined, "shop spec.sessionAffinity (none: sessions are in Redis)");
  }
  const shopApp = docs.find(d => d.kind === "Deployment" && d.metadata.name === "shop");
  check(get(shopApp, "spec.replicas"), 2, "shop Deployment spec.replicas");
  check(get(shopApp, "spec.template.spec.containers.0.env"), [
    { name: "SESSION_STORE_PASSWORD", valueFrom: { secretKeyRef: { key: "password", name: "shop-redis-auth" } } },
    { name: "SESSION_STORE", value: "redis://:$(SESSION_STORE_PASSWORD)@shop-redis:6379" },
  ], "shop env: password from the Secret, then the URL that embeds it");
  const redisService = service("shop-redis");
  check(get(redisService, "spec.ports.0.port"), 6379, "shop-redis Service port");
  for (const kind of ["StatefulSet", "NetworkPolicy", "PodDisruptionBudget"]) {
    check(docs.filter(d => d.kind === kind && d.metadata.name === "shop-redis").length, 1, `one ${kind} shop-redis`);
  }
  // --- end SharedSessionApp (issue 9) ---
  process.exit(failed ? 1 : 0);
') || fail "the synthesized manifests are not what a user should get (see FAIL lines above)"

echo "consumer smoke test: passed in $((SECONDS - start))s"
