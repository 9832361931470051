/**
 * End-to-end tests of the zero-code entry (`node --require|--import @tokenpath/instrumentation-llm/register`):
 * real apps in child processes call the OpenAI stand-in with the real `openai` SDK, and the real OTLP
 * exporters deliver to a receiver started here. Every scenario gets a fresh stand-in and receiver, so
 * the assertions are exact. OTEL_METRIC_EXPORT_INTERVAL is 60 s: metrics arrive only through the
 * flush at exit (or on the signal).
 */
import { describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import {
  DURATION,
  REGISTER,
  SPAN_KIND_CLIENT,
  TOKEN_USAGE,
  appEnv,
  appResults,
  expectCleanRun,
  expectTokenMetrics,
  runApp,
  startApp,
  telemetryArrived,
  tokensOf,
  total,
  useBaseline,
  useScenario,
  type StandIn,
} from './support.js';

const CJS_APP = 'examples/apps/openai-chat.cjs';
const ESM_APP = 'examples/apps/openai-chat.mjs';
const SIGNAL_APP = 'examples/apps/openai-sigterm.cjs';
const GRACEFUL_APP = 'examples/apps/openai-graceful.cjs';
const OWN_SDK = './examples/apps/own-sdk.cjs';

const SERVICE_NAME = 'e2e-app';

/** What openai-chat.{cjs,mjs} call: one non-stream chat, one stream, one embeddings, one Responses call. */
const CHAT_APP_SPANS = ['chat gpt-4o-mini', 'chat gpt-4.1-nano', 'embeddings text-embedding-3-small', 'chat gpt-4o'];

const scenario = useScenario();

/** The child's environment: only standard variables, pointing at `standIn` and the receiver at `receiverUrl`. */
function openaiAppEnv(standIn: StandIn, receiverUrl: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  return appEnv(receiverUrl, SERVICE_NAME, { OPENAI_BASE_URL: `${standIn.url}/v1`, OPENAI_API_KEY: 'sk-e2e-not-a-real-key', ...extra });
}

/** This scenario's environment, with `extra` on top. */
const scenarioEnv = (extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv =>
  openaiAppEnv(scenario.standIn, scenario.receiver.url, extra);

/** Each call the stand-in answered: the requested model and the tokens it put on the wire. */
function servedCalls(): { model: string; input?: number; output?: number }[] {
  const { standIn } = scenario;
  expect(standIn.served.map((s) => s.status)).toEqual(standIn.requests.map(() => 200));
  return standIn.requests.map((request, i) => ({ model: request.body.model, ...tokensOf(standIn.served[i]!.usage) }));
}

/** Exact spans and metrics for the calls the stand-in served, as reported under `resource`. */
function expectTelemetryOfServedCalls(spanNames: string[], resource: Record<string, unknown>): void {
  const { receiver } = scenario;
  const calls = servedCalls();
  expect(calls).toHaveLength(spanNames.length);

  // Spans: exactly one CLIENT span per call, with exactly the served token counts.
  expect(receiver.spans.map((s) => s.name).sort()).toEqual([...spanNames].sort());
  for (const span of receiver.spans) {
    const call = calls.find((c) => c.model === span.attributes['gen_ai.request.model']);
    expect(call, `a served call for span ${span.name}`).toBeDefined();
    expect(span.kind).toBe(SPAN_KIND_CLIENT);
    expect(span.resource).toMatchObject(resource);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(call!.input);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(call!.output); // undefined for embeddings
  }

  // Metrics: the token histogram sums per token type are the served totals; one duration per call.
  expectTokenMetrics(receiver, calls);

  for (const [name, unit] of [[TOKEN_USAGE, '{token}'], [DURATION, 's']] as const) {
    const exported = receiver.metrics.filter((m) => m.name === name);
    expect(exported.length, `${name} exported`).toBeGreaterThan(0);
    for (const m of exported) {
      expect(m).toMatchObject({ kind: 'histogram', unit });
      expect(m.resource).toMatchObject(resource);
    }
  }
}

function spanSummary(spans: ReceivedSpan[]): string {
  return spans.map((s) => `${s.name} ${JSON.stringify(s.resource)}`).join('\n');
}

/** The app's stdout results when it runs WITHOUT the register entry (its own stand-in and receiver). */
const baseline = useBaseline([CJS_APP, ESM_APP], openaiAppEnv, (results, ownStandIn) => {
  // The app prints exactly the usage the stand-in put on the wire, and reports nothing by itself.
  expect(results).toEqual(ownStandIn.served.map((s) => s.usage));
});

describe('register entry: spans and exact token metrics from a child process', () => {
  const entries = [
    { flag: '--require', app: CJS_APP },
    { flag: '--import', app: ESM_APP },
  ];
  const protocols = [
    { protocol: undefined, label: 'http/protobuf (default)', contentType: 'application/x-protobuf' },
    { protocol: 'http/json', label: 'http/json', contentType: 'application/json' },
  ];
  const cases = entries.flatMap((e) => protocols.map((p) => ({ ...e, ...p })));

  it.each(cases)('$flag $app over $label', async ({ flag, app, protocol, contentType }) => {
    const { receiver } = scenario;
    const exit = await runApp([flag, REGISTER, app], scenarioEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol }));
    expectCleanRun(exit);

    await telemetryArrived(receiver, CHAT_APP_SPANS.length);
    expectTelemetryOfServedCalls(CHAT_APP_SPANS, { 'service.name': SERVICE_NAME });
    // The chosen protocol was used for everything, and metrics came only from the flush at exit.
    expect(receiver.errors).toEqual([]);
    expect(new Set(receiver.requests.map((r) => r.contentType))).toEqual(new Set([contentType]));
    expect(receiver.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(1);
    // Transparent across processes: the app saw exactly what it sees without the register entry.
    expect(appResults(exit.stdout)).toEqual(baseline[app]);
  });
});

describe('register entry: flush when a long-running app is stopped by a signal', () => {
  const exitCodes = { SIGTERM: 143, SIGINT: 130 } as const;

  it.each(['SIGTERM', 'SIGINT'] as const)('%s: the app exits and its span and metric points arrive', async (signal) => {
    const { receiver, standIn } = scenario;
    const app = startApp(['--require', REGISTER, SIGNAL_APP], scenarioEnv());
    try {
      await app.waitForLine('ready');
    } catch (error) {
      app.child.kill('SIGKILL');
      throw error;
    }
    expect(app.child.kill(signal)).toBe(true);
    const exit = await app.exited;
    expect(exit.signal === signal || exit.code === exitCodes[signal], `exit ${exit.code}/${exit.signal}\n${exit.stderr}`).toBe(true);

    await telemetryArrived(receiver, 1);
    expectTelemetryOfServedCalls(['chat gpt-4o-mini'], { 'service.name': SERVICE_NAME });
    expect(appResults(exit.stdout)).toEqual(standIn.served.map((s) => s.usage));
  });
});

describe('register entry: an app that handles SIGTERM and finishes its calls first', () => {
  /** Starts the app, sends SIGTERM at its first stream chunk, and waits for it to end. */
  async function stopGracefully(nodeArgs: string[], env: NodeJS.ProcessEnv) {
    const app = startApp(nodeArgs, env);
    try {
      await app.waitForLine('ready');
    } catch (error) {
      app.child.kill('SIGKILL');
      throw error;
    }
    expect(app.child.kill('SIGTERM')).toBe(true);
    return app.exited;
  }

  it.each(['drain', 'explicit'])(
    'APP_EXIT=%s: the stream that ends after the signal is exported, and the app behaves as without tokenpath',
    async (mode) => {
      const { receiver, standIn } = scenario;
      const exit = await stopGracefully(['--require', REGISTER, GRACEFUL_APP], scenarioEnv({ APP_EXIT: mode }));
      expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
      expect(standIn.requests.map((r) => r.body.model)).toEqual(['slow']);

      // Stopping the pipeline at the signal would have dropped it: the stream ended a second later.
      await telemetryArrived(receiver, 1);
      expect(receiver.spans.map((s) => s.name)).toEqual(['chat slow']);
      const [span] = receiver.spans as [ReceivedSpan];
      const served = tokensOf(standIn.served[0]!.usage);
      expect(served.output).toBeGreaterThan(0);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(served.output);
      expect(total(receiver.latestPoints(DURATION))).toBe(1);
      expect(receiver.latestPoints(TOKEN_USAGE).find((p) => p.attributes['gen_ai.token.type'] === 'output')?.sum).toBe(served.output);

      // Transparency: the same stream, chunk for chunk, and the same exit, without the register entry.
      const without = await stopGracefully([GRACEFUL_APP], scenarioEnv({ APP_EXIT: mode }));
      expect(without, without.stderr).toMatchObject({ code: 0, signal: null });
      expect(appResults(exit.stdout)).toEqual(appResults(without.stdout));
    },
  );
});

describe('register entry: calls the process leaves unfinished', () => {
  it('SIGTERM in the middle of a stream, no handler of the app: the call is counted as unfinished, the app ends as without tokenpath', async () => {
    const { receiver, standIn } = scenario;
    const stopMidStream = async (nodeArgs: string[]) => {
      const app = startApp(nodeArgs, scenarioEnv({ APP_SIGNALS: 'none' }));
      await app.waitForLine('ready');
      expect(app.child.kill('SIGTERM')).toBe(true);
      return app.exited;
    };
    const exit = await stopMidStream(['--require', REGISTER, GRACEFUL_APP]);
    expect(exit.signal === 'SIGTERM' || exit.code === 143, `exit ${exit.code}/${exit.signal}\n${exit.stderr}`).toBe(true);
    expect(standIn.requests.map((r) => r.body.model)).toEqual(['slow']);

    await telemetryArrived(receiver, 1);
    const [span] = receiver.spans as [ReceivedSpan];
    expect(span.name).toBe('chat slow');
    expect(span.attributes).toMatchObject({ 'error.type': 'tokenpath.process_exit', 'tokenpath.usage.source': 'none' });
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    const durations = receiver.latestPoints(DURATION);
    expect(durations.map((p) => [p.attributes['error.type'], p.count])).toEqual([['tokenpath.process_exit', 1]]);

    const without = await stopMidStream([GRACEFUL_APP]);
    expect([without.code, without.signal]).toEqual([exit.code, exit.signal]);
  });
});

describe('register entry: configuration', () => {
  it('OTEL_SDK_DISABLED=true: the app runs and nothing is exported', async () => {
    const { receiver, standIn } = scenario;
    const exit = await runApp(['--require', REGISTER, CJS_APP], scenarioEnv({ OTEL_SDK_DISABLED: 'true' }));
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(appResults(exit.stdout)).toEqual(baseline[CJS_APP]);
    expect(standIn.served).toHaveLength(4);
    // Telemetry is flushed before the process exits, so by now anything sent would have been received.
    expect(receiver.requests).toHaveLength(0);
  });

  it.each([
    { name: 'OTEL_METRICS_EXPORTER', value: 'bogus', allowed: 'otlp, console, prometheus, none', logLevel: undefined },
    { name: 'OTEL_TRACES_EXPORTER', value: 'bogus', allowed: 'otlp, console, zipkin, none', logLevel: 'error' },
    { name: 'OTEL_EXPORTER_OTLP_PROTOCOL', value: 'http/xml', allowed: 'http/protobuf, http/json, grpc', logLevel: undefined },
  ])('$name=$value (OTEL_LOG_LEVEL=$logLevel): one message names the variable and its allowed values; nothing is lost', async ({ name, value, allowed, logLevel }) => {
    const { receiver } = scenario;
    const exit = await runApp(['--require', REGISTER, CJS_APP], scenarioEnv({ [name]: value, OTEL_LOG_LEVEL: logLevel }));
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    const messages = exit.stderr.split('\n').filter((line) => line.includes(name) && line.includes(allowed));
    expect(messages, `stderr:\n${exit.stderr}`).toHaveLength(1);
    expect(messages[0]).toContain(`"${value}"`);
    expect(appResults(exit.stdout)).toEqual(baseline[CJS_APP]);

    // The default replaces the bad value, so spans and metrics both still arrive, exactly.
    await telemetryArrived(receiver, CHAT_APP_SPANS.length);
    expectTelemetryOfServedCalls(CHAT_APP_SPANS, { 'service.name': SERVICE_NAME });
    await receiver.waitFor(() => receiver.spans.length >= CHAT_APP_SPANS.length);
    expect(receiver.spans.map((s) => s.name).sort()).toEqual([...CHAT_APP_SPANS].sort());
    const calls = servedCalls();
    for (const span of receiver.spans) {
      const call = calls.find((c) => c.model === span.attributes['gen_ai.request.model'])!;
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(call.input);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(call.output);
    }
  });
});

describe('register entry: the app already has its own SDK', () => {
  it('only the instrumentation is added; telemetry goes through the app providers and resource', async () => {
    const { receiver } = scenario;
    const exit = await runApp(
      ['--require', OWN_SDK, '--require', REGISTER, CJS_APP],
      // OTEL_EXPORTER_OTLP_ENDPOINT points at the same receiver: a second SDK started by the register
      // entry would show up as duplicate spans without the app's resource.
      scenarioEnv({ OWN_SDK_OTLP_URL: receiver.url }),
    );
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(appResults(exit.stdout)).toEqual(baseline[CJS_APP]);

    await telemetryArrived(receiver, CHAT_APP_SPANS.length);
    const ownResource = { 'app.own.sdk': 'yes', 'service.name': 'own-sdk-app' };
    expect(receiver.spans.every((s) => s.resource['app.own.sdk'] === 'yes'), spanSummary(receiver.spans)).toBe(true);
    expectTelemetryOfServedCalls(CHAT_APP_SPANS, ownResource);
    expect(receiver.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(1);
  });
});
