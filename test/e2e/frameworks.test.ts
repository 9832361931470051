/**
 * End-to-end: the Vercel AI SDK under the zero-code entries (`--import` and `--require`), metered through its
 * `ai:telemetry` diagnostics channel, in a child process with the real OTLP exporters: one CLIENT span per model
 * call with the provider's name and exactly the tokens the stand-in served, and token metrics that add up to them. A
 * stream the app abandons (never read, dropped) is exported too, without usage, once the app's garbage is collected.
 */
import { describe, expect, it } from 'vitest';
import {
  REGISTER,
  appEnv,
  appResults,
  expectCallSpans,
  expectCleanRun,
  expectNotExported,
  expectTokenMetrics,
  runApp,
  telemetryArrived,
  useScenario,
} from './support.js';

const SERVICE_NAME = 'e2e-ai-sdk-app';
const scenario = useScenario();

describe('register entry with the Vercel AI SDK: spans and exact token metrics from a child process', () => {
  it.each([
    ['--import', 'test/e2e/frameworks/ai-sdk-app.mjs'],
    ['--require', 'test/e2e/frameworks/ai-sdk-app.cjs'],
  ])('%s', async (flag, app) => {
    const { receiver, standIn } = scenario;
    const exit = await runApp(['--expose-gc', flag, REGISTER, app], appEnv(receiver.url, SERVICE_NAME, { STAND_IN_URL: standIn.url }), 40_000);
    expectCleanRun(exit);
    const reported = appResults(exit.stdout) as { input: number; output: number }[];

    await telemetryArrived(receiver, 3);
    expect(receiver.errors).toEqual([]);
    const [openaiUsage, anthropicUsage] = standIn.served.map((s) => s.usage!);
    const calls = [
      { input: openaiUsage.prompt_tokens, output: openaiUsage.completion_tokens },
      { input: anthropicUsage.input_tokens, output: anthropicUsage.output_tokens },
    ];
    expect(reported).toEqual(calls);
    expect(standIn.served).toHaveLength(3);
    const abandoned = { input: undefined, output: undefined };
    const spans = expectCallSpans(receiver, ['chat gpt-4o-mini', 'chat claude-sonnet-4-5', 'chat gpt-4o-mini'], [...calls, abandoned], SERVICE_NAME, {});
    expect(spans.map((s) => [s.attributes['gen_ai.provider.name'], s.attributes['gen_ai.request.stream'], s.attributes['tokenpath.usage.source']])).toEqual([
      ['openai', false, 'provider'],
      ['anthropic', true, 'provider'],
      ['openai', true, 'none'],
    ]);
    expectTokenMetrics(receiver, [...calls, abandoned]);
    expectNotExported(receiver, 'e2e-secret-key');
  }, 60_000);
});

