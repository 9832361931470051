/**
 * Comparing what a caller gets from two runs of the same call (without and with tokenpath): the stand-in numbers its
 * ids per request (`…standin000042`, or hex counters in the Mistral and Together flavours under `id`) and stamps
 * `created` with the clock, so those values are set aside; every key (a key with an `undefined` or `null` value
 * included) and every other value must match under `toStrictEqual`, and so must the order of every object's keys
 * (kept under `#keys`, as `toStrictEqual` ignores order): a copy of a chunk must read as the wire's.
 */

const STAND_IN_ID = /standin\d+/g;

/** A deep copy of `value` with per-request ids and `created` stamps replaced by placeholders. */
export function wireShape(value: unknown, key?: string): unknown {
  if (key === 'id' && typeof value === 'string') return 'id#';
  if (typeof value === 'string') return value.replace(STAND_IN_ID, 'standin#');
  if (key === 'created' && typeof value === 'number') return 0;
  if (Array.isArray(value)) return value.map((v) => wireShape(v));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { '#keys': Object.keys(value) };
  for (const [k, v] of Object.entries(value)) out[k] = wireShape(v, k);
  return out;
}

/** Every event a ChatCompletionStream / ChatCompletionStreamingRunner emits, across openai 4 to 7. */
const HELPER_EVENTS = [
  'connect', 'chunk', 'content', 'content.delta', 'content.done', 'refusal.delta', 'refusal.done',
  'tool_calls.function.arguments.delta', 'tool_calls.function.arguments.done', 'logprobs.content.delta',
  'logprobs.content.done', 'message', 'chatCompletion', 'functionCall', 'functionCallResult', 'finalMessage',
  'finalContent', 'finalFunctionCall', 'finalFunctionCallResult', 'finalChatCompletion', 'totalUsage', 'error',
  'abort', 'end',
];

/**
 * Runs a `stream()` helper to its end: every event with its arguments as they were when emitted (snapshots change
 * afterwards), and `finalChatCompletion()`.
 */
export async function streamHelperRun(runner: any): Promise<{ events: unknown[]; final: any }> {
  const events: unknown[] = [];
  for (const name of HELPER_EVENTS) runner.on(name, (...args: unknown[]) => events.push([name, ...args.map((a) => wireShape(a))]));
  const final = await runner.finalChatCompletion();
  await runner.done();
  return { events, final };
}

/** A `fetch` for an SDK client whose base URL names a real host: the request goes to the stand-in instead. */
export function fetchVia(standInUrl: string, prefix = ''): (url: any, init?: any) => Promise<Response> {
  return (url, init) => {
    const target = new URL(String(url instanceof Request ? url.url : url));
    return fetch(`${standInUrl}${prefix}${target.pathname}${target.search}`, init);
  };
}
