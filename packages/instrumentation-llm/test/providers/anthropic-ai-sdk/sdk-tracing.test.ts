/**
 * Coexistence with the SDK's own tracing (src/providers/anthropic-ai-sdk/sdk-tracing.ts). The SDK
 * traces itself through the GLOBAL tracer provider, so this file registers the harness provider
 * globally, with the W3C propagator, as an app's NodeSDK does.
 *
 * Default (the user configured nothing): one span per call (tokenpath's), the SDK starts no call span,
 * and the trace context sent with the request is tokenpath's span.
 * User override (ANTHROPIC_OPEN_TELEMETRY / an `openTelemetry` option): the SDK's span stays, as a
 * child, and is the one span with usage; tokenpath's token metrics count the call once either way.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { expectTokenTotals, pointCount } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { MODEL, anthropicClient, inputOf, messages, useGlobalTracing } from './support';

const bed = useTestbed(anthropicClient);
useGlobalTracing(bed);
beforeEach(() => {
  bed.standIn.requests.length = 0;
});
const SDK_SCOPE = 'com.anthropic.sdk.typescript';

/** The SDK's tracing variables; each set to anything is the user's choice (sdk-tracing.ts). */
const SDK_TRACING_ENV = [
  'ANTHROPIC_OPEN_TELEMETRY',
  'ANTHROPIC_OPEN_TELEMETRY_PROPAGATION',
  'ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE',
  'ANTHROPIC_OPEN_TELEMETRY_TRACES_MAX_CONTENT_BYTES',
];
afterEach(() => {
  for (const name of SDK_TRACING_ENV) delete process.env[name];
});

const newClient = (options: Record<string, unknown> = {}): any =>
  new bed.sdk.Anthropic({ apiKey: 'sk-ant-test', baseURL: bed.standIn.url, maxRetries: 0, ...options });
const carriesUsage = (s: ReadableSpan): boolean => s.attributes['gen_ai.usage.input_tokens'] !== undefined;
const scopeOf = (s: ReadableSpan): string => s.instrumentationScope.name;
const traceparentOf = (s: ReadableSpan): string => `00-${s.spanContext().traceId}-${s.spanContext().spanId}-01`;

/** A non-streamed call, a streamed call and a stream-helper call. */
async function threeCalls(client: any): Promise<void> {
  await client.messages.create({ model: MODEL, max_tokens: 50, messages });
  for await (const _ of await client.messages.create({ model: MODEL, max_tokens: 50, messages, stream: true }));
  await client.messages.stream({ model: MODEL, max_tokens: 50, messages }).finalMessage();
}

/** Token metrics count each call once, with the conventions' input tokens. */
async function expectMeteredOnce(): Promise<void> {
  const served = bed.standIn.served.map((s) => s.usage!);
  const points = await expectTokenTotals(bed.h, {
    input: served.reduce((n, u) => n + inputOf(u), 0),
    output: served.reduce((n, u) => n + u.output_tokens, 0),
  });
  expect(pointCount(points)).toBe(2 * served.length);
}

describe('the default: the user configured nothing', () => {
  it('yields exactly one span per call, with the usage, and meters each call once', async () => {
    const client = newClient();
    expect(client._tracer).toBeDefined(); // the SDK would trace itself
    await threeCalls(client);
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.name, scopeOf(s)])).toEqual(Array(3).fill([`chat ${MODEL}`, '@tokenpath/instrumentation-llm']));
    expect(spans.filter(carriesUsage)).toHaveLength(3);
    spans.forEach((span, i) => expect(span.attributes['gen_ai.usage.input_tokens']).toBe(inputOf(bed.standIn.served[i].usage!)));
    await expectMeteredOnce();
  });

  it("sends tokenpath's span as the trace context of a create() call", async () => {
    await newClient().messages.create({ model: MODEL, max_tokens: 50, messages });
    const [span] = await bed.h.spans();
    expect(bed.standIn.requests[0].headers.traceparent).toBe(traceparentOf(span));
  });

  it("sends tokenpath's span as the trace context of a stream() helper call, and keeps the caller's headers", async () => {
    await newClient()
      .messages.stream({ model: MODEL, max_tokens: 50, messages }, { headers: { 'x-app': 'kept' } })
      .finalMessage();
    const [span] = await bed.h.spans();
    expect(bed.standIn.requests[0].headers.traceparent).toBe(traceparentOf(span));
    expect(bed.standIn.requests[0].headers['x-app']).toBe('kept');
  });

  it("sends no trace context of its own when the client's propagation is off", async () => {
    await newClient({ openTelemetry: { propagation: false } }).messages.create({ model: MODEL, max_tokens: 50, messages });
    expect(bed.standIn.requests[0].headers.traceparent).toBeUndefined();
  });

  it('adds no trace headers to a client that signs its requests (AnthropicBedrock), and still yields one span', async () => {
    const { AnthropicBedrock } = bed.h.load('@anthropic-ai/bedrock-sdk');
    const bedrock = new AnthropicBedrock({ awsRegion: 'us-east-1', baseURL: bed.standIn.url, skipAuth: true, maxRetries: 0 });
    const message = {
      id: 'msg_bdrk_01Headers',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'hi' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 2 },
    };
    bed.standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'application/json' }, body: message } });
    await bedrock.messages.create({ model: MODEL, max_tokens: 50, messages });
    expect(bed.standIn.requests[0].headers.traceparent).toBeUndefined();
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.name, scopeOf(s)])).toEqual([[`chat ${MODEL}`, '@tokenpath/instrumentation-llm']]);
  });

  it("keeps the SDK's spans of calls that are not metered (count_tokens)", async () => {
    await newClient().messages.countTokens({ model: MODEL, messages });
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.name, scopeOf(s)])).toEqual([['anthropic.messages.count_tokens', SDK_SCOPE]]);
  });

  it("gives the SDK its own spans back once the instrumentation is disabled", async () => {
    const client = newClient();
    await client.messages.create({ model: MODEL, max_tokens: 50, messages });
    bed.h.instrumentation.disable();
    try {
      await client.messages.create({ model: MODEL, max_tokens: 50, messages });
    } finally {
      bed.h.instrumentation.enable();
    }
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.name)).toEqual([`chat ${MODEL}`, 'anthropic.messages.create']);
    expect(spans.filter(carriesUsage)).toHaveLength(2);
  });

  it('treats an openTelemetry option that states only defaults as none (documented)', async () => {
    await newClient({ openTelemetry: { traces: true } }).messages.create({ model: MODEL, max_tokens: 50, messages });
    expect((await bed.h.spans()).map((s) => s.name)).toEqual([`chat ${MODEL}`]);
  });
});

