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

export function isApiPromise(value: unknown): value is ApiPromiseLike<unknown> {
  return (
    value instanceof Promise && typeof (value as Partial<ApiPromiseLike<unknown>>)._thenUnwrap === 'function'
  );
}

export function observeApiPromise<T>(
  promise: ApiPromiseLike<T>,
  onData: (data: T) => void,
  onError: (error: unknown) => void,
): ApiPromiseLike<T> {
  // The raw-response promise covers the request with all its retries; observing it does not read
  // the body. Its rejection is the HTTP or connection error the caller will see.
  const responsePromise = (promise as unknown as { responsePromise?: unknown }).responsePromise;
  if (responsePromise instanceof Promise) responsePromise.then(undefined, onError);
  return promise._thenUnwrap((data: T) => {
    onData(data);
    return data;
  });
}
