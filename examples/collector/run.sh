#!/usr/bin/env bash
# Starts the tokenpath collector pipeline on this machine, for trying it out:
#   the collector (otelcol-tokenpath, built and cached by test/collector/build-collector.sh) with
#   otel-collector.yaml, and a Prometheus server scraping its Prometheus exporter.
# Everything listens on 127.0.0.1; Ctrl-C stops both. Then, in another shell:
#
#   OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
#     node examples/with-provider.mjs --require @tokenpath/instrumentation-llm/register examples/apps/openai-chat.cjs
#   open http://127.0.0.1:9090/graph?g0.expr=sum%20by%20(gen_ai_request_model%2Cgen_ai_token_type)%20(gen_ai_client_token_usage_sum)
#
# (with-provider.mjs runs the app against the local LLM stand-in unless OPENAI_API_KEY is set.)
#
#   bash examples/collector/run.sh --check
#     starts the same pipeline, sends the OpenAI example app's traffic through it (stand-in unless OPENAI_API_KEY is
#     set), waits until Prometheus answers `sum by (gen_ai_request_model, gen_ai_token_type)
#     (gen_ai_client_token_usage_sum{job="tokenpath-run-check"})`, prints that result as JSON on stdout, stops
#     everything and exits 0 (1 if no data arrived within CHECK_TIMEOUT seconds, default 60).
#
# Ports (all overridable): OTLP 4317 (gRPC, OTLP_GRPC_PORT) / 4318 (HTTP, OTLP_HTTP_PORT), the collector's
# Prometheus exporter 8889 (COLLECTOR_PROMETHEUS_PORT), its health check 13133 (HEALTH_PORT) and own metrics 8888
# (COLLECTOR_TELEMETRY_PORT), Prometheus 9090 (PROMETHEUS_PORT); SCRAPE_INTERVAL (default 5s). TOKENPATH_OTELCOL
# names a collector binary to use instead of building otelcol-tokenpath.
# Spans are printed by the collector's debug exporter (TOKENPATH_DEBUG_VERBOSITY=detailed for every attribute).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac
prom_port="${PROMETHEUS_PORT:-9090}"
grpc_port="${OTLP_GRPC_PORT:-4317}"
http_port="${OTLP_HTTP_PORT:-4318}"
exporter_port="${COLLECTOR_PROMETHEUS_PORT:-8889}"
health_port="${HEALTH_PORT:-13133}"
telemetry_port="${COLLECTOR_TELEMETRY_PORT:-8888}"
scrape_interval="${SCRAPE_INTERVAL:-5s}"
node="${NODE:-$root/node_modules/.bin/node}"
[ -x "$node" ] || node=node

bin="${TOKENPATH_OTELCOL:-}"   # a collector binary of your own (e.g. otelcol-contrib), else the cached build
[ -n "$bin" ] || bin="$(bash "$root/test/collector/build-collector.sh" | tail -n 1)"
command -v prometheus >/dev/null 2>&1 || bash "$root/test/collector/install-prometheus.sh"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cat > "$work/prometheus.yml" <<YAML
global:
  scrape_interval: $scrape_interval
  scrape_timeout: $scrape_interval
scrape_configs:
  - job_name: otel-collector
    honor_labels: true   # keep job/instance from service.name/service.instance.id
    static_configs:
      - targets: ['127.0.0.1:$exporter_port']
YAML

TOKENPATH_OTLP_GRPC_ENDPOINT="127.0.0.1:$grpc_port" TOKENPATH_OTLP_HTTP_ENDPOINT="127.0.0.1:$http_port" \
TOKENPATH_PROMETHEUS_ENDPOINT="127.0.0.1:$exporter_port" TOKENPATH_HEALTH_ENDPOINT="127.0.0.1:$health_port" \
TOKENPATH_COLLECTOR_TELEMETRY_HOST=127.0.0.1 TOKENPATH_COLLECTOR_TELEMETRY_PORT="$telemetry_port" \
  "$bin" --config "$root/otel-collector.yaml" &
pids+=($!)
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" --log.level=warn &
pids+=($!)

# Waits until `curl -fs URL` succeeds (or the timeout in seconds passes).
wait_for() {
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$url"; do
    [ $SECONDS -lt $deadline ] || { echo "run.sh: $url did not answer within $2 s" >&2; return 1; }
    sleep 0.25
  done
}
wait_for "http://127.0.0.1:$health_port/" 30
wait_for "http://127.0.0.1:$prom_port/-/ready" 30

echo "collector: OTLP http://127.0.0.1:$http_port (grpc :$grpc_port), metrics http://127.0.0.1:$exporter_port/metrics" >&2
echo "prometheus: http://127.0.0.1:$prom_port" >&2

if ! $check; then
  echo "(Ctrl-C stops both)" >&2
  wait -n "${pids[@]}"
  exit $?
fi

# --check: one app's traffic through the pipeline, then one PromQL query until it returns data.
service=tokenpath-run-check
(
  cd "$root"
  OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$http_port" OTEL_SERVICE_NAME="$service" OTEL_LOGS_EXPORTER=none \
    "$node" examples/with-provider.mjs --require @tokenpath/instrumentation-llm/register examples/apps/openai-chat.cjs >&2
)
query="sum by (gen_ai_request_model, gen_ai_token_type) (gen_ai_client_token_usage_sum{job=\"$service\"})"
deadline=$((SECONDS + ${CHECK_TIMEOUT:-60}))
while :; do
  result="$(curl -fsG "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$query" || true)"
  case "$result" in
    *'"result":[{'*) echo "$result"; echo "run.sh --check: Prometheus has the tokens: $query" >&2; exit 0 ;;
  esac
  if [ $SECONDS -ge $deadline ]; then
    echo "run.sh --check: no data for $query within ${CHECK_TIMEOUT:-60} s (last answer: $result)" >&2
    exit 1
  fi
  sleep 0.5
done
