/**
 * End-to-end: the zero-code entry (`node --require|--import @tokenpath/instrumentation-llm/register`) with real
 * `@aws-sdk/client-bedrock-runtime` apps in child processes (CommonJS and ESM; the SDK's default HTTP/2 handler; the
 * endpoint from the SDK's own AWS_ENDPOINT_URL_BEDROCK_RUNTIME variable), the Bedrock stand-in and the real OTLP
 * exporters delivering to a receiver started here. Every scenario gets a fresh stand-in and receiver.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { REGISTER, appResults, childEnv, runApp, startStandIn, sumByAttribute, total, type StandIn } from './support.js';

const CJS_APP = 'examples/apps/bedrock-chat.cjs';
const ESM_APP = 'examples/apps/bedrock-chat.mjs';
const SERVICE_NAME = 'e2e-bedrock-app';
const TOKEN_USAGE = 'gen_ai.client.token.usage';
const DURATION = 'gen_ai.client.operation.duration';
const SPAN_KIND_CLIENT = 3;
/** The static test credentials of bedrock-calls.cjs: they sign requests and appear in no telemetry. */
const ACCESS_KEY_ID = 'AKIDTEST';

/** What bedrock-calls.cjs calls, in order. */
const SPANS = [
  'chat amazon.nova-micro-v1:0',
  'chat us.anthropic.claude-3-5-haiku-20241022-v1:0',
  'chat anthropic.claude-3-5-haiku-20241022-v1:0',
  'text_completion mistral.mistral-7b-instruct-v0:2',
];

let receiver: OtlpReceiver;
let standIn: StandIn;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  standIn = await startStandIn();
});
afterEach(async () => {
  await Promise.all([receiver.close(), standIn.close()]);
});

/** Only standard variables: the SDK's endpoint variable for the stand-in, the exporters' for the receiver. */
function appEnv(standInUrl: string, receiverUrl: string): NodeJS.ProcessEnv {
  return childEnv({
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: standInUrl,
    AWS_ENDPOINT_URL: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_METRIC_EXPORT_INTERVAL: '60000',
    OTEL_SERVICE_NAME: SERVICE_NAME,
    OTEL_LOGS_EXPORTER: 'none',
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
const baseline: Record<string, unknown[]> = {};

beforeAll(async () => {
  for (const app of [CJS_APP, ESM_APP]) {
    const [ownReceiver, ownStandIn] = await Promise.all([startOtlpReceiver(), startStandIn()]);
    try {
      const exit = await runApp([app], appEnv(ownStandIn.url, ownReceiver.url));
      expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
      baseline[app] = appResults(exit.stdout);
      expect(ownStandIn.served.map((s) => s.status)).toEqual([200, 200, 200, 200]);
      expect(ownReceiver.requests).toHaveLength(0);
    } finally {
      await Promise.all([ownReceiver.close(), ownStandIn.close()]);
    }
  }
});

describe('register entry with @aws-sdk/client-bedrock-runtime: spans and exact token metrics from a child process', () => {
  it.each([
    { flag: '--require', app: CJS_APP },
    { flag: '--import', app: ESM_APP },
  ])('$flag $app', async ({ flag, app }) => {
    const exit = await runApp([flag, REGISTER, app], appEnv(standIn.url, receiver.url));
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(/tokenpath:/);
    expect(exit.stderr).not.toMatch(/import-in-the-middle/);
    // Transparent across processes: the app saw exactly what it sees without the register entry.
    expect(appResults(exit.stdout)).toEqual(baseline[app]);

    await receiver.waitFor(() => receiver.spans.length >= SPANS.length && total(receiver.latestPoints(DURATION)) >= SPANS.length);
    expect(receiver.errors).toEqual([]);
    const calls = standIn.served.map((s) => tokensOf(s.usage));
    expect(calls).toHaveLength(SPANS.length);

    // Exactly one CLIENT span per call, in call order, with exactly the served token counts.
    const spans = [...receiver.spans].sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
    expect(spans.map((s) => s.name)).toEqual(SPANS);
    spans.forEach((span, i) => {
      expect(span.kind).toBe(SPAN_KIND_CLIENT);
      expect(span.resource).toMatchObject({ 'service.name': SERVICE_NAME });
      expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': 'aws.bedrock', 'server.address': '127.0.0.1', 'server.port': Number(new URL(standIn.url).port) });
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(calls[i].input);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(calls[i].output);
    });
    expect(spans[1].attributes['gen_ai.request.stream']).toBe(true);
    expect(spans[2].attributes['gen_ai.response.model']).toBe('claude-3-5-haiku-20241022');

    // Metrics: token sums per type are the served totals; one duration point per call.
    const tokenPoints = receiver.latestPoints(TOKEN_USAGE);
    const sum = (key: 'input' | 'output') => calls.reduce((n, c) => n + (c[key] ?? 0), 0);
    expect(sumByAttribute(tokenPoints, 'gen_ai.token.type', 'sum')).toEqual({ input: sum('input'), output: sum('output') });
    expect(sumByAttribute(tokenPoints, 'gen_ai.token.type', 'count')).toEqual({ input: SPANS.length, output: SPANS.length });
    expect(total(receiver.latestPoints(DURATION), 'count')).toBe(SPANS.length);

    // The credentials signed the requests and went nowhere else.
    expect(standIn.requests.every((r) => r.headers.authorization?.includes(`Credential=${ACCESS_KEY_ID}/`))).toBe(true);
    expect(JSON.stringify(receiver.spans)).not.toContain(ACCESS_KEY_ID);
    expect(JSON.stringify(receiver.metrics)).not.toContain(ACCESS_KEY_ID);
  });
});
