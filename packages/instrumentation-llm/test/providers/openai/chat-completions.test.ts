import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { expectFailedCall, expectFailedSpan, expectTokenTotals, pointCount, thrown, PRICED } from '../../support/helpers';
import { openaiClient, useTestbed } from '../../support/testbed';
import { ANSWER_RESPONSE_FORMAT, callAttributes, SAMPLING_ATTRIBUTES } from '../../support/behaviour';

const bed = useTestbed(openaiClient);
const messages = [{ role: 'user', content: 'tell me about tokens please' }];

describe('chat.completions.create', () => {
  it('records the exact attribute set of a non-streamed call', async () => {
    const result = await bed.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 50,
      seed: 7,
      stop: 'END',
      frequency_penalty: 0.1,
      presence_penalty: 0.3,
      service_tier: 'flex',
      prompt_cache_key: 'k1',
    });
    const [span] = await bed.h.spans();
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    const usage = bed.standIn.served[0].usage!;
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'chat', 'openai', 'gpt-4o-mini'),
      ...SAMPLING_ATTRIBUTES,
      'openai.request.service_tier': 'flex',
      'openai.api.type': 'chat_completions',
      'gen_ai.response.id': result.id,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'openai.response.service_tier': 'flex',
      'openai.response.system_fingerprint': 'fp_standin01',
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': usage.prompt_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(usage.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records one duration point and exact input and output token points per call', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'a b c d e f g' }] });
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(2);
    const served = bed.standIn.served.map((s) => s.usage!);
    const tokens = await expectTokenTotals(bed.h, {
      input: served[0].prompt_tokens + served[1].prompt_tokens,
      output: served[0].completion_tokens + served[1].completion_tokens,
    });
    expect(tokens[0].attributes).toEqual({
      ...callAttributes(bed.standIn, 'chat', 'openai', 'gpt-4o-mini'),
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.token.type': tokens[0].attributes['gen_ai.token.type'],
    });
  });

  it('records reasoning tokens as part of the output tokens', async () => {
    await bed.client.chat.completions.create({ model: 'o4-mini', messages });
    const [span] = await bed.h.spans();
    const usage = bed.standIn.served[0].usage!;
    expect(span.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(2);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(usage.completion_tokens);
  });

  it('reports one finish reason per choice and the choice count for n > 1', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 2 });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.request.choice.count']).toBe(2);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop', 'stop']);
  });

  it('reports tool_calls as the finish reason of a tool call', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
    const r = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'weather in Paris?' }], tools });
    expect(r.choices[0].message.tool_calls[0].function.name).toBe('get_weather');
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
  });

  it('records json as the output type of a structured-output request', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, response_format: { type: 'json_object' } });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.output.type']).toBe('json');
  });
});

describe('chat.completions.create with stream: true', () => {
  it('records usage from the final chunk when include_usage is set', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('stand-in');
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    const usage = bed.standIn.served[0].usage!;
    expect(spans[0].attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
    });
    expect(spans[0].attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect((await bed.h.points('gen_ai.client.operation.time_to_first_chunk'))[0].count).toBe(1);
  });

  it('records no usage and no token points when the stream carries none', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    for await (const _ of stream);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it('interleaves n = 2 streamed choices into one finish reason each', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 2, stream: true, stream_options: { include_usage: true } });
    for await (const _ of stream);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop', 'stop']);
  });

  it('ends the span once when the consumer breaks out early', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    let n = 0;
    for await (const _ of stream) if (++n === 2) break;
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('reports an aborted stream as cancelled with the chunks seen so far', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'stream-hang', messages, stream: true });
    const chunks: unknown[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      stream.controller.abort();
    }
    expect(chunks).toHaveLength(1);
    await expectFailedSpan(bed.h, 'AbortError', ['error']);
  });

  it('fails the span when the stream errors mid-way, and the caller still gets the SDK error', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'stream-error', messages, stream: true });
    let seen = 0;
    const error = await thrown(async () => {
      for await (const _ of stream) seen++;
    });
    expect(error).toBeInstanceOf(bed.sdk.APIError);
    expect(seen).toBeGreaterThan(0);
    await expectFailedCall(bed.h, 'APIError', ['error']);
  });

  it('does not prevent usage of tee', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    const [left, right] = stream.tee();
    const read = async (s: any) => {
      let text = '';
      for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
      return text;
    };
    const [a, b] = await Promise.all([read(left), read(right)]);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(0);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.completion_tokens);
  });

  it('does not prevent usage of toReadableStream', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const reader = stream.toReadableStream().getReader();
    let bytes = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.length;
    }
    expect(bytes).toBeGreaterThan(0);
    expect(await bed.h.spans()).toHaveLength(1);
  });

  it('hands back the SDK stream object itself', async () => {
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
    const { Stream } = bed.h.load('openai/streaming');
    expect(stream).toBeInstanceOf(Stream);
    expect(stream.controller).toBeInstanceOf(AbortController);
    for await (const _ of stream);
  });
});

