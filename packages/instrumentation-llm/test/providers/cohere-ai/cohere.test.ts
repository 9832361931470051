/**
 * The `cohere-ai` v2 client (`CohereClientV2`) against the stand-in's Cohere v2 API: chat, chatStream and embed, the
 * billed (not consumed) token counts, the behaviour matrix, exact attribute sets, transparency.
 */
import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { callAttributes, expectAbortAtFirstItem, expectEarlyBreakEndsOnce, expectHttpErrorCall, expectNoContent, expectNothingWhileDisabled, expectConsumedStreamSpan, expectStreamFailsMidway, expectTransparent, SAMPLING_ATTRIBUTES, seenOnOwnStandIn, withContentCapture } from '../../support/behaviour';
import { DURATION, expectTokenTotals, json, onlySpan, pointCount, thrown, PRICED } from '../../support/helpers';
import type { StandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';

const MODEL = 'command-a-03-2025';
const cohereClient = {
  module: 'cohere-ai',
  client: (sdk: any, standIn: StandIn) => new sdk.CohereClientV2({ token: 'co-test-secret-key', environment: standIn.url, maxRetries: 0 }),
};
const bed = useTestbed(cohereClient);
const messages = [{ role: 'user', content: 'tell me about tokens please' }];
/** What the stand-in billed for its i-th answer. */
const billed = (i = 0): { input_tokens: number; output_tokens: number } => bed.standIn.served[i].usage!.billed_units;

describe('chat', () => {
  it('records the exact attribute set of a non-streamed call, with the billed token counts', async () => {
    const r = await bed.client.chat({
      model: MODEL,
      messages,
      temperature: 0.2,
      p: 0.9,
      k: 40,
      maxTokens: 50,
      seed: 7,
      stopSequences: ['END'],
      frequencyPenalty: 0.1,
      presencePenalty: 0.3,
      responseFormat: { type: 'json_object' },
    });
    expect(r.message.content[0].text).toBe('{"answer":"stand-in"}');
    const span = await onlySpan(bed.h);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'chat', 'cohere', MODEL),
      ...SAMPLING_ATTRIBUTES,
      'gen_ai.request.top_k': 40,
      'gen_ai.output.type': 'json',
      'gen_ai.response.id': r.id,
      'gen_ai.response.finish_reasons': ['COMPLETE'],
      'gen_ai.usage.input_tokens': r.usage.billedUnits.inputTokens,
      'gen_ai.usage.output_tokens': r.usage.billedUnits.outputTokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    // The consumed counts differ (the prompt template, the end token): the billed ones are metered.
    expect(r.usage.tokens.inputTokens).toBeGreaterThan(r.usage.billedUnits.inputTokens);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records one duration point and exact billed token points per call', async () => {
    await bed.client.chat({ model: MODEL, messages });
    await bed.client.chat({ model: MODEL, messages: [{ role: 'user', content: 'a b c d e f g' }] });
    expect(pointCount(await bed.h.points(DURATION))).toBe(2);
    const tokens = await expectTokenTotals(bed.h, {
      input: billed(0).input_tokens + billed(1).input_tokens,
      output: billed(0).output_tokens + billed(1).output_tokens,
    });
    expect(tokens.map((p) => p.attributes)).toContainEqual({
      ...callAttributes(bed.standIn, 'chat', 'cohere', MODEL),
      'gen_ai.token.type': 'input',
    });
  });

  it('reports TOOL_CALL and MAX_TOKENS as Cohere states them', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
    const r = await bed.client.chat({ model: MODEL, messages: [{ role: 'user', content: 'weather in Paris?' }], tools });
    expect(r.message.toolCalls[0].function.name).toBe('get_weather');
    await bed.client.chat({ model: MODEL, messages, maxTokens: 2 });
    const [tool, cut] = await bed.h.spans();
    expect(tool.attributes['gen_ai.response.finish_reasons']).toEqual(['TOOL_CALL']);
    expect(cut.attributes['gen_ai.response.finish_reasons']).toEqual(['MAX_TOKENS']);
    expect(cut.attributes['gen_ai.usage.output_tokens']).toBe(2);
  });

  it('keeps withRawResponse() working', async () => {
    const { data, rawResponse } = await bed.client.chat({ model: MODEL, messages }).withRawResponse();
    expect(data.finishReason).toBe('COMPLETE');
    expect(rawResponse.status).toBe(200);
    expect((await onlySpan(bed.h)).attributes['gen_ai.usage.input_tokens']).toBe(billed().input_tokens);
  });
});

