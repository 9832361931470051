import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { instrumentWebStream, type WebStreamObserver } from '../../src/core/web-stream';
import { createHarness } from '../support/harness';
import { chatOperation } from '../support/operation';

// A WHATWG ReadableStream instrumented in place (the AI SDK's provider streams, covered end to end in
// test/frameworks/ai-sdk): every way of consuming it reads through the observer, and the operation ends once.
const h = createHarness();
afterAll(() => h.shutdown());
beforeEach(() => h.reset());

const counting: WebStreamObserver<{ n: number }> = {
  onPart: (op, part) => {
    op.usage.outputTokens = part.n;
  },
};

function numbers(count: number, failAt = -1): ReadableStream<{ n: number }> {
  let n = 0;
  return new ReadableStream({
    pull(controller) {
      n++;
      if (n === failAt) controller.error(new RangeError('broken source'));
      else if (n > count) controller.close();
      else controller.enqueue({ n });
    },
  });
}

const read = async (stream: ReadableStream<{ n: number }>): Promise<number[]> => {
  const out: number[] = [];
  for await (const part of stream as any) out.push(part.n);
  return out;
};

describe('instrumentWebStream', () => {
  it('keeps the stream object and ends the operation when a pipeThrough consumer reads it to the end', async () => {
    const op = chatOperation(h);
    const stream = numbers(3);
    expect(instrumentWebStream(stream, op, counting)).toBe(true);
    const doubled = stream.pipeThrough(new TransformStream({ transform: (p, c) => c.enqueue({ n: p.n * 2 }) }));
    expect(await read(doubled)).toEqual([2, 4, 6]);
    const [span] = await h.spans();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0);
  });

  it('ends the operation once, with what was seen, when the consumer cancels', async () => {
    const op = chatOperation(h);
    const stream = numbers(5);
    instrumentWebStream(stream, op, counting);
    const reader = stream.getReader();
    expect((await reader.read()).value).toEqual({ n: 1 });
    await reader.cancel();
    const spans = await h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(1);
  });

  it('fails the operation with the source error, which the consumer still receives', async () => {
    const op = chatOperation(h);
    const stream = numbers(5, 3);
    instrumentWebStream(stream, op, counting);
    await expect(read(stream)).rejects.toThrow('broken source');
    const [span] = await h.spans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe('RangeError');
  });

  it('works through tee, and leaves a locked or foreign stream alone', async () => {
    const op = chatOperation(h);
    const stream = numbers(2);
    instrumentWebStream(stream, op, counting);
    const [a, b] = stream.tee();
    expect(await Promise.all([read(a), read(b)])).toEqual([[1, 2], [1, 2]]);
    expect(await h.spans()).toHaveLength(1);

    const locked = numbers(1);
    locked.getReader();
    expect(instrumentWebStream(locked, chatOperation(h), counting)).toBe(false);
    expect(instrumentWebStream({ [Symbol.asyncIterator]: () => ({}) }, chatOperation(h), counting)).toBe(false);
  });
});
