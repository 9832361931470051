import { describe, expect, it } from 'vitest';
import { BUCKETS_GEN_AI_CLIENT_DURATION, BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE } from '@tokenpath/semconv';
import { callAttributes } from '../support/behaviour';
import { thrown, drain } from '../support/helpers';
import { LATEST_COUNTERS, cacheWritingCall, chatAttributes, descriptors, messages, meterChatCall, metricViews, useProfileBed } from './support';

// OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental: the newest GenAI metering conventions only.
const bed = useProfileBed('gen_ai_latest_experimental');

const unknown = { 'gen_ai.token.modality': 'unknown' };

describe('the gen_ai_latest_experimental profile', () => {
  it('meters a chat call with one monotonic counter per token type, by modality, and per-call token histograms', async () => {
    const { u, views } = await meterChatCall(bed);
    expect(Object.keys(views).sort()).toEqual([
      'gen_ai.client.inference.duration',
      'gen_ai.client.inference.operation.input_tokens',
      'gen_ai.client.inference.operation.output_tokens',
      ...LATEST_COUNTERS,
    ].sort());
    const attributes = chatAttributes(bed, 'o4-mini');
    const counted = { ...attributes, ...unknown };
    expect(Object.fromEntries(LATEST_COUNTERS.map((n) => [n, views[n].points]))).toEqual({
      'gen_ai.client.inference.usage.input_tokens': [{ attributes: counted, value: u.prompt_tokens }],
      'gen_ai.client.inference.usage.output_tokens': [{ attributes: counted, value: u.completion_tokens }],
      'gen_ai.client.inference.usage.cache_read.input_tokens': [{ attributes: counted, value: u.prompt_tokens_details.cached_tokens }],
      // OpenAI states no cache writes: the counter adds 0, never an estimate
      'gen_ai.client.inference.usage.cache_write.input_tokens': [{ attributes: counted, value: 0 }],
      'gen_ai.client.inference.usage.reasoning.output_tokens': [{ attributes: counted, value: u.completion_tokens_details.reasoning_tokens }],
    });
    expect(u.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(u.completion_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(views['gen_ai.client.inference.operation.input_tokens'].points).toEqual([
      { attributes, value: { count: 1, sum: u.prompt_tokens } },
    ]);
    expect(views['gen_ai.client.inference.operation.output_tokens'].points).toEqual([
      { attributes, value: { count: 1, sum: u.completion_tokens } },
    ]);
    expect(views['gen_ai.client.inference.duration'].points).toEqual([{ attributes, value: { count: 1, sum: expect.any(Number) } }]);
  });

  it('describes each instrument as the conventions advise: counters as cumulative monotonic sums, histograms with their buckets', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await drain(await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
    await bed.client.embeddings.create({ model: 'text-embedding-3-small', input: 'one two three' });
    const counter = { kind: 'counter', unit: '{token}', temporality: 'cumulative' };
    const tokens = { kind: 'histogram', unit: '{token}', temporality: 'cumulative', buckets: [...BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE] };
    const seconds = { kind: 'histogram', unit: 's', temporality: 'cumulative', buckets: [...BUCKETS_GEN_AI_CLIENT_DURATION] };
    expect(descriptors(await metricViews(bed.h))).toEqual({
      ...Object.fromEntries(LATEST_COUNTERS.map((n) => [n, counter])),
      'gen_ai.client.inference.operation.input_tokens': tokens,
      'gen_ai.client.inference.operation.output_tokens': tokens,
      'gen_ai.client.inference.duration': seconds,
      'gen_ai.client.inference.time_to_first_chunk': seconds,
      'gen_ai.client.embeddings.duration': seconds,
      'gen_ai.client.embeddings.operation.input_tokens': tokens,
    });
  });

  it('meters embeddings under gen_ai.client.embeddings.*, apart from inference', async () => {
    await bed.client.embeddings.create({ model: 'text-embedding-3-small', input: 'one two three' });
    const views = await metricViews(bed.h);
    const attributes = {
      ...callAttributes(bed.standIn, 'embeddings', 'openai', 'text-embedding-3-small'),
      'gen_ai.response.model': 'text-embedding-3-small',
    };
    expect(Object.keys(views).sort()).toEqual(['gen_ai.client.embeddings.duration', 'gen_ai.client.embeddings.operation.input_tokens']);
    expect(views['gen_ai.client.embeddings.operation.input_tokens'].points).toEqual([{ attributes, value: { count: 1, sum: 3 } }]);
    expect(views['gen_ai.client.embeddings.duration'].points).toEqual([{ attributes, value: { count: 1, sum: expect.any(Number) } }]);
  });

  it('adds 0 to the counters for a failed call, without error.type, and records its duration with error.type', async () => {
    const error = await thrown(() => bed.client.chat.completions.create({ model: 'error-429', messages }));
    expect(error.constructor.name).toBe('RateLimitError');
    const views = await metricViews(bed.h);
    const attributes = callAttributes(bed.standIn, 'chat', 'openai', 'error-429');
    for (const name of LATEST_COUNTERS) expect(views[name].points, name).toEqual([{ attributes: { ...attributes, ...unknown }, value: 0 }]);
    expect(views['gen_ai.client.inference.duration'].points).toEqual([
      { attributes: { ...attributes, 'error.type': 'RateLimitError' }, value: { count: 1, sum: expect.any(Number) } },
    ]);
    expect(views['gen_ai.client.inference.operation.input_tokens']).toBeUndefined();
  });

  it('records the time to first chunk of a stream as gen_ai.client.inference.time_to_first_chunk', async () => {
    const chunks = await drain(
      await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } }),
    );
    const u = chunks.at(-1).usage;
    const views = await metricViews(bed.h);
    const attributes = chatAttributes(bed, 'gpt-4o-mini');
    expect(views['gen_ai.client.inference.time_to_first_chunk'].points).toEqual([
      { attributes, value: { count: 1, sum: expect.any(Number) } },
    ]);
    expect(views['gen_ai.client.inference.usage.output_tokens'].points).toEqual([
      { attributes: { ...attributes, ...unknown }, value: u.completion_tokens },
    ]);
  });

  it('writes cache writes as gen_ai.usage.cache_write.input_tokens on the span and counts them', async () => {
    const { u, span } = await cacheWritingCall(bed, 'A cached prompt of the latest-profile test');
    expect(u.cache_creation_input_tokens).toBeGreaterThan(0);
    const usage = Object.fromEntries(Object.entries(span.attributes).filter(([k]) => /^gen_ai\.usage\..*tokens$/.test(k)));
    expect(usage).toEqual({
      'gen_ai.usage.input_tokens': u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens,
      'gen_ai.usage.output_tokens': u.output_tokens,
      'gen_ai.usage.cache_read.input_tokens': u.cache_read_input_tokens,
      'gen_ai.usage.cache_write.input_tokens': u.cache_creation_input_tokens,
    });
    const views = await metricViews(bed.h);
    expect(views['gen_ai.client.inference.usage.cache_write.input_tokens'].points.map((p) => p.value)).toEqual([u.cache_creation_input_tokens]);
  });
});
