/**
 * End-to-end: real Anthropic apps in child processes (`examples/apps/anthropic-*.{cjs,mjs}`), started with
 * `node --require|--import @tokenpath/instrumentation-llm/register`, call the stand-in with the real
 * `@anthropic-ai/sdk` and `@anthropic-ai/vertex-sdk`; the real OTLP exporters deliver to a receiver started here.
 * Every scenario gets a fresh stand-in and receiver, so the assertions are exact.
 *
 * The register entry registers a global tracer provider, so the SDK traces itself too: by default its call spans are
 * folded into tokenpath's (one span with usage per call); with ANTHROPIC_OPEN_TELEMETRY=true they stay, as children
 * of tokenpath's spans, and carry the usage. Either way the token metrics count each call once.
 */
import { describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import {
  REGISTER,
  SPAN_KIND_CLIENT,
  appEnv,
  appResults,
  expectCleanRunWithUnpriced,
  expectTokenMetrics,
  runApp,
  telemetryArrived,
  useBaseline,
  useScenario,
  type StandIn,
} from './support.js';

const CJS_APP = 'examples/apps/anthropic-chat.cjs';
const ESM_APP = 'examples/apps/anthropic-chat.mjs';
const VERTEX_ONLY_APP = 'examples/apps/anthropic-vertex-only.mjs';
const TOKENPATH_SCOPE = '@tokenpath/instrumentation-llm';
const SDK_SCOPE_PREFIX = 'com.anthropic.sdk.typescript';

/** The inference calls of anthropic-chat.{cjs,mjs} (its count_tokens call is not one), with their provider. */
const CHAT_APP_CALLS = [
  { model: 'claude-sonnet-5-5', provider: 'anthropic' },
  { model: 'claude-haiku-5-5', provider: 'anthropic' },
  { model: 'claude-opus-5-5', provider: 'anthropic' },
  { model: 'claude-vertex-5-5', provider: 'gcp.vertex_ai' },
];

const scenario = useScenario();

/** Only standard variables, pointing at `stand` and the receiver at `otlpUrl`; no Anthropic setting leaks in. */
function anthropicAppEnv(stand: StandIn, otlpUrl: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return appEnv(otlpUrl, 'e2e-anthropic-app', {
    ANTHROPIC_BASE_URL: stand.url,
    ANTHROPIC_API_KEY: 'sk-ant-e2e-not-a-real-key',
    ANTHROPIC_AUTH_TOKEN: undefined,
    ANTHROPIC_VERTEX_BASE_URL: `${stand.url}/v1`,
    CLOUD_ML_REGION: 'us-east5',
    ANTHROPIC_VERTEX_PROJECT_ID: 'stand-in-project',
    ANTHROPIC_OPEN_TELEMETRY: undefined,
    ANTHROPIC_OPEN_TELEMETRY_PROPAGATION: undefined,
    ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE: undefined,
    ANTHROPIC_OPEN_TELEMETRY_TRACES_MAX_CONTENT_BYTES: undefined,
    ...extra,
  });
}

/** This scenario's environment, with `extra` on top. */
const scenarioEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv =>
  anthropicAppEnv(scenario.standIn, scenario.receiver.url, extra);

/** The conventions' input tokens of an Anthropic usage: cache reads and writes count in. */
const inputOf = (u: Record<string, any>): number => u.input_tokens + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
const carriesUsage = (s: ReceivedSpan): boolean => s.attributes['gen_ai.usage.input_tokens'] !== undefined;

/** The inference calls the stand-in served (count_tokens has no usage), in request order. */
function servedInference(): { model: string; input: number; output: number }[] {
  const { standIn } = scenario;
  expect(standIn.served.every((s) => s.status === 200)).toBe(true);
  return standIn.served
    .filter((s) => s.usage !== null)
    .map((s) => ({ model: s.model!.replace(/-2024-07-18$/, ''), input: inputOf(s.usage!), output: s.usage!.output_tokens }));
}

/** Token metrics: the served totals, one input and one output point per call; one duration point per call. */
function expectMeteredOnce(calls: number): void {
  const served = servedInference();
  expect(served).toHaveLength(calls);
  expectTokenMetrics(scenario.receiver, served, { input: calls, output: calls });
}

/** The app's stdout results WITHOUT the register entry (its own stand-in and receiver). */
const baseline = useBaseline([CJS_APP, ESM_APP], anthropicAppEnv, (results) => {
  expect(results).toHaveLength(5);
});

describe('register entry with @anthropic-ai/sdk: one span with usage per call, metered once', () => {
  it.each([
    { flag: '--require', app: CJS_APP },
    { flag: '--import', app: ESM_APP },
  ])('$flag $app', async ({ flag, app }) => {
    const { receiver } = scenario;
    const exit = await runApp([flag, REGISTER, app], scenarioEnv());
    // Two of the stand-in's fictional models have no list price: their calls carry no cost, and tokenpath says so.
    expectCleanRunWithUnpriced(exit, [
      { provider: 'anthropic', model: 'claude-haiku-5-5-2024-07-18' },
      { provider: 'gcp.vertex_ai', model: 'claude-vertex-5-5-2024-07-18' },
    ]);
    // One span per inference call, and the SDK's own span of the count_tokens call, which is not metered.
    await telemetryArrived(receiver, CHAT_APP_CALLS.length + 1, CHAT_APP_CALLS.length);

    const ours = receiver.spans.filter((s) => s.scope.name === TOKENPATH_SCOPE);
    const theirs = receiver.spans.filter((s) => s.scope.name.startsWith(SDK_SCOPE_PREFIX));
    expect(theirs.map((s) => s.name)).toEqual(['anthropic.messages.count_tokens']);
    expect(ours.map((s) => s.name).sort()).toEqual(CHAT_APP_CALLS.map((c) => `chat ${c.model}`).sort());
    expect(receiver.spans.filter(carriesUsage)).toEqual(ours);
    const served = servedInference();
    for (const span of ours) {
      const call = CHAT_APP_CALLS.find((c) => span.name === `chat ${c.model}`)!;
      const wire = served.find((c) => c.model === call.model)!;
      expect(span.kind).toBe(SPAN_KIND_CLIENT);
      expect(span.attributes).toMatchObject({
        'gen_ai.provider.name': call.provider,
        'gen_ai.usage.input_tokens': wire.input,
        'gen_ai.usage.output_tokens': wire.output,
      });
    }
    expectMeteredOnce(CHAT_APP_CALLS.length);
    expect(receiver.errors).toEqual([]);
    // Transparent across processes: the app saw exactly what it sees without the register entry.
    expect(appResults(exit.stdout)).toEqual(baseline[app]);
  });

  it("ANTHROPIC_OPEN_TELEMETRY=true keeps the SDK's spans under tokenpath's; they carry the usage; metered once", async () => {
    const { receiver } = scenario;
    const exit = await runApp(['--require', REGISTER, CJS_APP], scenarioEnv({ ANTHROPIC_OPEN_TELEMETRY: 'true' }));
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    await telemetryArrived(receiver, 2 * CHAT_APP_CALLS.length + 1, CHAT_APP_CALLS.length);

    const ours = receiver.spans.filter((s) => s.scope.name === TOKENPATH_SCOPE);
    const theirCalls = receiver.spans.filter((s) => s.name === 'anthropic.messages.create');
    expect(ours).toHaveLength(CHAT_APP_CALLS.length);
    expect(theirCalls).toHaveLength(CHAT_APP_CALLS.length);
    // Exactly one span with usage per call: the SDK's.
    expect(receiver.spans.filter(carriesUsage).sort((a, b) => a.spanId.localeCompare(b.spanId))).toEqual(
      [...theirCalls].sort((a, b) => a.spanId.localeCompare(b.spanId)),
    );
    // A create() call's SDK span is a child of tokenpath's span for that call.
    const sonnet = ours.find((s) => s.name === 'chat claude-sonnet-5-5')!;
    expect(theirCalls.some((s) => s.parentSpanId === sonnet.spanId)).toBe(true);
    expectMeteredOnce(CHAT_APP_CALLS.length);
    expect(appResults(exit.stdout)).toEqual(baseline[CJS_APP]);
  });

  it('--import reaches the SDK files of an app that only uses @anthropic-ai/vertex-sdk', async () => {
    const { receiver } = scenario;
    const exit = await runApp(['--import', REGISTER, VERTEX_ONLY_APP], scenarioEnv());
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    await telemetryArrived(receiver, 1, 1);
    expect(receiver.spans.map((s) => [s.name, s.scope.name, s.attributes['gen_ai.provider.name']])).toEqual([
      ['chat claude-vertex-5-5', TOKENPATH_SCOPE, 'gcp.vertex_ai'],
    ]);
    expectMeteredOnce(1);
  });
});
