/**
 * Wrapping an SDK method next to other instrumentations of the same method.
 *
 * `InstrumentationBase._wrap` (shimmer) first unwraps whatever shimmer wrapper it finds, so an
 * instrumentation set up after contrib's `@opentelemetry/instrumentation-openai` (or OpenLLMetry's,
 * or OpenInference's) would restore the SDK's original method and silence that peer. tokenpath
 * instead wraps on top of whatever is there. Its wrapper carries shimmer's marks (so `isWrapped()`
 * tells it is patched), but its `__unwrap` does nothing: a peer patching after tokenpath "unwraps"
 * it in vain and then wraps on top of it, so both run, whatever the order. Only tokenpath removes its
 * own wrapper (`unwrapIfOutermost`).
 */

/** On tokenpath's wrapper: the function it wraps (which may be another instrumentation's wrapper). */
const WRAPPED = Symbol.for('tokenpath.instrumentation-llm.wrapped');

type Fn = (...args: any[]) => any;

/** shimmer's `__unwrap` of tokenpath's wrapper: another instrumentation cannot take it out. */
function keepWrapper(): void {}

/** tokenpath's wrapper anywhere in the chain of wrappers of `fn` (following shimmer's `__original`). */
function ownWrapperIn(fn: unknown): Fn | undefined {
  for (let f: any = fn, depth = 0; typeof f === 'function' && depth < 16; depth++) {
    if (f[WRAPPED] !== undefined) return f;
    f = f.__original;
  }
  return undefined;
}

/**
 * Wraps `target[method]` with `makeWrapper(current)`, on top of any other instrumentation's wrapper.
 * Does nothing when tokenpath's wrapper is already in the chain (a module patched twice, or a peer
 * that stacked on top of it). Returns true when it wrapped another instrumentation's shimmer wrapper
 * (`__wrapped`); wrappers that carry no marker (dd-trace's) cannot be told from the SDK's method.
 */
export function wrapOnTop(target: object, method: string, makeWrapper: (original: Fn) => Fn): boolean {
  const current = (target as any)[method];
  if (typeof current !== 'function' || ownWrapperIn(current) !== undefined) return false;
  const wrapper = makeWrapper(current);
  Object.defineProperty(wrapper, WRAPPED, { value: current });
  Object.defineProperty(wrapper, '__original', { value: current });
  Object.defineProperty(wrapper, '__unwrap', { value: keepWrapper });
  Object.defineProperty(wrapper, '__wrapped', { value: true });
  const descriptor = Object.getOwnPropertyDescriptor(target, method);
  Object.defineProperty(target, method, {
    value: wrapper,
    writable: true,
    configurable: true,
    enumerable: descriptor?.enumerable ?? false,
  });
  return (current as any).__wrapped === true; // and not ours: ours would be in the chain
}

/**
 * Removes tokenpath's wrapper when it is the outermost one. Under another instrumentation's wrapper
 * it stays (taking it out would take that wrapper out too); it then calls straight through while the
 * instrumentation is disabled.
 */
export function unwrapIfOutermost(target: object, method: string): void {
  const current = (target as any)[method];
  const original = typeof current === 'function' ? current[WRAPPED] : undefined;
  if (original === undefined) return;
  const descriptor = Object.getOwnPropertyDescriptor(target, method);
  if (descriptor === undefined) {
    // Our wrapper was found through the prototype chain, never set here: nothing to restore.
    return;
  }
  Object.defineProperty(target, method, { ...descriptor, value: original });
}

/** True when tokenpath's wrapper is in the chain of `target[method]`. */
export function isWrappedByUs(target: object, method: string): boolean {
  return ownWrapperIn((target as any)[method]) !== undefined;
}
