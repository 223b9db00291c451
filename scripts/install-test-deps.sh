#!/usr/bin/env bash
# Installs what the tests need, when missing: Debian packages, two cargo
# tools (cargo-deny for the licence check, cargo-deb for `make deb`) and a
# Python venv with the Kubernetes schema validator. Idempotent and quiet when
# everything is there; runs `apt-get update` only when it must install
# something.
set -euo pipefail

# package -> a file it provides, to tell whether it is installed.
declare -A provides=(
  [prometheus]=/usr/bin/promtool
  [prometheus-alertmanager]=/usr/bin/prometheus-alertmanager
  [coturn]=/usr/bin/turnserver
  [ntpsec-ntpdig]=/usr/bin/ntpdig
  [chromium]=/usr/bin/chromium
  [iproute2]=/usr/sbin/ip
  [iptables]=/usr/sbin/iptables
  [conntrack]=/usr/sbin/conntrack
  [curl]=/usr/bin/curl
  [openssl]=/usr/bin/openssl
  [systemd]=/usr/bin/systemd-analyze
  [jsonnet]=/usr/bin/jsonnet
  [buildah]=/usr/bin/buildah
  [python3-venv]=/usr/lib/python3.11/ensurepip
  [adduser]=/usr/sbin/adduser
)

missing=()
for package in "${!provides[@]}"; do
  [ -e "${provides[$package]}" ] || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "install-test-deps: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  echo "install-test-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Cargo tools, built once from crates.io into ~/.cargo/bin (kept between
# runs). Measured on a loaded 2-core machine: cargo-deny about 29 min,
# cargo-deb about 3 min; later runs find them and take no time.
declare -A cargo_tools=(
  [cargo-deny]=0.20.2
  [cargo-deb]=3.8.0
)
for tool in "${!cargo_tools[@]}"; do
  version="${cargo_tools[$tool]}"
  if ! "$tool" --version 2>/dev/null | grep -q "$version"; then
    echo "install-test-deps: building $tool $version (once; cached in ~/.cargo/bin)" >&2
    cargo install --quiet --locked --version "$version" "$tool"
  fi
done

# kubernetes-validate (PyPI) carries the Kubernetes API's JSON schemas, so the
# manifests are checked without a cluster. tests/deploy.rs looks for it here.
venv="${CONNECTOR_EXPORTER_TEST_VENV:-$HOME/.cache/connector-exporter/venv}"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  echo "install-test-deps: installing kubernetes-validate into $venv" >&2
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check kubernetes-validate==1.37.0
fi
