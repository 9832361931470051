/**
 * Small helpers the behaviour tests share: the one span of a call, token and duration points, a failed call's
 * telemetry, content attributes, streams and rejections, and a call made with the instrumentation off and then on.
 */
import { expect } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { tokenTotal, type Harness, type HistogramPoint } from './harness';
import type { StandIn } from './stand-in';

export const TOKEN_USAGE = 'gen_ai.client.token.usage';
export const DURATION = 'gen_ai.client.operation.duration';

/** The one span of a call (and fails if there are more or none). */
export async function onlySpan(h: Harness): Promise<ReadableSpan> {
  const spans = await h.spans();
  expect(spans, 'exactly one span per call').toHaveLength(1);
  return spans[0];
}

/** How many measurements the points hold: the sum of their counts. */
export const pointCount = (points: readonly HistogramPoint[]): number => points.reduce((n, p) => n + p.count, 0);

/**
 * The token-usage points add up to `expected.input` input and `expected.output` output tokens (each checked
 * only when given); returns the points.
 */
export async function expectTokenTotals(h: Harness, expected: { input?: number; output?: number }): Promise<HistogramPoint[]> {
  const points = await h.points(TOKEN_USAGE);
  if ('input' in expected) expect(tokenTotal(points, 'input')).toBe(expected.input);
  if ('output' in expected) expect(tokenTotal(points, 'output')).toBe(expected.output);
  return points;
}

/**
 * The first span ended as failed: status ERROR, `error.type` = `errorType`, and the given finish reasons
 * (`undefined`: none, as for a call that got no response). Returns the span.
 */
export async function expectFailedSpan(h: Harness, errorType: string, finishReasons: string[] | undefined): Promise<ReadableSpan> {
  const [span] = await h.spans();
  expect(span.status.code).toBe(SpanStatusCode.ERROR);
  expect(span.attributes['error.type']).toBe(errorType);
  if (finishReasons === undefined) expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
  else expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(finishReasons);
  return span;
}

/** A failed call: its span as `expectFailedSpan` states it, and its duration point carries the error type too. */
export async function expectFailedCall(h: Harness, errorType: string, finishReasons: string[] | undefined): Promise<ReadableSpan> {
  const span = await expectFailedSpan(h, errorType, finishReasons);
  const [duration] = await h.points(DURATION);
  expect(duration.attributes['error.type']).toBe(errorType);
  return span;
}

/** A content attribute (`gen_ai.input.messages` and the like: JSON text), parsed. */
export const json = (value: unknown): any => JSON.parse(String(value));

/** Sum of one usage count over everything the stand-in served. */
export const servedTotal = (standIn: StandIn, key: string): number => standIn.served.reduce((n, s) => n + (s.usage?.[key] ?? 0), 0);

/** Reads an async iterable to its end; returns what it yielded. */
export async function drain<T = any>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

/** The error an async function throws (fails the test if it does not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<any> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

/**
 * The same call with the instrumentation disabled, then enabled: what the app gets from each. `resetBetween`
 * clears the telemetry between the two runs.
 */
export async function plainAndInstrumented<T = any>(
  h: Harness,
  call: () => Promise<T>,
  options: { resetBetween?: boolean } = {},
): Promise<{ plain: T; output: T }> {
  h.instrumentation.disable();
  const plain = await call();
  if (options.resetBetween) await h.reset();
  h.instrumentation.enable();
  return { plain, output: await call() };
}

/**
 * The cost attributes on the span of a call whose model has a list price (the amounts themselves are checked
 * against the price table in test/core/pricing.test.ts and test/cost-attribution.test.ts).
 */
export const PRICED = {
  'gen_ai.usage.cost.amount': expect.any(Number),
  'gen_ai.usage.cost.currency': 'USD',
  'gen_ai.usage.cost.source': 'local',
  'tokenpath.cost.price_table': expect.stringMatching(/^@pydantic\/genai-prices@\d/),
};
