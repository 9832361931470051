/**
 * openai 7 with its per-request closures allocated young: the `unpretenured` variant of
 * gc-retention.mjs and of child.mjs (BENCH_OPENAI_VARIANT). openai 7.59's `responsePromise()`
 * assigns two arrow functions to properties of every APIPromise; V8 pretenures a function literal
 * that is the right-hand side of a property assignment, so those closures (and, until the next full
 * GC, the finished call they reach) live in the old generation. The replacement is the same code
 * with the two closures bound to local constants first: the SDK behaves the same.
 */
import path from 'node:path';

/** What the replaced responsePromise says in openai 7.59 (the parts the replacement reproduces). */
export const RESPONSE_PROMISE_SHAPE = [
  'new api_promise_1.APIPromise(this, request, (client, props) => {',
  'promise.withResponse = async () => {',
  'promise._thenUnwrap = (transform) => this.responsePromise(request, async (client, props) =>',
  "__classPrivateFieldGet(this, _OpenAI_responseAttempts, \"f\").get(props.controller)?.continueRequest",
];

/**
 * Makes the clients with `makeClients()` while catching the client's private responseAttempts
 * WeakMap (as its constructor sets it up), then replaces `OpenAI.prototype.responsePromise`.
 * `requireSdk` resolves from the SDK's own folder. Returns what `makeClients` returns.
 */
export function unpretenureOpenAI7(OpenAI, requireSdk, makeClients) {
  // The replacement copies 7.59's code: on a release whose responsePromise reads differently it
  // would measure another SDK than the one installed, so it refuses.
  const source = String(OpenAI.prototype.responsePromise);
  for (const expected of RESPONSE_PROMISE_SHAPE) {
    if (!source.includes(expected)) throw new Error(`unpretenured: openai's responsePromise no longer has \`${expected}\`; update openai7-unpretenured.mjs`);
  }
  let attempts;
  const weakMapSet = WeakMap.prototype.set;
  WeakMap.prototype.set = function (key, value) {
    if (attempts === undefined && key instanceof OpenAI && value instanceof WeakMap) attempts = value;
    return weakMapSet.call(this, key, value);
  };
  let clients;
  try {
    clients = makeClients();
  } finally {
    WeakMap.prototype.set = weakMapSet;
  }
  if (!attempts) throw new Error('unpretenured: the client set up no responseAttempts WeakMap (openai 7 only)');
  const sdkDir = path.dirname(requireSdk.resolve('openai'));
  const { APIPromise } = requireSdk(path.join(sdkDir, 'core/api-promise.js'));
  const { addRequestID } = requireSdk(path.join(sdkDir, 'internal/parse.js'));
  // openai 7.59's OpenAI.prototype.responsePromise, but for where its two closures are allocated.
  OpenAI.prototype.responsePromise = function (request, parse = (client, props) => this.parseResponseWithTimeout(client, props)) {
    const promise = new APIPromise(this, request, (client, props) => {
      const resume = attempts.get(props.controller)?.continueRequest;
      return resume ? resume(() => parse(client, props)) : parse(client, props);
    });
    const withResponse = async () => {
      const data = await promise;
      const { response } = await request;
      return { data, response, request_id: response.headers.get('x-request-id') };
    };
    const thenUnwrap = (transform) =>
      this.responsePromise(request, async (client, props) => addRequestID(transform(await parse(client, props), props), props.response));
    promise.withResponse = withResponse;
    promise._thenUnwrap = thenUnwrap;
    return promise;
  };
  return clients;
}
