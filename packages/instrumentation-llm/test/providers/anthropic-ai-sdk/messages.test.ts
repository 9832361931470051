import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { tokenTotal } from '../../support/harness';
import { drain, expectFailedCall, expectFailedSpan, expectTokenTotals, pointCount, thrown, PRICED } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { MODEL, inputOf, messages, anthropicClient } from './support';

const bed = useTestbed(anthropicClient);
const weatherTool = { name: 'get_weather', description: 'Weather of a city', input_schema: { type: 'object', properties: { location: { type: 'string' } } } };
const cachedSystem = [{ type: 'text', text: 'You are a careful assistant for the tokenpath tests', cache_control: { type: 'ephemeral' } }];

describe('messages.create', () => {
  it('records the exact attribute set of a non-streamed call', async () => {
    const result = await bed.client.messages.create({
      model: MODEL,
      max_tokens: 50,
      messages,
      temperature: 0.2,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
    });
    const [span] = await bed.h.spans();
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    const usage = bed.standIn.served[0].usage!;
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': MODEL,
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.response.id': result.id,
      'gen_ai.response.model': `${MODEL}-2024-07-18`,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': usage.input_tokens,
      'gen_ai.usage.output_tokens': usage.output_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('counts cache writes and then cache reads into the input tokens, and states each apart', async () => {
    const request = { model: MODEL, max_tokens: 50, system: cachedSystem, messages };
    await bed.client.messages.create(request);
    await bed.client.messages.create(request);
    const [write, read] = (await bed.h.spans()).map((s) => s.attributes);
    const [first, second] = bed.standIn.served.map((s) => s.usage!);
    expect(first.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(second.cache_read_input_tokens).toBeGreaterThan(0);
    expect(write).toMatchObject({
      'gen_ai.usage.input_tokens': first.input_tokens + first.cache_creation_input_tokens,
      'gen_ai.usage.cache_creation.input_tokens': first.cache_creation_input_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
    });
    expect(read).toMatchObject({
      'gen_ai.usage.input_tokens': second.input_tokens + second.cache_read_input_tokens,
      'gen_ai.usage.cache_read.input_tokens': second.cache_read_input_tokens,
      'gen_ai.usage.cache_creation.input_tokens': 0,
    });
    // The wire's input_tokens leaves the cached part out; the conventions' count does not.
    expect(write['gen_ai.usage.input_tokens']).toBe(read['gen_ai.usage.input_tokens']);
    expect(first.input_tokens).toBeLessThan(write['gen_ai.usage.input_tokens'] as number);
  });

  it('records one duration point and exact input and output token points per call', async () => {
    await bed.client.messages.create({ model: MODEL, max_tokens: 50, system: cachedSystem, messages });
    await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: 'user', content: 'a b c d e f g' }] });
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(2);
    const served = bed.standIn.served.map((s) => s.usage!);
    const tokens = await expectTokenTotals(bed.h, {
      input: inputOf(served[0]) + inputOf(served[1]),
      output: served[0].output_tokens + served[1].output_tokens,
    });
    expect(pointCount(tokens)).toBe(4);
    expect(tokens[0].attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': MODEL,
      'gen_ai.response.model': `${MODEL}-2024-07-18`,
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.token.type': tokens[0].attributes['gen_ai.token.type'],
    });
  });

  it('records thinking tokens as reasoning tokens, part of the output tokens', async () => {
    const r = await bed.client.messages.create({ model: MODEL, max_tokens: 50, thinking: { type: 'enabled', budget_tokens: 1024 }, messages });
    expect(r.content[0].type).toBe('thinking');
    const [span] = await bed.h.spans();
    const usage = bed.standIn.served[0].usage!;
    expect(usage.output_tokens_details.thinking_tokens).toBe(2);
    expect(span.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(2);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(usage.output_tokens);
  });

  it.each([
    ['tool_use', { model: MODEL, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }] }],
    ['max_tokens', { model: MODEL, max_tokens: 3 }],
    ['stop_sequence', { model: MODEL, stop_sequences: ['reply'] }],
    ['refusal', { model: 'claude-refusal' }],
    ['pause_turn', { model: 'claude-pause-turn' }],
  ])('reports the stop_reason %s as the finish reason', async (reason, request) => {
    const r = await bed.client.messages.create({ max_tokens: 50, messages, ...request });
    expect(r.stop_reason).toBe(reason);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual([reason]);
  });

  it('records json as the output type of a structured-output request', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };
    const r = await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages, output_config: { format: { type: 'json_schema', schema } } });
    expect(JSON.parse(r.content[0].text)).toEqual({ answer: 'stand-in' });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.output.type']).toBe('json');
  });
});

