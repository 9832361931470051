/**
 * Observing a Stainless `APIPromise` (openai, @anthropic-ai/sdk) without consuming it.
 *
 * `.then()` on the SDK's promise parses the body, after which helpers that chain their own
 * `_thenUnwrap` (e.g. `chat.completions.parse()`) fail with "Body is unusable"
 * (opentelemetry-js-contrib #3586). `_thenUnwrap` returns a new APIPromise sharing the same
 * response, so `withResponse()`, `asResponse()`, lazy parsing and chaining all keep working.
 */
export interface ApiPromiseLike<T> extends Promise<T> {
  _thenUnwrap<U>(transform: (data: T, props: unknown) => U): ApiPromiseLike<U>;
}

export interface ApiPromiseObserver<T> {
  /** The parsed result (a complete response, or the SDK's stream object). */
  onData(data: T): void;
  /** The request failed: HTTP error status after retries, connection error, abort. */
  onError(error: unknown): void;
  /** The caller took the raw response and never asked for the parsed one: nothing more will be seen. */
  onRawResponseOnly(): void;
}

export function isApiPromise(value: unknown): value is ApiPromiseLike<unknown> {
  return (
    value instanceof Promise && typeof (value as Partial<ApiPromiseLike<unknown>>)._thenUnwrap === 'function'
  );
}

export function observeApiPromise<T>(promise: ApiPromiseLike<T>, observer: ApiPromiseObserver<T>): ApiPromiseLike<T> {
  if ((promise as { parsedPromise?: unknown }).parsedPromise !== undefined) {
    // Another instrumentation under tokenpath's wrapper already parsed it (contrib's
    // instrumentation-openai calls `.then()`): the parse is memoised, so `.then()` reads nothing
    // more, whereas a `_thenUnwrap` would parse the body a second time ("Body is unusable").
    promise.then(observer.onData, observer.onError);
    return promise;
  }
  const observed = promise._thenUnwrap(observeOnce(observer));
  const routed = routeParseThroughInnerWrapper(promise, observed, observer);
  // The raw-response promise covers the request with all its retries; observing it does not read
  // the body. Its rejection is the HTTP or connection error the caller will see.
  const responsePromise = (promise as unknown as { responsePromise?: unknown }).responsePromise;
  if (responsePromise instanceof Promise) {
    watchAsResponse(observed);
    responsePromise.then(() => {
      if (asResponseCalled.has(observed) && !parseStarted(observed) && !routed?.parseCalled) observer.onRawResponseOnly();
    }, observer.onError);
  }
  return observed;
}

/**
 * The transform handed to `_thenUnwrap`. openai 7 keeps it reachable from two closures per promise
 * that V8 allocates straight in the old generation (its `responsePromise` assigns them to the
 * promise's properties, and V8 pretenures a function literal assigned to a property), so, until the
 * next full GC, everything the transform reaches survives every young-generation GC and is copied and
 * promoted. Once used, it lets go of the observer (the operation, its span, context and attributes);
 * it is made in its own function so that its closure holds nothing else (closures of one scope share
 * one context). Parsing the same body twice is refused by the SDK, so there is no second use.
 */
function observeOnce<T>(observer: ApiPromiseObserver<T>): (data: T) => T {
  let pending: ApiPromiseObserver<T> | undefined = observer;
  return (data: T): T => {
    const target = pending;
    pending = undefined;
    target?.onData(data);
    return data;
  };
}

/**
 * Another instrumentation under tokenpath's wrapper may have wrapped `parse` on the very promise it
 * returned (dd-trace's anthropic plugin ends its span there). `_thenUnwrap` parses through the
 * SDK's `parseResponse` and would bypass that wrapper: its span would never end, and dd-trace then
 * drops the whole trace, tokenpath's span included. The derived promise parses through it instead
 * (memoised, as the SDK's own `parse` is), so both see the one parse.
 */
function routeParseThroughInnerWrapper<T>(
  inner: ApiPromiseLike<T>,
  observed: ApiPromiseLike<T>,
  observer: ApiPromiseObserver<T>,
): { parseCalled: boolean } | undefined {
  if (!Object.prototype.hasOwnProperty.call(inner, 'parse')) return undefined;
  const innerParse = (inner as unknown as { parse?: unknown }).parse;
  if (typeof innerParse !== 'function') return undefined;
  const raw = { parseCalled: false };
  let parsed: Promise<T> | undefined;
  Object.defineProperty(observed, 'parse', {
    configurable: true,
    writable: true,
    value(): Promise<T> {
      raw.parseCalled = true;
      parsed ??= (innerParse.call(inner) as Promise<T>).then((data) => {
        observer.onData(data);
        return data;
      });
      return parsed;
    },
  });
  return raw;
}

/**
 * `asResponse()` alone never parses, so the parsed result never comes; tell that case apart from
 * a caller that simply awaits later. Whether parsing started is the SDK's own record: every Stainless
 * SDK memoises `parse()` (what `then`, `withResponse()` and awaiting call) in `parsedPromise`; the
 * parse routed through another instrumentation's wrapper notes it itself.
 *
 * `asResponse` is watched on the SDK's APIPromise prototype, once per prototype, not on each
 * promise: an own property per call cost a property definition per call, and gave the SDK's own
 * code two shapes of APIPromise to read (its property reads turned polymorphic). The wrapper only
 * notes the promise (rarely called: only a caller that wants the raw response calls it) and hands
 * the call on; `unwatchAsResponse` puts every prototype's own method back.
 */
const asResponseCalled = new WeakSet<object>();
const watched = new Map<object, PropertyDescriptor | undefined>();
/** The prototype seen last: almost every call returns a promise of the same class. */
let lastPrototype: object | null = null;

function parseStarted(promise: object): boolean {
  return (promise as { parsedPromise?: unknown }).parsedPromise !== undefined;
}

function watchAsResponse(promise: object): void {
  const prototype = Object.getPrototypeOf(promise) as object | null;
  if (prototype === lastPrototype || prototype === null) return;
  lastPrototype = prototype;
  if (watched.has(prototype)) return;
  const original = (prototype as { asResponse?: unknown }).asResponse;
  if (typeof original !== 'function') return;
  watched.set(prototype, Object.getOwnPropertyDescriptor(prototype, 'asResponse'));
  Object.defineProperty(prototype, 'asResponse', {
    configurable: true,
    writable: true,
    enumerable: false,
    value: function asResponse(this: object, ...args: unknown[]): unknown {
      asResponseCalled.add(this);
      return original.apply(this, args);
    },
  });
}

/** Puts back every APIPromise prototype's own `asResponse` (or removes the watch where it was inherited). */
export function unwatchAsResponse(): void {
  for (const [prototype, descriptor] of watched) {
    if (descriptor === undefined) delete (prototype as { asResponse?: unknown }).asResponse;
    else Object.defineProperty(prototype, 'asResponse', descriptor);
  }
  watched.clear();
  lastPrototype = null;
}
