/**
 * One more try of a request, inside the call the caller made (Stainless-generated SDKs: openai,
 * groq-sdk, together-ai). Their resource methods call `client.makeRequest(options)` synchronously
 * and build the returned `APIPromise` (its parsing, `withResponse()`, `asResponse()`, chaining) on
 * the promise it returns. So a client whose request may need a second try gets, once, an own
 * non-enumerable `makeRequest` that calls its class's; while a retryable call runs, the request it
 * makes returns a promise that falls through to a second request when the first fails as
 * `shouldRetry` says. The second request is the SDK's own, with its own retry budget
 * (`maxRetries`), as the call would have had; the caller sees its result or its error. The SDK's
 * retries of each request happen after an `await`, when no retry is pending any more.
 *
 * The shadow stays on the client (added once, never deleted: deleting a property would leave the
 * client an object slow to read for the SDK); without a pending retry it only passes through.
 */
export interface RequestRetry {
  /** Whether the first request's final error asks for the second. */
  shouldRetry(error: unknown): boolean;
  /** The body of the second request. */
  body: unknown;
  /** Before the second request is made. */
  onRetry(): void;
  /** Whether the second request succeeded. */
  onRetried(succeeded: boolean): void;
}

type MakeRequest = (this: unknown, options: unknown, retriesRemaining?: unknown, retryOf?: unknown) => Promise<unknown>;

const SHADOW = Symbol.for('tokenpath.instrumentation-llm.request-retry');

/** The retry for the request the call running now makes; set only during that synchronous call. */
let pending: RequestRetry | undefined;

/**
 * Calls `call()` with the client's next request retryable (after `canRetryRequests(client)` said
 * so); `call`'s result is returned as is.
 */
export function withRequestRetry<T>(retry: RequestRetry, call: () => T): T {
  const outer = pending;
  pending = retry;
  try {
    return call();
  } finally {
    pending = outer;
  }
}

/**
 * Whether the client's requests can be tried again (its `makeRequest` is shadowed now, or already):
 * false for a client that is not Stainless-shaped, frozen, or whose `makeRequest` another tool
 * replaced on the instance. Ask nothing of such a client that it might refuse.
 */
export function canRetryRequests(client: any): boolean {
  const current = client?.makeRequest;
  if (typeof current !== 'function') return false;
  if (current[SHADOW] === true) return true;
  if (Object.prototype.hasOwnProperty.call(client, 'makeRequest')) return false; // someone else's: left alone
  const shadow = function makeRequest(this: any, options: unknown, retriesRemaining?: unknown, retryOf?: unknown): Promise<unknown> {
    // The class's method as it is now (another instrumentation may wrap it later).
    const base: MakeRequest = Object.getPrototypeOf(client).makeRequest;
    const retry = pending;
    if (retry === undefined) return base.call(this, options, retriesRemaining, retryOf);
    pending = undefined;
    return base.call(this, options, retriesRemaining, retryOf).then(undefined, (error: unknown) => {
      if (!retry.shouldRetry(error)) throw error;
      retry.onRetry();
      const second = Promise.resolve(options).then((o) => ({ ...(o as object), body: retry.body }));
      return base.call(this, second, retriesRemaining, retryOf).then(
        (props) => {
          retry.onRetried(true);
          return props;
        },
        (secondError: unknown) => {
          retry.onRetried(false);
          throw secondError;
        },
      );
    });
  };
  Object.defineProperty(shadow, SHADOW, { value: true });
  try {
    Object.defineProperty(client, 'makeRequest', { configurable: true, writable: true, enumerable: false, value: shadow });
  } catch {
    return false; // a frozen client: its requests go without a second try
  }
  return true;
}
