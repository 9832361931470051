import { describe, expect, it } from 'vitest';
import { BUCKETS_GEN_AI_CLIENT_DURATION, BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE } from '@tokenpath/semconv';
import { drain } from '../support/helpers';
import { cacheWritingCall, chatAttributes, descriptors, messages, metricViews, useProfileBed } from './support';

// Opt-in entries for other domains leave the GenAI names at their default (semantic-conventions 1.45).
const bed = useProfileBed('http,database/dup');

describe('the default profile (semantic-conventions 1.45)', () => {
  it('records the three 1.45 histograms with their units and buckets, and nothing of the newest conventions', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await drain(await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
    await bed.client.embeddings.create({ model: 'text-embedding-3-small', input: 'one two three' });
    const tokens = { kind: 'histogram', unit: '{token}', temporality: 'cumulative', buckets: [...BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE] };
    const seconds = { kind: 'histogram', unit: 's', temporality: 'cumulative', buckets: [...BUCKETS_GEN_AI_CLIENT_DURATION] };
    expect(descriptors(await metricViews(bed.h))).toEqual({
      'gen_ai.client.token.usage': tokens,
      'gen_ai.client.operation.duration': seconds,
      'gen_ai.client.operation.time_to_first_chunk': seconds,
    });
  });

  it('keys token points by gen_ai.token.type and names cache writes gen_ai.usage.cache_creation.input_tokens', async () => {
    const { u, span } = await cacheWritingCall(bed, 'A cached prompt of the default-profile test');
    expect(span.attributes['gen_ai.usage.cache_creation.input_tokens']).toBe(u.cache_creation_input_tokens);
    expect(span.attributes['gen_ai.usage.cache_write.input_tokens']).toBeUndefined();
    const input = u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
    const points = (await metricViews(bed.h))['gen_ai.client.token.usage'].points;
    expect(points.map((p) => [p.attributes['gen_ai.token.type'], p.value])).toEqual([
      ['input', { count: 1, sum: input }],
      ['output', { count: 1, sum: u.output_tokens }],
    ]);
  });

  it('records no token points for a call without usage', async () => {
    await drain(await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
    const views = await metricViews(bed.h);
    expect(views['gen_ai.client.token.usage']).toBeUndefined();
    expect(views['gen_ai.client.operation.duration'].points).toEqual([
      { attributes: chatAttributes(bed, 'gpt-4o-mini'), value: { count: 1, sum: expect.any(Number) } },
    ]);
  });
});
