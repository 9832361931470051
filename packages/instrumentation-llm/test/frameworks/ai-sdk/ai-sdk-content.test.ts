/**
 * Opt-in content capture for AI SDK model calls: the step's instructions, messages and tools as sent, and the answer
 * of a generate result or of a stream's parts, in the conventions' message shape.
 */
import { describe, expect, it } from 'vitest';
import { generateText, stepCountIs, streamText, tool } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { z } from 'zod';
import { json } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { endedSpans, replySent } from './collection';

const bed = useTestbed(undefined, { config: { captureMessageContent: true } });
const openai = () => createOpenAI({ apiKey: 'test-key', baseURL: `${bed.standIn.url}/v1` });
const weather = tool({
  description: 'weather of a city',
  inputSchema: z.object({ location: z.string() }),
  execute: async ({ location }) => `sunny in ${location}`,
});

describe('content capture', () => {
  it('records each model call of a tool loop: instructions, messages, tools and the answer', async () => {
    await generateText({
      model: openai().chat('gpt-4o-mini'),
      instructions: 'answer briefly',
      prompt: 'what is the weather in Paris',
      tools: { weather },
      stopWhen: stepCountIs(3),
    });
    const [first, second] = await bed.h.spans();
    expect(json(first.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'answer briefly' }]);
    expect(json(first.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'what is the weather in Paris' }] }]);
    expect(json(first.attributes['gen_ai.tool.definitions'])).toEqual([{ type: 'function', name: 'weather' }]);
    const [call] = json(first.attributes['gen_ai.output.messages'])[0].parts;
    expect(json(first.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: call.id, name: 'weather', arguments: '{"location":"Paris"}' }], finish_reason: 'tool_calls' },
    ]);
    expect(json(second.attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'what is the weather in Paris' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: call.id, name: 'weather', arguments: { location: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: call.id, response: 'sunny in Paris' }] },
    ]);
    expect(json(second.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'This is a reply from the tokenpath stand-in about what is the' }], finish_reason: 'stop' },
    ]);
  });

  it('records the answer a stream delivered', async () => {
    const result = streamText({ model: openai().chat('gpt-4o-mini'), prompt: 'tell me about streams' });
    await result.consumeStream();
    const [span] = await bed.h.spans();
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: await result.text }], finish_reason: 'stop' },
    ]);
  });

  it("records no content of a call whose telemetry settings withhold it", async () => {
    await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'a secret question', telemetry: { recordInputs: false } });
    const [span] = await bed.h.spans();
    expect(JSON.stringify(span.attributes)).not.toContain('a secret question');
  });
});

describe('content capture of an abandoned stream', () => {
  it('records the answer the AI SDK had read when the app broke out of textStream and dropped the result', async () => {
    const first = async () => {
      for await (const delta of streamText({ model: openai().chat('slow'), prompt: 'tell me about streams' }).textStream) return delta;
    };
    expect(await first()).toBe('This');
    await replySent(bed.standIn, 1);
    const [span] = await endedSpans(bed.h, { collect: true });
    expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'This is a reply from the tokenpath stand-in about tell me about' }], finish_reason: 'stop' },
    ]);
  });
});
