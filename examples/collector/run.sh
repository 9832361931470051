#!/usr/bin/env bash
# Starts the tokenpath collector pipeline on this machine, for trying it out:
#   the collector (otelcol-tokenpath, built and cached by test/collector/build-collector.sh) with
#   otel-collector.yaml, and a Prometheus server scraping its Prometheus exporter every 5 s.
# Everything listens on 127.0.0.1; Ctrl-C stops both. Then, in another shell:
#
#   node examples/llm-stand-in/server.mjs &        # the offline OpenAI/Anthropic stand-in on :8787
#   OPENAI_BASE_URL=http://127.0.0.1:8787/v1 OPENAI_API_KEY=stand-in \
#   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
#     node --require @tokenpath/instrumentation-llm/register examples/apps/openai-chat.cjs
#   open http://127.0.0.1:9090/graph?g0.expr=sum%20by%20(gen_ai_request_model%2Cgen_ai_token_type)%20(gen_ai_client_token_usage_sum)
#
# Ports: OTLP 4317 (gRPC) / 4318 (HTTP), collector Prometheus exporter 8889, Prometheus 9090 (PROMETHEUS_PORT).
# Spans are printed by the collector's debug exporter (TOKENPATH_DEBUG_VERBOSITY=detailed for every attribute).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
prom_port="${PROMETHEUS_PORT:-9090}"

bin="$(bash "$root/test/collector/build-collector.sh" | tail -n 1)"
command -v prometheus >/dev/null 2>&1 || bash "$root/test/collector/install-prometheus.sh"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: 5s
scrape_configs:
  - job_name: otel-collector
    honor_labels: true   # keep job/instance from service.name/service.instance.id
    static_configs:
      - targets: ['127.0.0.1:8889']
YAML

export TOKENPATH_OTLP_GRPC_ENDPOINT=127.0.0.1:4317 TOKENPATH_OTLP_HTTP_ENDPOINT=127.0.0.1:4318 \
  TOKENPATH_PROMETHEUS_ENDPOINT=127.0.0.1:8889 TOKENPATH_HEALTH_ENDPOINT=127.0.0.1:13133 \
  TOKENPATH_COLLECTOR_TELEMETRY_HOST=127.0.0.1
"$bin" --config "$root/otel-collector.yaml" &
pids+=($!)
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn &
pids+=($!)

echo "collector: OTLP http://127.0.0.1:4318 (grpc :4317), metrics http://127.0.0.1:8889/metrics" >&2
echo "prometheus: http://127.0.0.1:$prom_port   (Ctrl-C stops both)" >&2
wait -n "${pids[@]}"
