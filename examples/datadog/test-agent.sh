# Sourced by the Datadog examples' run.sh scripts (not run by itself): what they share, their arguments and app.env,
# and Datadog's APM test agent (`ddapm-test-agent`, PyPI) as a local stand-in for the Datadog Agent, for their
# offline --check mode.
#   example_args "$@"          sets `check` (true with --check) and `node` (NODE, else the repository's node)
#   example_env DIR            exports the settings of DIR/app.env
#   run_two_providers          runs examples/apps/two-providers.cjs from the repository under the register entry
#                              (the local LLM stand-in unless OPENAI_API_KEY / ANTHROPIC_API_KEY are set), output on stderr
#   check_agent_start          starts the test agent on TRACE_PORT, OTLP_HTTP_PORT, OTLP_GRPC_PORT (default 8126,
#                              4318, 4317); sets `trace_port` and `http_port`
#   check_read EXPECT          prints what the test agent received as JSON (read-test-agent.mjs); 1 when EXPECT did
#                              not arrive within CHECK_TIMEOUT seconds (default 30)
#   test_agent_start TRACE_PORT OTLP_HTTP_PORT OTLP_GRPC_PORT   starts it on 127.0.0.1, waits for /info
#   test_agent_stop                                             stops it (also on exit, through the EXIT trap)
# The binary: TOKENPATH_DDAPM_TEST_AGENT, else the pinned version that test/datadog/prepare.sh installs (cached
# under ~/.cache/tokenpath; the first time takes ~20 s and needs python3 and PyPI).
# Needs `root` (the repository) to be set by the sourcing script.

test_agent_pid=""

example_args() {
  check=false
  case "${1:-}" in
    --check) check=true ;;
    "") ;;
    *) echo "usage: $0 [--check]" >&2; exit 2 ;;
  esac
  node="${NODE:-$root/node_modules/.bin/node}"
  [ -x "$node" ] || node=node
}

example_env() {
  set -a
  . "$1/app.env"
  set +a
}

run_two_providers() {
  (cd "$root" && "$node" examples/with-provider.mjs --require @tokenpath/instrumentation-llm/register examples/apps/two-providers.cjs >&2)
}

check_agent_start() {
  trace_port="${TRACE_PORT:-8126}" http_port="${OTLP_HTTP_PORT:-4318}"
  test_agent_start "$trace_port" "$http_port" "${OTLP_GRPC_PORT:-4317}"
}

check_read() {
  "$node" "$root/examples/datadog/read-test-agent.mjs" --trace-url "http://127.0.0.1:$trace_port" \
    --otlp-url "http://127.0.0.1:$http_port" --expect "$1" --timeout "${CHECK_TIMEOUT:-30}"
}

test_agent_start() {
  local trace_port="$1" http_port="$2" grpc_port="$3" bin="${TOKENPATH_DDAPM_TEST_AGENT:-}"
  [ -n "$bin" ] || bin="$(bash "$root/test/datadog/prepare.sh" --require | tail -n 1 | sed 's/^ddapm-test-agent: //')"
  # A clean environment: none of the caller's DD_* settings (an API key, a site) reach the test agent.
  env -i PATH="$PATH" HOME="$HOME" LANG=C.UTF-8 "$bin" --host 127.0.0.1 --port "$trace_port" \
    --otlp-http-port "$http_port" --otlp-grpc-port "$grpc_port" --disable-llmobs-data-forwarding \
    >"${TEST_AGENT_LOG:-/dev/null}" 2>&1 &
  test_agent_pid=$!
  trap test_agent_stop EXIT
  # A signal ends the script through `exit`, so that the EXIT trap stops the test agent.
  trap 'exit 130' INT
  trap 'exit 143' TERM
  local deadline=$((SECONDS + 30))
  until curl -fs -o /dev/null "http://127.0.0.1:$trace_port/info"; do
    kill -0 "$test_agent_pid" 2>/dev/null || { echo "test-agent.sh: ddapm-test-agent exited before answering /info" >&2; return 1; }
    [ $SECONDS -lt $deadline ] || { echo "test-agent.sh: ddapm-test-agent did not answer /info within 30 s" >&2; return 1; }
    sleep 0.2
  done
  echo "ddapm-test-agent (as the Datadog Agent): traces http://127.0.0.1:$trace_port, OTLP http://127.0.0.1:$http_port (grpc :$grpc_port)" >&2
}

test_agent_stop() {
  if [ -n "$test_agent_pid" ]; then
    kill "$test_agent_pid" 2>/dev/null || true
    wait "$test_agent_pid" 2>/dev/null || true
    test_agent_pid=""
  fi
}
