#!/usr/bin/env bash
# What the Datadog tests need, run by `npm test` before vitest: Datadog's APM test agent (`ddapm-test-agent`,
# PyPI, pinned with its dependencies in requirements.txt) in a virtualenv of its own, cached outside the
# repository per requirements file:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/tokenpath/ddapm-test-agent-1.69.1/bin/ddapm-test-agent
# A complete install is marked by `.tokenpath-requirements` (the sha256 of requirements.txt); anything else in
# that folder is removed and installed again. The first run takes about 20 s (pip, ~74 MB); later runs nothing.
# A machine without python3, or whose python3 cannot create a virtualenv, gets Debian's python3 / python3-venv
# (root only).
#
# Without --require, a failed install is reported and `npm test` goes on: the Datadog tests then skip, printing
# why (test/support/dd-test-agent.ts reads the reason from ddapm-test-agent-1.69.1.unavailable). With --require
# (.ci/run), a failed install fails.
set -euo pipefail
VERSION=1.69.1
here="$(cd "$(dirname "$0")" && pwd)"
requirements="$here/requirements.txt"
sha="$(sha256sum "$requirements" | cut -d' ' -f1)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tokenpath"
dir="$cache/ddapm-test-agent-$VERSION"
marker="$dir/.tokenpath-requirements"
unavailable="$dir.unavailable"
require=false
[[ "${1:-}" == --require ]] && require=true

if [[ -x "$dir/bin/ddapm-test-agent" && "$(cat "$marker" 2>/dev/null)" == "$sha" ]]; then
  echo "ddapm-test-agent: $dir/bin/ddapm-test-agent"
  exit 0
fi

fail() {
  echo "test/datadog/prepare.sh: $1" >&2
  mkdir -p "$cache"
  echo "$1" > "$unavailable"
  if $require; then exit 1; fi
  echo "test/datadog/prepare.sh: the Datadog tests will be skipped" >&2
  exit 0
}

apt_install() {
  [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1 || return 1
  echo "test/datadog/prepare.sh: apt-get install $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

if ! command -v python3 >/dev/null 2>&1; then
  apt_install python3 python3-venv || fail "no python3 (and installing Debian's python3 needs root and apt-get)"
fi

rm -rf "$dir" "$unavailable"
mkdir -p "$cache"
start=$SECONDS
echo "test/datadog/prepare.sh: installing ddapm-test-agent $VERSION into $dir" >&2
# Debian keeps venv's pip bootstrap (ensurepip) in python3-venv: without it `python3 -m venv` fails; then install it.
if ! python3 -m venv "$dir" >&2; then
  rm -rf "$dir"
  apt_install python3-venv || fail "python3 -m venv failed (Debian: apt-get install python3-venv, as root)"
  python3 -m venv "$dir" >&2 || { rm -rf "$dir"; fail "python3 -m venv $dir failed even with python3-venv"; }
fi
"$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements" >&2 ||
  { rm -rf "$dir"; fail "pip install -r test/datadog/requirements.txt failed (needs PyPI)"; }
version="$("$dir/bin/ddapm-test-agent" --version 2>&1 || true)"
[[ "$version" == *"$VERSION"* ]] || { rm -rf "$dir"; fail "ddapm-test-agent --version said '$version', expected $VERSION"; }
echo "$sha" > "$marker"
echo "test/datadog/prepare.sh: ddapm-test-agent $VERSION installed in $((SECONDS - start)) s" >&2
echo "ddapm-test-agent: $dir/bin/ddapm-test-agent"
