#!/usr/bin/env bash
# Path (a): the app's OTLP into the Datadog Agent's OTLP ingest (app.env for the app, datadog.yaml for the Agent).
#
#   bash examples/datadog/agent-otlp/run.sh
#     runs examples/apps/two-providers.cjs (OpenAI and Anthropic calls; the local LLM stand-in unless OPENAI_API_KEY /
#     ANTHROPIC_API_KEY are set) under the register entry with app.env, sending to the Datadog Agent on this host.
#
#   bash examples/datadog/agent-otlp/run.sh --check
#     offline: starts Datadog's APM test agent (ddapm-test-agent) in the Agent's place on 127.0.0.1, runs the same app
#     with the same app.env (only the endpoint's port differs if OTLP_HTTP_PORT is set), prints what the test agent
#     decoded as JSON on stdout (see examples/datadog/read-test-agent.mjs), stops it and exits 0 (1 when no spans or
#     no metrics arrived within CHECK_TIMEOUT seconds, default 30).
#
# --check ports (overridable): the trace intake 8126 (TRACE_PORT), OTLP/HTTP 4318 (OTLP_HTTP_PORT), OTLP/gRPC 4317
# (OTLP_GRPC_PORT). NODE names the node binary (default: the repository's).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
. "$root/examples/datadog/test-agent.sh"
example_args "$@"

example_env "$here"

if $check; then
  check_agent_start
  export OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$http_port"
fi

echo "agent-otlp: app -> $OTEL_EXPORTER_OTLP_ENDPOINT ($OTEL_EXPORTER_OTLP_PROTOCOL, metrics temporality $OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE)" >&2
run_two_providers
$check || exit 0

check_read otlp-traces,otlp-metrics
