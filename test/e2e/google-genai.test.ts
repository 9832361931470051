/**
 * End-to-end: the zero-code entry (`node --require|--import @tokenpath/instrumentation-llm/register`) with real
 * `@google/genai` apps in child processes (CommonJS and ESM), the Gemini API stand-in and the real OTLP exporters
 * delivering to a receiver started here. Every scenario gets a fresh stand-in and receiver, so the assertions are exact.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { REGISTER, appResults, childEnv, runApp, startStandIn, sumByAttribute, total, type StandIn } from './support.js';

const CJS_APP = 'examples/apps/google-genai-chat.cjs';
const ESM_APP = 'examples/apps/google-genai-chat.mjs';
const API_KEY = 'AIzaSyE2EgeminiNotARealKey0123456789';
const SERVICE_NAME = 'e2e-google-genai-app';
const TOKEN_USAGE = 'gen_ai.client.token.usage';
const DURATION = 'gen_ai.client.operation.duration';
const SPAN_KIND_CLIENT = 3;

/** What google-genai-calls.cjs calls, in order. */
const SPANS = [
  'generate_content gemini-2.5-flash',
  'generate_content gemini-2.0-flash',
  'generate_content gemini-2.0-flash-lite',
  'embeddings gemini-embedding-001',
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

/** Only standard variables, pointing the SDK at this scenario's stand-in and the exporters at the receiver. */
function appEnv(standInUrl: string, receiverUrl: string): NodeJS.ProcessEnv {
  return childEnv({
    GEMINI_API_KEY: API_KEY,
    GOOGLE_GEMINI_BASE_URL: standInUrl,
    GOOGLE_API_KEY: undefined,
    GOOGLE_GENAI_USE_VERTEXAI: undefined,
    GOOGLE_GENAI_USE_ENTERPRISE: undefined,
    GOOGLE_CLOUD_PROJECT: undefined,
    GOOGLE_CLOUD_LOCATION: undefined,
    GOOGLE_GENAI_API_VERSION: undefined,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl,
    OTEL_METRIC_EXPORT_INTERVAL: '60000',
    OTEL_SERVICE_NAME: SERVICE_NAME,
    OTEL_LOGS_EXPORTER: 'none',
  });
}

/** Input and output tokens of a served usageMetadata, as the conventions count them. */
function tokensOf(usage: Record<string, any> | null): { input?: number; output?: number } {
  if (!usage) return {};
  return { input: usage.promptTokenCount, output: (usage.candidatesTokenCount ?? 0) + (usage.thoughtsTokenCount ?? 0) };
}

describe('register entry with @google/genai: spans and exact token metrics from a child process', () => {
  it.each([
    { flag: '--require', app: CJS_APP },
    { flag: '--import', app: ESM_APP },
  ])('$flag $app', async ({ flag, app }) => {
    const exit = await runApp([flag, REGISTER, app], appEnv(standIn.url, receiver.url));
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(/tokenpath:/);
    expect(exit.stderr).not.toMatch(/import-in-the-middle/);
    // The app saw exactly the usage the stand-in put on the wire (the uninstrumented baseline, by construction).
    expect(appResults(exit.stdout)).toEqual(standIn.served.map((s) => s.usage));

    await receiver.waitFor(() => receiver.spans.length >= SPANS.length && total(receiver.latestPoints(DURATION)) >= SPANS.length);
    expect(receiver.errors).toEqual([]);
    const calls = standIn.requests.map((r, i) => ({ path: r.path, ...tokensOf(standIn.served[i].usage) }));
    expect(calls).toHaveLength(SPANS.length);

    // Exactly one CLIENT span per call, in call order, with exactly the served token counts.
    const spans = [...receiver.spans].sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
    expect(spans.map((s) => s.name)).toEqual(SPANS);
    spans.forEach((span, i) => {
      expect(span.kind).toBe(SPAN_KIND_CLIENT);
      expect(span.resource).toMatchObject({ 'service.name': SERVICE_NAME });
      expect(span.attributes).toMatchObject({ 'gen_ai.provider.name': 'gcp.gemini', 'server.address': '127.0.0.1' });
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(calls[i].input);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(calls[i].output);
    });
    expect(spans[0].attributes['gen_ai.usage.reasoning.output_tokens']).toBe(2);
    expect(spans[1].attributes['gen_ai.request.stream']).toBe(true);

    // Metrics: token sums per type are the served totals; one duration point per call.
    const tokenPoints = receiver.latestPoints(TOKEN_USAGE);
    const sum = (key: 'input' | 'output') => calls.reduce((n, c) => n + (c[key] ?? 0), 0);
    const count = (key: 'input' | 'output') => calls.filter((c) => c[key] !== undefined).length;
    expect(sumByAttribute(tokenPoints, 'gen_ai.token.type', 'sum')).toEqual({ input: sum('input'), output: sum('output') });
    expect(sumByAttribute(tokenPoints, 'gen_ai.token.type', 'count')).toEqual({ input: count('input'), output: count('output') });
    expect(total(receiver.latestPoints(DURATION), 'count')).toBe(SPANS.length);

    // The API key went to the server and nowhere else.
    expect(standIn.requests.every((r) => r.headers['x-goog-api-key'] === API_KEY)).toBe(true);
    expect(JSON.stringify(receiver.spans)).not.toContain(API_KEY);
    expect(JSON.stringify(receiver.metrics)).not.toContain(API_KEY);
  });

  it('without the register entry the app prints the same wire usage and nothing is exported', async () => {
    const exit = await runApp([CJS_APP], appEnv(standIn.url, receiver.url));
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(appResults(exit.stdout)).toEqual(standIn.served.map((s) => s.usage));
    expect(standIn.served).toHaveLength(SPANS.length);
    expect(receiver.requests).toEqual([]);
  });
});
