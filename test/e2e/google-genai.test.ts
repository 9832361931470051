/**
 * End-to-end: the zero-code entry (`node --require|--import @tokenpath/instrumentation-llm/register`) with real
 * `@google/genai` apps in child processes (CommonJS and ESM), the Gemini API stand-in and the real OTLP exporters
 * delivering to a receiver started here. Every scenario gets a fresh stand-in and receiver, so the assertions are exact.
 */
import { describe, expect, it } from 'vitest';
import { REGISTER, appEnv, appResults, expectCleanRun, expectExportedCalls, runApp, useScenario } from './support.js';

const CJS_APP = 'examples/apps/google-genai-chat.cjs';
const ESM_APP = 'examples/apps/google-genai-chat.mjs';
const API_KEY = 'AIzaSyE2EgeminiNotARealKey0123456789';
const SERVICE_NAME = 'e2e-google-genai-app';

/** What google-genai-calls.cjs calls, in order. */
const SPANS = [
  'generate_content gemini-2.5-flash',
  'generate_content gemini-2.0-flash',
  'generate_content gemini-2.0-flash-lite',
  'embeddings gemini-embedding-001',
];

const scenario = useScenario();

/** Only standard variables, pointing the SDK at this scenario's stand-in and the exporters at its receiver. */
function scenarioEnv(): NodeJS.ProcessEnv {
  return appEnv(scenario.receiver.url, SERVICE_NAME, {
    GEMINI_API_KEY: API_KEY,
    GOOGLE_GEMINI_BASE_URL: scenario.standIn.url,
    GOOGLE_API_KEY: undefined,
    GOOGLE_GENAI_USE_VERTEXAI: undefined,
    GOOGLE_GENAI_USE_ENTERPRISE: undefined,
    GOOGLE_CLOUD_PROJECT: undefined,
    GOOGLE_CLOUD_LOCATION: undefined,
    GOOGLE_GENAI_API_VERSION: undefined,
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
    const { receiver, standIn } = scenario;
    const exit = await runApp([flag, REGISTER, app], scenarioEnv());
    expectCleanRun(exit);
    // The app saw exactly the usage the stand-in put on the wire (the uninstrumented baseline, by construction).
    expect(appResults(exit.stdout)).toEqual(standIn.served.map((s) => s.usage));

    // Exactly one CLIENT span per call, in call order, with exactly the served token counts; token sums per type are the
    // served totals, one duration point per call; the API key went to the server and nowhere else.
    const spans = await expectExportedCalls(receiver, {
      names: SPANS,
      calls: standIn.requests.map((r, i) => ({ path: r.path, ...tokensOf(standIn.served[i].usage) })),
      serviceName: SERVICE_NAME,
      attributes: { 'gen_ai.provider.name': 'gcp.gemini', 'server.address': '127.0.0.1' },
      secret: API_KEY,
    });
    expect(spans[0].attributes['gen_ai.usage.reasoning.output_tokens']).toBe(2);
    expect(spans[1].attributes['gen_ai.request.stream']).toBe(true);
    expect(standIn.requests.every((r) => r.headers['x-goog-api-key'] === API_KEY)).toBe(true);
  });

  it('without the register entry the app prints the same wire usage and nothing is exported', async () => {
    const { receiver, standIn } = scenario;
    const exit = await runApp([CJS_APP], scenarioEnv());
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(appResults(exit.stdout)).toEqual(standIn.served.map((s) => s.usage));
    expect(standIn.served).toHaveLength(SPANS.length);
    expect(receiver.requests).toEqual([]);
  });
});
