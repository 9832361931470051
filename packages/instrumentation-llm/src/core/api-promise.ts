/**
 * Observing a Stainless `APIPromise` (openai, @anthropic-ai/sdk, groq-sdk, together-ai) without
 * consuming it, and handing the caller the SDK's own promise.
 *
 * `.then()` on the SDK's promise parses the body, after which helpers that chain their own
 * `_thenUnwrap` (e.g. `chat.completions.parse()`) fail with "Body is unusable"
 * (opentelemetry-js-contrib #3586). So tokenpath does not parse: it wraps the step every parse of
 * this promise goes through, its own `parseResponse` (read when parsing happens, by `parse()`,
 * `then`, `withResponse()` and the prototype's `_thenUnwrap`), and sees the one result the SDK makes.
 * Where the client gives each promise its own `_thenUnwrap` (openai 7, which parses with the
 * request's parse function, not the promise's), that is wrapped too.
 *
 * Why not `_thenUnwrap` itself, as before: on openai 7 it makes a second APIPromise through the
 * client's `responsePromise`, with two closures V8 allocates straight in the old generation, so every
 * call kept a second promise, its parse and its private-field entry alive through young-generation
 * GCs until the next full GC.
 */
export interface ApiPromiseLike<T> extends Promise<T> {
  _thenUnwrap<U>(transform: (data: T, props: unknown) => U): ApiPromiseLike<U>;
}

export interface ApiPromiseObserver<T> {
  /** The parsed result (a complete response, or the SDK's stream object). */
  onData(data: T): void;
  /** The request failed: HTTP error status after retries, connection error, abort, unreadable body. */
  onError(error: unknown): void;
  /** The caller took the raw response and never asked for the parsed one: nothing more will be seen. */
  onRawResponseOnly(): void;
}

export function isApiPromise(value: unknown): value is ApiPromiseLike<unknown> {
  return (
    value instanceof Promise && typeof (value as Partial<ApiPromiseLike<unknown>>)._thenUnwrap === 'function'
  );
}

type ParseResponse = (this: unknown, client: unknown, props: unknown) => unknown;
type ThenUnwrap = (this: unknown, transform: (data: unknown, props: unknown) => unknown) => unknown;

interface ParsingPromise {
  parseResponse?: unknown;
  parsedPromise?: unknown;
  responsePromise?: unknown;
  _thenUnwrap: unknown;
}

const hasOwn = (target: object, key: string): boolean => Object.prototype.hasOwnProperty.call(target, key);

/**
 * The one outcome of a request, handed to the observer once. It then lets go of the observer (the
 * operation, its span, context and attributes): on openai 7 the promise stays reachable from two
 * old-generation closures until the next full GC, and what it reaches through the wrapped parse
 * would be copied and promoted by every young-generation GC until then.
 */
class Outcome<T> {
  constructor(private pending: ApiPromiseObserver<T> | undefined) {}

  private take(): ApiPromiseObserver<T> | undefined {
    const observer = this.pending;
    this.pending = undefined;
    return observer;
  }

  get settled(): boolean {
    return this.pending === undefined;
  }

  data(data: T): void {
    this.take()?.onData(data);
  }

  error(error: unknown): void {
    this.take()?.onError(error);
  }

  rawResponseOnly(): void {
    this.take()?.onRawResponseOnly();
  }
}

export function observeApiPromise<T>(promise: ApiPromiseLike<T>, observer: ApiPromiseObserver<T>): ApiPromiseLike<T> {
  const parsing = promise as unknown as ParsingPromise;
  if (parsing.parsedPromise !== undefined) {
    // Another instrumentation under tokenpath's wrapper already parsed it (contrib's
    // instrumentation-openai calls `.then()`): the parse is memoised, so `.then()` reads nothing
    // more, and the parse function may already have been read (openai 4 reads it eagerly).
    promise.then(observer.onData, observer.onError);
    return promise;
  }
  const outcome = new Outcome(observer);
  let observed = promise;
  const parse = parsing.parseResponse;
  if (typeof parse === 'function' && hasOwn(promise, 'parseResponse')) {
    parsing.parseResponse = parseObserved(parse as ParseResponse, outcome);
    if (hasOwn(promise, '_thenUnwrap')) parsing._thenUnwrap = thenUnwrapObserved(parsing._thenUnwrap as ThenUnwrap, outcome);
  } else {
    // A Stainless release that keeps its parse step elsewhere: observe through a derived promise.
    observed = promise._thenUnwrap(transformObserved(outcome));
  }
  // The raw-response promise covers the request with all its retries; observing it does not read
  // the body. Its rejection is the HTTP or connection error the caller will see.
  const responsePromise = parsing.responsePromise;
  if (responsePromise instanceof Promise) {
    watchAsResponse(observed);
    responsePromise.then(
      () => {
        if (!outcome.settled && asResponseCalled.has(observed) && !parseStarted(observed)) outcome.rawResponseOnly();
      },
      (error: unknown) => outcome.error(error),
    );
  }
  return observed;
}

/**
 * The promise's parse step, observed. Called as the SDK calls it (as a method on newer releases,
 * as a plain function with one argument on older ones), it settles as the SDK's step does, and sees
 * the result or the error before the caller does (a stream is instrumented before it is handed on).
 */
function parseObserved<T>(parse: ParseResponse, outcome: Outcome<T>): ParseResponse {
  return async function parseResponse(this: unknown, client: unknown, props: unknown): Promise<unknown> {
    let data: unknown;
    try {
      data = await parse.call(this, client, props);
    } catch (error) {
      outcome.error(error);
      throw error;
    }
    outcome.data(data as T);
    return data;
  };
}

/** openai 7's own `_thenUnwrap` (what `chat.completions.parse()` chains), observed before the caller's transform. */
function thenUnwrapObserved<T>(thenUnwrap: ThenUnwrap, outcome: Outcome<T>): ThenUnwrap {
  return function _thenUnwrap(this: unknown, transform: (data: unknown, props: unknown) => unknown): unknown {
    return thenUnwrap.call(this, (data: unknown, props: unknown) => {
      outcome.data(data as T);
      return transform(data, props);
    });
  };
}

function transformObserved<T>(outcome: Outcome<T>): (data: T) => T {
  return (data: T): T => {
    outcome.data(data);
    return data;
  };
}

/**
 * `asResponse()` alone never parses, so the parsed result never comes; tell that case apart from
 * a caller that simply awaits later. Whether parsing started is the SDK's own record: every Stainless
 * SDK memoises `parse()` (what `then`, `withResponse()` and awaiting call) in `parsedPromise`, and
 * another instrumentation's `parse` wrapper (dd-trace's) calls the SDK's `parse()` underneath.
 *
 * `asResponse` is watched on the SDK's APIPromise prototype, once per prototype, not on each
 * promise: a new own property per call cost a property definition per call, and gave the SDK's own
 * code two shapes of APIPromise to read (its property reads turned polymorphic). Replacing
 * `parseResponse` (and openai 7's `_thenUnwrap`) above does not: the promise already has them. The wrapper only
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
