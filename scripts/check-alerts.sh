#!/bin/sh
# Quick check of the alerting rules and the example Alertmanager configuration without building
# the crate. `cargo test --test alerts_rules` runs the same tools plus the guards against tests
# that pass vacuously; run that before committing.
set -eu
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null 2>&1; then
    echo "promtool is not installed: run scripts/install-test-deps.sh" >&2
    exit 1
fi

promtool check rules alerts/connector-exporter.rules.yml
# promtool only warns when a rule_files entry matches nothing, and the tests then pass.
out=$(promtool test rules alerts/tests/*.yml 2>&1) || { printf '%s\n' "$out"; exit 1; }
printf '%s\n' "$out"
if printf '%s\n' "$out" | grep -qi warning; then
    echo "promtool warned: the unit tests may not have loaded the rules" >&2
    exit 1
fi

if ! command -v amtool >/dev/null 2>&1; then
    echo "amtool is not installed (prometheus-alertmanager): run scripts/install-test-deps.sh" >&2
    exit 1
fi
amtool check-config alerts/alertmanager.example.yml
