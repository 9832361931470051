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
 *   `openTelemetry` option other than the defaults): the SDK's `anthropic.messages.create` span is
 *   folded into tokenpath's. The client's tracer hands the SDK, for that one span name, a
 *   non-recording span carrying the current span context instead of a new span: the SDK records
 *   nothing on it, and the trace context it sends with each attempt (and the parent of any HTTP
 *   client span) is tokenpath's span. The SDK's other spans (count_tokens, batches, files, the tool
 *   runner, …) are left as they are. Folding stops as soon as the instrumentation is disabled.
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
import {
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  context,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';

/** The SDK's span names of the calls tokenpath meters (the stream helpers start theirs under the same name). */
const FOLDED_SPAN_NAMES: ReadonlySet<string> = new Set(['anthropic.messages.create']);

/** The environment variables of the SDK's tracing; any of them set is the user's choice. */
const SDK_TRACING_ENV = [
  'ANTHROPIC_OPEN_TELEMETRY',
  'ANTHROPIC_OPEN_TELEMETRY_PROPAGATION',
  'ANTHROPIC_OPEN_TELEMETRY_TRACES_CONTENT_MODE',
  'ANTHROPIC_OPEN_TELEMETRY_TRACES_MAX_CONTENT_BYTES',
] as const;

/** `traces.maxContentBytes` of a client given no option (the SDK's default). */
const SDK_DEFAULT_MAX_CONTENT_BYTES = 750_000;

/** Marks the clients whose tracing was looked at: true when their call spans are folded. */
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

/**
 * A tracer that gives the SDK, for the call spans tokenpath replaces, a non-recording span with
 * the current span context, while `messages` (the patched resource prototype) is instrumented.
 */
function foldingTracer(tracer: Tracer, messages: { create?: unknown }): Tracer {
  const fold = (name: string): boolean => FOLDED_SPAN_NAMES.has(name) && isWrapped(messages.create);
  return {
    startSpan(name: string, options?: SpanOptions, ctx?: Context): Span {
      if (!fold(name)) return tracer.startSpan(name, options, ctx);
      return trace.wrapSpanContext(trace.getSpanContext(ctx ?? context.active()) ?? INVALID_SPAN_CONTEXT);
    },
    startActiveSpan: function startActiveSpan(...args: unknown[]) {
      return (tracer.startActiveSpan as (...a: unknown[]) => unknown).apply(tracer, args);
    } as Tracer['startActiveSpan'],
  };
}

/**
 * Looks at `client` once: folds its SDK call spans when the user did not configure them.
 * `resource` is the `Messages` instance the call came through (its prototype is the patched one).
 */
export function coordinateSdkTracing(client: any, resource: object): void {
  if (!client || typeof client !== 'object' || decided.has(client)) return;
  const tracer = client._tracer;
  // No tracer: an SDK without tracing, or one whose spans are off (`openTelemetry: false`).
  if (!tracer || typeof tracer.startSpan !== 'function') return;
  let fold = !userConfiguredSdkTracing(client);
  if (fold) {
    try {
      client._tracer = foldingTracer(tracer, Object.getPrototypeOf(resource));
    } catch {
      fold = false; // a client that cannot be changed keeps its spans, which then carry the usage
    }
  }
  decided.set(client, fold);
}

/**
 * Whether the SDK's own span of a call on `client` carries the usage: its spans were kept (not
 * folded) and they go to a real tracer provider (the client's own, or a registered global one).
 */
export function sdkSpanCarriesUsage(client: any): boolean {
  if (decided.get(client) !== false || !client._tracer) return false;
  if (client.openTelemetry?.tracerProvider !== undefined) return true;
  // The API registers a proxy whose delegate is the app's provider, or a no-op one when none is.
  const global = trace.getTracerProvider() as Partial<ProxyTracerProvider>;
  if (typeof global.getDelegate !== 'function') return true;
  return global.getDelegate() !== new ProxyTracerProvider().getDelegate();
}