describe('the APIPromise', () => {
  it('keeps withResponse() and asResponse() working', async () => {
    const { data, response, request_id } = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    expect(data.choices[0].message.content).toContain('stand-in');
    expect(response.status).toBe(200);
    expect(request_id).toBeTruthy();
    const raw = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
    expect((await raw.json()).object).toBe('chat.completion');
    const spans = await bed.h.spans();
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBe(bed.standIn.served[0].usage!.prompt_tokens);
  });

  it('reports an HTTP 429 with error.type and no token points, and the caller gets RateLimitError', async () => {
    await expect(bed.client.chat.completions.create({ model: 'error-429', messages })).rejects.toBeInstanceOf(bed.sdk.RateLimitError);
    await expectFailedCall(bed.h, 'RateLimitError', undefined);
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it('keeps the SDK retries inside one span', async () => {
    const retrying = new bed.sdk({ apiKey: 'k', baseURL: `${bed.standIn.url}/v1`, maxRetries: 2 });
    const before = bed.standIn.requests.length;
    await expect(retrying.chat.completions.create({ model: 'error-500', messages })).rejects.toBeInstanceOf(bed.sdk.InternalServerError);
    expect(bed.standIn.requests.length - before).toBe(3);
    expect(await bed.h.spans()).toHaveLength(1);
  });

  it('never puts the API key into telemetry', async () => {
    await expect(bed.client.chat.completions.create({ model: 'error-401', messages })).rejects.toThrow();
    const [span] = await bed.h.spans();
    expect(JSON.stringify({ a: span.attributes, s: span.status, e: span.events })).not.toContain('sk-test-secret-key');
  });
});

describe('the helpers that end in create()', () => {
  it('keeps chat.completions.parse() working (no "Body is unusable")', async () => {
    const result = await bed.client.chat.completions.parse({
      model: 'gpt-4o-mini',
      messages,
      response_format: ANSWER_RESPONSE_FORMAT,
    });
    expect(result.choices[0].message.parsed).toEqual({ answer: 'stand-in' });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.output.type']).toBe('json');
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.completion_tokens);
  });

  it('keeps chat.completions.stream() events and finalChatCompletion() working', async () => {
    const runner = bed.client.chat.completions.stream({ model: 'gpt-4o-mini', messages, stream_options: { include_usage: true } });
    let deltas = 0;
    runner.on('content.delta', () => deltas++);
    const final = await runner.finalChatCompletion();
    expect(deltas).toBeGreaterThan(0);
    expect(final.choices[0].message.content).toContain('stand-in');
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBe(bed.standIn.served[0].usage!.prompt_tokens);
  });

  it('records one span per API call of runTools()', async () => {
    const runner = bed.client.chat.completions.runTools({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} }, function: () => 'sunny', parse: JSON.parse } }],
    });
    const content = await runner.finalContent();
    expect(content).toContain('stand-in');
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['tool_calls'], ['stop']]);
  });
});

describe('content capture', () => {
  it('records no content by default', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const [span] = await bed.h.spans();
    expect(Object.keys(span.attributes).filter((k) => k.includes('messages') || k.includes('instructions'))).toEqual([]);
  });
});

describe('disable()', () => {
  it('stops recording and unpatches, and enable() patches again', async () => {
    bed.h.instrumentation.disable();
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(await bed.h.spans()).toHaveLength(0);
    bed.h.instrumentation.enable();
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(await bed.h.spans()).toHaveLength(1);
  });
});

describe('asResponse() alone', () => {
  it('ends the operation when the raw response arrives, since no parsed result will follow', async () => {
    const raw = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
    expect(raw.status).toBe(200);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect((await raw.json()).object).toBe('chat.completion');
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('is watched on the SDK promise class, not on each promise, and disable() puts the SDK method back', async () => {
    const p = bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    // No own property per promise: the SDK reads every APIPromise with one shape.
    expect(Object.getOwnPropertyNames(p)).not.toContain('asResponse');
    const prototype = Object.getPrototypeOf(p) as { asResponse: unknown };
    const watching = prototype.asResponse;
    await p;
    bed.h.instrumentation.disable();
    expect(prototype.asResponse).not.toBe(watching);
    expect(String(prototype.asResponse)).not.toContain('asResponseCalled');
    bed.h.instrumentation.enable();
    // Watched again from the first call after enable(): asResponse() alone still ends its operation.
    const raw = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages }).asResponse();
    expect(raw.status).toBe(200);
    expect(prototype.asResponse).not.toBe(watching);
    expect(String(prototype.asResponse)).toContain('asResponseCalled');
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(2);
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(2);
  });

  it('still records usage when the caller awaits the promise after taking the raw response with withResponse()', async () => {
    const p = bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const { data } = await p.withResponse();
    expect(data.object).toBe('chat.completion');
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(bed.standIn.served[0].usage!.prompt_tokens);
  });
});
