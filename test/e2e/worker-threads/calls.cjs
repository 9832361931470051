// What the worker-threads apps share: one call (a chat completion, or a stream with usage), and a
// count of tokenpath's worker handshakes as the main thread sees them (any app may listen to them).
exports.call = async function call(client, text, stream = false) {
  const params = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `tokens from the ${text}` }] };
  if (!stream) return (await client.chat.completions.create(params)).usage;
  let usage;
  const chunks = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
  for await (const chunk of chunks) usage = chunk.usage ?? usage;
  return usage;
};

exports.watchHandshakes = function watchHandshakes() {
  let count = 0;
  process.on('workerMessage', (value) => {
    if (value && typeof value === 'object' && '@tokenpath/instrumentation-llm:worker-telemetry' in value) count++;
  });
  return () => count;
};

/** A worker's calls inside a `job` span continuing the main thread's `dispatch`; posts the usages. */
exports.work = async function work(OpenAI, { parentPort, workerData }, api) {
  const { trace, context, propagation } = api;
  const parent = propagation.extract(context.active(), workerData.carrier);
  const usages = await context.with(parent, () =>
    trace.getTracer('worker-threads-app').startActiveSpan('job', async (span) => {
      try {
        const client = new OpenAI();
        return [await exports.call(client, 'worker'), await exports.call(client, 'worker', true)];
      } finally {
        span.end();
      }
    }),
  );
  parentPort.postMessage(usages);
  // The terminated worker stays busy until the app terminates it.
  if (workerData.terminate) setInterval(() => {}, 1000);
};
