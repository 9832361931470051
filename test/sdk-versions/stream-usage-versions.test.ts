/**
 * Usage on every chat stream, on every supported openai major (4.x, 5.x, 6.x from test/.sdk, 7.x from the repo):
 * a stream whose caller set no `stream_options` is asked for its usage, and what the caller sees is what it sees
 * without tokenpath, chunk object by chunk object: plain iteration, `tee()`, `toReadableStream()`, the `stream()`
 * helper with its events and `finalChatCompletion()`, `runTools()`, abort. The stand-in's host (127.0.0.1) is added
 * to the asked hosts by config; `/strict-400/` and `/strict-422/` on it refuse the option as strict servers do.
 */
import { beforeAll, beforeEach, describe, expect } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import type { LlmInstrumentationConfig } from '@tokenpath/instrumentation-llm';
import { drain, expectTokenTotals, onlySpan, plainAndInstrumented, thrown } from '../../packages/instrumentation-llm/test/support/helpers';
import { useSdkMatrix } from '../../packages/instrumentation-llm/test/support/sdk-matrix';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { streamHelperRun, wireShape } from '../../packages/instrumentation-llm/test/support/stream-usage';

const CONFIG: LlmInstrumentationConfig = { streamUsageHosts: ['127.0.0.1'] };
const messages = [{ role: 'user', content: 'tell me about tokens please' }];
const INCLUDE = { include_usage: true };

const bed = useTestbed(undefined, { config: CONFIG });
const matrix = useSdkMatrix(bed, 'openai');
beforeEach(() => {
  bed.standIn.requests.length = 0;
  // A fresh policy: the strict hosts below share the stand-in's host and port, which a refusal marks.
  bed.h.instrumentation.setConfig(CONFIG);
});

