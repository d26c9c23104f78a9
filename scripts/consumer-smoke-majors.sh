#!/usr/bin/env bash
# For each newer cdk8s-plus major: a fresh TypeScript cdk8s app, outside the
# repository, installs that major's package of this library
# (dist/js/cdk8s-session-affinity-plus-<major>@*.jsii.tgz, written by
# `npx projen build`) with cdk8s-plus-<major>, mixes that major's own objects
# with the library's (a Deployment given to StickyService.exposeWorkload(), an
# Ingress routed to a StickyService with IngressBackend.fromService()),
# type-checks with tsc --noEmit (no skipLibCheck) and synthesizes with the
# real cdk8s CLI.
#
# Usage: bash scripts/consumer-smoke-majors.sh [32] [33]   (default: every major)
# shellcheck disable=SC2016
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cli="$repo/node_modules/.bin/cdk8s"
majors=("$@")
if (( ${#majors[@]} == 0 )); then majors=(32 33); fi

fail() { echo "consumer smoke (majors): FAILED: $*" >&2; exit 1; }
[[ -x "$cli" ]] || fail "cdk8s CLI not found at $cli"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/consumer-smoke-majors.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for major in "${majors[@]}"; do
  echo "==> cdk8s-plus-$major"
  shopt -s nullglob
  tarballs=("$repo"/dist/js/cdk8s-session-affinity-plus-"$major"@*.tgz)
  shopt -u nullglob
  (( ${#tarballs[@]} == 1 )) || fail "expected one dist/js/cdk8s-session-affinity-plus-$major@*.tgz (run npx projen build), found ${#tarballs[@]}"
  plus_version=$(node -p "require('$repo/node_modules/cdk8s-plus-$major/package.json').version")

  app="$tmp/app-$major"
  mkdir -p "$app"
  cp "${tarballs[0]}" "$app/"
  printf '{ "name": "smoke-app-plus-%s", "version": "0.0.0", "private": true }\n' "$major" >"$app/package.json"
  cat >"$app/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "module": "commonjs",
    "target": "ES2022",
    "lib": ["ES2022"],
    "strict": true,
    "esModuleInterop": true,
    "types": ["node"]
  },
  "include": ["main.ts"]
}
EOF
  printf 'language: typescript\napp: npx ts-node main.ts\n' >"$app/cdk8s.yaml"
  sed "s/__MAJOR__/$major/g" >"$app/main.ts" <<'EOF'
import { App, Chart, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-__MAJOR__';
import {
  AffinityDoctorValidation, CookieAffinityIngress, GrafanaSessions, IngressController, MultiPodGrafana,
  SessionStore, SharedSessionApp, StickyService,
} from 'cdk8s-session-affinity-plus-__MAJOR__';

const app = new App();
const chart = new Chart(app, 'smoke', { namespace: 'shop' });

// This major's own Deployment, exposed by the library's StickyService...
const legacy = new kplus.Deployment(chart, 'Legacy', {
  replicas: 3,
  containers: [{
    image: 'ghcr.io/example/legacy:1.0.0',
    portNumber: 8080,
    securityContext: { user: 1000 },
    readiness: kplus.Probe.fromHttpGet('/healthz'),
    liveness: kplus.Probe.fromHttpGet('/healthz'),
  }],
});
const sticky: StickyService = StickyService.exposeWorkload(legacy, { name: 'legacy' });

// ...and the StickyService as the backend of this major's own Ingress.
const ingress = new kplus.Ingress(chart, 'Plain', { metadata: { name: 'legacy-internal' } });
ingress.addHostRule('legacy.internal.example.com', '/', kplus.IngressBackend.fromService(sticky));

// The library's Ingress with cookie affinity, in front of an app keeping sessions on the pod.
const web = new kplus.Deployment(chart, 'Web', {
  metadata: { name: 'web' },
  replicas: 3,
  containers: [{
    image: 'ghcr.io/example/web:2.0.0',
    portNumber: 8080,
    securityContext: { user: 1000 },
    readiness: kplus.Probe.fromHttpGet('/healthz'),
    liveness: kplus.Probe.fromHttpGet('/healthz'),
  }],
});
const webService = web.exposeViaService({ name: 'web' });
const cookies = new CookieAffinityIngress(chart, 'WebIngress', {
  metadata: { name: 'web' },
  controller: IngressController.nginx(),
  cookie: { name: 'WEB_AFFINITY', maxAge: Duration.hours(8) },
});
cookies.addHostRule('web.example.com', '/', kplus.IngressBackend.fromService(webService));

// A stateless app with its sessions in Redis, and Grafana with the quick fix.
const secret = (id: string, name: string) => ({ secret: kplus.Secret.fromSecretName(chart, id, name), key: 'password' });
new SharedSessionApp(chart, 'Cart', {
  metadata: { name: 'cart' },
  image: 'ghcr.io/example/cart:3.1.0',
  port: 8080,
  store: SessionStore.redis({ password: secret('CartRedis', 'cart-redis') }),
});
new MultiPodGrafana(chart, 'Grafana', {
  name: 'grafana',
  adminPassword: secret('GrafanaAdmin', 'grafana-admin'),
  sessions: GrafanaSessions.clientIpAffinity(),
});

AffinityDoctorValidation.addTo(app);
app.synth();
EOF

  (cd "$app" && npm install --no-audit --no-fund "./$(basename "${tarballs[0]}")" "cdk8s-plus-$major@$plus_version" \
    'ts-node@^10.9.2' 'typescript@~5.9.3' '@types/node@^20' >"$tmp/npm-install-$major.log" 2>&1) \
    || { tail -n 40 "$tmp/npm-install-$major.log" >&2; fail "npm install for cdk8s-plus-$major failed"; }
  # One copy of cdk8s-plus-<major>: the app's and the library's objects must be the same classes.
  copies=$(cd "$app" && find node_modules -path "*/cdk8s-plus-$major/package.json" | wc -l)
  [[ "$copies" == 1 ]] || fail "cdk8s-plus-$major is installed $copies times"

  (cd "$app" && npx tsc --noEmit -p tsconfig.json) || fail "the cdk8s-plus-$major app does not type-check against the library"
  echo "    ok: tsc --noEmit (no skipLibCheck)"

  (cd "$app" && "$cli" synth >"$tmp/synth-$major.log" 2>&1) \
    || { cat "$tmp/synth-$major.log" >&2; fail "cdk8s synth failed for cdk8s-plus-$major"; }
  (cd "$app" && node -e '
    const fs = require("fs");
    const text = fs.readFileSync("dist/smoke.k8s.yaml", "utf-8");
    const need = ["sessionAffinity: ClientIP", "nginx.ingress.kubernetes.io/affinity: cookie", "name: legacy-internal", "kind: StatefulSet"];
    const missing = need.filter(n => !text.includes(n));
    if (missing.length) { console.error("missing from the synthesized YAML: " + missing.join(", ")); process.exit(1); }
    // The Redis pod mounts an emptyDir and a Secret: both volumes must be written.
    if (!/kind: StatefulSet[\s\S]*?volumes:/.test(text)) { console.error("the Redis StatefulSet has no volumes"); process.exit(1); }
  ') || fail "the cdk8s-plus-$major app synthesized the wrong objects"
  echo "    ok: cdk8s synth with cdk8s-plus-$major"
done
echo "consumer smoke (majors): passed for cdk8s-plus-${majors[*]}"
