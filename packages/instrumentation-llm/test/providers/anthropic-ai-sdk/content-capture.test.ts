import { describe, expect, it } from 'vitest';
import { json } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { MODEL, anthropicClient } from './support';

const bed = useTestbed(anthropicClient, { config: { captureMessageContent: true } });
const tools = [
  { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { location: { type: 'string' } } } },
  { type: 'web_search_20250305', name: 'web_search', max_uses: 1 },
];
const system = [{ type: 'text', text: 'Answer briefly.' }];
const messages = [
  { role: 'user', content: [{ type: 'text', text: 'weather in Paris?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }] },
];

const EXPECTED_INPUT = [
  {
    role: 'user',
    parts: [
      { type: 'text', content: 'weather in Paris?' },
      { type: 'blob', modality: 'image', mime_type: 'image/png', content: 'iVBORw0KGgo=' },
    ],
  },
];

describe('content capture (opted in)', () => {
  it('records system instructions, input and output messages and tool definitions in the conventions’ shape', async () => {
    const r = await bed.client.messages.create({ model: MODEL, max_tokens: 50, system, messages, tools });
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Answer briefly.' }]);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual(EXPECTED_INPUT);
    expect(json(span.attributes['gen_ai.tool.definitions'])).toEqual([
      { type: 'function', name: 'get_weather' },
      { type: 'web_search_20250305', name: 'web_search' },
    ]);
    const call = r.content[0];
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: call.id, name: 'get_weather', arguments: { location: 'Paris' } }], finish_reason: 'tool_use' },
    ]);
  });

  it('records a tool result and the streamed answer with its thinking, accumulated from the deltas', async () => {
    const history = [
      ...messages,
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'sunny' }] },
    ];
    const stream = await bed.client.messages.create({ model: 'claude-thinking-5', max_tokens: 50, system: 'Be brief.', messages: history, tools, stream: true });
    let text = '';
    for await (const event of stream) if (event.delta?.type === 'text_delta') text += event.delta.text;
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'Be brief.' }]);
    expect(json(span.attributes['gen_ai.input.messages'])).toEqual([
      ...EXPECTED_INPUT,
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'toolu_1', name: 'get_weather', arguments: { location: 'Paris' } }] },
      { role: 'user', parts: [{ type: 'tool_call_response', id: 'toolu_1', response: 'sunny' }] },
    ]);
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Considering carefully' },
          { type: 'text', content: text },
        ],
        finish_reason: 'end_turn',
      },
    ]);
  });

  it('records a streamed tool call with its arguments parsed', async () => {
    const stream = await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages, tools, stream: true });
    for await (const _ of stream);
    const [span] = await bed.h.spans();
    const [output] = json(span.attributes['gen_ai.output.messages']) as any[];
    expect(output.parts).toEqual([{ type: 'tool_call', id: expect.stringMatching(/^toolu_/), name: 'get_weather', arguments: { location: 'Paris' } }]);
  });
});

describe('content capture (default)', () => {
  it('records no content when the user did not opt in', async () => {
    bed.h.instrumentation.setConfig({});
    try {
      await bed.client.messages.create({ model: MODEL, max_tokens: 50, system, messages, tools });
    } finally {
      bed.h.instrumentation.setConfig({ captureMessageContent: true });
    }
    const [span] = await bed.h.spans();
    expect(Object.keys(span.attributes).filter((k) => /messages|instructions|definitions/.test(k))).toEqual([]);
  });
});
