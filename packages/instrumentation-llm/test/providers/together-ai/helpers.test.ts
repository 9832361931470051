/**
 * What is together-ai's own beyond the shared matrix (openai-format-sdk/matrix.ts): the `chat.completions.stream()`
 * runner, which ends in `create` and so is metered once, and legacy `completions.create`, plain and streamed.
 */
import { describe, expect, it } from 'vitest';
import { onlySpan, pointCount } from '../../support/helpers';
import type { StandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';

const MODEL = 'Qwen/Qwen2.5-72B-Instruct-Turbo';
const bed = useTestbed({
  module: 'together-ai',
  client: (sdk: any, standIn: StandIn) => new sdk.Together({ apiKey: 'tgp_test', baseURL: `${standIn.url}/together/v1`, maxRetries: 0 }),
});
const messages = [{ role: 'user', content: 'tell me about tokens please' }];

describe('together-ai helpers and legacy completions', () => {
  it('meters chat.completions.stream() once, with the usage of its finish chunk', async () => {
    const runner = bed.client.chat.completions.stream({ model: MODEL, messages });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].message.content).toContain('stand-in');
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['eos']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.completion_tokens);
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(1);
  });

  it('records completions.create as a text completion, plain and streamed', async () => {
    const r = await bed.client.completions.create({ model: 'meta-llama/Llama-3-8b-hf', prompt: 'once upon a time', max_tokens: 3 });
    expect(r.choices[0].finish_reason).toBe('length');
    for await (const _ of await bed.client.completions.create({ model: 'meta-llama/Llama-3-8b-hf', prompt: 'once upon a time', stream: true }));
    const [plain, streamed] = await bed.h.spans();
    expect(plain.name).toBe('text_completion meta-llama/Llama-3-8b-hf');
    expect(plain.attributes['gen_ai.response.finish_reasons']).toEqual(['length']);
    expect(plain.attributes['gen_ai.usage.input_tokens']).toBe(r.usage.prompt_tokens);
    expect(plain.attributes['gen_ai.usage.output_tokens']).toBe(3);
    expect(streamed.attributes['gen_ai.response.finish_reasons']).toEqual(['eos']);
    expect(streamed.attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[1].usage!.completion_tokens);
  });
});
