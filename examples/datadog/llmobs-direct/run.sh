#!/usr/bin/env bash
# Path (b): the app's spans straight into Datadog LLM Observability's OTLP intake (app.env), no Agent.
#
#   DD_API_KEY=... [DD_SITE=datadoghq.eu] bash examples/datadog/llmobs-direct/run.sh
#     runs examples/apps/two-providers.cjs (OpenAI and Anthropic calls; the local LLM stand-in unless OPENAI_API_KEY /
#     ANTHROPIC_API_KEY are set) under the register entry with app.env: its spans go to https://otlp.$DD_SITE/v1/traces.
#
#   bash examples/datadog/llmobs-direct/run.sh --check
#     offline: the same app and app.env, but the traces endpoint is the OTLP/HTTP port of Datadog's APM test agent
#     (ddapm-test-agent) started here on 127.0.0.1, and DD_API_KEY is a placeholder (a key you have set is not used).
#     Prints what the test agent received as JSON on stdout (see examples/datadog/read-test-agent.mjs; the request
#     headers show dd-api-key and dd-otlp-source), stops it and exits 0 (1 when no spans arrived within CHECK_TIMEOUT
#     seconds, default 30).
#
# --check ports (overridable): the trace intake 8126 (TRACE_PORT), OTLP/HTTP 4318 (OTLP_HTTP_PORT), OTLP/gRPC 4317
# (OTLP_GRPC_PORT). NODE names the node binary (default: the repository's).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
. "$root/examples/datadog/test-agent.sh"
example_args "$@"

if $check; then
  export DD_API_KEY=llmobs-direct-check-placeholder
elif [ -z "${DD_API_KEY:-}" ]; then
  echo "llmobs-direct: set DD_API_KEY (and DD_SITE unless datadoghq.com), or run with --check" >&2
  exit 2
fi

example_env "$here"

if $check; then
  check_agent_start
  export OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http://127.0.0.1:$http_port/v1/traces"
fi

# The endpoint only: the headers carry the API key.
echo "llmobs-direct: spans -> $OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ($OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, dd-otlp-source=llmobs)" >&2
run_two_providers
$check || exit 0

check_read otlp-traces
