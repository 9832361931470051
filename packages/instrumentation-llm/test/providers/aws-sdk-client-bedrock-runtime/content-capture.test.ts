import { describe, expect, it } from 'vitest';
import { drain, json } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { bedrockClient } from './bedrock-testbed';

const bed = useTestbed(bedrockClient, { config: { captureMessageContent: true, maxContentLength: 4096 } });
const text = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8'));
const toolConfig = { tools: [{ toolSpec: { name: 'get_weather', description: 'long text', inputSchema: { json: { type: 'object' } } } }] };

describe('content capture, when the user opts in', () => {
  it('records Converse system, input, tool definitions and output in the conventions\' shape', async () => {
    const output = await bed.client.send(
      new bed.sdk.ConverseCommand({
        modelId: 'amazon.nova-micro-v1:0',
        system: [{ text: 'You are terse.' }, { cachePoint: { type: 'default' } }],
        messages: [
          { role: 'user', content: [{ text: 'hello' }, { image: { format: 'png', source: { bytes: new Uint8Array([1, 2, 3]) } } }] },
          { role: 'assistant', content: [{ text: 'hi' }] },
          { role: 'user', content: [{ text: 'weather in Paris?' }] },
        ],
        toolConfig,
      }),
    );
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'You are terse.' }]);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hello' }, { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'AQID' }] },
      { role: 'assistant', parts: [{ type: 'text', content: 'hi' }] },
      { role: 'user', parts: [{ type: 'text', content: 'weather in Paris?' }] },
    ]);
    expect(json(span.attributes['gen_ai.tool.definitions'])).toEqual([{ type: 'function', name: 'get_weather' }]);
    const toolUse = output.output.message.content[0].toolUse;
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: toolUse.toolUseId, name: 'get_weather', arguments: { location: 'Paris' } }], finish_reason: 'tool_use' },
    ]);
  });

  it('rebuilds streamed Converse output: text and a tool call from its input deltas', async () => {
    const plain = await bed.client.send(new bed.sdk.ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'hello stream' }] }] }));
    const streamed = (await drain(plain.stream)).map((e: any) => e.contentBlockDelta?.delta?.text ?? '').join('');
    const tool = await bed.client.send(
      new bed.sdk.ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'weather in Paris?' }] }], toolConfig }),
    );
    const events = await drain(tool.stream);
    const id = (events.find((e: any) => e.contentBlockStart) as any).contentBlockStart.start.toolUse.toolUseId;
    const [first, second] = await bed.h.spans();
    expect(json(first.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: streamed }], finish_reason: 'end_turn' }]);
    expect(json(second.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id, name: 'get_weather', arguments: { location: 'Paris' } }], finish_reason: 'tool_use' },
    ]);
  });

  it('records InvokeModel content of an Anthropic model in the Anthropic shapes', async () => {
    const body = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, system: 'Answer briefly.', messages: [{ role: 'user', content: 'hello claude' }] };
    const output = await bed.client.send(new bed.sdk.InvokeModelCommand({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', body: JSON.stringify(body) }));
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Answer briefly.' }]);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'hello claude' }] }]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: text(output.body).content[0].text }], finish_reason: 'end_turn' },
    ]);
  });

  it('records a prompt-style model\'s prompt and generation, streamed too', async () => {
    const body = { prompt: 'hello llama', max_gen_len: 50 };
    const output = await bed.client.send(new bed.sdk.InvokeModelCommand({ modelId: 'meta.llama3-8b-instruct-v1:0', body: JSON.stringify(body) }));
    const stream = await bed.client.send(new bed.sdk.InvokeModelWithResponseStreamCommand({ modelId: 'meta.llama3-8b-instruct-v1:0', body: JSON.stringify(body) }));
    const streamed = (await drain(stream.body)).map((e: any) => text(e.chunk.bytes).generation).join('');
    const [complete, streamedSpan] = await bed.h.spans();
    const input = [{ role: 'user', parts: [{ type: 'text', content: 'hello llama' }] }];
    expect(json(complete.attributes['gen_ai.input.messages'])).toEqual(input);
    expect(json(complete.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: text(output.body).generation }], finish_reason: 'stop' },
    ]);
    expect(json(streamedSpan.attributes['gen_ai.input.messages'])).toEqual(input);
    expect(json(streamedSpan.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: streamed }], finish_reason: 'stop' }]);
  });

  it('never records credentials found in content', async () => {
    await bed.client.send(new bed.sdk.ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'my key is AKIAABCDEFGHIJKLMNOP' }] }] }));
    const [span] = await bed.h.spans();
    expect(String(span.attributes['gen_ai.input.messages'])).not.toContain('AKIAABCDEFGHIJKLMNOP');
  });
});