describe('chatStream', () => {
  it('records the exact attribute set of a consumed stream, with the billed counts of message-end', async () => {
    const stream = await bed.client.chatStream({ model: MODEL, messages });
    let text = '';
    let id = '';
    for await (const event of stream) {
      if (event.type === 'message-start') id = event.id;
      if (event.type === 'content-delta') text += event.delta.message.content.text;
    }
    expect(text).toContain('stand-in');
    await expectConsumedStreamSpan(bed.h, {
      ...callAttributes(bed.standIn, 'chat', 'cohere', MODEL),
      'gen_ai.request.stream': true,
      'gen_ai.response.id': id,
      'gen_ai.response.finish_reasons': ['COMPLETE'],
      'gen_ai.usage.input_tokens': billed().input_tokens,
      'gen_ai.usage.output_tokens': billed().output_tokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
  });

  it('ends the span once, without usage, when the consumer breaks out early', async () => {
    await expectEarlyBreakEndsOnce(bed.h, await bed.client.chatStream({ model: MODEL, messages }));
  });

  it('reports a stream aborted through its abortSignal as AbortError', async () => {
    const controller = new AbortController();
    const stream = await bed.client.chatStream({ model: 'stream-hang', messages }, { abortSignal: controller.signal });
    await expectAbortAtFirstItem(bed.h, stream, () => controller.abort());
  });

  it('fails the span when the connection drops mid-stream, and the caller still gets the error', async () => {
    const { error } = await expectStreamFailsMidway(bed.h, await bed.client.chatStream({ model: 'stream-error', messages }));
    expect(error).toBeInstanceOf(Error);
  });
});

describe('embed', () => {
  it('records the vector length and the billed input tokens', async () => {
    const r = await bed.client.embed({ model: 'embed-v4.0', texts: ['one two three', 'four'], inputType: 'search_document', embeddingTypes: ['float'] });
    expect(r.embeddings.float).toHaveLength(2);
    const span = await onlySpan(bed.h);
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'embeddings', 'cohere', 'embed-v4.0'),
      'gen_ai.response.id': r.id,
      'gen_ai.embeddings.dimension.count': 8,
      'gen_ai.usage.input_tokens': 4,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
  });
});

describe('errors and switches', () => {
  it('reports HTTP errors with the SDK error class and no token points', async () => {
    for (const [model, type] of [['error-429', 'TooManyRequestsError'], ['error-500', 'InternalServerError']] as const) {
      const error = await thrown(() => bed.client.chat({ model, messages }));
      expect(error.constructor.name).toBe(type);
      await expectHttpErrorCall(bed.h, type);
      await bed.h.reset();
    }
  });

  it('never puts the API key into telemetry', async () => {
    await expect(bed.client.chat({ model: 'error-401', messages })).rejects.toThrow();
    const span = await onlySpan(bed.h);
    expect(JSON.stringify({ a: span.attributes, s: span.status, e: span.events })).not.toContain('co-test-secret-key');
  });

  it('records nothing while disabled, and the call still works', async () => {
    await expectNothingWhileDisabled(bed.h, async () => {
      const r = await bed.client.chat({ model: MODEL, messages });
      expect(r.finishReason).toBe('COMPLETE');
    });
  });

  it('records no content by default', async () => {
    await bed.client.chat({ model: MODEL, messages });
    expectNoContent([await onlySpan(bed.h)]);
  });

  it('records input and output messages, streamed tool calls included, when content capture is on', async () => {
    await withContentCapture(bed.h, async () => {
      const r = await bed.client.chat({ model: MODEL, messages });
      const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
      for await (const _ of await bed.client.chatStream({ model: MODEL, messages: [{ role: 'user', content: 'weather in Paris?' }], tools }));
      const [plain, streamed] = await bed.h.spans();
      expect(json(plain.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: messages[0].content }] }]);
      expect(json(plain.attributes['gen_ai.output.messages'])).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: r.message.content[0].text }], finish_reason: 'COMPLETE' },
      ]);
      const [call] = json(streamed.attributes['gen_ai.output.messages'])[0].parts;
      expect(call).toEqual({ type: 'tool_call', id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: { location: 'Paris' } });
      expect(json(streamed.attributes['gen_ai.tool.definitions'])).toEqual([{ type: 'function', name: 'get_weather' }]);
    });
  });
});

describe('transparency', () => {
  const runScript = (): Promise<unknown[]> =>
    seenOnOwnStandIn(async (standIn, seen) => {
      const client = cohereClient.client(bed.sdk, standIn);
      seen.push(await client.chat({ model: MODEL, messages }));
      for await (const event of await client.chatStream({ model: MODEL, messages })) seen.push(event);
      const raw = await client.chat({ model: MODEL, messages }).withRawResponse();
      seen.push(raw.data, raw.rawResponse.status);
      seen.push(await client.embed({ model: 'embed-v4.0', texts: ['same'], inputType: 'search_query', embeddingTypes: ['float'] }));
      for (const model of ['error-400', 'error-429', 'error-500']) {
        const error = await client.chat({ model, messages }).catch((e: any) => e);
        seen.push([error.constructor.name, error.statusCode, error.body]);
      }
    });

  it('gives the app exactly the same results with and without the instrumentation', async () => {
    await expectTransparent(bed.h, runScript, { moreThan: 15, spans: 7 });
  });
});
