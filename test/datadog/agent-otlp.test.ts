/**
 * Datadog path 1: the register entry's OTLP export into the Datadog Agent's OTLP ingest, the way Datadog documents
 * GenAI spans into LLM Observability. Datadog's own APM test agent (`ddapm-test-agent`) plays the Agent: its OTLP
 * ingest over HTTP and over gRPC, and what it decoded is what is asserted (not our own receiver).
 *
 * The app (examples/apps/two-providers.cjs) makes OpenAI and Anthropic calls, plain and streamed, against the
 * stand-in. Expected values come from the stand-in (what it received and served: request model, response model,
 * usage) and from the app (the finish reasons its SDKs parsed out of the stand-in's replies).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReceivedPoint } from '../support/otlp-receiver.js';
import { ddTestAgentMissing, startDdTestAgent, type DdTestAgent } from '../support/dd-test-agent.js';
import {
  DURATION,
  REGISTER,
  SPAN_KIND_CLIENT,
  TOKEN_USAGE,
  appEnv,
  appResults,
  expectCleanRunWithUnpriced,
  runApp,
  startStandIn,
  useBaseline,
  type StandIn,
} from '../e2e/support.js';

const APP = 'examples/apps/two-providers.cjs';
const SERVICE = 'datadog-agent-otlp';
const TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk';
const TOKENPATH_SCOPE = '@tokenpath/instrumentation-llm';
const OPENAI_KEY = 'sk-datadog-e2e-not-a-real-key';
const ANTHROPIC_KEY = 'sk-ant-datadog-e2e-not-a-real-key';

// The advised explicit bucket boundaries of the GenAI client metrics:
// https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/
const TOKEN_BOUNDS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BOUNDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

/** The span attributes compared besides gen_ai.usage.*. */
const GENAI_SPAN_KEYS = [
  'gen_ai.operation.name',
  'gen_ai.provider.name',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.response.finish_reasons',
];

const missing = ddTestAgentMissing();
if (missing) console.warn(`skipping the Datadog Agent OTLP tests: ${missing}`);

/** The app's environment: the stand-in for both SDKs, OTLP to `endpoint`, and the Datadog-specific `vars`. */
function datadogAppEnv(standIn: StandIn, endpoint: string, vars: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return appEnv(endpoint, SERVICE, {
    OPENAI_BASE_URL: `${standIn.url}/v1`,
    OPENAI_API_KEY: OPENAI_KEY,
    ANTHROPIC_BASE_URL: standIn.url,
    ANTHROPIC_API_KEY: ANTHROPIC_KEY,
    ANTHROPIC_AUTH_TOKEN: undefined,
    ...vars,
  });
}

interface AppCall {
  model: string;
  responseModel: string;
  finishReasons: string[];
  usage: Record<string, any>;
}

/** One call as the conventions describe it, from what the stand-in served and what the app's SDK parsed. */
interface ExpectedCall {
  provider: 'openai' | 'anthropic';
  requestModel: string;
  responseModel: string;
  streamed: boolean;
  finishReasons: string[];
  usage: Record<string, number>;
}

const PROVIDER_BY_PATH: Record<string, ExpectedCall['provider']> = { '/v1/chat/completions': 'openai', '/v1/messages': 'anthropic' };

/** The conventions' usage attributes of a wire usage: Anthropic's input excludes cache reads and writes, ours includes them. */
function usageAttributes(provider: ExpectedCall['provider'], u: Record<string, any>): Record<string, number> {
  if (provider === 'openai') {
    return {
      'gen_ai.usage.input_tokens': u.prompt_tokens,
      'gen_ai.usage.output_tokens': u.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': u.prompt_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': u.completion_tokens_details.reasoning_tokens,
    };
  }
  return {
    'gen_ai.usage.input_tokens': u.input_tokens + u.cache_read_input_tokens + u.cache_creation_input_tokens,
    'gen_ai.usage.output_tokens': u.output_tokens,
    'gen_ai.usage.cache_read.input_tokens': u.cache_read_input_tokens,
    'gen_ai.usage.cache_creation.input_tokens': u.cache_creation_input_tokens,
  };
}

