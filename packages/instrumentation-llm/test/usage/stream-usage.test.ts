/**
 * Usage on every chat stream, host by host: the openai SDK pointed at each OpenAI-compatible host of the endpoint
 * table (its base URL names the real host; a custom `fetch` carries the request to the stand-in), groq-sdk and
 * together-ai on their own hosts, the switches (option and env), and what is never touched (a caller's own
 * `stream_options`, calls that are not streams). What the caller gets is compared chunk object by chunk object with
 * the same call made without tokenpath (openai 4 to 7 in test/sdk-versions/stream-usage-versions.test.ts).
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LlmInstrumentationConfig } from '@tokenpath/instrumentation-llm';
import { drain, expectTokenTotals, onlySpan, plainAndInstrumented, thrown } from '../support/helpers';
import { useTestbed } from '../support/testbed';
import { fetchVia, wireShape } from '../support/stream-usage';

const messages = [{ role: 'user', content: 'tell me about tokens please' }];
const INCLUDE = { include_usage: true };

const bed = useTestbed();
let OpenAI: any;
let Groq: any;
let Together: any;

beforeAll(() => {
  OpenAI = bed.h.load('openai');
  Groq = bed.h.load('groq-sdk');
  Together = bed.h.load('together-ai');
});
beforeEach(() => {
  bed.standIn.requests.length = 0;
  bed.h.instrumentation.setConfig({});
});

/** What the stand-in was sent as `stream_options`, request by request. */
const asked = (): unknown[] => bed.standIn.requests.map((r) => r.body?.stream_options);

/** A stream read to its end, without tokenpath and with it: the chunks, and the span of the instrumented run. */
async function streamTwice(client: any, model: string, params: object = {}) {
  const run = async () => drain(await client.chat.completions.create({ model, messages, stream: true, ...params }));
  const { plain, output } = await plainAndInstrumented(bed.h, run, { resetBetween: true });
  expect(output.length).toBeGreaterThan(2);
  expect(wireShape(output)).toStrictEqual(wireShape(plain));
  return { chunks: output, span: await onlySpan(bed.h) };
}

/** The tokens the stand-in served for the instrumented run (the second request), or undefined where none were stated. */
const servedTokens = (): { input: number; output: number } | undefined => {
  const u = bed.standIn.served[1].usage;
  return u ? { input: u.prompt_tokens, output: u.completion_tokens } : undefined;
};

/**
 * Every OpenAI-compatible host of core/endpoint.ts, as its users set the base URL; `prefix` is where the stand-in
 * answers that vendor's flavour (Groq, Together and Mistral frame streams their own way); `asks` whether the table
 * asks it for stream usage.
 */
const HOSTS: { baseURL: string; prefix?: string; provider: string; asks: boolean }[] = [
  { baseURL: 'https://api.openai.com/v1', provider: 'openai', asks: true },
  { baseURL: 'https://my-resource.openai.azure.com/openai/deployments/gpt-4o-mini', provider: 'azure.ai.openai', asks: true },
  { baseURL: 'https://api.deepseek.com/v1', provider: 'deepseek', asks: true },
  { baseURL: 'https://api.x.ai/v1', provider: 'x_ai', asks: true },
  { baseURL: 'http://localhost:8000/v1', provider: 'vllm', asks: true },
  { baseURL: 'https://api.groq.com/openai/v1', provider: 'groq', asks: false },
  { baseURL: 'https://api.together.xyz/v1', prefix: '/together', provider: 'together_ai', asks: false },
  { baseURL: 'https://api.mistral.ai/v1', prefix: '/mistral', provider: 'mistral_ai', asks: false },
  { baseURL: 'https://api.perplexity.ai', provider: 'perplexity', asks: false },
  { baseURL: 'https://api.moonshot.ai/v1', provider: 'moonshot_ai', asks: false },
  { baseURL: 'https://api.fireworks.ai/inference/v1', provider: 'fireworks_ai', asks: false },
  { baseURL: 'https://openrouter.ai/api/v1', provider: 'openrouter', asks: false },
  { baseURL: 'https://api.cerebras.ai/v1', provider: 'cerebras', asks: false },
  { baseURL: 'https://generativelanguage.googleapis.com/v1beta/openai', provider: 'gcp.gemini', asks: false },
  { baseURL: 'http://localhost:11434/v1', provider: 'ollama', asks: false },
];

