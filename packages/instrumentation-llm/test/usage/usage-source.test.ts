import { describe, expect, it } from 'vitest';
import { openaiClient, useTestbed } from '../support/testbed';
import { drain, onlySpan } from '../support/helpers';

const bed = useTestbed(openaiClient);
const messages = [{ role: 'user' as const, content: 'count these five words' }];

/** The usage attributes of the call's span: the marker and every gen_ai.usage.* count. */
async function usageOfSpan() {
  const span = await onlySpan(bed.h);
  return Object.fromEntries(
    Object.entries(span.attributes).filter(([k]) => k === 'tokenpath.usage.source' || /^gen_ai\.usage\..*tokens$/.test(k)),
  );
}

describe('tokenpath.usage.source', () => {
  it('is provider on a stream whose usage the provider stated', async () => {
    const chunks = await drain(
      await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } }),
    );
    const u = chunks.at(-1).usage;
    expect(await usageOfSpan()).toEqual({
      'tokenpath.usage.source': 'provider',
      'gen_ai.usage.input_tokens': u.prompt_tokens,
      'gen_ai.usage.output_tokens': u.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': u.prompt_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': u.completion_tokens_details.reasoning_tokens,
    });
  });

  it('is none, with no count at all, on a stream the host sent without usage', async () => {
    // The caller declined usage explicitly: the host (like many OpenAI-compatible ones) then states none.
    const chunks = await drain(
      await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: false } }),
    );
    expect(chunks.every((c: any) => c.usage == null)).toBe(true);
    expect(await usageOfSpan()).toEqual({ 'tokenpath.usage.source': 'none' });
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it('is none, with no count at all, on a stream aborted before its usage came', async () => {
    const stream = await bed.client.chat.completions.create({
      model: 'stream-hang',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const _ of stream) stream.controller.abort();
    const span = await onlySpan(bed.h);
    expect(span.attributes['error.type']).toBe('AbortError');
    expect(await usageOfSpan()).toEqual({ 'tokenpath.usage.source': 'none' });
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it('is provider on a non-streamed call', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect((await usageOfSpan())['tokenpath.usage.source']).toBe('provider');
  });
});
