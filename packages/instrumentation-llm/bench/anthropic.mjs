/**
 * The Anthropic side of a bench child (child.mjs with BENCH_SDK=anthropic): `@anthropic-ai/sdk`
 * loaded from its folder, two clients with an in-memory `fetch` (a non-stream Message and a
 * 205-event SSE stream), the two measured cases and a sanity check.
 *
 *   BENCH_ANTHROPIC = 1 (repo root node_modules, the default) | 0 (the tests' copy of the newest 0.x)
 *
 * The SDK traces itself through the global TracerProvider (internal/tracing.js): per call it starts
 * a CLIENT span `anthropic.messages.create` with usage and sends its trace context as headers. What
 * each config runs with:
 *
 *   sdk          no provider registered: the SDK's tracer is the API's no-op one, its span neither
 *                records nor propagates, so the SDK runs the call untraced (the user with no OTel);
 *   otel         provider registered, the SDK's own tracing as it comes (on): one SDK span per call
 *                (the user's default situation with an OTel SDK and no GenAI instrumentation);
 *   otel-sdkoff  provider registered, the SDK's spans off (client option `openTelemetry: false`):
 *                the same "OTel SDK, nothing tracing the call" baseline as `otel` is for openai;
 *   tokenpath    provider registered, tokenpath's instrumentation, nothing configured on the client:
 *                tokenpath's span per call, the SDK's own not started (sdk-tracing.ts), tokenpath's
 *                trace context sent as the request's headers;
 *   tokenpath-sdkoff  (run.mjs --anthropic-split) tokenpath with the SDK's spans off
 *                (`openTelemetry: false`), so also no trace-context headers;
 *   openllmetry, openinference  a third-party instrumentation (peers.mjs), with the SDK's spans
 *                off (`openTelemetry: false`) so that its span is the only one: its own cost;
 *   floor-span   a hand-written span per call and nothing else (floor.mjs), the SDK's spans off: the
 *                least any instrumentation that makes a span pays.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { ANTHROPIC_PEERS } from './peers.mjs';
import { installAnthropicFloorSpan } from './floor.mjs';
import { SDK_VERSIONS, sdkDir } from '../../../test/support/sdk-versions.mjs';

/** The newest 0.x the tests install (SDK_VERSIONS lists it last). */
export const ANTHROPIC_0X = SDK_VERSIONS['@anthropic-ai/sdk'].filter((v) => v.startsWith('0.')).at(-1);
import { ANTHROPIC_REQUEST, ANTHROPIC_STREAM_DELTAS, ANTHROPIC_STREAM_EVENTS, anthropicMessageBytes, anthropicSseBytes } from './fixtures.mjs';

export const ANTHROPIC_CONFIGS = ['sdk', 'otel', 'otel-sdkoff', 'tokenpath', 'tokenpath-sdkoff', ...Object.keys(ANTHROPIC_PEERS), 'floor-span'];
/** The span name the SDK gives its own call span. */
export const SDK_SPAN_NAME = 'anthropic.messages.create';

