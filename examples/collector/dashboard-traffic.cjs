// Traffic for the Grafana dashboard (grafana-dashboard.json): two waves, a few seconds apart, of the OpenAI calls of
// examples/apps/openai-calls.cjs (chat, stream, embeddings, Responses) plus one failed call each (model `error-429`,
// which the stand-in answers with HTTP 429; no retries), so every panel has data, rates included (a rate needs a
// series to grow between two scrapes). It knows nothing about OpenTelemetry:
//
//   OTEL_METRIC_EXPORT_INTERVAL=1000 OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 \
//     node examples/with-provider.mjs --require @tokenpath/instrumentation-llm/register examples/collector/dashboard-traffic.cjs
//
// WAVE_PAUSE_MS (default 4000) is the pause between the waves; keep it above the metric export interval plus the
// Prometheus scrape interval. Against the real API (OPENAI_API_KEY set) the failed call is a 404 (unknown model).
const OpenAI = require('openai');
const { run } = require('../apps/openai-calls.cjs');

const pause = Number(process.env.WAVE_PAUSE_MS ?? 4000);

async function failedCall() {
  try {
    await new OpenAI({ maxRetries: 0 }).chat.completions.create({ model: 'error-429', messages: [{ role: 'user', content: 'fail please' }] });
    throw new Error('the error-429 call succeeded');
  } catch (error) {
    if (!(error instanceof OpenAI.APIError)) throw error;
    process.stdout.write(`failed call: ${error.status}\n`);
  }
}

async function main() {
  for (let wave = 1; wave <= 2; wave++) {
    await run(OpenAI);
    await failedCall();
    process.stdout.write(`wave ${wave} done\n`);
    if (wave === 1) await new Promise((r) => setTimeout(r, pause));
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
