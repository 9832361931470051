/**
 * The Vercel AI SDK (`ai` 7 with `@ai-sdk/openai` and `@ai-sdk/anthropic`, whose providers call `fetch` directly)
 * against the stand-in, metered through the `ai:telemetry` diagnostics channel: one operation per model call, exact
 * tokens for generate and stream, embeddings, errors, abort, transparency, and a request counted once when a custom
 * AI SDK model makes it through an SDK tokenpath patches.
 */
import { tracingChannel } from 'node:diagnostics_channel';
import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { embed, embedMany, generateText, streamText, stepCountIs, tool, type LanguageModel } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { createAnthropic } from '@ai-sdk/anthropic';
import { z } from 'zod';
import { DURATION, TOKEN_USAGE, expectTokenTotals, onlySpan, plainAndInstrumented, pointCount, servedTotal, thrown } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { withAttribution } from '@tokenpath/instrumentation-llm';
import { callAttributes, SAMPLING_ATTRIBUTES, standInEndpoint } from '../../support/behaviour';

const bed = useTestbed();
const openai = () => createOpenAI({ apiKey: 'test-key', baseURL: `${bed.standIn.url}/v1` });
const anthropic = () => createAnthropic({ apiKey: 'test-key', baseURL: `${bed.standIn.url}/v1` });
const served = (i = 0): Record<string, any> => bed.standIn.served[i].usage!;
const endpoint = () => standInEndpoint(bed.standIn);
const PRICED = {
  'gen_ai.usage.cost.amount': expect.any(Number),
  'gen_ai.usage.cost.currency': 'USD',
  'gen_ai.usage.cost.source': 'local',
  'tokenpath.cost.price_table': expect.stringMatching(/^@pydantic\/genai-prices@\d/),
};
const weather = tool({
  description: 'weather of a city',
  inputSchema: z.object({ location: z.string() }),
  execute: async ({ location }) => `sunny in ${location}`,
});