function expectedCalls(standIn: StandIn, results: AppCall[]): ExpectedCall[] {
  expect(standIn.served.map((s) => s.status)).toEqual([200, 200, 200, 200]);
  expect(standIn.requests.map((r) => r.path)).toEqual(standIn.served.map((s) => s.path));
  const calls = standIn.served.map((served, i): ExpectedCall => {
    const provider = PROVIDER_BY_PATH[served.path];
    const request = standIn.requests[i].body;
    return {
      provider,
      requestModel: request.model,
      responseModel: served.model!,
      streamed: request.stream === true,
      finishReasons: results[i].finishReasons,
      usage: usageAttributes(provider, served.usage!),
    };
  });
  // The app saw what the stand-in served (so its finish reasons are the served ones too).
  expect(results.map((r) => [r.model, r.responseModel])).toEqual(calls.map((c) => [c.requestModel, c.responseModel]));
  expect(calls.map((c) => [c.provider, c.streamed])).toEqual([['openai', false], ['openai', true], ['anthropic', false], ['anthropic', true]]);
  expect(calls[2].usage['gen_ai.usage.cache_creation.input_tokens']).toBeGreaterThan(0); // cache tokens count in
  return calls;
}

/** The bucket counts of one recorded value: bucket i holds (bounds[i-1], bounds[i]], the last one everything above. */
function bucketsOf(value: number, bounds: readonly number[]): number[] {
  const index = bounds.findIndex((b) => value <= b);
  return Array.from({ length: bounds.length + 1 }, (_, i) => (i === (index === -1 ? bounds.length : index) ? 1 : 0));
}

const pointKey = (p: ReceivedPoint): string =>
  `${p.attributes['gen_ai.request.model']}/${p.attributes['gen_ai.token.type'] ?? ''}`;
const byKey = (points: readonly ReceivedPoint[]): ReceivedPoint[] => [...points].sort((a, b) => pointKey(a).localeCompare(pointKey(b)));