/** An openai client whose requests to `baseURL`'s host reach the stand-in (under `prefix`, path kept). */
function openaiOn(baseURL: string, prefix = '', maxRetries = 0): any {
  return new OpenAI({ apiKey: 'sk-test-secret-key', baseURL, maxRetries, fetch: fetchVia(bed.standIn.url, prefix) });
}

describe('the openai SDK on every OpenAI-compatible host of the endpoint table', () => {
  for (const host of HOSTS) {
    it(`${host.provider} (${new URL(host.baseURL).host}): ${host.asks ? 'asked for the usage, which the caller never sees' : 'not asked'}; the caller's chunks as without tokenpath`, async () => {
      const client = openaiOn(host.baseURL, host.prefix);
      const { chunks, span } = await streamTwice(client, host.provider === 'groq' ? 'llama-3.3-70b-versatile' : 'gpt-4o-mini');
      expect(asked()).toEqual([undefined, host.asks ? INCLUDE : undefined]);
      expect(span.attributes['gen_ai.provider.name']).toBe(host.provider);
      const tokens = servedTokens();
      if (host.asks) {
        expect(chunks.some((c: any) => 'usage' in c)).toBe(false);
        expect(tokens).toBeDefined();
      }
      if (tokens) {
        expect(span.attributes).toMatchObject({
          'gen_ai.usage.input_tokens': tokens.input,
          'gen_ai.usage.output_tokens': tokens.output,
          'tokenpath.usage.source': 'provider',
        });
        await expectTokenTotals(bed.h, tokens);
      } else {
        expect(span.attributes['tokenpath.usage.source']).toBe('none');
      }
    });
  }

  it('a known host that refuses the option and names it (Azure before api-version 2024-09-01-preview) is asked again without it and remembered', async () => {
    const client = openaiOn('https://old-resource.openai.azure.com/openai/deployments/gpt-4o-mini', '/strict-400');
    const { span } = await streamTwice(client, 'gpt-4o-mini');
    expect(asked()).toEqual([undefined, INCLUDE, undefined]);
    expect(span.attributes['tokenpath.usage.source']).toBe('none');
    await drain(await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
    expect(asked()).toEqual([undefined, INCLUDE, undefined, undefined]);
  });

  it('a known host whose 400 does not name the option is not called twice; the caller gets the same error', async () => {
    const client = openaiOn('https://api.openai.com/v1', '', 2);
    const call = () => thrown(() => client.chat.completions.create({ model: 'error-400', messages, stream: true }));
    const { plain, output } = await plainAndInstrumented(bed.h, call);
    expect([output.constructor, output.status, output.message, output.error]).toEqual([plain.constructor, plain.status, plain.message, plain.error]);
    expect(asked()).toEqual([undefined, INCLUDE]);
  });
});

describe('groq-sdk and together-ai', () => {
  it('groq-sdk on api.groq.com is not asked (Groq states usage in x_groq unasked); chunks and usage as without tokenpath', async () => {
    const client = new Groq({ apiKey: 'gsk_test-secret-key', baseURL: 'https://api.groq.com', maxRetries: 0, fetch: fetchVia(bed.standIn.url) });
    const { span } = await streamTwice(client, 'llama-3.3-70b-versatile');
    expect(asked()).toEqual([undefined, undefined]);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(servedTokens()!.output);
  });

  it('groq-sdk on a host added by config is asked; the top-level usage Groq then adds is hidden, x_groq kept', async () => {
    bed.h.instrumentation.setConfig({ streamUsageHosts: ['127.0.0.1'] });
    const client = new Groq({ apiKey: 'gsk_test-secret-key', baseURL: bed.standIn.url, maxRetries: 0 });
    const { chunks, span } = await streamTwice(client, 'llama-3.3-70b-versatile');
    expect(asked()).toEqual([undefined, INCLUDE]);
    expect(chunks.at(-1).x_groq.usage.completion_tokens).toBe(servedTokens()!.output);
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': servedTokens()!.input, 'gen_ai.usage.output_tokens': servedTokens()!.output });
  });

  it('together-ai on api.together.xyz is not asked (Together states usage on the finish chunk unasked); chunks and usage as without tokenpath', async () => {
    const client = new Together({ apiKey: 'tg-test-secret-key', baseURL: 'https://api.together.xyz/v1', maxRetries: 0, fetch: fetchVia(bed.standIn.url, '/together') });
    const { span } = await streamTwice(client, 'meta-llama/Llama-3.3-70B-Instruct-Turbo');
    expect(asked()).toEqual([undefined, undefined]);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(servedTokens()!.output);
  });
});

describe('switches and what is never touched', () => {
  const openaiHost = (): any => openaiOn('https://api.openai.com/v1');
  const streamOnce = async (client: any, params: object = {}) =>
    drain(await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, ...params }));
  const saved = { ...process.env };
  afterEach(() => {
    delete process.env.OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE;
    delete process.env.OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS;
    Object.assign(process.env, saved);
  });

  it.each<[string, LlmInstrumentationConfig, Record<string, string>, unknown]>([
    ['the option streamUsage: false turns it off', { streamUsage: false }, {}, undefined],
    ['OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE=false turns it off', {}, { OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE: 'false' }, undefined],
    ['the option wins over the env', { streamUsage: true }, { OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE: 'false' }, INCLUDE],
    ['an invalid env value leaves it on', {}, { OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE: 'nope' }, INCLUDE],
  ])('%s', async (_name, config, env, expected) => {
    Object.assign(process.env, env);
    bed.h.instrumentation.setConfig(config);
    await streamOnce(openaiHost());
    expect(asked()).toEqual([expected]);
  });

  it('OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS adds hosts (host or host:port); the option replaces the env list', async () => {
    const local = new OpenAI({ apiKey: 'sk-test-secret-key', baseURL: `${bed.standIn.url}/v1`, maxRetries: 0 });
    process.env.OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS = `example.com, 127.0.0.1:${bed.standIn.port}`;
    bed.h.instrumentation.setConfig({});
    await streamOnce(local);
    bed.h.instrumentation.setConfig({ streamUsageHosts: ['example.com'] });
    await streamOnce(local);
    bed.h.instrumentation.setConfig({ streamUsageHosts: ['*'] });
    await streamOnce(local);
    expect(asked()).toEqual([INCLUDE, undefined, INCLUDE]);
  });

  it('a client whose makeRequest another tool replaced on the instance is not asked (no way to try again without it)', async () => {
    const client = openaiHost();
    const own = function makeRequest(this: any, ...a: unknown[]) {
      return Object.getPrototypeOf(this).makeRequest.apply(this, a);
    };
    client.makeRequest = own;
    const chunks = await streamOnce(client);
    expect(asked()).toEqual([undefined]);
    expect(client.makeRequest).toBe(own);
    expect(chunks.length).toBeGreaterThan(2);
  });

  it("a caller's own stream_options are sent as set, and its chunks carry what it asked for", async () => {
    const client = openaiHost();
    const chunks = await streamOnce(client, { stream_options: { include_usage: true } });
    await streamOnce(client, { stream_options: { include_usage: false } });
    expect(asked()).toEqual([INCLUDE, { include_usage: false }]);
    expect(chunks.at(-1).choices).toEqual([]);
    expect(chunks.at(-1).usage).toEqual(bed.standIn.served[0].usage);
  });

  it('calls that are not streams go as made; the params object of a stream and the keys of the client are never changed', async () => {
    const client = openaiHost();
    const clientKeys = Object.keys(client);
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    const params = Object.freeze({ model: 'gpt-4o-mini', messages, stream: true });
    await drain(await client.chat.completions.create(params));
    expect(bed.standIn.requests.map((r) => 'stream_options' in r.body)).toEqual([false, true]);
    expect(params).toEqual({ model: 'gpt-4o-mini', messages, stream: true });
    expect(Object.keys(client)).toEqual(clientKeys);
  });
});