describe('messages.create with stream: true', () => {
  it('takes usage from message_start and message_delta, the last statement of each count winning', async () => {
    const system = [{ type: 'text', text: 'A prompt of its own for the streamed cache write', cache_control: { type: 'ephemeral' } }];
    const stream = await bed.client.messages.create({ model: MODEL, max_tokens: 50, system, messages, stream: true });
    const events = await drain(stream);
    const start = events.find((e) => e.type === 'message_start').message.usage;
    const delta = events.find((e) => e.type === 'message_delta').usage;
    // The stand-in restates the input and cache counts in message_delta, as newer API versions do.
    expect(delta.input_tokens).toBe(start.input_tokens);
    expect(delta.cache_creation_input_tokens).toBeGreaterThan(0);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    const { 'gen_ai.response.time_to_first_chunk': ttfc, ...attributes } = spans[0].attributes;
    expect(attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': MODEL,
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': events[0].message.id,
      'gen_ai.response.model': `${MODEL}-2024-07-18`,
      'gen_ai.response.finish_reasons': ['end_turn'],
      // never a sum of the two statements
      'gen_ai.usage.input_tokens': delta.input_tokens + delta.cache_creation_input_tokens,
      'gen_ai.usage.cache_creation.input_tokens': delta.cache_creation_input_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.output_tokens': delta.output_tokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(ttfc).toBeGreaterThan(0);
    await expectTokenTotals(bed.h, { input: delta.input_tokens + delta.cache_creation_input_tokens, output: delta.output_tokens });
    expect((await bed.h.points('gen_ai.client.operation.time_to_first_chunk'))[0].count).toBe(1);
  });

  it('records a streamed tool call with thinking: finish reason tool_use and the reasoning tokens', async () => {
    const stream = await bed.client.messages.create({ model: 'claude-thinking-5', max_tokens: 50, tools: [weatherTool], messages: [{ role: 'user', content: 'weather in Paris?' }], stream: true });
    const events = await drain(stream);
    expect(events.filter((e) => e.type === 'content_block_start').map((e) => e.content_block.type)).toEqual(['thinking', 'tool_use']);
    const [span] = await bed.h.spans();
    const usage = bed.standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'gen_ai.response.finish_reasons': ['tool_use'],
      'gen_ai.usage.output_tokens': usage.output_tokens,
      'gen_ai.usage.reasoning.output_tokens': 2,
    });
  });

  it('ends the span once when the consumer breaks out early, with the usage stated so far', async () => {
    const stream = await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages, stream: true });
    let first: any;
    for await (const event of stream) {
      first = event;
      break;
    }
    expect(first.type).toBe('message_start');
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(first.message.usage.output_tokens);
    expect(spans[0].attributes['gen_ai.response.finish_reasons']).toBeUndefined();
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('reports an aborted stream as cancelled with the events seen so far', async () => {
    const stream = await bed.client.messages.create({ model: 'stream-hang', max_tokens: 50, messages, stream: true });
    const events: unknown[] = [];
    for await (const event of stream) {
      events.push(event);
      stream.controller.abort();
    }
    expect(events).toHaveLength(1);
    await expectFailedSpan(bed.h, 'AbortError', ['error']);
  });

  it('fails the span when the stream sends an error event, and the caller still gets the SDK error', async () => {
    const stream = await bed.client.messages.create({ model: 'stream-error', max_tokens: 50, messages, stream: true });
    let seen = 0;
    const error = await thrown(async () => {
      for await (const _ of stream) seen++;
    });
    expect(error).toBeInstanceOf(bed.sdk.APIError);
    expect(error.error.error.type).toBe('overloaded_error');
    expect(seen).toBeGreaterThan(0);
    await expectFailedCall(bed.h, 'APIError', ['error']);
    // message_start stated the input: it was used, and is metered.
    expect(tokenTotal(await bed.h.points('gen_ai.client.token.usage'), 'input')).toBeGreaterThan(0);
  });

  it('does not prevent usage of tee', async () => {
    const stream = await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages, stream: true });
    const [left, right] = stream.tee();
    const [a, b] = await Promise.all([drain(left), drain(right)]);
    expect(a).toEqual(b);
    expect(a.length).toBeGreaterThan(3);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.output_tokens);
  });

  it('hands back the SDK stream object itself', async () => {
    const stream = await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages, stream: true });
    const { Stream } = bed.h.load('@anthropic-ai/sdk/streaming');
    expect(stream).toBeInstanceOf(Stream);
    expect(stream.controller).toBeInstanceOf(AbortController);
    await drain(stream);
  });
});