describe.skipIf(missing !== undefined)('register entry -> Datadog Agent OTLP ingest (ddapm-test-agent)', () => {
  let agent: DdTestAgent;
  let standIn: StandIn;
  beforeAll(async () => {
    agent = await startDdTestAgent();
  });
  afterAll(async () => {
    await agent?.stop();
  });
  beforeEach(async () => {
    await agent.clear();
    standIn = await startStandIn();
  });
  afterEach(async () => {
    await standIn.close();
  });

  // Without the register entry the app exports nothing; its results are the baseline for transparency.
  const baseline = useBaseline([APP], (stand, receiverUrl) => datadogAppEnv(stand, receiverUrl), (results) => {
    expect(results).toHaveLength(4);
  });

  /** Runs the app with the register entry; returns what it should have produced. */
  async function runWithRegister(endpoint: string, vars: Record<string, string | undefined>): Promise<ExpectedCall[]> {
    const exit = await runApp(['--require', REGISTER, APP], datadogAppEnv(standIn, endpoint, vars));
    // The stand-in's fictional claude-haiku-5-5 has no list price: tokenpath's one notice about it is all it may say.
    expectCleanRunWithUnpriced(exit, [{ provider: 'anthropic', model: 'claude-haiku-5-5-2024-07-18' }]);
    const results = appResults(exit.stdout) as AppCall[];
    expect(results).toEqual(baseline[APP]);
    return expectedCalls(standIn, results);
  }

  /** The attributes every metric point of a call carries (token points add gen_ai.token.type). */
  const pointAttributes = (call: ExpectedCall): Record<string, unknown> => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': call.provider,
    'gen_ai.request.model': call.requestModel,
    'gen_ai.response.model': call.responseModel,
    'server.address': '127.0.0.1',
    'server.port': Number(new URL(standIn.url).port),
  });

  /**
   * What the agent decoded: one CLIENT span per call, with the attributes LLM Observability reads and the token counts
   * (`renamed` maps a usage attribute to the name a conventions profile gives it instead).
   */
  async function expectSpansDecodedByAgent(calls: ExpectedCall[], renamed: Record<string, string> = {}): Promise<void> {
    // The exporters flushed at exit and the agent acknowledged each export after storing it: no waiting needed.
    const spans = (await agent.spans()).sort((a, b) => a.startTimeUnixNano - b.startTimeUnixNano);
    const isTokenCount = (k: string) => k.startsWith('gen_ai.usage.') && k.endsWith('_tokens');
    expect(
      spans.map((s) => ({
        name: s.name,
        kind: s.kind,
        scope: s.scope.name,
        service: s.resource['service.name'],
        attributes: Object.fromEntries(Object.entries(s.attributes).filter(([k]) => isTokenCount(k) || GENAI_SPAN_KEYS.includes(k))),
      })),
    ).toEqual(
      calls.map((c) => ({
        name: `chat ${c.requestModel}`,
        kind: SPAN_KIND_CLIENT,
        scope: TOKENPATH_SCOPE,
        service: SERVICE,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': c.provider,
          'gen_ai.request.model': c.requestModel,
          'gen_ai.response.model': c.responseModel,
          'gen_ai.response.finish_reasons': c.finishReasons,
          ...Object.fromEntries(Object.entries(c.usage).map(([k, v]) => [renamed[k] ?? k, v])),
        },
      })),
    );
    // The conventions as of 1.37 (gen_ai.provider.name), which LLM Observability reads; never the older gen_ai.system.
    expect(spans.filter((s) => 'gen_ai.system' in s.attributes)).toEqual([]);
  }

  /** The spans, and the three GenAI histograms of the 1.45 conventions with `temporality`. */
  async function expectDecodedByAgent(calls: ExpectedCall[], temporality: 'delta' | 'cumulative'): Promise<void> {
    await expectSpansDecodedByAgent(calls);

    const all = await agent.metrics();
    // Every metric (tokenpath's own ones too) with the temporality asked for; the conventions' three exactly.
    expect(new Set(all.map((m) => m.temporality))).toEqual(new Set([temporality === 'delta' ? 1 : 2]));
    const metrics = all.filter((m) => m.name.startsWith('gen_ai.'));
    expect(metrics.map((m) => [m.name, m.kind, m.unit, m.temporality, m.scope.name]).sort()).toEqual(
      [
        [DURATION, 'histogram', 's', temporality === 'delta' ? 1 : 2, TOKENPATH_SCOPE],
        [TIME_TO_FIRST_CHUNK, 'histogram', 's', temporality === 'delta' ? 1 : 2, TOKENPATH_SCOPE],
        [TOKEN_USAGE, 'histogram', '{token}', temporality === 'delta' ? 1 : 2, TOKENPATH_SCOPE],
      ].sort(),
    );
    const pointsOf = (name: string) => byKey(metrics.find((m) => m.name === name)!.points);
    // The SDKs' API keys stay in their requests to the providers: nothing the agent received carries them.
    const received = JSON.stringify([await agent.otlpTraces(), await agent.otlpMetrics()]);
    for (const key of [OPENAI_KEY, ANTHROPIC_KEY]) expect(received).not.toContain(key);

    const tokenPoint = (call: ExpectedCall, type: 'input' | 'output'): ReceivedPoint => {
      const value = call.usage[`gen_ai.usage.${type}_tokens`];
      return {
        attributes: { ...pointAttributes(call), 'gen_ai.token.type': type },
        count: 1,
        sum: value,
        min: value,
        max: value,
        bucketCounts: bucketsOf(value, TOKEN_BOUNDS),
        explicitBounds: TOKEN_BOUNDS,
      };
    };
    expect(pointsOf(TOKEN_USAGE)).toEqual(byKey(calls.flatMap((c) => [tokenPoint(c, 'input'), tokenPoint(c, 'output')])));

    // Durations: one point per call (one per streamed call for the time to first chunk), each value in its bucket.
    const timePoints = (name: string, of: ExpectedCall[]) => {
      const points = pointsOf(name);
      expect(points.map((p) => ({ attributes: p.attributes, count: p.count, explicitBounds: p.explicitBounds }))).toEqual(
        byKey(of.map((c) => ({ attributes: pointAttributes(c) }) as ReceivedPoint)).map((p) => ({
          attributes: p.attributes,
          count: 1,
          explicitBounds: DURATION_BOUNDS,
        })),
      );
      for (const p of points) {
        expect(p.sum).toBeGreaterThan(0);
        expect(p.sum).toBeLessThan(10);
        expect(p.bucketCounts).toEqual(bucketsOf(p.sum!, DURATION_BOUNDS));
      }
    };
    timePoints(DURATION, calls);
    timePoints(TIME_TO_FIRST_CHUNK, calls.filter((c) => c.streamed));
  }

  it('over http/protobuf with delta temporality, the agent decodes the spans and token metrics of every call', async () => {
    const calls = await runWithRegister(agent.otlpHttpUrl, {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    });
    await expectDecodedByAgent(calls, 'delta');
    // Sent by the JavaScript OTLP exporters themselves, as protobuf.
    const requests = await agent.requests();
    expect(requests.map((r) => [new URL(r.url).pathname, r.headers['Content-Type'], r.headers['User-Agent']?.split('/')[0]]).sort()).toEqual([
      ['/v1/metrics', 'application/x-protobuf', 'OTel-OTLP-Exporter-JavaScript'],
      ['/v1/traces', 'application/x-protobuf', 'OTel-OTLP-Exporter-JavaScript'],
    ]);
  });

  it('over grpc with delta temporality, the agent decodes the same spans and token metrics', async () => {
    const calls = await runWithRegister(agent.otlpGrpcUrl, {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    });
    await expectDecodedByAgent(calls, 'delta');
    // The agent's gRPC service stores what it received by re-posting it to its own HTTP side (aiohttp): nothing
    // reached the HTTP port from the app itself.
    const requests = await agent.requests();
    expect(requests.map((r) => [new URL(r.url).pathname, /aiohttp/.test(r.headers['User-Agent'] ?? '')]).sort()).toEqual([
      ['/v1/metrics', true],
      ['/v1/traces', true],
    ]);
  });

  it('with the opt-in Datadog tells pre-1.37 instrumentations to set, the spans stay the same and the metrics take the newest names', async () => {
    // OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental selects tokenpath's newest-conventions profile.
    const calls = await runWithRegister(agent.otlpHttpUrl, {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
      OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental',
    });
    await expectSpansDecodedByAgent(calls, { 'gen_ai.usage.cache_creation.input_tokens': 'gen_ai.usage.cache_write.input_tokens' });
    const metrics = (await agent.metrics()).filter((m) => m.name.startsWith('gen_ai.'));
    const names = metrics.map((m) => m.name);
    expect(names).not.toContain(TOKEN_USAGE);
    // Input tokens per request model, now a monotonic DELTA counter.
    const input = metrics.find((m) => m.name === 'gen_ai.client.inference.usage.input_tokens')!;
    expect([input.kind, input.isMonotonic, input.temporality]).toEqual(['sum', true, 1]);
    expect(Object.fromEntries(input.points.map((p) => [p.attributes['gen_ai.request.model'], p.value]))).toEqual(
      Object.fromEntries(calls.map((c) => [c.requestModel, c.usage['gen_ai.usage.input_tokens']])),
    );
  });

  it('without the temporality preference the same metrics arrive cumulative', async () => {
    const calls = await runWithRegister(agent.otlpHttpUrl, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' });
    await expectDecodedByAgent(calls, 'cumulative');
  });
});