describe("the user's choice", () => {
  it.each([
    ['ANTHROPIC_OPEN_TELEMETRY=true', () => ((process.env.ANTHROPIC_OPEN_TELEMETRY = 'true'), newClient())],
    ['openTelemetry: { tracerProvider }', () => newClient({ openTelemetry: { tracerProvider: bed.h.tracerProvider } })],
    ["openTelemetry: { traces: { contentMode: 'content' } }", () => newClient({ openTelemetry: { traces: { contentMode: 'content' } } })],
    ['ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE=content', () => ((process.env.ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE = 'content'), newClient())],
    ['ANTHROPIC_OPEN_TELEMETRY_TRACES_MAX_CONTENT_BYTES=4096', () => ((process.env.ANTHROPIC_OPEN_TELEMETRY_TRACES_MAX_CONTENT_BYTES = '4096'), newClient())],
  ])("%s keeps the SDK's span under tokenpath's, as the one span with usage; the metrics count once", async (_, make) => {
    const client = make();
    await threeCalls(client);
    const spans = await bed.h.spans();
    const ours = spans.filter((s) => scopeOf(s) === '@tokenpath/instrumentation-llm');
    const theirs = spans.filter((s) => scopeOf(s) === SDK_SCOPE);
    expect(ours).toHaveLength(3);
    expect(theirs.map((s) => s.name)).toEqual(Array(3).fill('anthropic.messages.create'));
    expect(spans.filter(carriesUsage)).toEqual(theirs);
    theirs.forEach((span, i) => expect(span.attributes['gen_ai.usage.input_tokens']).toBe(inputOf(bed.standIn.served[i].usage!)));
    // Everything else stays on tokenpath's span.
    expect(ours[0].attributes).toMatchObject({ 'gen_ai.response.finish_reasons': ['end_turn'], 'gen_ai.response.model': `${MODEL}-2024-07-18` });
    // A create() call: the SDK's span is a child of tokenpath's, and its context is the one sent.
    expect(theirs[0].parentSpanContext?.spanId).toBe(ours[0].spanContext().spanId);
    expect(bed.standIn.requests[0].headers.traceparent).toBe(traceparentOf(theirs[0]));
    await expectMeteredOnce();
  });

  it("ANTHROPIC_OPEN_TELEMETRY_PROPAGATION=false keeps the SDK's span as the one with usage, and no trace context is sent", async () => {
    process.env.ANTHROPIC_OPEN_TELEMETRY_PROPAGATION = 'false';
    await threeCalls(newClient());
    const spans = await bed.h.spans();
    const theirs = spans.filter((s) => scopeOf(s) === SDK_SCOPE);
    expect(theirs).toHaveLength(3);
    expect(spans.filter(carriesUsage)).toEqual(theirs);
    expect(bed.standIn.requests.map((r) => r.headers.traceparent)).toEqual([undefined, undefined, undefined]);
    await expectMeteredOnce();
  });

  it("leaves the usage on tokenpath's span when the SDK's kept spans go nowhere (no tracer provider registered)", async () => {
    process.env.ANTHROPIC_OPEN_TELEMETRY = 'true';
    trace.disable();
    try {
      await newClient().messages.create({ model: MODEL, max_tokens: 50, messages });
    } finally {
      trace.setGlobalTracerProvider(bed.h.tracerProvider);
    }
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.name)).toEqual([`chat ${MODEL}`]);
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBe(inputOf(bed.standIn.served[0].usage!));
  });

  it.each([
    ['ANTHROPIC_OPEN_TELEMETRY=false', () => ((process.env.ANTHROPIC_OPEN_TELEMETRY = 'false'), newClient())],
    ['openTelemetry: false', () => newClient({ openTelemetry: false })],
  ])("%s: the SDK's spans are off, tokenpath's span carries the usage", async (_, make) => {
    const client = make();
    expect(client._tracer).toBeUndefined();
    await threeCalls(client);
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.name)).toEqual(Array(3).fill(`chat ${MODEL}`));
    expect(spans.filter(carriesUsage)).toHaveLength(3);
    await expectMeteredOnce();
  });
});
