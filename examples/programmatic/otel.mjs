// The programmatic setup: your own OpenTelemetry NodeSDK with tokenpath's LlmInstrumentation next to any other
// instrumentations, loaded before the app with --import (ESM; with CommonJS `--require ./otel.cjs` works the same way
// without the module hook):
//
//   node --import ./examples/programmatic/otel.mjs examples/programmatic/app.mjs
//
// Exporters come from the standard variables (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_TRACES_EXPORTER,
// OTEL_METRICS_EXPORTER, ...), exactly as with the register entry; pass traceExporter / metricReaders to NodeSDK to
// fix them in code instead.
import { register } from 'node:module';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { LlmInstrumentation } from '@tokenpath/instrumentation-llm';

// ESM apps: `import OpenAI from 'openai'` is patched through OpenTelemetry's module hook. Hook only the LLM SDKs
// (the packages LlmInstrumentation patches), not every module of the app.
const instrumentation = new LlmInstrumentation({ captureMessageContent: false });
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
  data: { include: instrumentation.getModuleDefinitions().map((d) => d.name) },
});

const sdk = new NodeSDK({ instrumentations: [instrumentation] });
sdk.start();

// Flush spans and metrics when the app is done (and on SIGTERM), so short scripts lose nothing.
const shutdown = () => sdk.shutdown().catch((error) => console.error('otel: shutdown failed', error));
process.once('beforeExit', shutdown);
process.once('SIGTERM', () => shutdown().then(() => process.exit(143)));