describe('generateText', () => {
  it('records the exact attribute set of an OpenAI chat call', async () => {
    const r = await generateText({
      model: openai().chat('gpt-4o-mini'),
      prompt: 'tell me about tokens',
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 50,
      seed: 7,
      stopSequences: ['END'],
      frequencyPenalty: 0.1,
      presencePenalty: 0.3,
      maxRetries: 0,
    });
    expect(r.text).toBe('This is a reply from the tokenpath stand-in about tell me about');
    const span = await onlySpan(bed.h);
    expect(span.name).toBe('chat gpt-4o-mini');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'chat', 'openai', 'gpt-4o-mini'),
      ...SAMPLING_ATTRIBUTES,
      'gen_ai.request.stream': false,
      'gen_ai.response.id': expect.stringMatching(/^chatcmpl-standin\d+$/),
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': served().prompt_tokens,
      'gen_ai.usage.output_tokens': served().completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(r.usage.inputTokens).toBe(served().prompt_tokens);
  });

  it('meters the cached and reasoning tokens of the Responses API as the provider stated them', async () => {
    await generateText({ model: openai()('o3-mini'), prompt: 'one two three four five six', providerOptions: { openai: { promptCacheKey: 'k1' } } });
    const [span] = await bed.h.spans();
    const u = served();
    expect(u.input_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(u.output_tokens_details.reasoning_tokens).toBeGreaterThan(0);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': u.input_tokens,
      'gen_ai.usage.output_tokens': u.output_tokens,
      'gen_ai.usage.cache_read.input_tokens': u.input_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': u.output_tokens_details.reasoning_tokens,
    });
  });

  it('counts Anthropic cache writes and reads inside the input tokens', async () => {
    const call = () =>
      generateText({
        model: anthropic()('claude-sonnet-4-5'),
        messages: [
          {
            role: 'user',
            content: [{ type: 'text', text: 'you answer briefly about tokens here', providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } } }],
          },
        ],
      });
    await call();
    await call();
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(2);
    const [write, read] = [served(0), served(1)];
    expect(write.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(read.cache_read_input_tokens).toBeGreaterThan(0);
    expect(spans.map((s) => s.attributes)).toEqual([
      expect.objectContaining({
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.response.finish_reasons': ['end_turn'],
        'gen_ai.usage.input_tokens': write.input_tokens + write.cache_creation_input_tokens + write.cache_read_input_tokens,
        'gen_ai.usage.cache_creation.input_tokens': write.cache_creation_input_tokens,
        'gen_ai.usage.cache_read.input_tokens': write.cache_read_input_tokens,
        'gen_ai.usage.output_tokens': write.output_tokens,
      }),
      expect.objectContaining({
        'gen_ai.usage.input_tokens': read.input_tokens + read.cache_creation_input_tokens + read.cache_read_input_tokens,
        'gen_ai.usage.cache_read.input_tokens': read.cache_read_input_tokens,
        'gen_ai.usage.output_tokens': read.output_tokens,
      }),
    ]);
  });

  it('records one chat operation per model call of a tool-calling loop, and none for the loop itself', async () => {
    const r = await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'what is the weather in Paris', tools: { weather }, stopWhen: stepCountIs(3) });
    expect(r.steps).toHaveLength(2);
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.name, s.attributes['gen_ai.response.finish_reasons']])).toEqual([
      ['chat gpt-4o-mini', ['tool_calls']],
      ['chat gpt-4o-mini', ['stop']],
    ]);
    expect(pointCount(await bed.h.points(DURATION))).toBe(2);
    await expectTokenTotals(bed.h, { input: servedTotal(bed.standIn, 'prompt_tokens'), output: servedTotal(bed.standIn, 'completion_tokens') });
    expect(r.totalUsage.inputTokens).toBe(servedTotal(bed.standIn, 'prompt_tokens'));
  });

  it('records a failed call with the AI SDK error class, and each of its own retries as a call', async () => {
    const error = await thrown(() => generateText({ model: openai().chat('error-429'), prompt: 'hi', maxRetries: 1 }));
    expect(error.constructor.name).toBe('RetryError');
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(2);
    for (const span of spans) {
      expect(span.status.code).toBe(SpanStatusCode.ERROR);
      expect(span.attributes['error.type']).toBe('APICallError');
      expect(span.attributes['tokenpath.usage.source']).toBe('none');
    }
    const durations = await bed.h.points(DURATION);
    expect(durations.map((p) => [p.attributes['error.type'], p.count])).toEqual([['APICallError', 2]]);
    expect(await bed.h.points(TOKEN_USAGE)).toEqual([]);
  });

  it('records an aborted call as AbortError', async () => {
    const controller = new AbortController();
    const pending = generateText({ model: openai().chat('stream-hang'), prompt: 'hi', abortSignal: controller.signal, maxRetries: 0 });
    setTimeout(() => controller.abort(), 100);
    await thrown(() => pending);
    const span = await onlySpan(bed.h);
    expect(span.attributes['error.type']).toBe('AbortError');
  });

  it('carries the attribution of the code that called it, for generate and stream, and hands one usage record per call', async () => {
    const records: any[] = [];
    bed.h.instrumentation.setConfig({ onUsage: (r) => void records.push(r) });
    try {
      await withAttribution({ 'tenant.id': 'acme' }, async () => {
        await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi' });
        await streamText({ model: anthropic()('claude-sonnet-4-5'), prompt: 'hi' }).consumeStream();
      });
    } finally {
      bed.h.instrumentation.setConfig({});
    }
    expect((await bed.h.spans()).map((s) => s.attributes['tenant.id'])).toEqual(['acme', 'acme']);
    expect(records.map((r) => [r.provider, r.stream, r.tokens.input, r.tokens.output, r.attribution])).toEqual([
      ['openai', false, served(0).prompt_tokens, served(0).completion_tokens, { 'tenant.id': 'acme' }],
      ['anthropic', true, served(1).input_tokens, served(1).output_tokens, { 'tenant.id': 'acme' }],
    ]);
  });

  it('is a child of the active span', async () => {
    const parent = bed.h.tracerProvider.getTracer('app').startSpan('handler');
    await context.with(trace.setSpan(context.active(), parent), () => generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi' }));
    parent.end();
    const chat = (await bed.h.spans()).find((s) => s.name === 'chat gpt-4o-mini')!;
    expect(chat.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
  });
});

