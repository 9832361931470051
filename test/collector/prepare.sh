#!/usr/bin/env bash
# What the collector and Prometheus tests need, run by `npm test` before vitest: Debian's prometheus
# (installed when missing; needs root) and the collector built by the OpenTelemetry Collector Builder
# (cached per manifest, so only the first run on a machine pays the ~3.5 min build), validated
# against the repository's otel-collector.yaml.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/install-prometheus.sh" >/dev/null
collector="$(bash "$here/build-collector.sh" | tail -n 1)"
"$collector" validate --config "$here/../../otel-collector.yaml"
echo "collector: $collector"
