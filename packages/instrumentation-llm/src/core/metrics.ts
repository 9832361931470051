import type { Histogram, Meter } from '@opentelemetry/api';
import type { GenAiSemconvProfile, HistogramDescriptor } from '@tokenpath/semconv';

/** The instruments every operation records into; created once per meter, never per call. */
export interface GenAiInstruments {
  readonly operationDuration: Histogram;
  readonly tokenUsage: Histogram;
  readonly timeToFirstChunk: Histogram;
}

function histogram(meter: Meter, d: HistogramDescriptor): Histogram {
  // Bucket advice as the conventions give it:
  // https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-metrics.md
  return meter.createHistogram(d.name, {
    unit: d.unit,
    description: d.description,
    advice: { explicitBucketBoundaries: [...d.buckets] },
  });
}

export function createInstruments(meter: Meter, profile: GenAiSemconvProfile): GenAiInstruments {
  return {
    operationDuration: histogram(meter, profile.metrics.operationDuration),
    tokenUsage: histogram(meter, profile.metrics.tokenUsage),
    timeToFirstChunk: histogram(meter, profile.metrics.timeToFirstChunk),
  };
}