describe('streamText', () => {
  it('records the exact attribute set of a stream, with the usage of its finish part', async () => {
    const result = streamText({ model: openai().chat('gpt-4o-mini'), prompt: 'tell me about streams' });
    let text = '';
    for await (const delta of result.textStream) text += delta;
    expect(text).toBe('This is a reply from the tokenpath stand-in about tell me about');
    const span = await onlySpan(bed.h);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      ...endpoint(),
      'gen_ai.request.stream': true,
      'gen_ai.response.id': expect.stringMatching(/^chatcmpl-standin\d+$/),
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': served().prompt_tokens,
      'gen_ai.usage.output_tokens': served().completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(pointCount(await bed.h.points('gen_ai.client.operation.time_to_first_chunk'))).toBe(1);
    expect((await result.usage).outputTokens).toBe(served().completion_tokens);
  });

  it('meters an Anthropic stream and each step of a streamed tool loop', async () => {
    const result = streamText({ model: anthropic()('claude-sonnet-4-5'), prompt: 'what is the weather in Paris', tools: { weather }, stopWhen: stepCountIs(3) });
    await result.consumeStream();
    expect(await result.steps).toHaveLength(2);
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.attributes['gen_ai.request.stream'], s.attributes['gen_ai.response.finish_reasons']])).toEqual([
      [true, ['tool_use']],
      [true, ['end_turn']],
    ]);
    await expectTokenTotals(bed.h, { input: servedTotal(bed.standIn, 'input_tokens'), output: servedTotal(bed.standIn, 'output_tokens') });
  });

  it('records a provider error mid-stream as a failed call with the finish reason error', async () => {
    const result = streamText({ model: anthropic()('stream-error'), prompt: 'a long answer please', maxOutputTokens: 100, onError: () => {} });
    await result.consumeStream();
    const span = await onlySpan(bed.h);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('overloaded_error');
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
    const [duration] = await bed.h.points(DURATION);
    expect(duration.attributes['error.type']).toBe('overloaded_error');
  });

  it('records a stream whose request fails as a failed call', async () => {
    const result = streamText({ model: openai().chat('error-503'), prompt: 'hi', maxRetries: 0, onError: () => {} });
    await result.consumeStream();
    const span = await onlySpan(bed.h);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('APICallError');
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(span.attributes['tokenpath.usage.source']).toBe('none');
  });

  it('records a stream the caller aborts as AbortError', async () => {
    const controller = new AbortController();
    const result = streamText({ model: openai().chat('stream-hang'), prompt: 'hi', abortSignal: controller.signal, onError: () => {} });
    const reading = result.consumeStream();
    setTimeout(() => controller.abort(), 100);
    await reading;
    const span = await onlySpan(bed.h);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('AbortError');
  });
});

describe('embeddings', () => {
  it('records embed and embedMany as one embeddings operation each', async () => {
    await embed({ model: openai().embedding('text-embedding-3-small'), value: 'one two three' });
    await embedMany({ model: openai().embedding('text-embedding-3-small'), values: ['a b', 'c d e'] });
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes)).toEqual([
      {
        'gen_ai.operation.name': 'embeddings',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'text-embedding-3-small',
        'gen_ai.embeddings.dimension.count': 8,
        'gen_ai.usage.input_tokens': served(0).prompt_tokens,
        'tokenpath.usage.source': 'provider',
        ...PRICED,
      },
      expect.objectContaining({ 'gen_ai.usage.input_tokens': served(1).prompt_tokens, 'gen_ai.embeddings.dimension.count': 8 }),
    ]);
  });
});

