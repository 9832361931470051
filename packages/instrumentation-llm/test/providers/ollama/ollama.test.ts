/**
 * The `ollama` SDK (ollama-js) against the stand-in's Ollama native API: chat, generate, embed, NDJSON streams, the
 * counts Ollama leaves out, the behaviour matrix, exact attribute sets, transparency.
 */
import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { callAttributes, expectAbortAtFirstItem, expectEarlyBreakEndsOnce, expectHttpErrorCall, expectNoContent, expectNothingWhileDisabled, expectConsumedStreamSpan, expectStreamFailsMidway, expectTransparent, SAMPLING_ATTRIBUTES, seenOnOwnStandIn, withContentCapture } from '../../support/behaviour';
import { DURATION, TOKEN_USAGE, expectTokenTotals, json, onlySpan, pointCount, thrown } from '../../support/helpers';
import type { StandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';

const MODEL = 'llama3.2';
const ollamaClient = {
  module: 'ollama',
  client: (sdk: any, standIn: StandIn) => new sdk.Ollama({ host: standIn.url }),
};
const bed = useTestbed(ollamaClient);
let n = 0;
/** A fresh prompt per call, so that Ollama's KV cache (a repeated prompt) only applies where a test asks for it. */
const messages = (): { role: string; content: string }[] => [{ role: 'user', content: `tell me about tokens please ${++n}` }];
const served = (i = 0): Record<string, number> => bed.standIn.served[i].usage!;

describe('chat', () => {
  it('records the exact attribute set of a non-streamed call', async () => {
    const r = await bed.client.chat({
      model: MODEL,
      messages: messages(),
      format: 'json',
      options: { temperature: 0.2, top_p: 0.9, top_k: 40, num_predict: 50, seed: 7, stop: ['END'], frequency_penalty: 0.1, presence_penalty: 0.3 },
    });
    expect(r.message.content).toBe('{"answer":"stand-in"}');
    const span = await onlySpan(bed.h);
    expect(span.name).toBe(`chat ${MODEL}`);
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'chat', 'ollama', MODEL),
      ...SAMPLING_ATTRIBUTES,
      'gen_ai.request.top_k': 40,
      'gen_ai.output.type': 'json',
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': r.prompt_eval_count,
      'gen_ai.usage.output_tokens': r.eval_count,
      'tokenpath.usage.source': 'provider',
    });
    expect(r.prompt_eval_count).toBe(served().prompt_eval_count);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records one duration point and exact input and output token points per call', async () => {
    await bed.client.chat({ model: MODEL, messages: messages() });
    await bed.client.chat({ model: MODEL, messages: [{ role: 'user', content: 'a b c d e f g' }] });
    expect(pointCount(await bed.h.points(DURATION))).toBe(2);
    const tokens = await expectTokenTotals(bed.h, {
      input: served(0).prompt_eval_count + served(1).prompt_eval_count,
      output: served(0).eval_count + served(1).eval_count,
    });
    expect(tokens.map((p) => p.attributes)).toContainEqual({
      ...callAttributes(bed.standIn, 'chat', 'ollama', MODEL),
      'gen_ai.response.model': MODEL,
      'gen_ai.token.type': 'output',
    });
  });

  it('leaves input tokens unset, never 0, when Ollama serves the prompt from its KV cache', async () => {
    const same = messages();
    await bed.client.chat({ model: MODEL, messages: same });
    await bed.h.reset();
    const r = await bed.client.chat({ model: MODEL, messages: same });
    expect(r.prompt_eval_count).toBeUndefined();
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(r.eval_count);
    const tokens = await bed.h.points(TOKEN_USAGE);
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.sum])).toEqual([['output', r.eval_count]]);
  });

  it('reports length when num_predict cuts the reply', async () => {
    const r = await bed.client.chat({ model: MODEL, messages: messages(), options: { num_predict: 2 } });
    expect(r.eval_count).toBe(2);
    expect((await onlySpan(bed.h)).attributes['gen_ai.response.finish_reasons']).toEqual(['length']);
  });
});

