// An app whose main thread runs without tokenpath and gives the register entry to its worker only
// (through the worker's own execArgv). Prints the worker's usages as one JSON line.
const { Worker } = require('node:worker_threads');

const worker = new Worker(require('node:path').join(__dirname, 'worker.cjs'), {
  execArgv: ['--require', '@tokenpath/instrumentation-llm/register'],
  workerData: { terminate: false, carrier: {} },
});
worker.once('message', (usages) => console.log(JSON.stringify({ results: [usages], handshakes: 0 })));
worker.once('error', (error) => {
  console.error(error);
  process.exitCode = 1;
});
