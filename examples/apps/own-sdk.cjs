// An app's own OpenTelemetry setup, preloaded before the register entry:
//   node --require ./examples/apps/own-sdk.cjs --require @tokenpath/instrumentation-llm/register app.cjs
// It reports to OWN_SDK_OTLP_URL with a resource of its own (app.own.sdk=yes), registers no instrumentations
// and flushes on exit itself. The register entry should only add the LLM instrumentation to these providers.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto');
const { PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics');

const base = process.env.OWN_SDK_OTLP_URL ?? 'http://127.0.0.1:4318';
const sdk = new NodeSDK({
  serviceName: 'own-sdk-app',
  resource: resourceFromAttributes({ 'app.own.sdk': 'yes' }),
  autoDetectResources: false,
  traceExporter: new OTLPTraceExporter({ url: `${base}/v1/traces` }),
  metricReaders: [
    new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
      exportIntervalMillis: 60_000,
    }),
  ],
  instrumentations: [],
});
sdk.start();
process.once('beforeExit', () => {
  sdk.shutdown().catch((error) => console.error('own-sdk: shutdown failed', error));
});