export function setupAnthropic({ requireHere, repoRoot, config, instrumentation, calls, addSink }) {
  const major = process.env.BENCH_ANTHROPIC ?? '1';
  if (major !== '0' && major !== '1') throw new Error(`BENCH_ANTHROPIC must be 0 or 1, got ${major}`);
  const sdkRoot = major === '1' ? repoRoot : sdkDir('@anthropic-ai/sdk', ANTHROPIC_0X);
  const requireSdk = createRequire(path.join(sdkRoot, 'package.json'));
  const sdkPath = requireSdk.resolve('@anthropic-ai/sdk');
  const { Anthropic } = requireSdk('@anthropic-ai/sdk');
  const version = requireSdk('@anthropic-ai/sdk/version').VERSION;
  if (!version.startsWith(`${major}.`)) throw new Error(`expected @anthropic-ai/sdk ${major}.x from ${sdkRoot}, loaded ${version} (${sdkPath})`);

  if (config === 'floor-span') installAnthropicFloorSpan(requireHere, Anthropic);
  const { isWrapped } = requireHere('@opentelemetry/instrumentation');
  const patched = isWrapped(Anthropic.Messages.prototype.create);
  if ((instrumentation || config === 'floor-span') && !patched) {
    throw new Error(`${config}: Anthropic.Messages.prototype.create is NOT wrapped (@anthropic-ai/sdk ${version}); nothing would be measured`);
  }
  if (!instrumentation && config !== 'floor-span' && patched) throw new Error(`${config}: Anthropic.Messages.prototype.create is wrapped but no instrumentation should be active`);

  const JSON_HEADERS = { 'content-type': 'application/json', 'request-id': 'req_bench' };
  const SSE_HEADERS = { 'content-type': 'text/event-stream', 'request-id': 'req_bench' };
  const JSON_BYTES = anthropicMessageBytes();
  const SSE_BYTES = anthropicSseBytes();

  // The sanity calls record the headers the SDK sent (its trace context); the timed calls do not.
  let onRequest;
  const jsonFetch = async (_url, init) => {
    if (onRequest) onRequest(init);
    return new Response(JSON_BYTES, { status: 200, headers: JSON_HEADERS });
  };
  const sseFetch = async (_url, init) => {
    if (onRequest) onRequest(init);
    return new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(SSE_BYTES);
          controller.close();
        },
      }),
      { status: 200, headers: SSE_HEADERS },
    );
  };

  const clientOptions = { apiKey: 'sk-ant-bench-not-a-real-key', maxRetries: 0 };
  const sdkOff = config.endsWith('-sdkoff') || config in ANTHROPIC_PEERS || config === 'floor-span';
  if (sdkOff) clientOptions.openTelemetry = false;
  const jsonClient = new Anthropic({ ...clientOptions, fetch: jsonFetch });
  const sseClient = new Anthropic({ ...clientOptions, fetch: sseFetch });
  // The SDK's own tracing, per client: a tracer (its spans on) or none (off). Under tokenpath the
  // client keeps its tracer, withheld only while a metered call starts (sdk-tracing.ts).
  const sdkTracer = jsonClient._tracer;
  const sdkTracing = sdkTracer ? (config === 'sdk' ? 'on (no provider: no-op)' : 'on') : 'off';
  if (sdkOff !== (sdkTracing === 'off')) {
    throw new Error(`${config}: the SDK's own tracing is ${sdkTracing} (expected ${sdkOff ? 'off' : 'on'})`);
  }

  async function chatOnce() {
    const message = await jsonClient.messages.create({ ...ANTHROPIC_REQUEST });
    addSink(message.usage.output_tokens);
  }

  async function streamOnce() {
    const stream = await sseClient.messages.create({ ...ANTHROPIC_REQUEST, stream: true });
    let n = 0;
    for await (const event of stream) {
      n++;
      if (event.type === 'message_delta') addSink(event.usage.output_tokens);
    }
    addSink(n);
  }

  const traceparentOf = (init) => {
    const h = init?.headers;
    if (!h) return undefined;
    return (typeof h.get === 'function' ? h.get('traceparent') : (h.traceparent ?? h.Traceparent)) ?? undefined;
  };

  /** One of each, outside any timing; returns the traceparent each request carried. */
  async function sanity() {
    const sent = {};
    onRequest = (init) => (sent.chat = traceparentOf(init) ?? null);
    const message = await jsonClient.messages.create({ ...ANTHROPIC_REQUEST });
    if (message.usage?.input_tokens !== 24 || message.stop_reason !== 'end_turn' || message.content?.[0]?.text !== 'one two three four five') {
      throw new Error(`unexpected message from the in-memory fetch: ${JSON.stringify(message)}`);
    }
    onRequest = (init) => (sent.stream = traceparentOf(init) ?? null);
    const stream = await sseClient.messages.create({ ...ANTHROPIC_REQUEST, stream: true });
    onRequest = undefined;
    let events = 0;
    let deltas = 0;
    let usage;
    for await (const event of stream) {
      events++;
      if (event.type === 'content_block_delta') deltas++;
      if (event.type === 'message_delta') usage = event.usage;
    }
    if (events !== ANTHROPIC_STREAM_EVENTS || deltas !== ANTHROPIC_STREAM_DELTAS || usage?.output_tokens !== ANTHROPIC_STREAM_DELTAS) {
      throw new Error(`unexpected stream: ${events} events, ${deltas} deltas, usage ${JSON.stringify(usage)}`);
    }
    calls.chat++;
    calls.stream++;
    // tokenpath withholds the client's tracer only while a call starts; it must be back afterwards.
    if (jsonClient._tracer !== sdkTracer) throw new Error(`${config}: the client's tracer was left replaced after a call`);
    return sent;
  }

  const info = { sdk: 'anthropic', version, sdkPath: path.relative(repoRoot, sdkPath), patched, sdkTracing };

  return {
    cases: { chat: chatOnce, stream: streamOnce },
    sanity,
    info,
  };
}
