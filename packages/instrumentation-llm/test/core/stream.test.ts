import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { instrumentStream, type StreamObserver } from '../../src/core/stream';
import { createHarness } from '../support/harness';
import { chatOperation } from '../support/operation';

// The in-place stream shapes other than the Stainless one (covered through the real openai SDK):
// async generator objects (@google/genai) and plain async iterables (AWS SDK event streams).
const h = createHarness();
afterAll(() => h.shutdown());
beforeEach(() => h.reset());

const counting: StreamObserver<{ n: number }> = {
  onChunk: (op, chunk) => {
    op.usage.outputTokens = chunk.n;
  },
  isAborted: () => false,
};

async function* numbers(count: number, failAt = -1) {
  for (let n = 1; n <= count; n++) {
    if (n === failAt) throw new RangeError('broken source');
    yield { n };
  }
}

function iterableOf(count: number) {
  return { [Symbol.asyncIterator]: () => numbers(count) };
}

describe('instrumentStream', () => {
  it('keeps an async generator object itself and ends the operation when it completes', async () => {
    const op = chatOperation(h);
    const gen = numbers(3);
    expect(instrumentStream(gen, op, counting)).toBe(true);
    const seen = [];
    for await (const c of gen) seen.push(c.n);
    expect(seen).toEqual([1, 2, 3]);
    const [span] = await h.spans();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0);
  });

  it('ends a generator once when the consumer breaks out early', async () => {
    const op = chatOperation(h);
    const gen = numbers(5);
    instrumentStream(gen, op, counting);
    for await (const c of gen) if (c.n === 2) break;
    expect(await gen.next()).toEqual({ done: true, value: undefined });
    const spans = await h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(2);
  });

  it('fails the operation and rethrows the same error when a generator throws', async () => {
    const op = chatOperation(h);
    const gen = numbers(5, 3);
    instrumentStream(gen, op, counting);
    const error = await (async () => {
      try {
        for await (const _ of gen);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RangeError);
    const [span] = await h.spans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('RangeError');
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(2);
  });

  it('keeps a down-levelled generator (own next/return/throw, as tslib emits) itself and ends once on break', async () => {
    const op = chatOperation(h);
    const source = numbers(5);
    // The shape of tslib's __asyncGenerator: a plain object whose methods are own properties.
    const gen = {
      next: (v?: unknown) => source.next(v),
      return: () => source.return(),
      throw: (e?: unknown) => source.throw(e),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    expect(instrumentStream(gen, op, counting)).toBe(true);
    for await (const c of gen) if (c.n === 2) break;
    expect(await source.next()).toEqual({ done: true, value: undefined });
    const spans = await h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(2);
  });

  it('keeps a plain async iterable itself and observes its iteration', async () => {
    const op = chatOperation(h);
    const iterable = iterableOf(4);
    expect(instrumentStream(iterable, op, counting)).toBe(true);
    let last = 0;
    for await (const c of iterable) last = c.n;
    expect(last).toBe(4);
    const [span] = await h.spans();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(4);
  });

  it('leaves values that are not streams alone', () => {
    const op = chatOperation(h);
    const complete = { choices: [] };
    expect(instrumentStream(complete, op, counting)).toBe(false);
    expect(instrumentStream(null, op, counting)).toBe(false);
    expect(Object.keys(complete)).toEqual(['choices']);
    op.end();
  });
});
