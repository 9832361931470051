/**
 * Usage on every stream under the zero-code entry: an app that streams without stream_options (plain, the stream()
 * helper, tee()) runs under `--require register` with the stand-in's host added by
 * OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS. It prints exactly what it printed without tokenpath, and the spans
 * and token metrics that reach the OTLP receiver carry exactly the usage the stand-in served.
 */
import { describe, expect, it } from 'vitest';
import { wireShape } from '../../packages/instrumentation-llm/test/support/stream-usage.js';
import { REGISTER, appEnv, appResults, expectCallSpans, expectCleanRun, expectTokenMetrics, runApp, telemetryArrived, tokensOf, useBaseline, useScenario } from './support.js';

const APP = 'test/e2e/fixtures/openai-stream-unasked.cjs';
const scenario = useScenario();
const env = (standInUrl: string, receiverUrl: string, vars: Record<string, string> = {}) =>
  appEnv(receiverUrl, 'stream-usage', { OPENAI_BASE_URL: `${standInUrl}/v1`, OPENAI_API_KEY: 'stand-in', ...vars });
const baseline = useBaseline([APP], (standIn, receiverUrl) => env(standIn.url, receiverUrl), (results, standIn) => {
  // Without tokenpath nothing asks for usage: no usage on the wire, none in what the app received.
  expect(standIn.requests.map((r) => r.body.stream_options)).toEqual([undefined, undefined, undefined]);
  expect(JSON.stringify(results)).not.toContain('"usage"');
});

describe('usage on every stream under the register entry', () => {
  it('asks the configured host, hands the app what it got without tokenpath, exports the exact usage', async () => {
    const exit = await runApp(['--require', REGISTER, APP], env(scenario.standIn.url, scenario.receiver.url, {
      OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS: '127.0.0.1',
    }));
    expectCleanRun(exit);
    expect(wireShape(appResults(exit.stdout))).toStrictEqual(wireShape(baseline[APP]));
    expect(scenario.standIn.requests.map((r) => r.body.stream_options)).toEqual(Array(3).fill({ include_usage: true }));
    await telemetryArrived(scenario.receiver, 3);
    const calls = scenario.standIn.served.map((s) => tokensOf(s.usage));
    expect(calls.every((c) => (c.input ?? 0) > 0 && (c.output ?? 0) > 0)).toBe(true);
    expectTokenMetrics(scenario.receiver, calls);
    expectCallSpans(scenario.receiver, Array(3).fill('chat gpt-4o-mini'), calls, 'stream-usage', { 'tokenpath.usage.source': 'provider' });
  });
});
