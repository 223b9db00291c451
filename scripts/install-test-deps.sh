#!/usr/bin/env bash
# Installs the Debian packages the tests need, when missing. Idempotent and
# quiet when everything is there; runs `apt-get update` only when it must
# install something.
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
)

missing=()
for package in "${!provides[@]}"; do
  [ -e "${provides[$package]}" ] || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing ${missing[*]}; run as root to install them" >&2
  exit 1
fi
echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
