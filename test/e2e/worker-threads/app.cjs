// An app (CommonJS) that makes OpenAI calls on its main thread and in two worker threads of its own:
// one worker ends by itself, the other is terminated by the app once it has answered. It traces its
// own work with @opentelemetry/api (a `dispatch` span whose context each worker continues) and knows
// nothing about tokenpath. Prints one JSON line: every call's usage, and the handshakes it saw.
const { Worker } = require('node:worker_threads');
const OpenAI = require('openai');
const { trace, context, propagation } = require('@opentelemetry/api');
const { call, watchHandshakes } = require('./calls.cjs');

const handshakes = watchHandshakes();

function runWorker(file, terminate, carrier) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: { terminate, carrier } });
    let usages;
    worker.once('message', (m) => {
      usages = m;
      if (terminate) worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', () => resolve(usages));
  });
}

async function main() {
  const mainUsages = [await call(new OpenAI(), 'main thread')];
  const tracer = trace.getTracer('worker-threads-app');
  const workers = await tracer.startActiveSpan('dispatch', async (span) => {
    const carrier = {};
    propagation.inject(context.active(), carrier);
    try {
      const file = require('node:path').join(__dirname, process.argv[2]);
      return await Promise.all([runWorker(file, false, carrier), runWorker(file, true, carrier)]);
    } finally {
      span.end();
    }
  });
  console.log(JSON.stringify({ results: [mainUsages, ...workers], handshakes: handshakes() }));
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