describe.each(matrix.entries)('openai $version ($source): usage on every stream', (entry) => {
  const check = matrix.check(entry.version);
  let OpenAI: any;
  const clientAt = (path: string, maxRetries = 0): any =>
    new OpenAI({ apiKey: 'sk-test-secret-key', baseURL: `${bed.standIn.url}${path}`, maxRetries });
  let client: any;
  /** The stream() helper and runTools(): on `chat.completions` since openai 5, on `beta.chat.completions` in 4.x. */
  const helpers = (): any => (client.chat.completions.stream ? client.chat.completions : client.beta.chat.completions);
  /** What the stand-in was asked, per request (stream_options or its absence). */
  const asked = (): unknown[] => bed.standIn.requests.map((r) => r.body?.stream_options);

  beforeAll(() => {
    const { exports } = matrix.load(entry);
    OpenAI = entry.source === 'repo' ? exports : (exports.OpenAI ?? exports.default ?? exports);
    client = clientAt('/v1');
  });
  const reset = async (): Promise<void> => {
    await bed.h.reset();
    bed.standIn.served.length = 0;
    bed.standIn.requests.length = 0;
  };

  check('every chunk object is what the caller gets without tokenpath, and the span has the exact usage', async () => {
    const params = { model: 'gpt-4o-mini', messages, stream: true };
    const before = structuredClone(params);
    const { plain, output } = await plainAndInstrumented(bed.h, async () => drain(await client.chat.completions.create(params)), { resetBetween: true });
    expect(wireShape(output)).toStrictEqual(wireShape(plain));
    expect(output.some((c: any) => 'usage' in c)).toBe(false);
    // The caller's params object is untouched; the copy sent asked for the usage.
    expect(params).toStrictEqual(before);
    expect(asked()).toEqual([undefined, { include_usage: true }]);
    const span = await onlySpan(bed.h);
    const wire = bed.standIn.served[1].usage!;
    expect(wire.prompt_tokens).toBeGreaterThan(0);
    expect(span.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': wire.prompt_tokens,
      'gen_ai.usage.output_tokens': wire.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': wire.prompt_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': wire.completion_tokens_details.reasoning_tokens,
      'tokenpath.usage.source': 'provider',
      'gen_ai.response.finish_reasons': ['stop'],
    });
    await expectTokenTotals(bed.h, { input: wire.prompt_tokens, output: wire.completion_tokens });
  });

  check('tee(): both branches get the chunks the caller gets without tokenpath', async () => {
    const run = async (): Promise<unknown[][]> => {
      const [left, right] = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, n: 2 })).tee();
      return Promise.all([drain(left), drain(right)]);
    };
    const { plain, output } = await plainAndInstrumented(bed.h, run, { resetBetween: true });
    expect(wireShape(output[0])).toStrictEqual(wireShape(plain[0]));
    expect(wireShape(output[1])).toStrictEqual(wireShape(plain[0]));
    expect((await onlySpan(bed.h)).attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[1].usage!.completion_tokens);
  });

  check('toReadableStream(): the same bytes as without tokenpath', async () => {
    const run = async (): Promise<string> => {
      const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true });
      return new Response(stream.toReadableStream()).text();
    };
    const { plain, output } = await plainAndInstrumented(bed.h, run, { resetBetween: true });
    const lines = (text: string): unknown[] => text.trim().split('\n').map((l) => JSON.parse(l));
    expect(wireShape(lines(output))).toStrictEqual(wireShape(lines(plain)));
    expect(asked()).toEqual([undefined, { include_usage: true }]);
    expect((await onlySpan(bed.h)).attributes['gen_ai.usage.input_tokens']).toBe(bed.standIn.served[1].usage!.prompt_tokens);
  });

  check('the stream() helper: its events and finalChatCompletion() are what they are without tokenpath', async () => {
    const run = () => streamHelperRun(helpers().stream({ model: 'gpt-4o-mini', messages }));
    const { plain, output } = await plainAndInstrumented(bed.h, run, { resetBetween: true });
    expect(wireShape(output)).toStrictEqual(wireShape(plain));
    expect(output.final.usage).toBe(plain.final.usage);
    expect(output.events.length).toBeGreaterThan(5);
    expect(asked()).toEqual([undefined, { include_usage: true }]);
    expect((await onlySpan(bed.h)).attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[1].usage!.completion_tokens);
  });

  check('runTools() streaming: the conversation and final completion are what they are without tokenpath', async () => {
    const run = async (): Promise<unknown> => {
      const tool = { type: 'function', function: { name: 'get_weather', function: () => 'sunny', parse: JSON.parse, parameters: { type: 'object', properties: {} } } };
      const runner = helpers().runTools({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'weather in Paris?' }], tools: [tool], stream: true });
      const final = await runner.finalChatCompletion();
      return { final, messages: runner.messages, usage: await runner.totalUsage() };
    };
    const { plain, output } = await plainAndInstrumented(bed.h, run, { resetBetween: true });
    expect(wireShape(output)).toStrictEqual(wireShape(plain));
    expect(asked()).toEqual([undefined, undefined, { include_usage: true }, { include_usage: true }]);
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes['gen_ai.usage.output_tokens'])).toEqual(bed.standIn.served.slice(2).map((s) => s.usage!.completion_tokens));
  });

  check('abort after the first chunk: the caller sees what it sees without tokenpath; the span has no usage', async () => {
    const run = async (): Promise<unknown> => {
      // stream-hang: the stand-in sends the first chunk and keeps the stream open, so the usage never comes.
      const stream = await client.chat.completions.create({ model: 'stream-hang', messages, stream: true });
      const seen: unknown[] = [];
      let error: unknown;
      try {
        for await (const chunk of stream) {
          seen.push(chunk);
          stream.controller.abort();
        }
      } catch (e) {
        error = (e as Error)?.constructor?.name;
      }
      return { seen, error };
    };
    const { plain, output } = await plainAndInstrumented(bed.h, run, { resetBetween: true });
    expect(wireShape(output)).toStrictEqual(wireShape(plain));
    expect(asked()).toEqual([undefined, { include_usage: true }]);
    const span = await onlySpan(bed.h);
    expect(span.attributes['error.type']).toBe('AbortError');
    expect(span.attributes['tokenpath.usage.source']).toBe('none');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  for (const status of [400, 422]) {
    check(`a host that refuses stream_options with ${status} is called again without it, invisibly, and not asked again`, async () => {
      const strict = clientAt(`/strict-${status}/v1`, 2);
      const run = async () => drain(await strict.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
      const { plain, output } = await plainAndInstrumented(bed.h, run, { resetBetween: true });
      expect(wireShape(output)).toStrictEqual(wireShape(plain));
      // Without tokenpath one request; with it the refused one and the retry (the SDK does not retry a 400/422).
      expect(asked()).toEqual([undefined, { include_usage: true }, undefined]);
      expect(bed.standIn.served.map((s) => s.status)).toEqual([200, status, 200]);
      const span = await onlySpan(bed.h);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes['tokenpath.usage.source']).toBe('none');
      // Remembered: the next stream to that host goes as the caller made it.
      await reset();
      await run();
      expect(asked()).toEqual([undefined]);
      // withResponse() sees the retried request's response.
      await reset();
      bed.h.instrumentation.setConfig(CONFIG);
      const { data, response } = await strict.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }).withResponse();
      expect(response.status).toBe(200);
      expect((await drain(data)).length).toBeGreaterThan(2);
      expect(asked()).toEqual([{ include_usage: true }, undefined]);
    });
  }

  check("the call again without the option has the SDK's own retries (maxRetries), as the caller's call would have", async () => {
    // The strict host refuses the option first; without it the request meets a 429, which the SDK retries once.
    const strict = clientAt('/strict-400/v1', 1);
    const call = () => thrown(() => strict.chat.completions.create({ model: 'error-429', messages, stream: true }));
    const { plain, output } = await plainAndInstrumented(bed.h, call);
    expect([output.constructor.name, output.status, output.message]).toEqual([plain.constructor.name, plain.status, plain.message]);
    expect(output.status).toBe(429);
    expect(asked()).toEqual([undefined, undefined, INCLUDE, undefined, undefined]);
  });

  check('an error that is not about the option reaches the caller as without tokenpath', async () => {
    // [model, requests without tokenpath, with it]: the SDK retries a 429 twice itself; a configured host's 400 may
    // be the option refused, so it is tried once more without it, fails alike, and the host is not remembered.
    for (const [model, plainRequests, requests] of [['error-400', 1, 2], ['error-404', 1, 1], ['error-429', 3, 3]] as const) {
      await reset();
      const retrying = clientAt('/v1', 2);
      const call = () => thrown(() => retrying.chat.completions.create({ model, messages, stream: true }));
      const { plain, output } = await plainAndInstrumented(bed.h, call);
      expect([output.constructor.name, output.status, output.message, output.error]).toEqual([plain.constructor.name, plain.status, plain.message, plain.error]);
      expect(bed.standIn.requests.length).toBe(plainRequests + requests);
    }
    await reset();
    await drain(await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
    expect(asked()).toEqual([{ include_usage: true }]);
  });
});
