// OpenTelemetry with tokenpath, plus a usage ledger: every finished LLM call is metered (spans, token metrics over
// OTLP) and also appended to a JSONL ledger (USAGE_LEDGER_FILE, default ./usage-ledger.jsonl) through `onUsage`.
//
//   node --import ./examples/usage-ledger/otel.mjs examples/usage-ledger/app.mjs
//
// Exporters come from the standard OTEL_* variables, as with the register entry.
import { register } from 'node:module';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { LlmInstrumentation } from '@tokenpath/instrumentation-llm';
import { jsonlLedger } from './ledger.mjs';

const ledger = jsonlLedger(process.env.USAGE_LEDGER_FILE ?? 'usage-ledger.jsonl');
const instrumentation = new LlmInstrumentation({ onUsage: ledger.onUsage });
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
  data: { include: instrumentation.getModuleDefinitions().map((d) => d.name) },
});

const sdk = new NodeSDK({ instrumentations: [instrumentation] });
sdk.start();

// Flush the metrics and the ledger when the app is done (and on SIGTERM): both then hold the same calls.
let done;
const shutdown = () =>
  (done ??= sdk
    .shutdown()
    .catch((error) => console.error('otel: shutdown failed', error))
    .then(() => ledger.close()));
process.once('beforeExit', shutdown);
process.once('SIGTERM', () => shutdown().then(() => process.exit(143)));