describe('transparency and lifecycle', () => {
  it('returns the same results with and without the instrumentation', async () => {
    const call = async () => {
      const g = await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'what is the weather in Paris', tools: { weather }, stopWhen: stepCountIs(3) });
      const s = streamText({ model: anthropic()('claude-sonnet-4-5'), prompt: 'tell me about streams' });
      const parts: string[] = [];
      for await (const part of s.fullStream) parts.push(part.type);
      const e = await embed({ model: openai().embedding('text-embedding-3-small'), value: 'x y' });
      return { text: g.text, steps: g.steps.length, usage: g.totalUsage, streamed: await s.text, parts, streamUsage: await s.usage, embedding: e.embedding };
    };
    const { plain, output } = await plainAndInstrumented(bed.h, call, { resetBetween: true });
    expect(output).toEqual(plain);
    expect(await bed.h.spans()).toHaveLength(4);
  });

  it('subscribes to the channel only while enabled', async () => {
    const channel = tracingChannel('ai:telemetry');
    expect(channel.hasSubscribers).toBe(true);
    bed.h.instrumentation.disable();
    try {
      expect(channel.hasSubscribers).toBe(false);
      await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi' });
      expect(await bed.h.spans()).toEqual([]);
    } finally {
      bed.h.instrumentation.enable();
    }
    expect(channel.hasSubscribers).toBe(true);
  });

  it('records no usage when the call withholds its results from telemetry', async () => {
    await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi', telemetry: { recordOutputs: false } });
    const span = await onlySpan(bed.h);
    expect(span.attributes['tokenpath.usage.source']).toBe('none');
    expect(await bed.h.points(TOKEN_USAGE)).toEqual([]);
  });

  it('records nothing for a call with telemetry turned off', async () => {
    await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'hi', telemetry: { isEnabled: false } });
    expect(await bed.h.spans()).toEqual([]);
  });
});

/**
 * A custom AI SDK model built on the `openai` SDK (which tokenpath patches): the AI SDK's model call and the SDK's
 * call are one request. The AI SDK's operation is the one kept; the SDK call inside it is not metered again, while
 * an SDK call the app makes elsewhere (here, inside a tool between two model calls) is.
 */
describe('one request, metered once', () => {
  const sdkModel = (client: any): LanguageModel => ({
    specificationVersion: 'v4',
    provider: 'custom-openai.chat',
    modelId: 'gpt-4o-mini',
    supportedUrls: {},
    async doGenerate(options: any) {
      const messages = options.prompt.map((m: any) => ({
        role: m.role,
        content: typeof m.content === 'string' ? m.content : m.content.map((p: any) => p.text ?? JSON.stringify(p.output ?? '')).join(' '),
      }));
      const r = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
      return {
        content: [{ type: 'text', text: r.choices[0].message.content }],
        finishReason: { unified: 'stop', raw: r.choices[0].finish_reason },
        usage: {
          inputTokens: { total: r.usage.prompt_tokens, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
          outputTokens: { total: r.usage.completion_tokens, text: undefined, reasoning: undefined },
        },
        response: { id: r.id, modelId: r.model },
        warnings: [],
      };
    },
    async doStream() {
      throw new Error('not used');
    },
  }) as unknown as LanguageModel;

  it('counts the tokens of a custom model built on a patched SDK once', async () => {
    const OpenAI = bed.h.load('openai');
    const client = new OpenAI({ apiKey: 'test-key', baseURL: `${bed.standIn.url}/v1`, maxRetries: 0 });
    const r = await generateText({ model: sdkModel(client), prompt: 'tell me about tokens' });
    expect(r.text).toBe('This is a reply from the tokenpath stand-in about tell me about');
    const span = await onlySpan(bed.h);
    expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': 'custom-openai', 'gen_ai.usage.input_tokens': served().prompt_tokens });
    await expectTokenTotals(bed.h, { input: served().prompt_tokens, output: served().completion_tokens });
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);

    // The same SDK outside the AI SDK is metered by its own patch.
    await bed.h.reset();
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect((await onlySpan(bed.h)).attributes['gen_ai.provider.name']).toBe('openai');
  });

  it('meters an SDK call a tool makes between two model calls on its own', async () => {
    const OpenAI = bed.h.load('openai');
    const client = new OpenAI({ apiKey: 'test-key', baseURL: `${bed.standIn.url}/v1`, maxRetries: 0 });
    const lookup = tool({
      description: 'weather of a city',
      inputSchema: z.object({ location: z.string() }),
      execute: async ({ location }) => (await client.chat.completions.create({ model: 'gpt-4.1-nano', messages: [{ role: 'user', content: location }] })).choices[0].message.content,
    });
    await generateText({ model: openai().chat('gpt-4o-mini'), prompt: 'what is the weather in Paris', tools: { weather: lookup }, stopWhen: stepCountIs(3) });
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.name).sort()).toEqual(['chat gpt-4.1-nano', 'chat gpt-4o-mini', 'chat gpt-4o-mini']);
    await expectTokenTotals(bed.h, { input: servedTotal(bed.standIn, 'prompt_tokens'), output: servedTotal(bed.standIn, 'completion_tokens') });
  });
});