describe('the APIPromise', () => {
  it('keeps withResponse() and asResponse() working', async () => {
    const { data, response, request_id } = await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages }).withResponse();
    expect(data.content[0].text).toContain('stand-in');
    expect(response.status).toBe(200);
    expect(request_id).toMatch(/^req_standin/);
    const raw = await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages }).asResponse();
    expect((await raw.json()).type).toBe('message');
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(2);
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBe(inputOf(bed.standIn.served[0].usage!));
    // asResponse() alone never parses the body: the operation ends at the raw response, without usage.
    expect(spans[1].attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  it.each([
    [429, 'RateLimitError'],
    [529, 'OverloadedError'],
    [400, 'BadRequestError'],
    [500, 'InternalServerError'],
  ])('reports an HTTP %i with error.type %s and no token points, and the caller gets that error', async (status, errorClass) => {
    const error = await bed.client.messages.create({ model: `error-${status}`, max_tokens: 50, messages }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(bed.sdk[errorClass]);
    expect(error.status).toBe(status);
    expect(error.error.type).toBe('error');
    await expectFailedCall(bed.h, errorClass, undefined);
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it('keeps the SDK retries inside one span', async () => {
    const retrying = new bed.sdk.Anthropic({ apiKey: 'k', baseURL: bed.standIn.url, maxRetries: 2 });
    const before = bed.standIn.requests.length;
    await expect(retrying.messages.create({ model: 'error-429', max_tokens: 50, messages })).rejects.toBeInstanceOf(bed.sdk.RateLimitError);
    expect(bed.standIn.requests.length - before).toBe(3);
    expect(await bed.h.spans()).toHaveLength(1);
  });

  it('never puts the API key into telemetry', async () => {
    await expect(bed.client.messages.create({ model: 'error-401', max_tokens: 50, messages })).rejects.toThrow();
    const [span] = await bed.h.spans();
    expect(JSON.stringify({ a: span.attributes, s: span.status, e: span.events })).not.toContain('sk-ant-test-secret-key');
  });
});

describe('calls that are not inference', () => {
  it('records no span and no metrics for messages.countTokens', async () => {
    const count = await bed.client.messages.countTokens({ model: MODEL, messages });
    expect(count).toEqual({ input_tokens: 5 });
    expect(await bed.h.spans()).toEqual([]);
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
    expect(await bed.h.points('gen_ai.client.operation.duration')).toEqual([]);
  });

  it('records no span and no metrics for messages.batches (asynchronous jobs, not metered; see README)', async () => {
    const before = bed.standIn.requests.length;
    await bed.client.messages.batches
      .create({ requests: [{ custom_id: 'a', params: { model: MODEL, max_tokens: 50, messages } }] })
      .catch(() => {});
    expect(bed.standIn.requests.at(-1)?.path, 'the batch request reached the server').toBe('/v1/messages/batches');
    expect(bed.standIn.requests.length).toBe(before + 1);
    expect(await bed.h.spans()).toEqual([]);
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
    expect(await bed.h.points('gen_ai.client.operation.duration')).toEqual([]);
  });
});

describe('disable()', () => {
  it('stops recording and unpatches, and enable() patches again', async () => {
    bed.h.instrumentation.disable();
    expect(bed.sdk.Anthropic.Messages.prototype.create.__wrapped).toBeUndefined();
    await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages });
    expect(await bed.h.spans()).toHaveLength(0);
    bed.h.instrumentation.enable();
    await bed.client.messages.create({ model: MODEL, max_tokens: 50, messages });
    expect(await bed.h.spans()).toHaveLength(1);
  });
});
