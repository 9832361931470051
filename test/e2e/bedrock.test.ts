/**
 * End-to-end: the zero-code entry (`node --require|--import @tokenpath/instrumentation-llm/register`) with real
 * `@aws-sdk/client-bedrock-runtime` apps in child processes (CommonJS and ESM; the SDK's default HTTP/2 handler; the
 * endpoint from the SDK's own AWS_ENDPOINT_URL_BEDROCK_RUNTIME variable), the Bedrock stand-in and the real OTLP
 * exporters delivering to a receiver started here. Every scenario gets a fresh stand-in and receiver.
 */
import { describe, expect, it } from 'vitest';
import { REGISTER, appEnv, appResults, expectCleanRun, expectExportedCalls, runApp, useBaseline, useScenario, type StandIn } from './support.js';

const CJS_APP = 'examples/apps/bedrock-chat.cjs';
const ESM_APP = 'examples/apps/bedrock-chat.mjs';
const SERVICE_NAME = 'e2e-bedrock-app';
/** The static test credentials of bedrock-calls.cjs: they sign requests and appear in no telemetry. */
const ACCESS_KEY_ID = 'AKIDTEST';

/** What bedrock-calls.cjs calls, in order. */
const SPANS = [
  'chat amazon.nova-micro-v1:0',
  'chat us.anthropic.claude-3-5-haiku-20241022-v1:0',
  'chat anthropic.claude-3-5-haiku-20241022-v1:0',
  'text_completion mistral.mistral-7b-instruct-v0:2',
];

const scenario = useScenario();

/** Only standard variables: the SDK's endpoint variable for the stand-in, the exporters' for the receiver. */
function bedrockAppEnv(standIn: StandIn, receiverUrl: string): NodeJS.ProcessEnv {
  return appEnv(receiverUrl, SERVICE_NAME, {
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: standIn.url,
    AWS_ENDPOINT_URL: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
  });
}

/** Input and output tokens of what the stand-in served, as the conventions count them (cache reads and writes in). */
function tokensOf(usage: Record<string, any> | null): { input?: number; output?: number } {
  if (!usage) return {};
  const input = usage.inputTokens ?? usage.inputTokenCount;
  const cache = (usage.cacheReadInputTokens ?? usage.cacheReadInputTokenCount ?? 0) + (usage.cacheWriteInputTokens ?? usage.cacheWriteInputTokenCount ?? 0);
  return { input: input + cache, output: usage.outputTokens ?? usage.outputTokenCount };
}

/** The app's stdout results when it runs WITHOUT the register entry. */
const baseline = useBaseline([CJS_APP, ESM_APP], bedrockAppEnv, (_results, ownStandIn) => {
  expect(ownStandIn.served.map((s) => s.status)).toEqual([200, 200, 200, 200]);
});

describe('register entry with @aws-sdk/client-bedrock-runtime: spans and exact token metrics from a child process', () => {
  it.each([
    { flag: '--require', app: CJS_APP },
    { flag: '--import', app: ESM_APP },
  ])('$flag $app', async ({ flag, app }) => {
    const { receiver, standIn } = scenario;
    const exit = await runApp([flag, REGISTER, app], bedrockAppEnv(standIn, receiver.url));
    expectCleanRun(exit);
    // Transparent across processes: the app saw exactly what it sees without the register entry.
    expect(appResults(exit.stdout)).toEqual(baseline[app]);

    // Exactly one CLIENT span per call, in call order, with exactly the served token counts; token sums per type are the
    // served totals, one point of each type per call, one duration point per call; the credentials signed the requests
    // and went nowhere else.
    const spans = await expectExportedCalls(receiver, {
      names: SPANS,
      calls: standIn.served.map((s) => tokensOf(s.usage)),
      serviceName: SERVICE_NAME,
      attributes: { 'gen_ai.provider.name': 'aws.bedrock', 'server.address': '127.0.0.1', 'server.port': Number(new URL(standIn.url).port) },
      secret: ACCESS_KEY_ID,
      pointsPerType: { input: SPANS.length, output: SPANS.length },
    });
    expect(spans[1].attributes['gen_ai.request.stream']).toBe(true);
    expect(spans[2].attributes['gen_ai.response.model']).toBe('claude-3-5-haiku-20241022');
    expect(standIn.requests.every((r) => r.headers.authorization?.includes(`Credential=${ACCESS_KEY_ID}/`))).toBe(true);
  });
});
