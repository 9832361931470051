/**
 * What is Groq's own beyond the shared matrix (openai-format-sdk/matrix.ts): a stream states its usage in
 * `x_groq.usage` of the finish chunk (the matrix's default), and, when `stream_options.include_usage` asks, also as
 * top-level `usage` on that chunk; the same counts either way, never summed. `openai.*` attributes (OpenAI's only)
 * are not set although Groq sends `system_fingerprint` and `service_tier`.
 */
import { describe, expect, it } from 'vitest';
import { expectTokenTotals, onlySpan } from '../../support/helpers';
import type { StandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';

const MODEL = 'llama-3.3-70b-versatile';
const bed = useTestbed({
  module: 'groq-sdk',
  client: (sdk: any, standIn: StandIn) => new sdk.Groq({ apiKey: 'gsk_test', baseURL: standIn.url, maxRetries: 0 }),
});
const messages = [{ role: 'user', content: 'tell me about tokens please' }];

describe('groq-sdk stream usage', () => {
  it('takes the usage once when the finish chunk states it both in x_groq and at the top', async () => {
    let finish: any;
    for await (const chunk of await bed.client.chat.completions.create({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } })) {
      if (chunk.choices[0]?.finish_reason) finish = chunk;
    }
    expect(finish.usage).toEqual(finish.x_groq.usage);
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(finish.usage.prompt_tokens);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(finish.usage.completion_tokens);
    await expectTokenTotals(bed.h, { input: finish.usage.prompt_tokens, output: finish.usage.completion_tokens });
  });

  it('sets no openai.* attribute although Groq sends system_fingerprint and service_tier', async () => {
    const r = await bed.client.chat.completions.create({ model: MODEL, messages, service_tier: 'on_demand' });
    expect(r.system_fingerprint).toBeTruthy();
    expect(r.service_tier).toBe('on_demand');
    const span = await onlySpan(bed.h);
    expect(Object.keys(span.attributes).filter((k) => k.startsWith('openai.'))).toEqual([]);
  });
});
