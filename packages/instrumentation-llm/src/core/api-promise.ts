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
  const raw: RawUse = { asResponseCalled: false, parseCalled: false };
  routeParseThroughInnerWrapper(promise, observed, observer, raw);
  // The raw-response promise covers the request with all its retries; observing it does not read
  // the body. Its rejection is the HTTP or connection error the caller will see.
  const responsePromise = (promise as unknown as { responsePromise?: unknown }).responsePromise;
  if (responsePromise instanceof Promise) {
    watchAsResponse(observed, raw);
    responsePromise.then(() => {
      if (raw.asResponseCalled && !raw.parseCalled && !parseStarted(observed)) observer.onRawResponseOnly();
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
  raw: RawUse,
): void {
  if (!Object.prototype.hasOwnProperty.call(inner, 'parse')) return;
  const innerParse = (inner as unknown as { parse?: unknown }).parse;
  if (typeof innerParse !== 'function') return;
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
}

/**
 * `asResponse()` alone never parses, so the parsed result never comes; tell that case apart from
 * a caller that simply awaits later. Whether parsing started is the SDK's own record: every Stainless
 * SDK memoises `parse()` (what `then`, `withResponse()` and awaiting call) in `parsedPromise`; the
 * parse routed through another instrumentation's wrapper notes it in `raw`. Only `asResponse` is
 * watched, by an own method that notes the call and hands it on.
 */
interface RawUse {
  asResponseCalled: boolean;
  parseCalled: boolean;
}

function parseStarted(promise: object): boolean {
  return (promise as { parsedPromise?: unknown }).parsedPromise !== undefined;
}

function watchAsResponse(promise: object, raw: RawUse): void {
  const original = (promise as { asResponse?: (...a: unknown[]) => unknown }).asResponse;
  if (typeof original !== 'function') return;
  Object.defineProperty(promise, 'asResponse', {
    configurable: true,
    writable: true,
    value: function asResponse(this: unknown, ...args: unknown[]): unknown {
      raw.asResponseCalled = true;
      return original.apply(this, args);
    },
  });
}
