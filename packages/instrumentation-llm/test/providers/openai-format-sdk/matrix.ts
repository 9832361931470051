/**
 * The behaviour matrix of an SDK that speaks the OpenAI chat format with its own Stainless-generated client (groq-sdk,
 * together-ai), written once and run for each: the real SDK, patched by the real instrumentation, against the
 * stand-in's flavour of that vendor. Exact attribute sets; exactly one span and one duration point per call.
 */
import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { callAttributes, expectAbortAtFirstItem, expectEarlyBreakEndsOnce, expectHttpErrorCall, expectNoContent, expectNothingWhileDisabled, expectConsumedStreamSpan, expectStreamFailsMidway, expectTransparent, SAMPLING_ATTRIBUTES, seenOnOwnStandIn, withContentCapture } from '../../support/behaviour';
import { DURATION, TOKEN_USAGE, expectFailedCall, expectTokenTotals, json, onlySpan, pointCount, PRICED } from '../../support/helpers';
import type { StandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';

export interface OpenAiFormatSdkSpec {
  module: string;
  /** `gen_ai.provider.name`. */
  provider: string;
  client(sdk: any, standIn: StandIn): any;
  chatModel: string;
  embeddingModel: string;
  /** The vendor's finish reason of a natural stop. */
  stopReason: string;
  /** Where the vendor's stream states usage, as `{ input, output }` read from what the stand-in served. */
  servedUsage(usage: Record<string, any>): { input: number; output: number };
  /** Whether the embeddings response states usage. */
  embeddingUsage: boolean;
  /** Whether the chat model has a list price in the price table (its spans then carry their cost). */
  chatPriced?: boolean;
}

const messages = [{ role: 'user', content: 'tell me about tokens please' }];

export function describeOpenAiFormatSdk(spec: OpenAiFormatSdkSpec): void {
  const bed = useTestbed({ module: spec.module, client: spec.client });
  const served = (i = 0): { input: number; output: number } => spec.servedUsage(bed.standIn.served[i].usage!);

  describe('chat.completions.create', () => {
    it('records the exact attribute set of a non-streamed call', async () => {
      const result = await bed.client.chat.completions.create({
        model: spec.chatModel,
        messages,
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 50,
        seed: 7,
        stop: 'END',
        frequency_penalty: 0.1,
        presence_penalty: 0.3,
      });
      const span = await onlySpan(bed.h);
      expect(span.name).toBe(`chat ${spec.chatModel}`);
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes).toEqual({
        ...callAttributes(bed.standIn, 'chat', spec.provider, spec.chatModel),
        ...SAMPLING_ATTRIBUTES,
        'gen_ai.response.id': result.id,
        'gen_ai.response.model': spec.chatModel,
        'gen_ai.response.finish_reasons': [spec.stopReason],
        'gen_ai.usage.input_tokens': served().input,
        'gen_ai.usage.output_tokens': served().output,
        'tokenpath.usage.source': 'provider',
        ...(spec.chatPriced ? PRICED : {}),
      });
      expect(result.usage.prompt_tokens).toBe(served().input);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('records one duration point and exact input and output token points per call', async () => {
      await bed.client.chat.completions.create({ model: spec.chatModel, messages });
      await bed.client.chat.completions.create({ model: spec.chatModel, messages: [{ role: 'user', content: 'a b c d e f g' }] });
      expect(pointCount(await bed.h.points(DURATION))).toBe(2);
      const tokens = await expectTokenTotals(bed.h, { input: served(0).input + served(1).input, output: served(0).output + served(1).output });
      expect(tokens.map((p) => p.attributes)).toContainEqual({
        ...callAttributes(bed.standIn, 'chat', spec.provider, spec.chatModel),
        'gen_ai.response.model': spec.chatModel,
        'gen_ai.token.type': 'input',
      });
    });

    it('reports tool_calls as the finish reason of a tool call', async () => {
      const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
      const r = await bed.client.chat.completions.create({ model: spec.chatModel, messages: [{ role: 'user', content: 'weather in Paris?' }], tools });
      expect(r.choices[0].message.tool_calls[0].function.name).toBe('get_weather');
      expect((await onlySpan(bed.h)).attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
    });

    it('records json as the output type of a json_object request', async () => {
      await bed.client.chat.completions.create({ model: spec.chatModel, messages, response_format: { type: 'json_object' } });
      expect((await onlySpan(bed.h)).attributes['gen_ai.output.type']).toBe('json');
    });
  });

  describe('chat.completions.create with stream: true', () => {
    it('records the exact attribute set of a consumed stream, with the usage the stream states', async () => {
      const stream = await bed.client.chat.completions.create({ model: spec.chatModel, messages, stream: true });
      let text = '';
      let id = '';
      for await (const chunk of stream) {
        id ||= chunk.id;
        text += chunk.choices[0]?.delta?.content ?? '';
      }
      expect(text).toContain('stand-in');
      await expectConsumedStreamSpan(bed.h, {
        ...callAttributes(bed.standIn, 'chat', spec.provider, spec.chatModel),
        'gen_ai.request.stream': true,
        'gen_ai.response.id': id,
        'gen_ai.response.model': spec.chatModel,
        'gen_ai.response.finish_reasons': [spec.stopReason],
        'gen_ai.usage.input_tokens': served().input,
        'gen_ai.usage.output_tokens': served().output,
        'tokenpath.usage.source': 'provider',
        ...(spec.chatPriced ? PRICED : {}),
      });
      expect(pointCount(await bed.h.points('gen_ai.client.operation.time_to_first_chunk'))).toBe(1);
    });

    it('ends the span once when the consumer breaks out early', async () => {
      await expectEarlyBreakEndsOnce(bed.h, await bed.client.chat.completions.create({ model: spec.chatModel, messages, stream: true }));
    });

    it('reports an aborted stream as cancelled with the chunks seen so far', async () => {
      const stream = await bed.client.chat.completions.create({ model: 'stream-hang', messages, stream: true });
      // The Stainless stream ends quietly on abort: the app's loop just stops.
      expect(await expectAbortAtFirstItem(bed.h, stream, () => stream.controller.abort())).toBeUndefined();
    });

    it('fails the span when the stream errors mid-way, and the caller still gets the SDK error', async () => {
      const stream = await bed.client.chat.completions.create({ model: 'stream-error', messages, stream: true });
      const { error } = await expectStreamFailsMidway(bed.h, stream, 'APIError');
      expect(error).toBeInstanceOf(bed.sdk.APIError);
    });

    it('does not prevent usage of tee', async () => {
      const [left, right] = (await bed.client.chat.completions.create({ model: spec.chatModel, messages, stream: true })).tee();
      const read = async (s: any): Promise<string> => {
        let text = '';
        for await (const c of s) text += c.choices[0]?.delta?.content ?? '';
        return text;
      };
      const [a, b] = await Promise.all([read(left), read(right)]);
      expect(a).toBe(b);
      expect(a).toContain('stand-in');
      expect((await onlySpan(bed.h)).attributes['gen_ai.usage.output_tokens']).toBe(served().output);
    });
  });

  describe('the APIPromise', () => {
    it('keeps withResponse() and asResponse() working, each call metered once', async () => {
      const { data, response } = await bed.client.chat.completions.create({ model: spec.chatModel, messages }).withResponse();
      expect(data.choices[0].message.content).toContain('stand-in');
      expect(response.status).toBe(200);
      const raw = await bed.client.chat.completions.create({ model: spec.chatModel, messages }).asResponse();
      expect((await raw.json()).object).toBe('chat.completion');
      const spans = await bed.h.spans();
      expect(spans).toHaveLength(2);
      expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBe(served(0).input);
      expect(pointCount(await bed.h.points(DURATION))).toBe(2);
    });

    it('reports an HTTP 429 with error.type and no token points, and the caller gets RateLimitError', async () => {
      await expect(bed.client.chat.completions.create({ model: 'error-429', messages })).rejects.toBeInstanceOf(bed.sdk.RateLimitError);
      await expectHttpErrorCall(bed.h, 'RateLimitError');
    });

    it('reports an HTTP 503 as InternalServerError, with the SDK retries inside one span', async () => {
      const retrying = spec.client(bed.sdk, bed.standIn);
      const before = bed.standIn.requests.length;
      await expect(retrying.chat.completions.create({ model: 'error-503', messages }, { maxRetries: 1 })).rejects.toBeInstanceOf(bed.sdk.InternalServerError);
      expect(bed.standIn.requests.length - before).toBe(2);
      await expectFailedCall(bed.h, 'InternalServerError', undefined);
      expect(pointCount(await bed.h.points(DURATION))).toBe(1);
    });

    it('never puts the API key into telemetry', async () => {
      await expect(bed.client.chat.completions.create({ model: 'error-401', messages })).rejects.toThrow();
      const span = await onlySpan(bed.h);
      expect(JSON.stringify({ a: span.attributes, s: span.status, e: span.events })).not.toContain('test-secret-key');
    });
  });

  describe('embeddings.create', () => {
    it('records the exact attribute set, with the usage only where the response states one', async () => {
      const result = await bed.client.embeddings.create({ model: spec.embeddingModel, input: 'one two three' });
      expect(result.data[0].embedding).toHaveLength(8);
      const span = await onlySpan(bed.h);
      expect(span.name).toBe(`embeddings ${spec.embeddingModel}`);
      expect(span.attributes).toEqual({
        ...callAttributes(bed.standIn, 'embeddings', spec.provider, spec.embeddingModel),
        'gen_ai.response.model': spec.embeddingModel,
        'gen_ai.embeddings.dimension.count': 8,
        ...(spec.embeddingUsage ? { 'gen_ai.usage.input_tokens': 3 } : {}),
        'tokenpath.usage.source': spec.embeddingUsage ? 'provider' : 'none',
      });
      const tokens = await bed.h.points(TOKEN_USAGE);
      expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.sum])).toEqual(spec.embeddingUsage ? [['input', 3]] : []);
    });
  });

  describe('switches', () => {
    it('records nothing while disabled, and the call still works', async () => {
      await expectNothingWhileDisabled(bed.h, async () => {
        const r = await bed.client.chat.completions.create({ model: spec.chatModel, messages });
        expect(r.choices[0].message.content).toContain('stand-in');
      });
    });

    it('records no content by default', async () => {
      const stream = await bed.client.chat.completions.create({ model: spec.chatModel, messages, stream: true });
      for await (const _ of stream);
      await bed.client.chat.completions.create({ model: spec.chatModel, messages });
      expectNoContent(await bed.h.spans());
    });

    it('records input and output messages when content capture is on', async () => {
      await withContentCapture(bed.h, async () => {
        const r = await bed.client.chat.completions.create({ model: spec.chatModel, messages });
        const stream = await bed.client.chat.completions.create({ model: spec.chatModel, messages, stream: true });
        for await (const _ of stream);
        const [plain, streamed] = await bed.h.spans();
        const expectedOutput = [{ role: 'assistant', parts: [{ type: 'text', content: r.choices[0].message.content }], finish_reason: spec.stopReason }];
        for (const span of [plain, streamed]) {
          expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: messages[0].content }] }]);
          expect(json(span.attributes['gen_ai.output.messages'])).toEqual(expectedOutput);
        }
      });
    });
  });

  describe('transparency', () => {
    // Each run talks to a stand-in of its own, so that ids start equal.
    // `created` is the stand-in's clock.
    const runScript = (): Promise<unknown[]> =>
      seenOnOwnStandIn(async (standIn, seen) => {
        const client = spec.client(bed.sdk, standIn);
        seen.push(await client.chat.completions.create({ model: spec.chatModel, messages }));
        for await (const chunk of await client.chat.completions.create({ model: spec.chatModel, messages, stream: true })) seen.push(chunk);
        const [a, b] = (await client.chat.completions.create({ model: spec.chatModel, messages, stream: true })).tee();
        for await (const chunk of a) seen.push(['a', chunk]);
        for await (const chunk of b) seen.push(['b', chunk]);
        const withResponse = await client.chat.completions.create({ model: spec.chatModel, messages }).withResponse();
        seen.push(withResponse.data, withResponse.response.status);
        seen.push(await client.embeddings.create({ model: spec.embeddingModel, input: 'same' }));
        for (const model of ['error-400', 'error-429', 'error-500']) {
          const error = await client.chat.completions.create({ model, messages }).catch((e: any) => e);
          seen.push([error.constructor.name, error.status, error.message, error.error]);
        }
        const failing = await client.chat.completions.create({ model: 'stream-error', messages, stream: true });
        try {
          for await (const chunk of failing) seen.push(chunk);
        } catch (e: any) {
          seen.push([e.constructor.name, e.message]);
        }
      }, 'created');

    it('gives the app exactly the same results with and without the instrumentation', async () => {
      await expectTransparent(bed.h, runScript, { moreThan: 20, spans: 9 });
    });
  });
}
