// An app whose OpenTelemetry API is the 1.9 copy its providers were registered through (preload.cjs). Inside a span of
// its own (`app.request`) it calls OpenAI and Anthropic; each SDK's fetch runs in an `app.fetch` span started in the
// context the call runs in (as an HTTP instrumentation's span would be) and notes the traceparent header the request
// carried. Then a worker thread (worker.cjs) makes one OpenAI call. Prints {"results": [...]}: per call the fetch span's
// id and the traceparent, then the worker's usage.
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const OpenAI = require('openai');
const Anthropic = require('@anthropic-ai/sdk');

const api = require(path.join(path.dirname(require.resolve('@traceloop/instrumentation-openai')), '../node_modules/@opentelemetry/api'));
const tracer = api.trace.getTracer('older-api-app');

/** Runs `fn(span)` with a new span active, through the 1.9 API (the SDK's tracer would use its own 1.10 copy's context). */
function inSpan(name, fn) {
  const parent = api.context.active();
  const span = tracer.startSpan(name, {}, parent);
  return api.context.with(api.trace.setSpan(parent, span), () => fn(span));
}

function tracedFetch(notes) {
  return (url, init) =>
    inSpan('app.fetch', (span) => {
      notes.push({ fetchSpanId: span.spanContext().spanId, traceparent: new Headers(init?.headers).get('traceparent') });
      return fetch(url, init).finally(() => span.end());
    });
}

async function main() {
  const notes = [];
  const openai = new OpenAI({ maxRetries: 0, fetch: tracedFetch(notes) });
  const anthropic = new Anthropic({ maxRetries: 0, fetch: tracedFetch(notes) });
  await inSpan('app.request', async (span) => {
    try {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] });
      await anthropic.messages.create({ model: 'claude-3-5-haiku-20241022', max_tokens: 50, messages: [{ role: 'user', content: 'Say hello' }] });
    } finally {
      span.end();
    }
  });
  const worker = new Worker(path.join(__dirname, 'worker.cjs'));
  const [workerUsage] = await Promise.all([
    new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject)),
    new Promise((resolve) => worker.once('exit', resolve)),
  ]);
  // One turn for the worker's telemetry message, posted on a port of its own, to be received.
  await new Promise((resolve) => setImmediate(resolve));
  process.stdout.write(`${JSON.stringify({ results: [...notes, workerUsage] })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
