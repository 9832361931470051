/**
 * In-process telemetry for behaviour tests: the real SDK tracer and meter providers with
 * in-memory exporters, the real instrumentation, and the real `openai` package loaded through
 * Node's require (so require-in-the-middle patches it exactly as in an app).
 */
import { createRequire } from 'node:module';
import { context, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type HistogramMetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { LlmInstrumentation, type LlmInstrumentationConfig } from '@tokenpath/instrumentation-llm';

export interface HistogramPoint {
  attributes: Attributes;
  count: number;
  sum: number;
}

export interface Harness {
  instrumentation: LlmInstrumentation;
  tracerProvider: TracerProvider;
  /** Loads a module the way an app does (through Node's require, so the hook sees it). */
  load<T = any>(id: string): T;
  spans(): Promise<ReadableSpan[]>;
  /** Histogram points of one metric, as a cumulative reader sees them now. */
  points(metricName: string): Promise<HistogramPoint[]>;
  /** Everything the cumulative reader collects now (any instrument kind). */
  collect(): Promise<ResourceMetrics>;
  reset(): Promise<void>;
  shutdown(): Promise<void>;
}

export function createHarness(options: { config?: LlmInstrumentationConfig; sampler?: Sampler } = {}): Harness {
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  const spanExporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({
    sampler: options.sampler,
    spanProcessors: [new SimpleSpanProcessor({ exporter: spanExporter })],
  });
  let reader = cumulativeReader();
  let meterProvider = new MeterProvider({ readers: [reader] });

  const instrumentation = new LlmInstrumentation(options.config);
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  const nodeRequire = createRequire(import.meta.url);

  return {
    instrumentation,
    tracerProvider,
    load: (id) => nodeRequire(id),
    async spans() {
      await tracerProvider.forceFlush();
      return spanExporter.getFinishedSpans();
    },
    points: (metricName) => histogramPoints(reader, metricName),
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new Error(`metric collection failed: ${errors.join(', ')}`);
      return resourceMetrics;
    },
    async reset() {
      await tracerProvider.forceFlush();
      spanExporter.reset();
      // A fresh meter provider: cumulative points from earlier tests must not leak into the next.
      await meterProvider.shutdown();
      reader = cumulativeReader();
      meterProvider = new MeterProvider({ readers: [reader] });
      instrumentation.setMeterProvider(meterProvider);
    },
    async shutdown() {
      instrumentation.disable();
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
      contextManager.disable();
    },
  };
}

/** A metric reader that collects only when asked (its export interval is an hour), cumulatively. */
export function cumulativeReader(): PeriodicExportingMetricReader {
  return new PeriodicExportingMetricReader({
    exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
    exportIntervalMillis: 3_600_000,
  });
}

/** The points of one histogram metric, as `reader` collects them now (from every scope). */
export async function histogramPoints(reader: PeriodicExportingMetricReader, metricName: string): Promise<HistogramPoint[]> {
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new Error(`metric collection failed: ${errors.join(', ')}`);
  const out: HistogramPoint[] = [];
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== metricName) continue;
      if (metric.dataPointType !== DataPointType.HISTOGRAM) throw new Error(`${metricName} is not a histogram`);
      for (const p of (metric as HistogramMetricData).dataPoints) {
        out.push({ attributes: p.attributes, count: p.value.count, sum: p.value.sum ?? 0 });
      }
    }
  }
  return out;
}

/** Sum of the token-usage points of one token type (what a backend's total would show). */
export function tokenTotal(points: HistogramPoint[], type: 'input' | 'output'): number {
  return points.filter((p) => p.attributes['gen_ai.token.type'] === type).reduce((s, p) => s + p.sum, 0);
}
