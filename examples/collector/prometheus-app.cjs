// A long-running OpenAI app for the Prometheus scrape path: it makes the calls of
// examples/apps/openai-calls.cjs (chat, stream, embeddings, Responses), prints their usage and `ready`,
// then stays alive like a server, so that a Prometheus server can scrape the metrics the register entry
// serves on /metrics, until a signal ends it. It knows nothing about OpenTelemetry:
//
//   OTEL_METRICS_EXPORTER=prometheus OTEL_EXPORTER_PROMETHEUS_HOST=127.0.0.1 OTEL_EXPORTER_PROMETHEUS_PORT=9464 \
//   OTEL_TRACES_EXPORTER=none OPENAI_BASE_URL=http://127.0.0.1:8787/v1 OPENAI_API_KEY=stand-in \
//     node --require @tokenpath/instrumentation-llm/register examples/collector/prometheus-app.cjs
//   curl -s http://127.0.0.1:9464/metrics | grep gen_ai_
const OpenAI = require('openai');
const { run } = require('../apps/openai-calls.cjs');

run(OpenAI)
  .then(() => {
    process.stdout.write('ready\n');
    setInterval(() => {}, 1000);
  })
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
