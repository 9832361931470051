/**
 * The checks of the behaviour matrix that every provider test runs the same way, whatever the SDK: a stream the
 * consumer breaks out of, a stream aborted at its first item, a stream that fails mid-way, an HTTP error, the
 * instrumentation disabled, content capture off and on, and transparency (the app gets the same with and without).
 * The SDK call itself stays in the test; these state what the telemetry must be.
 */
import { expect } from 'vitest';
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Harness } from './harness';
import { DURATION, TOKEN_USAGE, expectFailedCall, onlySpan, plainAndInstrumented, pointCount, thrown } from './helpers';
import { startStandIn, type StandIn } from './stand-in';

/** The endpoint attributes of a call to the stand-in. */
export const standInEndpoint = (standIn: StandIn): Attributes => ({ 'server.address': '127.0.0.1', 'server.port': standIn.port });

/** The attributes every span and metric point of a call to the stand-in carries: operation, provider, requested model, endpoint. */
export const callAttributes = (standIn: StandIn, operation: string, provider: string, model: string): Attributes => ({
  'gen_ai.operation.name': operation,
  'gen_ai.provider.name': provider,
  'gen_ai.request.model': model,
  ...standInEndpoint(standIn),
});

/** A structured-output request whose answer the stand-in fills with `{ answer: 'stand-in' }` (`chat.completions.parse()`). */
export const ANSWER_RESPONSE_FORMAT = {
  type: 'json_schema',
  json_schema: { name: 'answer', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } },
} as const;

/**
 * The sampling parameters the provider tests send, each under its SDK's own name (temperature 0.2, top_p 0.9, at most
 * 50 tokens, seed 7, stop at END, frequency penalty 0.1, presence penalty 0.3), as the conventions' request attributes.
 */
export const SAMPLING_ATTRIBUTES: Attributes = {
  'gen_ai.request.temperature': 0.2,
  'gen_ai.request.top_p': 0.9,
  'gen_ai.request.max_tokens': 50,
  'gen_ai.request.seed': 7,
  'gen_ai.request.stop_sequences': ['END'],
  'gen_ai.request.frequency_penalty': 0.1,
  'gen_ai.request.presence_penalty': 0.3,
};

/**
 * The one span of a consumed stream has exactly `attributes` and a time to first chunk above 0, and the call has one
 * duration point. Returns the span.
 */
export async function expectConsumedStreamSpan(h: Harness, attributes: Attributes): Promise<ReadableSpan> {
  const span = await onlySpan(h);
  const ttfc = span.attributes['gen_ai.response.time_to_first_chunk'];
  expect(ttfc).toBeGreaterThan(0);
  expect(span.attributes).toEqual({ ...attributes, 'gen_ai.response.time_to_first_chunk': ttfc });
  expect(pointCount(await h.points(DURATION))).toBe(1);
  return span;
}

/** Reads two items of `stream` and breaks out: the span ends once, without usage, with one duration point and no token points. */
export async function expectEarlyBreakEndsOnce(h: Harness, stream: AsyncIterable<unknown>): Promise<void> {
  let seen = 0;
  for await (const _ of stream) if (++seen === 2) break;
  const span = await onlySpan(h);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  expect(pointCount(await h.points(DURATION))).toBe(1);
  expect(await h.points(TOKEN_USAGE)).toEqual([]);
}

/**
 * Reads `stream` and calls `abort` at its first item: exactly one item is seen and the call is recorded as failed
 * with `AbortError`, once. Returns what the read ended with (`undefined` where the SDK ends the stream quietly),
 * for the test to state what its SDK hands the caller.
 */
export async function expectAbortAtFirstItem(h: Harness, stream: AsyncIterable<unknown>, abort: () => void): Promise<unknown> {
  const items: unknown[] = [];
  let error: unknown;
  try {
    for await (const item of stream) {
      items.push(item);
      abort();
    }
  } catch (e) {
    error = e;
  }
  expect(items).toHaveLength(1);
  await expectFailedCall(h, 'AbortError', ['error']);
  expect(pointCount(await h.points(DURATION))).toBe(1);
  return error;
}

/**
 * Reads `stream` to the error it breaks off with: the caller gets the error after at least one item, and the call is
 * recorded as failed with `errorType` (by default the error's class). Returns the error and how many items came first.
 */
export async function expectStreamFailsMidway(
  h: Harness,
  stream: AsyncIterable<unknown>,
  errorType?: string,
): Promise<{ error: any; seen: number }> {
  let seen = 0;
  const error = await thrown(async () => {
    for await (const _ of stream) seen++;
  });
  expect(seen).toBeGreaterThan(0);
  await expectFailedCall(h, errorType ?? error.constructor.name, ['error']);
  return { error, seen };
}

/** A call that got an HTTP error: failed with `errorType`, no finish reasons, no token points. */
export async function expectHttpErrorCall(h: Harness, errorType: string): Promise<void> {
  await expectFailedCall(h, errorType, undefined);
  expect(await h.points(TOKEN_USAGE)).toEqual([]);
}

/** Runs `call` with the instrumentation disabled: no span, no duration point. */
export async function expectNothingWhileDisabled(h: Harness, call: () => Promise<void>): Promise<void> {
  h.instrumentation.disable();
  try {
    await call();
  } finally {
    h.instrumentation.enable();
  }
  expect(await h.spans()).toEqual([]);
  expect(await h.points(DURATION)).toEqual([]);
}

/** No span carries content (messages, instructions, tool definitions): capture is off by default. */
export function expectNoContent(spans: readonly ReadableSpan[]): void {
  for (const span of spans) {
    expect(Object.keys(span.attributes).filter((k) => /messages|instructions|tool\.definitions/.test(k))).toEqual([]);
  }
}

/** Runs `fn` with content capture on, and turns it off again. */
export async function withContentCapture(h: Harness, fn: () => Promise<void>): Promise<void> {
  h.instrumentation.setConfig({ captureMessageContent: true });
  try {
    await fn();
  } finally {
    h.instrumentation.setConfig({});
  }
}

/**
 * Runs `script` against a stand-in of its own (so that ids and caches start equal) and returns what it saw, as JSON,
 * with the `clockKey` fields (the stand-in's clock) set to 0.
 */
export async function seenOnOwnStandIn(script: (standIn: StandIn, seen: unknown[]) => Promise<void>, clockKey?: string): Promise<unknown[]> {
  const standIn = await startStandIn();
  const seen: unknown[] = [];
  try {
    await script(standIn, seen);
  } finally {
    await standIn.close();
  }
  return JSON.parse(JSON.stringify(seen, (k, v) => (clockKey !== undefined && k === clockKey ? 0 : v)));
}

/**
 * Transparency: `run` gives the app exactly the same with the instrumentation off and on; it saw more than
 * `moreThan` things, and the instrumented run made `spans` spans.
 */
export async function expectTransparent(h: Harness, run: () => Promise<unknown[]>, expected: { moreThan: number; spans: number }): Promise<void> {
  const { plain, output } = await plainAndInstrumented(h, run);
  expect(output).toEqual(plain);
  expect(output.length).toBeGreaterThan(expected.moreThan);
  expect(await h.spans()).toHaveLength(expected.spans);
}
