// app.cjs as an ESM app: the same calls and workers, the SDK imported.
import { Worker } from 'node:worker_threads';
import OpenAI from 'openai';
import { trace, context, propagation } from '@opentelemetry/api';
import calls from './calls.cjs';

const handshakes = calls.watchHandshakes();

function runWorker(file, terminate, carrier) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(file, import.meta.url), { workerData: { terminate, carrier } });
    let usages;
    worker.once('message', (m) => {
      usages = m;
      if (terminate) worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', () => resolve(usages));
  });
}

const mainUsages = [await calls.call(new OpenAI(), 'main thread')];
const workers = await trace.getTracer('worker-threads-app').startActiveSpan('dispatch', async (span) => {
  const carrier = {};
  propagation.inject(context.active(), carrier);
  try {
    return await Promise.all([runWorker(process.argv[2], false, carrier), runWorker(process.argv[2], true, carrier)]);
  } finally {
    span.end();
  }
});
console.log(JSON.stringify({ results: [mainUsages, ...workers], handshakes: handshakes() }));
