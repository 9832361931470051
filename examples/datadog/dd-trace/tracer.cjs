// dd-trace with its OpenTelemetry bridge, preloaded before tokenpath's register entry:
//   node --require ./tracer.cjs --require @tokenpath/instrumentation-llm/register app.cjs
// As dd-trace documents it: init(), then its TracerProvider registered with the OpenTelemetry API, and
// DD_METRICS_OTEL_ENABLED=true (app.env) for its MeterProvider. tokenpath then only adds its instrumentation and
// reports through these providers: spans go to the Agent's trace intake with dd-trace's, token metrics over OTLP.
const tracer = require('dd-trace').init();
new tracer.TracerProvider().register();

// dd-trace exports OpenTelemetry metrics every 10 s (OTEL_METRIC_EXPORT_INTERVAL) and not at exit: a short-lived
// process shuts its MeterProvider down (one last export) before it ends. Long-running servers need nothing here.
const { metrics } = require('@opentelemetry/api');
process.once('beforeExit', () => {
  const provider = metrics.getMeterProvider();
  if (typeof provider.shutdown === 'function') provider.shutdown(() => {});
});
