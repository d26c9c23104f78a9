#!/usr/bin/env bash
# Regenerates the generated modules in src/imports/ from the upstream CRDs in
# crds/ with `cdk8s import` (`npm run import`): only the kinds a construct
# writes (other CRDs in crds/ are read by the tests as YAML). Each file gets
# its own module name, because `cdk8s import` names its output after the API
# group. Constructs use these modules as types only: see src/imports/README.md.
# The hand-written files there (README.md, custom-resource.ts) are kept.
set -euo pipefail
cd "$(dirname "$0")/.."
out=src/imports
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cli=node_modules/.bin/cdk8s
for spec in \
  gateway-httproutes:=crds/gateway.networking.k8s.io_httproutes.yaml \
  gateway-xbackendtrafficpolicies:=crds/gateway.networking.x-k8s.io_xbackendtrafficpolicies.yaml \
  envoy-backendtrafficpolicies:=crds/gateway.envoyproxy.io_backendtrafficpolicies.yaml \
  istio-destinationrules:=crds/networking.istio.io_destinationrules.yaml \
  keda-scaledobjects:=crds/keda.sh_scaledobjects.yaml \
  traefik-ingressroutes:=crds/traefik.io_ingressroutes.yaml; do
  # One file per call: the CLI takes one import spec at a time. Offline, its
  # version check prints an http error after the import; harmless.
  "$cli" import --language typescript --output "$tmp" "$spec" >/dev/null 2>&1
  # It names the file <module>-<api group>.ts; keep it as <module>.ts.
  module=${spec%%:=*}
  written=("$tmp/$module"-*.ts)
  [ -f "${written[0]}" ] || { echo "cdk8s import $spec wrote no $module-*.ts" >&2; exit 1; }
  mv "${written[0]}" "$out/$module.ts"
done
ls -1 "$out"