describe('the default export', () => {
  it('meters the instance ollama-js creates at load, as its methods are the patched prototype ones', async () => {
    const instance = bed.sdk.default;
    expect(instance).toBeInstanceOf(bed.sdk.Ollama);
    // The default instance talks to 127.0.0.1:11434; pointed at the stand-in here instead.
    const host = instance.config.host;
    instance.config.host = bed.standIn.url;
    try {
      const r = await instance.chat({ model: MODEL, messages: messages() });
      const span = await onlySpan(bed.h);
      expect(span.attributes['gen_ai.provider.name']).toBe('ollama');
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(r.eval_count);
    } finally {
      instance.config.host = host;
    }
  });
});

describe('chat with stream: true', () => {
  it('records the exact attribute set of a consumed stream, with the counts of its done line', async () => {
    const stream = await bed.client.chat({ model: MODEL, messages: messages(), stream: true });
    let text = '';
    let last: any;
    for await (const part of stream) {
      text += part.message.content;
      last = part;
    }
    expect(text).toContain('stand-in');
    expect(last.done).toBe(true);
    await expectConsumedStreamSpan(bed.h, {
      ...callAttributes(bed.standIn, 'chat', 'ollama', MODEL),
      'gen_ai.request.stream': true,
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': last.prompt_eval_count,
      'gen_ai.usage.output_tokens': last.eval_count,
      'tokenpath.usage.source': 'provider',
    });
  });

  it('ends the span once, without usage, when the consumer breaks out early', async () => {
    await expectEarlyBreakEndsOnce(bed.h, await bed.client.chat({ model: MODEL, messages: messages(), stream: true }));
  });

  it('reports a stream aborted with its abort() as AbortError, and the caller still gets the abort', async () => {
    const stream = await bed.client.chat({ model: 'stream-hang', messages: messages(), stream: true });
    const error: any = await expectAbortAtFirstItem(bed.h, stream, () => stream.abort());
    expect(error.name).toBe('AbortError');
  });

  it('reports a stream aborted by the client-wide abort() the same way', async () => {
    const stream = await bed.client.chat({ model: 'stream-hang', messages: messages(), stream: true });
    const error: any = await expectAbortAtFirstItem(bed.h, stream, () => bed.client.abort());
    expect(error.name).toBe('AbortError');
  });

  it('fails the span when an error line arrives mid-stream, and the caller still gets the SDK error', async () => {
    const stream = await bed.client.chat({ model: 'stream-error', messages: messages(), stream: true });
    const { error, seen } = await expectStreamFailsMidway(bed.h, stream, 'Error');
    expect(error.message).toContain('stand-in stream-error');
    expect(seen).toBe(2);
  });
});

describe('generate', () => {
  it('records a text completion with its prompt, system and counts', async () => {
    const r = await bed.client.generate({ model: MODEL, prompt: `why is the sky blue ${++n}`, system: 'be brief' });
    const span = await onlySpan(bed.h);
    expect(span.name).toBe(`text_completion ${MODEL}`);
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'text_completion', 'ollama', MODEL),
      'gen_ai.response.model': MODEL,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': r.prompt_eval_count,
      'gen_ai.usage.output_tokens': r.eval_count,
      'tokenpath.usage.source': 'provider',
    });
    // The stand-in counts the prompt's 6 words and the system prompt's 2.
    expect(r.prompt_eval_count).toBe(8);
  });

  it('records a streamed text completion from its done line', async () => {
    const stream = await bed.client.generate({ model: MODEL, prompt: `why is the sky blue ${++n}`, stream: true });
    let text = '';
    for await (const part of stream) text += part.response;
    expect(text).toContain('stand-in');
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(served().prompt_eval_count);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(served().eval_count);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
  });
});

describe('embed and embeddings', () => {
  it('records embed with the vector length and prompt_eval_count', async () => {
    const r = await bed.client.embed({ model: 'nomic-embed-text', input: ['one two three', 'four'] });
    expect(r.embeddings).toHaveLength(2);
    const span = await onlySpan(bed.h);
    expect(span.attributes).toEqual({
      ...callAttributes(bed.standIn, 'embeddings', 'ollama', 'nomic-embed-text'),
      'gen_ai.response.model': 'nomic-embed-text',
      'gen_ai.embeddings.dimension.count': 8,
      'gen_ai.usage.input_tokens': 4,
      'tokenpath.usage.source': 'provider',
    });
  });

  it('records the legacy embeddings call without usage, as its response states none', async () => {
    const r = await bed.client.embeddings({ model: 'nomic-embed-text', prompt: 'one two' });
    expect(r.embedding).toHaveLength(8);
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.embeddings.dimension.count']).toBe(8);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(await bed.h.points(TOKEN_USAGE)).toEqual([]);
  });
});

