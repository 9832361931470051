/**
 * The runnable examples of examples/README.md, run the way a user runs them: through examples/with-provider.mjs,
 * which points each provider at the local LLM stand-in unless that provider's API key is set. Each test runs the
 * example in a child process against an OTLP receiver of its own and checks the exact token usage it exported.
 *
 *   OpenAI, CommonJS, --require     examples/apps/openai-chat.cjs
 *   Anthropic, ESM, --import        examples/apps/anthropic-chat.mjs
 *   programmatic NodeSDK (ESM)      --import examples/programmatic/otel.mjs examples/programmatic/app.mjs
 *   "key set → real provider"       OPENAI_API_KEY / ANTHROPIC_API_KEY set: the launcher leaves the provider alone
 *                                   (here the provider is a stand-in of this test at OPENAI_BASE_URL / ANTHROPIC_BASE_URL)
 *
 * The Prometheus scrape, collector pipeline (run.sh) and Grafana dashboard examples are exercised in test/collector/.
 */
import { describe, expect, it } from 'vitest';
import {
  REGISTER,
  TOKEN_USAGE,
  appEnv,
  appResults,
  expectCleanRun,
  expectCleanRunWithUnpriced,
  expectTokenMetrics,
  runApp,
  sumByAttribute,
  telemetryArrived,
  tokensOf,
  useScenario,
  type CallTokens,
} from './support.js';

const LAUNCHER = 'examples/with-provider.mjs';
const OPENAI_CJS = 'examples/apps/openai-chat.cjs';
const ANTHROPIC_ESM = 'examples/apps/anthropic-chat.mjs';
const PROGRAMMATIC_SETUP = './examples/programmatic/otel.mjs';
const PROGRAMMATIC_APP = 'examples/programmatic/app.mjs';
const OPENAI_MODELS = ['gpt-4o-mini', 'gpt-4.1-nano', 'text-embedding-3-small', 'gpt-4o']; // examples/apps/openai-calls.cjs

const scenario = useScenario();

/** Nothing of the user's provider settings leaks in: the launcher alone decides, from `vars`. */
function exampleEnv(service: string, vars: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = appEnv(scenario.receiver.url, service, {});
  for (const key of Object.keys(env)) if (/^(ANTHROPIC_|CLOUD_ML_|APP_)/.test(key)) delete env[key];
  for (const [key, value] of Object.entries(vars)) if (value === undefined) delete env[key];
  else env[key] = value;
  return env;
}

/** Anthropic's conventions' input: cache reads and writes count in. */
const anthropicInput = (u: Record<string, any>) => u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);

/** `model: {input, output}` of the exported CLIENT spans that carry usage. */
function spanTokens(): Record<string, CallTokens> {
  return Object.fromEntries(
    scenario.receiver.spans
      .filter((s) => s.kind === 3 && s.attributes['gen_ai.usage.input_tokens'] !== undefined)
      .map((s) => [
        String(s.attributes['gen_ai.request.model']),
        { input: s.attributes['gen_ai.usage.input_tokens'] as number, output: s.attributes['gen_ai.usage.output_tokens'] as number | undefined },
      ]),
  );
}

/** The OpenAI calls' tokens from the app's printed usages, by model. */
function openaiCalls(stdout: string): Record<string, CallTokens> {
  const usages = appResults(stdout) as Record<string, any>[];
  expect(usages).toHaveLength(4);
  return Object.fromEntries(usages.map((u, i) => [OPENAI_MODELS[i]!, tokensOf(u)]));
}

