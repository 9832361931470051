/**
 * What the semconv-profile tests share: every metric of the instrumentation's scope as the real SDK
 * reader collects it (instrument kind, unit, monotonicity, temporality, buckets, points), and a
 * testbed with an OpenAI and an Anthropic client on the stand-in.
 */
import { beforeAll } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import type { Harness } from '../support/harness';
import { callAttributes } from '../support/behaviour';
import { onlySpan } from '../support/helpers';
import { openaiClient, useTestbed, type Testbed } from '../support/testbed';
import { anthropicClient } from '../providers/anthropic-ai-sdk/support';

const SCOPE = '@tokenpath/instrumentation-llm';

export interface MetricView {
  kind: 'histogram' | 'counter' | 'other';
  unit: string;
  temporality: 'cumulative' | 'delta';
  /** Histograms: the explicit bucket boundaries. */
  buckets?: number[];
  /** Counters: the value per attribute set; histograms: count and sum per attribute set. */
  points: { attributes: Attributes; value: number | { count: number; sum: number } }[];
}

/** Every `gen_ai.*` metric of tokenpath's scope (what a semconv profile names), by name. */
export async function metricViews(h: Harness): Promise<Record<string, MetricView>> {
  const out: Record<string, MetricView> = {};
  for (const scope of (await h.collect()).scopeMetrics) {
    if (scope.scope.name !== SCOPE) continue;
    for (const m of scope.metrics) {
      if (!m.descriptor.name.startsWith('gen_ai.')) continue;
      const temporality = m.aggregationTemporality === AggregationTemporality.CUMULATIVE ? 'cumulative' : 'delta';
      if (m.dataPointType === DataPointType.HISTOGRAM) {
        out[m.descriptor.name] = {
          kind: 'histogram',
          unit: m.descriptor.unit,
          temporality,
          buckets: m.dataPoints[0]?.value.buckets.boundaries,
          points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: { count: p.value.count, sum: p.value.sum ?? 0 } })),
        };
      } else if (m.dataPointType === DataPointType.SUM && m.isMonotonic) {
        out[m.descriptor.name] = {
          kind: 'counter',
          unit: m.descriptor.unit,
          temporality,
          points: m.dataPoints.map((p) => ({ attributes: p.attributes, value: p.value as number })),
        };
      } else {
        out[m.descriptor.name] = { kind: 'other', unit: m.descriptor.unit, temporality, points: [] };
      }
    }
  }
  return out;
}

/** Descriptor of each metric without its points: what a profile promises about its instruments. */
export function descriptors(views: Record<string, MetricView>): Record<string, Omit<MetricView, 'points'>> {
  return Object.fromEntries(Object.entries(views).map(([name, { points, ...d }]) => [name, d]));
}

export interface ProfileBed extends Testbed<any> {
  anthropic: any;
}

/** A testbed whose instrumentation reads `optIn` as `OTEL_SEMCONV_STABILITY_OPT_IN` when it is built. */
export function useProfileBed(optIn: string | undefined): ProfileBed {
  if (optIn === undefined) delete process.env.OTEL_SEMCONV_STABILITY_OPT_IN;
  else process.env.OTEL_SEMCONV_STABILITY_OPT_IN = optIn;
  const bed = useTestbed(openaiClient) as ProfileBed;
  beforeAll(() => {
    bed.anthropic = anthropicClient.client(bed.h.load(anthropicClient.module), bed.standIn);
  });
  return bed;
}

/** The low-cardinality attributes of an OpenAI chat call on the stand-in. */
export function chatAttributes(bed: ProfileBed, model: string, extra: Attributes = {}): Attributes {
  return { ...callAttributes(bed.standIn, 'chat', 'openai', model), 'gen_ai.response.model': `${model}-2024-07-18`, ...extra };
}

export const messages = [{ role: 'user' as const, content: 'count these five words' }];

/** The newest conventions' monotonic counters, one per token type. */
export const LATEST_COUNTERS = [
  'gen_ai.client.inference.usage.input_tokens',
  'gen_ai.client.inference.usage.output_tokens',
  'gen_ai.client.inference.usage.cache_read.input_tokens',
  'gen_ai.client.inference.usage.cache_write.input_tokens',
  'gen_ai.client.inference.usage.reasoning.output_tokens',
];

/** One OpenAI chat call whose usage states every count (o4-mini, a prompt cache key): what was served, what was metered. */
export async function meterChatCall(bed: ProfileBed): Promise<{ u: Record<string, any>; views: Record<string, MetricView> }> {
  await bed.client.chat.completions.create({ model: 'o4-mini', messages, prompt_cache_key: 'k' });
  return { u: bed.standIn.served[0].usage!, views: await metricViews(bed.h) };
}

/** One Anthropic call that writes the cache (a system prompt `text`, marked ephemeral): what was served, and its span. */
export async function cacheWritingCall(bed: ProfileBed, text: string): Promise<{ u: Record<string, any>; span: ReadableSpan }> {
  const system = [{ type: 'text', text, cache_control: { type: 'ephemeral' } }];
  await bed.anthropic.messages.create({ model: 'claude-sonnet-5-5', max_tokens: 50, system, messages });
  return { u: bed.standIn.served[0].usage!, span: await onlySpan(bed.h) };
}
