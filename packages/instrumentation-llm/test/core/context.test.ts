import { afterEach, describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, TraceFlags, context, propagation, trace, type Context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { activeContext, injectTraceContext, useRegistryContext, withContext } from '../../src/core/context';

const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
const TRACEPARENT = `00-${spanContext.traceId}-${spanContext.spanId}-01`;
const withSpan = (): Context => trace.setSpanContext(ROOT_CONTEXT, spanContext);

/** What a call sees of its context after an await, run the way core runs an SDK call. */
const seenAfterAwait = (ctx: Context): Promise<Context> =>
  withContext(ctx, async () => {
    await new Promise((resolve) => setImmediate(resolve));
    return activeContext();
  });

// The switch is one-way (start-up calls it once): the API's own context is tested first.
describe('the context core runs in', () => {
  afterEach(() => {
    context.disable();
    propagation.disable();
  });

  it("is the api's: the context manager and propagator registered with tokenpath's api copy", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const ctx = withSpan();
    expect(await seenAfterAwait(ctx)).toBe(ctx);
    const carrier: Record<string, string> = {};
    injectTraceContext(ctx, carrier);
    expect(carrier).toEqual({ traceparent: TRACEPARENT });
  });

  it("after the switch, is the older registry's, read off it when used, with the api's in place of what it lacks", async () => {
    // An older API copy's global registry, which tokenpath's copy refuses: its own manager and propagator.
    const manager = new AsyncLocalStorageContextManager().enable();
    const registry: { context?: unknown; propagation?: unknown } = {};
    useRegistryContext(registry);
    registry.context = manager;
    registry.propagation = new W3CTraceContextPropagator();

    const ctx = withSpan();
    expect(await seenAfterAwait(ctx)).toBe(ctx);
    expect(withContext(ctx, () => manager.active())).toBe(ctx);
    expect(manager.with(ctx, () => activeContext())).toBe(ctx);
    const carrier: Record<string, string> = {};
    injectTraceContext(ctx, carrier);
    expect(carrier).toEqual({ traceparent: TRACEPARENT });

    // Its SDK shut down (the registry holds nothing): the API's, here no-op, as that copy's API would do.
    delete registry.context;
    delete registry.propagation;
    expect(await seenAfterAwait(ctx)).toBe(ROOT_CONTEXT);
    const none: Record<string, string> = {};
    injectTraceContext(ctx, none);
    expect(none).toEqual({});
  });
});
