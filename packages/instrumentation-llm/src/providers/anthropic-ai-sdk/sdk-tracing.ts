/**
 * Coexistence with the SDK's own tracing. `@anthropic-ai/sdk` (0.13x and 1.x) starts a CLIENT span
 * `anthropic.messages.create` per Messages call, with `gen_ai.usage.*`, through the tracer provider
 * registered with the OpenTelemetry API (or the client's `openTelemetry.tracerProvider`), and sends
 * that span's trace context as request headers. Next to tokenpath's span that is two spans with
 * usage for one call, which a backend summing usage over spans counts twice.
 *
 * What tokenpath does, per client, decided once on the client's first Messages call (the SDK, too,
 * settles its options once, when the client is constructed):
 *
 * - The user did not configure the SDK's tracing (no `ANTHROPIC_OPEN_TELEMETRY*` variable, no
 *   `openTelemetry` option other than the defaults): the SDK's span of a metered call is not started
 *   at all. While `create()` (and the `stream()` helper, which starts the span before it calls
 *   `create()`) runs its synchronous part, the client has no tracer, which is the SDK's own "spans
 *   off" state: it then computes nothing for the call. The trace context the SDK would have sent is
 *   sent as request headers by tokenpath instead, from tokenpath's span, unless the client's
 *   `propagation` is off or the client signs its requests in a backend middleware (Bedrock, Vertex),
 *   where the SDK, too, keeps trace headers out. The SDK's other spans (count_tokens, batches, files, …) are left as they
 *   are, and everything is back as soon as the instrumentation is disabled.
 * - The user configured it (`ANTHROPIC_OPEN_TELEMETRY=true`, `openTelemetry: { tracerProvider }`,
 *   `{ traces: { contentMode: 'content' } }`, …): the SDK's span stays, as the user chose, and is
 *   the call's span with usage; tokenpath's span then leaves `gen_ai.usage.*` out (everything else
 *   stays on it) and its token metrics count the call once, as always.
 *   (`ANTHROPIC_OPEN_TELEMETRY=false` or `openTelemetry: false` turns the SDK's spans off: nothing
 *   to coordinate.)
 *
 * One case cannot be told apart: an `openTelemetry` option that states only defaults (`{}`,
 * `{ traces: true }`) resolves to exactly what no option does. To keep the SDK's spans with such a
 * client, set `ANTHROPIC_OPEN_TELEMETRY=true`.
 */
import { ProxyTracerProvider, trace, type Context } from '@opentelemetry/api';
import { injectTraceContext } from '../../core/context';
import { instrumentationDiag } from '../../core/safe';

/** The environment variables of the SDK's tracing; any of them set is the user's choice. */
const SDK_TRACING_ENV = [
  'ANTHROPIC_OPEN_TELEMETRY',
  'ANTHROPIC_OPEN_TELEMETRY_PROPAGATION',
  'ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE',
  'ANTHROPIC_OPEN_TELEMETRY_TRACES_MAX_CONTENT_BYTES',
] as const;

/** `traces.maxContentBytes` of a client given no option (the SDK's default). */
const SDK_DEFAULT_MAX_CONTENT_BYTES = 750_000;

/** Per client, decided on its first Messages call: true when the SDK's call spans are replaced. */
const decided = new WeakMap<object, boolean>();

/** Whether the user configured the SDK's tracing for `client` (variables, or a non-default option). */
function userConfiguredSdkTracing(client: any): boolean {
  if (SDK_TRACING_ENV.some((name) => (process.env[name] ?? '').trim() !== '')) return true;
  const o = client.openTelemetry;
  if (!o || typeof o !== 'object') return false;
  return (
    o.tracerProvider !== undefined ||
    o.propagation === false ||
    o.traces?.contentMode === 'content' ||
    (o.traces?.maxContentBytes !== undefined && o.traces.maxContentBytes !== SDK_DEFAULT_MAX_CONTENT_BYTES)
  );
}

/** Whether tokenpath replaces the SDK's own span of the Messages calls of `client` (decided once). */
export function replacesSdkCallSpans(client: any): boolean {
  if (!client || typeof client !== 'object') return false;
  let replaces = decided.get(client);
  if (replaces === undefined) {
    // No tracer: an SDK without tracing, or one whose spans are off (`openTelemetry: false`).
    replaces = Boolean(client._tracer) && !userConfiguredSdkTracing(client);
    decided.set(client, replaces);
  }
  return replaces;
}

/**
 * Runs `call` (the synchronous part of an SDK method) with the client's tracer taken away, so that
 * the SDK starts no span for it; the tracer is back when `call` returns or throws.
 */
export function withoutSdkCallSpan<T>(client: any, call: () => T): T {
  const tracer = client._tracer;
  client._tracer = undefined;
  try {
    return call();
  } finally {
    client._tracer = tracer;
  }
}

/** Per client: whether a backend middleware rewrites and signs its requests (Bedrock SigV4, Vertex). */
const signing = new WeakMap<object, boolean>();

/**
 * The SDK keeps its own trace headers out of the backend middleware that signs a platform client's
 * requests (AnthropicBedrock's SigV4); tokenpath adds none to such clients rather than have them signed.
 */
function signsRequests(client: any): boolean {
  let signs = signing.get(client);
  if (signs === undefined) {
    try {
      signs = typeof client.backendMiddleware === 'function' && client.backendMiddleware().length > 0;
    } catch {
      signs = true;
    }
    signing.set(client, signs);
  }
  return signs;
}

/**
 * The request options of a metered call with the trace context of `ctx` added as headers, as the
 * SDK would have sent its own span's. Headers the caller set win; options whose headers are not a
 * plain object (a Headers instance, a list) are left as they are.
 */
export function withTraceHeaders(client: any, options: unknown, ctx: Context): unknown {
  if (client?.openTelemetry?.propagation === false || signsRequests(client)) return options;
  try {
    const carrier: Record<string, string> = {};
    injectTraceContext(ctx, carrier);
    if (Object.keys(carrier).length === 0) return options;
    const o = (options ?? {}) as Record<string, any>;
    const headers = o.headers;
    if (headers != null && (typeof headers !== 'object' || Array.isArray(headers) || Object.getPrototypeOf(headers) !== Object.prototype)) {
      return options;
    }
    return { ...o, headers: { ...carrier, ...headers } };
  } catch (error) {
    instrumentationDiag.debug('tokenpath: could not add trace headers to an Anthropic call', error);
    return options;
  }
}

/**
 * Whether the SDK's own span of a call on `client` carries the usage: its spans were kept (not
 * replaced) and they go to a real tracer provider (the client's own, or a registered global one).
 */
export function sdkSpanCarriesUsage(client: any): boolean {
  if (decided.get(client) !== false || !client._tracer) return false;
  if (client.openTelemetry?.tracerProvider !== undefined) return true;
  // The API registers a proxy whose delegate is the app's provider, or a no-op one when none is.
  const global = trace.getTracerProvider() as Partial<ProxyTracerProvider>;
  if (typeof global.getDelegate !== 'function') return true;
  return global.getDelegate() !== new ProxyTracerProvider().getDelegate();
}
