/**
 * `@mistralai/mistralai` 1.x (CommonJS) in process, against the stand-in's Mistral API: chat.complete / stream /
 * parse, fim, embeddings, the behaviour matrix, exact attribute sets, transparency. The SDK is not a devDependency
 * (2.x's optional OpenTelemetry peers conflict with the repo's); test/support/sdk-versions.mjs installs it into
 * test/.sdk, and it is loaded through a require created in that folder AFTER the harness exists, so the require hook
 * patches it, as in an app. 2.x (ES modules only) is tested end to end: test/e2e/long-tail.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { callAttributes, expectAbortAtFirstItem, expectEarlyBreakEndsOnce, expectHttpErrorCall, expectNoContent, expectNothingWhileDisabled, expectConsumedStreamSpan, expectStreamFailsMidway, expectTransparent, SAMPLING_ATTRIBUTES, seenOnOwnStandIn, withContentCapture } from '../../support/behaviour';
import { DURATION, expectTokenTotals, json, onlySpan, pointCount, thrown, PRICED } from '../../support/helpers';
import type { StandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';
import { loadMistral, mistralClientOn, requireFromMistral, MISTRAL_MODEL, MISTRAL_NAME, MISTRAL_VERSION } from '../../support/mistral';

const NAME = MISTRAL_NAME;
const VERSION = MISTRAL_VERSION;
const MODEL = MISTRAL_MODEL;
const bed = useTestbed();
let sdk: any;
let client: any;
const clientOn = (standIn: StandIn): any => mistralClientOn(sdk, standIn);

beforeAll(async () => {
  ({ sdk } = await loadMistral());
  client = clientOn(bed.standIn);
}, 5 * 60_000);

const messages = [{ role: 'user', content: 'tell me about tokens please' }];
const served = (i = 0): Record<string, number> => bed.standIn.served[i].usage!;

describe('chat.complete', () => {
  it('records the exact attribute set of a call', async () => {
    const r = await client.chat.complete({
      model: MODEL,
      messages,
      temperature: 0.2,
      topP: 0.9,
      maxTokens: 50,
      randomSeed: 7,
      stop: ['END'],
      frequencyPenalty: 0.1,
      presencePenalty: 0.3,
      responseFormat: { type: 'json_object' },
    });
    expect(r.choices[0].message.content).toBe('{"answer":"stand-in"}');
    const span = await onlySpan(bed.h);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'chat', 'mistral_ai', MODEL),
      ...SAMPLING_ATTRIBUTES,
      'gen_ai.output.type': 'json',
      'gen_ai.response.id': r.id,
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': served().prompt_tokens,
      'gen_ai.usage.output_tokens': served().completion_tokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records one duration point and exact token points per call', async () => {
    await client.chat.complete({ model: MODEL, messages });
    await client.chat.complete({ model: MODEL, messages: [{ role: 'user', content: 'a b c d e f g' }] });
    expect(pointCount(await bed.h.points(DURATION))).toBe(2);
    await expectTokenTotals(bed.h, {
      input: served(0).prompt_tokens + served(1).prompt_tokens,
      output: served(0).completion_tokens + served(1).completion_tokens,
    });
  });

  it('reports tool_calls as the finish reason of a tool call', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
    const r = await client.chat.complete({ model: MODEL, messages: [{ role: 'user', content: 'weather in Paris?' }], tools });
    expect(r.choices[0].message.toolCalls[0].function.name).toBe('get_weather');
    expect((await onlySpan(bed.h)).attributes['gen_ai.response.finish_reasons']).toEqual(['tool_calls']);
  });
});

describe('chat.stream', () => {
  it('records the exact attribute set of a consumed stream, with the usage of its finish chunk', async () => {
    const stream = await client.chat.stream({ model: MODEL, messages });
    let text = '';
    let id = '';
    for await (const event of stream) {
      id ||= event.data.id;
      text += event.data.choices[0]?.delta?.content ?? '';
    }
    expect(text).toContain('stand-in');
    await expectConsumedStreamSpan(bed.h, {
      ...callAttributes(bed.standIn, 'chat', 'mistral_ai', MODEL),
      'gen_ai.request.stream': true,
      'gen_ai.response.id': id,
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': served().prompt_tokens,
      'gen_ai.usage.output_tokens': served().completion_tokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
  });

  it('ends the span once, without usage, when the consumer breaks out early', async () => {
    await expectEarlyBreakEndsOnce(bed.h, await client.chat.stream({ model: MODEL, messages }));
  });

  it('reports a stream aborted through its signal as AbortError', async () => {
    const controller = new AbortController();
    const stream = await client.chat.stream({ model: 'stream-hang', messages }, { fetchOptions: { signal: controller.signal } });
    const error: any = await expectAbortAtFirstItem(bed.h, stream, () => controller.abort());
    expect(error.name).toBe('AbortError');
  });

  it('fails the span when the stream breaks off with an error event, and the caller still gets the error', async () => {
    await expectStreamFailsMidway(bed.h, await client.chat.stream({ model: 'stream-error', messages }));
  });
});

describe('the helpers and the other APIs', () => {
  it('meters chat.parse once', async () => {
    // parse() takes a zod schema (of the SDK's own zod) and calls the request function itself, not complete().
    const { z } = requireFromMistral('zod/v3');
    const r = await client.chat.parse({ model: MODEL, messages, responseFormat: z.object({ answer: z.string() }) });
    expect(r.choices[0].message.parsed).toEqual({ answer: 'stand-in' });
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(served().completion_tokens);
  });

  it('records fim.complete as a text completion', async () => {
    const r = await client.fim.complete({ model: 'codestral-latest', prompt: 'def add(a, b):', suffix: 'return c' });
    const span = await onlySpan(bed.h);
    expect(span.name).toBe('text_completion codestral-latest');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(r.usage.promptTokens);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
  });

  it('records embeddings with the vector length and usage', async () => {
    const r = await client.embeddings.create({ model: 'mistral-embed', inputs: ['one two three'] });
    const span = await onlySpan(bed.h);
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'embeddings', 'mistral_ai', 'mistral-embed'),
      'gen_ai.response.id': r.id,
      'gen_ai.response.model': 'mistral-embed',
      'gen_ai.embeddings.dimension.count': 8,
      'gen_ai.usage.input_tokens': 3,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
  });

  it('reports HTTP errors with the SDK error class and no token points', async () => {
    const error = await thrown(() => client.chat.complete({ model: 'error-429', messages }));
    await expectHttpErrorCall(bed.h, error.constructor.name);
    expect(error.statusCode).toBe(429);
  });

  it('records nothing while disabled, and records content only when capture is on', async () => {
    await expectNothingWhileDisabled(bed.h, async () => {
      await client.chat.complete({ model: MODEL, messages });
    });
    await client.chat.complete({ model: MODEL, messages });
    expectNoContent([await onlySpan(bed.h)]);
    await bed.h.reset();
    await withContentCapture(bed.h, async () => {
      const r = await client.chat.complete({ model: MODEL, messages });
      const span = await onlySpan(bed.h);
      expect(json(span.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: messages[0].content }] }]);
      expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: r.choices[0].message.content }], finish_reason: 'stop' },
      ]);
    });
  });
});

describe('transparency', () => {
  const runScript = (): Promise<unknown[]> =>
    seenOnOwnStandIn(async (standIn, seen) => {
      const c = clientOn(standIn);
      seen.push(await c.chat.complete({ model: MODEL, messages }));
      for await (const event of await c.chat.stream({ model: MODEL, messages })) seen.push(event);
      seen.push(await c.fim.complete({ model: 'codestral-latest', prompt: 'def f():' }));
      seen.push(await c.embeddings.create({ model: 'mistral-embed', inputs: ['same'] }));
      for (const model of ['error-400', 'error-500']) {
        const error = await c.chat.complete({ model, messages }).catch((e: any) => e);
        seen.push([error.constructor.name, error.statusCode, error.message]);
      }
    }, 'created');

  it('gives the app exactly the same results with and without the instrumentation', async () => {
    await expectTransparent(bed.h, runScript, { moreThan: 10, spans: 6 });
  });
});
