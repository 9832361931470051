/**
 * The OpenTelemetry context as core sees it: the active context a call's span is parented on, the
 * context the SDK call runs in (so that what the SDK does inside it, e.g. an HTTP client's span, is
 * the GenAI span's child), and the propagator whose trace headers tokenpath adds where it replaces
 * an SDK's own (sdk-tracing.ts of the Anthropic adapter).
 *
 * Normally that is the API's own `context` and `propagation`, which find the context manager and
 * propagator the app registers, whenever it registers them. When the app registered them through
 * an older `@opentelemetry/api` copy, whose registry tokenpath's copy refuses (dd-trace 6 pins
 * `<1.10.0`; startup/api-copies.ts), that API hands out a no-op context manager: tokenpath's spans
 * would start traces of their own and the SDK's work would not be their children. Start-up then
 * switches this module, once, to what that registry holds (`useRegistryContext`). Nothing is
 * decided per call: one module-level binding, the API's in the normal case.
 */
import {
  type Context,
  type ContextManager,
  type TextMapPropagator,
  context as apiContext,
  defaultTextMapSetter,
  propagation as apiPropagation,
} from '@opentelemetry/api';

interface ContextSource {
  active(): Context;
  with<T>(context: Context, fn: () => T): T;
}

interface Injector {
  inject(context: Context, carrier: Record<string, string>): void;
}

let contexts: ContextSource = apiContext;
let injector: Injector = {
  inject: (context, carrier) => apiPropagation.inject(context, carrier, defaultTextMapSetter),
};

/** The active context (a span started now is parented on it). */
export function activeContext(): Context {
  return contexts.active();
}

/** Runs `fn` with `context` active; returns what `fn` returns, throws what it throws. */
export function withContext<T>(context: Context, fn: () => T): T {
  return contexts.with(context, fn);
}

/** Writes the trace context of `context` into `carrier` as the registered propagator encodes it. */
export function injectTraceContext(context: Context, carrier: Record<string, string>): void {
  injector.inject(context, carrier);
}

/** The global registry of an older API copy, as startup/api-copies.ts reads it. */
interface Registry {
  readonly context?: unknown;
  readonly propagation?: unknown;
}

/**
 * From now on, the context manager and propagator registered in `registry` (the global registry an
 * older API copy wrote, which tokenpath's copy cannot read). Called once, at start-up. Each is read
 * off the registry when used, as that copy's API does: an app may register its context manager
 * after its providers, and its SDK's shutdown takes it out again (the API's no-op then stands in).
 */
export function useRegistryContext(registry: Registry): void {
  const manager = (): ContextSource => (registry.context as ContextManager | undefined) ?? apiContext;
  contexts = {
    active: () => manager().active(),
    with: (context, fn) => manager().with(context, fn),
  };
  injector = {
    inject: (context, carrier) => {
      const propagator = registry.propagation as TextMapPropagator | undefined;
      if (propagator) propagator.inject(context, carrier, defaultTextMapSetter);
      else apiPropagation.inject(context, carrier, defaultTextMapSetter);
    },
  };
}
