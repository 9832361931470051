/**
 * One more try of a request, inside the call the caller made (Stainless-generated SDKs: openai,
 * groq-sdk, together-ai). Their resource methods call `client.makeRequest(options)` synchronously
 * and build the returned `APIPromise` (its parsing, `withResponse()`, `asResponse()`, chaining) on
 * the promise it returns; so while the method runs, `makeRequest` is shadowed on the client
 * instance, and the promise it hands back falls through to a second request when the first fails
 * as `shouldRetry` says. The second request is the SDK's own, with its own retry budget
 * (`maxRetries`), as the call would have had; the caller sees its result or its error. The SDK's
 * retries of each request happen after an `await`, when the shadow is already gone.
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

type MakeRequest = (this: unknown, options: unknown, ...rest: unknown[]) => Promise<unknown>;

/** Calls `call()` with the client's next request retryable; `call`'s result is returned as is. */
export function withRequestRetry<T>(client: any, retry: RequestRetry, call: () => T): T {
  const makeRequest: MakeRequest | undefined = client?.makeRequest;
  if (typeof makeRequest !== 'function') return call();
  const own = Object.getOwnPropertyDescriptor(client, 'makeRequest');
  let used = false;
  function retryingMakeRequest(this: unknown, options: unknown, ...rest: unknown[]): Promise<unknown> {
    if (used) return makeRequest!.call(this, options, ...rest);
    used = true;
    return makeRequest!.call(this, options, ...rest).then(undefined, (error: unknown) => {
      if (!retry.shouldRetry(error)) throw error;
      retry.onRetry();
      const second = Promise.resolve(options).then((o) => ({ ...(o as object), body: retry.body }));
      return makeRequest!.call(this, second, ...rest).then(
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
  }
  try {
    Object.defineProperty(client, 'makeRequest', { configurable: true, writable: true, value: retryingMakeRequest });
  } catch {
    return call(); // a frozen client: the request goes without a second try
  }
  try {
    return call();
  } finally {
    if (own) Object.defineProperty(client, 'makeRequest', own);
    else delete client.makeRequest;
  }
}
