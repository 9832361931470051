#!/usr/bin/env bash
# Installs Prometheus (Debian's `prometheus` package) unless `prometheus --version` already works.
# The Debian service is not started (policy-rc.d denies it during the install, and it is stopped
# and disabled if it came up anyway): the tests start their own Prometheus on 127.0.0.1 with a
# generated config in a temporary folder.
set -euo pipefail

if prometheus --version >/dev/null 2>&1; then
  prometheus --version 2>&1 | head -1
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-prometheus.sh: prometheus is missing and installing it needs root (apt-get install prometheus)" >&2
  exit 1
fi

# Keep invoke-rc.d from starting the packaged service while installing.
policy=/usr/sbin/policy-rc.d
had_policy=0
if [[ -e $policy ]]; then had_policy=1; cp "$policy" "$policy.tokenpath-backup"; fi
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod +x "$policy"
restore() {
  if [[ $had_policy -eq 1 ]]; then mv "$policy.tokenpath-backup" "$policy"; else rm -f "$policy"; fi
}
trap restore EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends prometheus >/dev/null

# Should a service manager have started it regardless, stop it: it would hold port 9090.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet prometheus 2>/dev/null; then
  systemctl stop prometheus || true
  systemctl disable prometheus >/dev/null 2>&1 || true
fi

prometheus --version 2>&1 | head -1