describe('examples through with-provider.mjs, offline (no API key: the stand-in)', () => {
  it('OpenAI, CommonJS, --require: exact tokens per call in spans and metrics', async () => {
    const exit = await runApp([LAUNCHER, '--require', REGISTER, OPENAI_CJS], exampleEnv('example-openai-cjs'), 20_000);
    expectCleanRun(exit);
    expect(exit.stderr).toMatch(/with-provider: OpenAI -> stand-in http:\/\/127\.0\.0\.1:\d+ \(set OPENAI_API_KEY for the real API\)/);
    const calls = openaiCalls(exit.stdout);
    await telemetryArrived(scenario.receiver, 4);
    expect(spanTokens()).toEqual(calls);
    expectTokenMetrics(scenario.receiver, Object.values(calls));
    expect(scenario.receiver.spans.every((s) => s.resource['service.name'] === 'example-openai-cjs')).toBe(true);
  });

  it('Anthropic, ESM, --import: exact tokens of the four inference calls (count_tokens is not inference)', async () => {
    const exit = await runApp([LAUNCHER, '--import', REGISTER, ANTHROPIC_ESM], exampleEnv('example-anthropic-esm'), 20_000);
    // Two of the stand-in's fictional models have no list price: their calls carry no cost, and tokenpath says so.
    expectCleanRunWithUnpriced(exit, [
      { provider: 'anthropic', model: 'claude-haiku-5-5-2024-07-18' },
      { provider: 'gcp.vertex_ai', model: 'claude-vertex-5-5-2024-07-18' },
    ]);
    expect(exit.stderr).toMatch(/with-provider: Anthropic -> stand-in http:\/\/127\.0\.0\.1:\d+/);
    const results = appResults(exit.stdout) as Record<string, any>[];
    expect(results).toHaveLength(5); // message, stream, stream helper, count_tokens, Vertex AI
    const models = ['claude-sonnet-5-5', 'claude-haiku-5-5', 'claude-opus-5-5', null, 'claude-vertex-5-5'];
    const calls: Record<string, CallTokens> = {};
    results.forEach((u, i) => {
      if (models[i]) calls[models[i]!] = { input: anthropicInput(u), output: u.output_tokens };
    });
    await telemetryArrived(scenario.receiver, 4);
    expect(spanTokens()).toEqual(calls);
    expectTokenMetrics(scenario.receiver, Object.values(calls));
  });

  it('programmatic NodeSDK + LlmInstrumentation (ESM, --import ./otel.mjs): exact tokens per call in spans and metrics', async () => {
    const exit = await runApp([LAUNCHER, '--import', PROGRAMMATIC_SETUP, PROGRAMMATIC_APP], exampleEnv('example-programmatic'), 20_000);
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(/otel: shutdown failed|import-in-the-middle/);
    const calls = openaiCalls(exit.stdout);
    await telemetryArrived(scenario.receiver, 4);
    expect(spanTokens()).toEqual(calls);
    expectTokenMetrics(scenario.receiver, Object.values(calls));
    const byModel = sumByAttribute(scenario.receiver.latestPoints(TOKEN_USAGE), 'gen_ai.request.model', 'sum');
    expect(byModel).toEqual(
      Object.fromEntries(Object.entries(calls).map(([model, t]) => [model, (t.input ?? 0) + (t.output ?? 0)])),
    );
    const span = scenario.receiver.spans[0]!;
    expect(span.resource['service.name']).toBe('example-programmatic');
  });
});

describe('examples through with-provider.mjs with a provider API key set: the provider, not the stand-in', () => {
  it('OPENAI_API_KEY set: the calls go to OPENAI_BASE_URL with that key (here the test plays the provider)', async () => {
    const { standIn } = scenario;
    const key = 'sk-example-live-key-not-real';
    const exit = await runApp(
      [LAUNCHER, '--require', REGISTER, OPENAI_CJS],
      exampleEnv('example-openai-live', { OPENAI_API_KEY: key, OPENAI_BASE_URL: `${standIn.url}/v1` }),
      20_000,
    );
    expectCleanRun(exit);
    expect(exit.stderr).toContain(`with-provider: OpenAI -> ${standIn.url}/v1 (OPENAI_API_KEY is set)`);
    expect(standIn.requests.map((r) => r.body.model)).toEqual(OPENAI_MODELS);
    expect(standIn.requests.every((r) => r.headers.authorization === `Bearer ${key}`)).toBe(true);
    const calls = openaiCalls(exit.stdout);
    await telemetryArrived(scenario.receiver, 4);
    expect(spanTokens()).toEqual(calls);
    expect(JSON.stringify(scenario.receiver.spans)).not.toContain(key);
  });

  it('ANTHROPIC_API_KEY set: the real models (APP_ANTHROPIC_MODEL, default claude-haiku-4-5), no stand-in Vertex AI call', async () => {
    const { standIn } = scenario;
    const exit = await runApp(
      [LAUNCHER, '--import', REGISTER, ANTHROPIC_ESM],
      exampleEnv('example-anthropic-live', { ANTHROPIC_API_KEY: 'sk-ant-example-not-real', ANTHROPIC_BASE_URL: standIn.url }),
      20_000,
    );
    expectCleanRun(exit);
    expect(exit.stderr).toContain(`with-provider: Anthropic -> ${standIn.url} (ANTHROPIC_API_KEY is set)`);
    expect(standIn.requests.map((r) => r.path)).toEqual(['/v1/messages', '/v1/messages', '/v1/messages', '/v1/messages/count_tokens']);
    expect(standIn.requests.every((r) => r.body.model === 'claude-haiku-4-5')).toBe(true);
    // The SDK sends the key as `authorization: Bearer` (this SDK version) or `x-api-key`: either way, the user's key.
    expect(standIn.requests.map((r) => r.headers['x-api-key'] ?? r.headers.authorization?.replace(/^Bearer /, ''))).toEqual(
      Array(4).fill('sk-ant-example-not-real'),
    );
    expect(appResults(exit.stdout)).toHaveLength(4);
    await telemetryArrived(scenario.receiver, 3);
    expect(Object.keys(spanTokens())).toEqual(['claude-haiku-4-5']);
    expectTokenMetrics(
      scenario.receiver,
      standIn.served.filter((s) => s.usage).map((s) => ({ input: anthropicInput(s.usage!), output: s.usage!.output_tokens })),
    );
  });
});
