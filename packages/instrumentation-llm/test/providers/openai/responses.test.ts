import { describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { expectTokenTotals, PRICED } from '../../support/helpers';
import { openaiClient, useTestbed } from '../../support/testbed';

const bed = useTestbed(openaiClient);

describe('responses.create', () => {
  it('records the exact attribute set of a non-streamed call', async () => {
    const r = await bed.client.responses.create({
      model: 'gpt-5-mini',
      input: 'explain tokens in one line',
      instructions: 'be brief',
      temperature: 0.4,
      top_p: 0.8,
      max_output_tokens: 64,
      prompt_cache_key: 'k',
      text: { format: { type: 'json_schema', name: 'a', schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } } },
    });
    const [span] = await bed.h.spans();
    const usage = bed.standIn.served[0].usage!;
    expect(span.name).toBe('chat gpt-5-mini');
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-5-mini',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.request.temperature': 0.4,
      'gen_ai.request.top_p': 0.8,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.output.type': 'json',
      'openai.api.type': 'responses',
      'gen_ai.response.id': r.id,
      'gen_ai.response.model': 'gpt-5-mini-2024-07-18',
      'openai.response.service_tier': 'default',
      'gen_ai.usage.input_tokens': usage.input_tokens,
      'gen_ai.usage.output_tokens': usage.output_tokens,
      'gen_ai.usage.cache_read.input_tokens': usage.input_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': usage.output_tokens_details.reasoning_tokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(usage.output_tokens_details.reasoning_tokens).toBe(2);
    expect(usage.input_tokens_details.cached_tokens).toBeGreaterThan(0);
  });

  it('reads usage from response.completed in a stream', async () => {
    const stream = await bed.client.responses.create({ model: 'gpt-4o-mini', input: 'stream me a line', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.completed');
    const [span] = await bed.h.spans();
    const usage = bed.standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': usage.input_tokens,
      'gen_ai.usage.output_tokens': usage.output_tokens,
    });
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    await expectTokenTotals(bed.h, { output: usage.output_tokens });
  });

  it('reports a stream that ends in an error event as failed, and the caller gets the SDK error', async () => {
    const stream = await bed.client.responses.create({ model: 'stream-error', input: 'fail please', stream: true });
    await expect((async () => {
      for await (const _ of stream);
    })()).rejects.toBeInstanceOf(bed.sdk.APIError);
    const [span] = await bed.h.spans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBeDefined();
  });

  it('keeps responses.parse() working', async () => {
    const r = await bed.client.responses.parse({
      model: 'gpt-4o-mini',
      input: 'json please',
      text: { format: { type: 'json_schema', name: 'a', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } } },
    });
    expect(r.output_parsed).toEqual({ answer: 'stand-in' });
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.output_tokens);
  });

  it('keeps the responses.stream() helper and finalResponse() working', async () => {
    const runner = bed.client.responses.stream({ model: 'gpt-4o-mini', input: 'stream helper' });
    let deltas = 0;
    runner.on('response.output_text.delta', () => deltas++);
    const final = await runner.finalResponse();
    expect(deltas).toBeGreaterThan(0);
    expect(final.output_text).toContain('stand-in');
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBe(bed.standIn.served[0].usage!.input_tokens);
  });
});
