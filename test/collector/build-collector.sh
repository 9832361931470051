#!/usr/bin/env bash
# Builds the tokenpath collector (`otelcol-tokenpath`) with the OpenTelemetry Collector Builder from
# test/collector/builder-config.yaml, using the machine's Go and Go module proxy.
#
# The binary is cached outside the repository, keyed by the manifest's sha256:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/tokenpath/otelcol-<sha256>/otelcol-tokenpath
# An existing binary there is reused (no Go needed then). The last line printed is the binary's path.
# Needs Go >= 1.24 (the machine's go1.26 works). A cold build takes several minutes on 2 cores.
set -euo pipefail

BUILDER_VERSION=v0.161.0   # same release as every module in builder-config.yaml
here="$(cd "$(dirname "$0")" && pwd)"
manifest="$here/builder-config.yaml"
sha="$(sha256sum "$manifest" | cut -d' ' -f1)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/tokenpath"
dir="$cache/otelcol-$sha"
bin="$dir/otelcol-tokenpath"

if [[ -x "$bin" ]]; then
  echo "otelcol-tokenpath: cached build for manifest $sha" >&2
  echo "$bin"
  exit 0
fi

# Go >= 1.24 (collector v0.161's go.mod). Debian 12's golang-go (1.19) is too old, and toolchain switching
# only exists from Go 1.21 on: with an older Go or none, the Go toolchain is taken from the Go module
# proxy (the module golang.org/toolchain, as `go` itself fetches it) into the cache.
GO_TOOLCHAIN_VERSION=1.26.8
go_minor="$( (go env GOVERSION 2>/dev/null || true) | sed -n 's/^go1\.\([0-9]*\).*/\1/p')"
if [[ -z "$go_minor" || "$go_minor" -lt 24 ]]; then
  toolchain="$cache/go-$GO_TOOLCHAIN_VERSION"
  if [[ ! -x "$toolchain/bin/go" ]]; then
    proxy="${GOPROXY:-https://proxy.golang.org}"; proxy="${proxy%%,*}"
    [[ "$proxy" == direct || "$proxy" == off ]] && proxy=https://proxy.golang.org
    echo "build-collector.sh: no Go >= 1.24 (found: $(go version 2>/dev/null || echo none)); fetching go$GO_TOOLCHAIN_VERSION from $proxy" >&2
    mkdir -p "$cache"
    zip="$(mktemp "$cache/.go.XXXXXX.zip")"
    curl -sSfL -o "$zip" "$proxy/golang.org/toolchain/@v/v0.0.1-go$GO_TOOLCHAIN_VERSION.linux-amd64.zip"
    unpacked="$(mktemp -d "$cache/.go.XXXXXX")"
    python3 -m zipfile -e "$zip" "$unpacked"
    chmod +x "$unpacked"/golang.org/toolchain@*/bin/* "$unpacked"/golang.org/toolchain@*/pkg/tool/*/*
    rm -rf "$toolchain"
    mv "$unpacked"/golang.org/toolchain@* "$toolchain"
    rm -rf "$zip" "$unpacked"
  fi
  export PATH="$toolchain/bin:$PATH" GOROOT="$toolchain" GOTOOLCHAIN=local
  go version >&2
fi

mkdir -p "$dir"
work="$(mktemp -d "$dir/.work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# The builder itself, cached per version.
builder="$cache/ocb-$BUILDER_VERSION/builder"
if [[ ! -x "$builder" ]]; then
  echo "otelcol-tokenpath: installing go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
  GOBIN="$cache/ocb-$BUILDER_VERSION" go install "go.opentelemetry.io/collector/cmd/builder@$BUILDER_VERSION" >&2
fi

# A copy of the manifest whose output_path is the work folder.
sed "s|^\([[:space:]]*output_path:\).*|\1 $work/src|" "$manifest" > "$work/builder-config.yaml"
echo "otelcol-tokenpath: building (manifest $sha) in $work" >&2
(cd "$work" && "$builder" --config="$work/builder-config.yaml") >&2

# A rename within the cache folder: atomic, so a half-built binary is never taken for a cached one, and
# two builds at once (CI beside a developer) each put a whole binary in place.
mv -f "$work/src/otelcol-tokenpath" "$bin"
echo "otelcol-tokenpath: built in $((SECONDS - start)) s, $(du -h "$bin" | cut -f1)" >&2
echo "$bin"
