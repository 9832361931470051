/**
 * The SDK's helpers that end in `messages.create()`: `messages.stream()` (its events, `finalMessage()`,
 * `abort()`), `messages.parse()`, `beta.messages.*` and the beta tool runner. Each API call is one span.
 */
import { describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { useTestbed } from '../../support/testbed';
import { MODEL, inputOf, messages, anthropicClient } from './support';

const bed = useTestbed(anthropicClient);
const answerSchema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

describe('messages.stream()', () => {
  it('keeps its events and finalMessage() working, and records one span with the final usage', async () => {
    const stream = bed.client.messages.stream({ model: MODEL, max_tokens: 50, messages });
    let text = '';
    const seen: string[] = [];
    stream.on('text', (delta: string) => (text += delta));
    stream.on('streamEvent', (event: any) => seen.push(event.type));
    stream.on('connect', () => seen.push('connect'));
    const final = await stream.finalMessage();
    expect(final.content[0].text).toBe(text);
    expect(seen[0]).toBe('connect');
    expect(seen.at(-1)).toBe('message_stop');
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    const usage = bed.standIn.served[0].usage!;
    expect(final.usage.output_tokens).toBe(usage.output_tokens);
    expect(spans[0].attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.id': final.id,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': inputOf(usage),
      'gen_ai.usage.output_tokens': usage.output_tokens,
    });
  });

  it('keeps abort() working: the helper rejects as aborted and the span ends as cancelled', async () => {
    const stream = bed.client.messages.stream({ model: 'stream-hang', max_tokens: 50, messages });
    stream.on('streamEvent', () => stream.abort());
    const outcome = await stream.finalMessage().then(
      () => 'resolved',
      (e: unknown) => e,
    );
    expect(outcome).toBeInstanceOf(bed.sdk.APIUserAbortError);
    expect(stream.aborted).toBe(true);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(spans[0].attributes['error.type']).toBe('AbortError');
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('passes an HTTP error on to the helper and records it once', async () => {
    const stream = bed.client.messages.stream({ model: 'error-529', max_tokens: 50, messages });
    const errors: unknown[] = [];
    stream.on('error', (e: unknown) => errors.push(e));
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(bed.sdk.OverloadedError);
    expect(errors).toHaveLength(1);
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe('OverloadedError');
  });
});

describe('messages.parse()', () => {
  it('keeps parsed_output working and records json as the output type', async () => {
    const message = await bed.client.messages.parse({
      model: MODEL,
      max_tokens: 50,
      messages,
      output_config: { format: { type: 'json_schema', schema: answerSchema } },
    });
    expect(message.parsed_output).toEqual({ answer: 'stand-in' });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.output.type']).toBe('json');
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.output_tokens);
  });
});

describe('beta.messages', () => {
  it('meters beta.messages.create like messages.create', async () => {
    const message = await bed.client.beta.messages.create({ model: MODEL, max_tokens: 50, messages, betas: ['context-1m-2025-08-07'] });
    expect(bed.standIn.requests.at(-1)!.headers['anthropic-beta']).toBe('context-1m-2025-08-07');
    const [span] = await bed.h.spans();
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.id': message.id,
      'gen_ai.usage.input_tokens': inputOf(bed.standIn.served[0].usage!),
    });
  });

  it('keeps beta.messages.stream() working with one span', async () => {
    const final = await bed.client.beta.messages.stream({ model: MODEL, max_tokens: 50, messages }).finalMessage();
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.response.id']).toBe(final.id);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(final.usage.output_tokens);
  });

  it('records one span per API call of the tool runner', async () => {
    const { betaTool } = bed.h.load('@anthropic-ai/sdk/helpers/beta/json-schema');
    const calls: unknown[] = [];
    const weather = betaTool({
      name: 'get_weather',
      description: 'Weather of a city',
      inputSchema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
      run: async (input: unknown) => {
        calls.push(input);
        return 'sunny';
      },
    });
    const final = await bed.client.beta.messages.toolRunner({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'weather in Paris?' }], tools: [weather] });
    expect(calls).toEqual([{ location: 'Paris' }]);
    expect(final.stop_reason).toBe('end_turn');
    const spans = (await bed.h.spans()).filter((s) => s.name.startsWith('chat '));
    expect(spans.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['tool_use'], ['end_turn']]);
  });
});