describe('errors and switches', () => {
  it('reports an HTTP error with its status as error.type and no token points, and the caller gets ResponseError', async () => {
    for (const [model, status] of [['error-404', '404'], ['error-500', '500']] as const) {
      const error = await thrown(() => bed.client.chat({ model, messages: messages() }));
      expect(error).toBeInstanceOf(bed.sdk.ResponseError ?? Error);
      expect(error.status_code).toBe(Number(status));
      await expectHttpErrorCall(bed.h, status);
      await bed.h.reset();
    }
  });

  it('records nothing while disabled, and the call still works', async () => {
    await expectNothingWhileDisabled(bed.h, async () => {
      const r = await bed.client.chat({ model: MODEL, messages: messages() });
      expect(r.message.content).toContain('stand-in');
    });
  });

  it('records no content by default', async () => {
    await bed.client.chat({ model: MODEL, messages: messages() });
    await bed.client.generate({ model: MODEL, prompt: 'hello', system: 'be brief' });
    expectNoContent(await bed.h.spans());
  });

  it('records messages, tool calls and the system prompt when content capture is on', async () => {
    await withContentCapture(bed.h, async () => {
      const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } }];
      const weather = [{ role: 'user', content: `weather in Paris ${++n}?` }];
      await bed.client.chat({ model: MODEL, messages: weather, tools });
      const stream = await bed.client.chat({ model: MODEL, messages: weather.map((m) => ({ ...m, content: `${m.content} again` })), tools, stream: true });
      for await (const _ of stream);
      const g = await bed.client.generate({ model: MODEL, prompt: 'hello there', system: 'be brief' });
      const [plain, streamed, generated] = await bed.h.spans();
      const toolCall = { type: 'tool_call', name: 'get_weather', arguments: { location: 'Paris' } };
      expect(json(plain.attributes['gen_ai.input.messages'])).toEqual([{ role: 'user', parts: [{ type: 'text', content: weather[0].content }] }]);
      expect(json(plain.attributes['gen_ai.tool.definitions'])).toEqual([{ type: 'function', name: 'get_weather' }]);
      expect(json(plain.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [toolCall], finish_reason: 'stop' }]);
      expect(json(streamed.attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [toolCall], finish_reason: 'stop' }]);
      expect(json(generated.attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'be brief' }]);
      expect(json(generated.attributes['gen_ai.output.messages'])).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: g.response }], finish_reason: 'stop' },
      ]);
    });
  });
});

describe('transparency', () => {
  // Each run talks to a stand-in of its own, so that its KV-cache state starts equal.
  // `created_at` and the durations are the stand-in's clock.
  const runScript = (): Promise<unknown[]> =>
    seenOnOwnStandIn(async (standIn, seen) => {
      const client = ollamaClient.client(bed.sdk, standIn);
      const msgs = [{ role: 'user', content: 'same answer both times' }];
      seen.push(await client.chat({ model: MODEL, messages: msgs }));
      seen.push(await client.chat({ model: MODEL, messages: msgs }));
      for await (const part of await client.chat({ model: MODEL, messages: msgs, stream: true })) seen.push(part);
      seen.push(await client.generate({ model: MODEL, prompt: 'same' }));
      for await (const part of await client.generate({ model: MODEL, prompt: 'same again', stream: true })) seen.push(part);
      seen.push(await client.embed({ model: 'nomic-embed-text', input: 'same' }));
      seen.push(await client.embeddings({ model: 'nomic-embed-text', prompt: 'same' }));
      for (const model of ['error-404', 'error-500']) {
        const error = await client.chat({ model, messages: msgs }).catch((e: any) => e);
        seen.push([error.constructor.name, error.status_code, error.message]);
      }
      try {
        for await (const part of await client.chat({ model: 'stream-error', messages: msgs, stream: true })) seen.push(part);
      } catch (e: any) {
        seen.push([e.constructor.name, e.message]);
      }
    }, 'created_at');

  it('gives the app exactly the same results with and without the instrumentation', async () => {
    await expectTransparent(bed.h, runScript, { moreThan: 20, spans: 10 });
  });
});
