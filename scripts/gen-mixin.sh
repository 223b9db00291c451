#!/usr/bin/env bash
# Builds the mixin (mixin/build.jsonnet) into a directory: by default the repository itself,
# which regenerates the committed alerts/connector-exporter.rules.yml,
# deploy/kubernetes/prometheusrule.yaml and dashboards/*.json (`make mixin`). tests/mixin.rs
# builds into a temporary directory and compares. Prints the files written, relative to it.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-.}

if ! command -v jsonnet >/dev/null 2>&1; then
  echo "jsonnet is not installed (Debian package jsonnet): run scripts/install-test-deps.sh" >&2
  exit 1
fi

list() {
  jsonnet -S -J mixin --tla-str "format=$1" \
    -e "function(format) std.join('\n', std.objectFields((import 'mixin/build.jsonnet')(format)))"
}
# -m does not create directories.
for format in yaml json; do
  list "$format" | while read -r file; do
    mkdir -p "$out/$(dirname "$file")"
    echo "$file"
  done
done
jsonnet -S -J mixin --tla-str format=yaml -m "$out" mixin/build.jsonnet >/dev/null
jsonnet -J mixin -m "$out" mixin/build.jsonnet >/dev/null
