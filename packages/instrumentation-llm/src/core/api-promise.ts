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
  routeParseThroughInnerWrapper(promise, observed, observer);
  // The raw-response promise covers the request with all its retries; observing it does not read
  // the body. Its rejection is the HTTP or connection error the caller will see.
  const responsePromise = (promise as unknown as { responsePromise?: unknown }).responsePromise;
  if (responsePromise instanceof Promise) {
    const raw = watchRawOnlyUse(observed);
    responsePromise.then(() => {
      if (raw.asResponseCalled && !raw.parseCalled) observer.onRawResponseOnly();
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
): void {
  if (!Object.prototype.hasOwnProperty.call(inner, 'parse')) return;
  const innerParse = (inner as unknown as { parse?: unknown }).parse;
  if (typeof innerParse !== 'function') return;
  let parsed: Promise<T> | undefined;
  Object.defineProperty(observed, 'parse', {
    configurable: true,
    writable: true,
    value(): Promise<T> {
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
 * a caller that simply awaits later. The SDK's own methods stay the ones that run: the promise gets
 * own `asResponse` / `parse` that note the call and hand it on. Both are made once, not per call;
 * what they hand on to (the promise's methods as they were) is kept with its state.
 */
interface RawUse {
  asResponseCalled: boolean;
  parseCalled: boolean;
  readonly asResponse: (...a: unknown[]) => unknown;
  readonly parse: (...a: unknown[]) => unknown;
}

const RAW_USE = Symbol('tokenpath.raw-use');

/** The state of the promise a watched method was called on, or undefined for any other receiver. */
function rawUseOf(self: unknown): RawUse | undefined {
  return self !== null && typeof self === 'object' ? (self as { [RAW_USE]?: RawUse })[RAW_USE] : undefined;
}

/** The own `asResponse` / `parse` of a watched promise: made once each, shared by every promise. */
function watching(name: 'asResponse' | 'parse', called: 'asResponseCalled' | 'parseCalled'): PropertyDescriptor {
  return {
    configurable: true,
    writable: true,
    value: {
      [name](this: unknown, ...args: unknown[]): unknown {
        const state = rawUseOf(this);
        if (state === undefined) return callProto(this, name, args);
        state[called] = true;
        return state[name].apply(this, args);
      },
    }[name],
  };
}

const WATCHED_AS_RESPONSE = watching('asResponse', 'asResponseCalled');
const WATCHED_PARSE = watching('parse', 'parseCalled');

/** A watched method taken off its promise and called on another object: that object's own method runs. */
function callProto(self: unknown, name: 'asResponse' | 'parse', args: unknown[]): unknown {
  const method = (Object.getPrototypeOf(self) as Record<string, unknown> | null)?.[name];
  if (typeof method !== 'function') throw new TypeError(`${name} called on an incompatible receiver`);
  return method.apply(self, args);
}

function watchRawOnlyUse(promise: object): { asResponseCalled: boolean; parseCalled: boolean } {
  const target = promise as { asResponse?: (...a: unknown[]) => unknown; parse?: (...a: unknown[]) => unknown };
  const { asResponse, parse } = target;
  if (typeof asResponse !== 'function' || typeof parse !== 'function') return { asResponseCalled: false, parseCalled: false };
  const state: RawUse = { asResponseCalled: false, parseCalled: false, asResponse, parse };
  Object.defineProperty(promise, RAW_USE, { value: state });
  Object.defineProperty(promise, 'asResponse', WATCHED_AS_RESPONSE);
  Object.defineProperty(promise, 'parse', WATCHED_PARSE);
  return state;
}
