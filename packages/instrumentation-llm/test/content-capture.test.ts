import { describe, expect, it } from 'vitest';
import { json } from './support/helpers';
import { openaiClient, useTestbed } from './support/testbed';

const bed = useTestbed(openaiClient, { config: { captureMessageContent: true, maxContentLength: 2048 } });

describe('content capture, when the user opts in', () => {
  it('records chat input, output and tool definitions in the conventions\' message shape', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'long text', parameters: { type: 'object', properties: {} } } }];
    await bed.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'weather in Paris?' },
      ],
      tools,
    });
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'You are terse.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'weather in Paris?' }] },
    ]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', id: expect.any(String), name: 'get_weather', arguments: { location: 'Paris' } }],
        finish_reason: 'tool_calls',
      },
    ]);
    expect(json(span.attributes['gen_ai.tool.definitions'])).toEqual([{ type: 'function', name: 'get_weather' }]);
  });

  it('records streamed output text per choice', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello stream' }], stream: true, n: 2 });
    const texts = ['', ''];
    for await (const c of stream) for (const choice of c.choices) texts[choice.index] += choice.delta?.content ?? '';
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual(
      texts.map((t) => ({ role: 'assistant', parts: [{ type: 'text', content: t }], finish_reason: 'stop' })),
    );
  });

  it('records Responses instructions as system instructions', async () => {
    const r = await bed.client.responses.create({ model: 'gpt-4o-mini', instructions: 'Answer in French.', input: 'hello' });
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Answer in French.' }]);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hello' }] }]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: r.output_text }] },
    ]);
  });

  it('bounds each content attribute and keeps it valid JSON', async () => {
    const long = 'word '.repeat(5000);
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: long }] });
    const [span] = await bed.h.spans();
    const value = String(span.attributes['gen_ai.input.messages']);
    expect(value.length).toBeLessThanOrEqual(2048);
    expect(json(value)[0].parts[0].content).toMatch(/…\[truncated\]$/);
  });

  it('never records credentials found in content', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'my key is sk-proj-abcdefghijklmnop123' }] });
    const [span] = await bed.h.spans();
    expect(String(span.attributes['gen_ai.input.messages'])).not.toContain('sk-proj-abcdefghijklmnop123');
  });
});
