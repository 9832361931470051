#!/usr/bin/env bash
# Path (c): an app that already runs dd-trace, with tokenpath added (tracer.cjs, app.env, package.json).
#
#   bash examples/datadog/dd-trace/run.sh
#     installs this example as an app (install-app.mjs: the repository's packages packed, dd-trace, openai,
#     @anthropic-ai/sdk, and the overrides that give dd-trace and tokenpath one @opentelemetry/api) into a temporary
#     directory, and runs examples/apps/two-providers.cjs there (the local LLM stand-in unless OPENAI_API_KEY /
#     ANTHROPIC_API_KEY are set) with `--require ./tracer.cjs --require @tokenpath/instrumentation-llm/register` and
#     app.env, reporting to the Datadog Agent on this host (traces to 8126, metrics over OTLP to 4318).
#
#   bash examples/datadog/dd-trace/run.sh --check
#     offline: the same, with Datadog's APM test agent (ddapm-test-agent) in the Agent's place on 127.0.0.1; prints
#     what it decoded as JSON on stdout (see examples/datadog/read-test-agent.mjs), stops it and exits 0 (1 when no
#     Datadog traces or no OTLP metrics arrived within CHECK_TIMEOUT seconds, default 30).
#
# --check ports (overridable): the trace intake 8126 (TRACE_PORT), OTLP/HTTP 4318 (OTLP_HTTP_PORT), OTLP/gRPC 4317
# (OTLP_GRPC_PORT). NODE names the node binary (default: the repository's). APP_DIR installs into that directory
# (kept) instead of a temporary one. Needs `npm run build` first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
. "$root/examples/datadog/test-agent.sh"
example_args "$@"

app_dir="${APP_DIR:-}"
tmp=""
if [ -z "$app_dir" ]; then
  tmp="$(mktemp -d)"
  app_dir="$tmp/app"
fi
cleanup() { [ -z "$tmp" ] || rm -rf "$tmp"; }
trap cleanup EXIT
echo "dd-trace: installing the example app into $app_dir" >&2
PATH="$(dirname "$node"):$PATH" "$node" "$here/install-app.mjs" "$app_dir" >&2

example_env "$here"

if $check; then
  check_agent_start
  trap 'test_agent_stop; cleanup' EXIT
  export DD_TRACE_AGENT_URL="http://127.0.0.1:$trace_port"
  export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$http_port"
  # The test agent does not serve dd-trace's telemetry and remote configuration the way an Agent does: keep them off.
  export DD_INSTRUMENTATION_TELEMETRY_ENABLED=false DD_REMOTE_CONFIGURATION_ENABLED=false
fi

echo "dd-trace: traces -> ${DD_TRACE_AGENT_URL:-the Agent on localhost:8126}, metrics -> ${OTEL_EXPORTER_OTLP_ENDPOINT:-http://localhost:4318} (OTLP)" >&2
(cd "$app_dir" && "$node" "$root/examples/with-provider.mjs" --require ./tracer.cjs --require @tokenpath/instrumentation-llm/register ./two-providers.cjs >&2)
$check || exit 0

check_read traces,otlp-metrics
