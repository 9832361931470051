import { describe, expect, it } from 'vitest';
import { expectTokenTotals, PRICED } from '../../support/helpers';
import { openaiClient, useTestbed } from '../../support/testbed';

const bed = useTestbed(openaiClient);

describe('embeddings.create', () => {
  it('records the exact attribute set, with the dimension count of the decoded vectors', async () => {
    const r = await bed.client.embeddings.create({ model: 'text-embedding-3-small', input: ['one two', 'three'], dimensions: 16 });
    expect(r.data[0].embedding).toHaveLength(16);
    const [span] = await bed.h.spans();
    expect(span.name).toBe('embeddings text-embedding-3-small');
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'text-embedding-3-small',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.embeddings.dimension.count': 16,
      'gen_ai.usage.input_tokens': bed.standIn.served[0].usage!.prompt_tokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    const tokens = await expectTokenTotals(bed.h, { input: bed.standIn.served[0].usage!.prompt_tokens });
    expect(tokens.filter((p) => p.attributes['gen_ai.token.type'] === 'output')).toEqual([]);
  });

  it('records the encoding format the caller asked for', async () => {
    await bed.client.embeddings.create({ model: 'text-embedding-3-small', input: 'x', encoding_format: 'float' });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.request.encoding_formats']).toEqual(['float']);
  });
});

describe('completions.create (legacy)', () => {
  it('records a text_completion with finish reason and usage', async () => {
    const r = await bed.client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'say something short', max_tokens: 3 });
    const [span] = await bed.h.spans();
    expect(span.name).toBe('text_completion gpt-3.5-turbo-instruct');
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.request.max_tokens': 3,
      'gen_ai.response.id': r.id,
      'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': bed.standIn.served[0].usage!.prompt_tokens,
      'gen_ai.usage.output_tokens': 3,
    });
  });

  it('records a streamed legacy completion', async () => {
    const stream = await bed.client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'stream a line', stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? '';
    expect(text).toContain('stand-in');
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.completion_tokens);
  });
});
