import { describe, expect, it } from 'vitest';
import { LATEST_COUNTERS, cacheWritingCall, chatAttributes, meterChatCall, useProfileBed } from './support';

// gen_ai_latest_experimental/dup: both name sets at once, for a migration window.
const bed = useProfileBed('http, gen_ai_latest_experimental/dup');

describe('the gen_ai_latest_experimental/dup selection', () => {
  it('records the 1.45 histograms and the newest counters for the same call, with equal totals', async () => {
    const { u, views } = await meterChatCall(bed);
    expect(Object.keys(views).sort()).toEqual(
      [
        'gen_ai.client.inference.duration',
        'gen_ai.client.inference.operation.input_tokens',
        'gen_ai.client.inference.operation.output_tokens',
        ...LATEST_COUNTERS,
        'gen_ai.client.operation.duration',
        'gen_ai.client.token.usage',
      ].sort(),
    );
    const attributes = chatAttributes(bed, 'o4-mini');
    expect(views['gen_ai.client.token.usage'].points).toEqual([
      { attributes: { ...attributes, 'gen_ai.token.type': 'input' }, value: { count: 1, sum: u.prompt_tokens } },
      { attributes: { ...attributes, 'gen_ai.token.type': 'output' }, value: { count: 1, sum: u.completion_tokens } },
    ]);
    expect(views['gen_ai.client.inference.usage.input_tokens'].points).toEqual([
      { attributes: { ...attributes, 'gen_ai.token.modality': 'unknown' }, value: u.prompt_tokens },
    ]);
    expect(views['gen_ai.client.inference.usage.output_tokens'].points).toEqual([
      { attributes: { ...attributes, 'gen_ai.token.modality': 'unknown' }, value: u.completion_tokens },
    ]);
    expect(views['gen_ai.client.operation.duration'].points.map((p) => p.value)).toEqual(
      views['gen_ai.client.inference.duration'].points.map((p) => p.value),
    );
  });

  it('writes a cache write under both of its names on the span', async () => {
    const { u, span } = await cacheWritingCall(bed, 'A cached prompt of the dup test');
    expect(span.attributes['gen_ai.usage.cache_creation.input_tokens']).toBe(u.cache_creation_input_tokens);
    expect(span.attributes['gen_ai.usage.cache_write.input_tokens']).toBe(u.cache_creation_input_tokens);
  });
});
