/**
 * The OpenTelemetry SDK as every bench child registers it (child.mjs, gc-retention.mjs): the async
 * context manager, a tracer provider whose BatchSpanProcessor hands every batch to `exportSpans`
 * (spans are really created, ended, batched and handed over), and a meter provider whose reader is
 * never exported during a run (the caller may collect it once at the end).
 */
export function registerOtelSdk(requireHere, exportSpans = () => {}) {
  const api = requireHere('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = requireHere('@opentelemetry/context-async-hooks');
  const { TracerProvider, BatchSpanProcessor } = requireHere('@opentelemetry/sdk-trace');
  const { MeterProvider, MetricReader } = requireHere('@opentelemetry/sdk-metrics');

  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const exporter = {
    export(spans, done) {
      exportSpans(spans);
      done({ code: 0 /* ExportResultCode.SUCCESS */ });
    },
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
  const tracerProvider = new TracerProvider({
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        // Never full: no span may take the cheap "dropped" path. Batches of 512 are exported
        // (synchronously, by the no-op exporter) as they fill, like a busy production process.
        maxQueueSize: 1 << 20,
        // BENCH_MAX_EXPORT_BATCH: how many ended spans wait in the queue at most (GC experiments).
        maxExportBatchSize: Number(process.env.BENCH_MAX_EXPORT_BATCH ?? 512),
        scheduledDelayMillis: 1000,
      }),
    ],
  });
  class IdleMetricReader extends MetricReader {
    async onShutdown() {}
    async onForceFlush() {}
  }
  const metricReader = new IdleMetricReader();
  const meterProvider = new MeterProvider({ readers: [metricReader] });
  api.trace.setGlobalTracerProvider(tracerProvider);
  api.metrics.setGlobalMeterProvider(meterProvider);
  return { api, tracerProvider, meterProvider, metricReader };
}
