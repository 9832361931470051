// The usage-ledger example, end to end and offline:
//
//   node examples/usage-ledger/run.mjs [--ledger <file>]
//   OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental node examples/usage-ledger/run.mjs
//
// Starts the LLM stand-in and a small OTLP/JSON receiver on 127.0.0.1, runs app.mjs under otel.mjs (metrics over
// OTLP, one ledger line per call), then reconciles the ledger with the exported token metrics, model by model.
// Prints the ledger's totals and "reconciled: ..." and exits 0, or lists every difference and exits 1.
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStandIn } from '../llm-stand-in/server.mjs';
import { ledgerTotals, metricTotals, parseLedger, reconcile } from './reconcile.mjs';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const flag = process.argv.indexOf('--ledger');
const ledgerFile = flag > 0 ? process.argv[flag + 1] : join(mkdtempSync(join(tmpdir(), 'usage-ledger-')), 'usage-ledger.jsonl');

// OTLP/HTTP with JSON bodies: keep every metrics export, acknowledge everything else.
const metricBodies = [];
const receiver = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.url === '/v1/metrics') metricBodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const standIn = await startStandIn();

const env = { ...process.env };
for (const key of Object.keys(env)) if (/^(OTEL_(?!SEMCONV_STABILITY_OPT_IN)|OPENAI_)/.test(key) || key === 'NODE_OPTIONS') delete env[key];
Object.assign(env, {
  OPENAI_BASE_URL: `${standIn.url}/v1`,
  OPENAI_API_KEY: 'stand-in',
  OTEL_SERVICE_NAME: 'usage-ledger-example',
  OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiver.address().port}`,
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
  OTEL_LOGS_EXPORTER: 'none',
  USAGE_LEDGER_FILE: ledgerFile,
});
const child = spawn(process.execPath, ['--import', here('./otel.mjs'), here('./app.mjs')], { env, stdio: ['ignore', 'inherit', 'inherit'] });
const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
await standIn.close();
await new Promise((resolve) => receiver.close(resolve));
if (code !== 0) {
  console.error(`usage-ledger: the app exited with ${code}`);
  process.exit(1);
}

const records = parseLedger(readFileSync(ledgerFile, 'utf8'));
const ledger = ledgerTotals(records);
const metrics = metricTotals(metricBodies);
console.log(`ledger: ${ledgerFile} (${records.length} records)`);
console.table(ledger);
const problems = reconcile(ledger, metrics);
if (problems.length > 0) {
  for (const p of problems) console.error(`usage-ledger: ${p}`);
  process.exit(1);
}
console.log(`reconciled: ${records.length} calls, ledger totals equal the exported metrics (${Object.keys(metrics).join(' and ')} names)`);
