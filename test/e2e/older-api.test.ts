/**
 * An app whose OpenTelemetry providers, context manager and propagator are registered through an older
 * @opentelemetry/api minor (1.9, the copy nested under OpenLLMetry's package; npm's layout next to dd-trace 6), which
 * tokenpath's 1.10 copy cannot read (startup/api-copies.ts). tokenpath reports to those providers and runs in that
 * copy's context (core/context.ts): its spans are children of the app's active span, what the SDK does inside the call
 * is the span's child, the trace headers it sends for Anthropic come from the registry's propagator, and a worker
 * thread's call arrives through the main thread. test/e2e/older-api/ holds the preload, the app and its worker.
 */
import { describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import { REGISTER, TOKEN_USAGE, appEnv, appResults, runApp, tokensOf, total, useScenario } from './support.js';

const DIR = 'test/e2e/older-api';
const scenario = useScenario();

const env = (): NodeJS.ProcessEnv =>
  appEnv(scenario.receiver.url, 'older-api-app', {
    PEERS_OTLP_URL: scenario.receiver.url,
    OPENAI_BASE_URL: `${scenario.standIn.url}/v1`,
    OPENAI_API_KEY: 'sk-older-api-e2e-not-a-real-key',
    ANTHROPIC_BASE_URL: scenario.standIn.url,
    ANTHROPIC_API_KEY: 'sk-ant-older-api-e2e-not-a-real-key',
  });

interface FetchNote {
  fetchSpanId: string;
  traceparent: string | null;
}

describe('a CommonJS app whose providers and context manager are registered through @opentelemetry/api 1.9', () => {
  it("parents tokenpath's spans on the app's active span, and the sdk's work on tokenpath's", async () => {
    const exit = await runApp(['--require', `./${DIR}/preload.cjs`, '--require', REGISTER, `${DIR}/app.cjs`], env(), 20_000);
    expect(exit, exit.stderr).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr.split('\n').filter((l) => /registered through @opentelemetry\/api 1\.9\.1/.test(l))).toHaveLength(1);
    const [openaiFetch, anthropicFetch, workerUsage] = appResults(exit.stdout) as [FetchNote, FetchNote, Record<string, number>];
    const receiver = scenario.receiver;
    await receiver.waitFor(() => receiver.spans.length >= 6 && total(receiver.latestPoints(TOKEN_USAGE)) >= 6);

    const spans = receiver.spans;
    const named = (name: string): ReceivedSpan => {
      const found = spans.filter((s) => s.name === name);
      expect(found.map((s) => s.name), name).toEqual([name]);
      return found[0]!;
    };
    const request = named('app.request');
    const chat = named('chat gpt-4o-mini');
    const messages = named('chat claude-3-5-haiku-20241022');
    const worker = named('chat gpt-4.1-nano');
    const fetches = spans.filter((s) => s.name === 'app.fetch');
    const ids = (s: ReceivedSpan) => ({ name: s.name, traceId: s.traceId, parentSpanId: s.parentSpanId });

    // The app's span is the root; tokenpath's spans are its children; each SDK request (its fetch) is the child of
    // tokenpath's span of that call.
    expect(request.parentSpanId).toBe('');
    expect([chat, messages].map(ids)).toEqual([
      { name: 'chat gpt-4o-mini', traceId: request.traceId, parentSpanId: request.spanId },
      { name: 'chat claude-3-5-haiku-20241022', traceId: request.traceId, parentSpanId: request.spanId },
    ]);
    expect([openaiFetch.fetchSpanId, anthropicFetch.fetchSpanId].map((id) => ids(fetches.find((s) => s.spanId === id)!))).toEqual([
      { name: 'app.fetch', traceId: request.traceId, parentSpanId: chat.spanId },
      { name: 'app.fetch', traceId: request.traceId, parentSpanId: messages.spanId },
    ]);
    // The trace headers tokenpath sends in place of the Anthropic SDK's own: the registry's W3C propagator, from
    // tokenpath's span. (openai sends none: no HTTP instrumentation here.)
    expect(anthropicFetch.traceparent).toBe(`00-${request.traceId}-${messages.spanId}-01`);
    expect(openaiFetch.traceparent).toBeNull();

    // The worker's call (no providers of its own there) reaches the app's providers through the main thread.
    expect(worker.parentSpanId).toBe('');
    for (const span of [request, chat, messages, worker]) expect(span.resource).toMatchObject({ 'service.name': 'peers-app' });
    const tokens = receiver
      .latestPoints(TOKEN_USAGE)
      .filter((p) => p.attributes['gen_ai.request.model'] === 'gpt-4.1-nano')
      .map((p) => [p.attributes['gen_ai.token.type'], p.sum]);
    const served = tokensOf(workerUsage);
    expect(Object.fromEntries(tokens)).toEqual({ input: served.input, output: served.output });
  });
});
