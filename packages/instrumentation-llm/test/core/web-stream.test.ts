import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { instrumentWebStream, type WebStreamObserver } from '../../src/core/web-stream';
import { createHarness } from '../support/harness';
import { chatOperation } from '../support/operation';
import { setImmediate as nextTurn } from 'node:timers/promises';

// A WHATWG ReadableStream instrumented in place (the AI SDK's provider streams, covered end to end in
// test/frameworks/ai-sdk; Mistral's EventStream, in test/providers/mistralai-mistralai/readable-stream.test.ts):
// every way of consuming it reads through the observer, and the operation ends once.
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


describe('instrumentWebStream, for a stream the app holds', () => {
  it('reports the lock of whoever reads it, as the stream itself would', async () => {
    const stream = numbers(3);
    instrumentWebStream(stream, chatOperation(h), counting);
    expect(stream.locked).toBe(false);
    const reader = stream.getReader();
    expect(stream.locked).toBe(true);
    await reader.read();
    reader.releaseLock();
    expect(stream.locked).toBe(false);
    expect(await read(stream)).toEqual([2, 3]);
  });

  it('ends the operation once when the stream itself is cancelled, read or not', async () => {
    const unread = numbers(3);
    instrumentWebStream(unread, chatOperation(h), counting);
    await unread.cancel();
    const [span] = await h.spans();
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeUndefined();

    await h.reset();
    const held = numbers(3);
    instrumentWebStream(held, chatOperation(h), counting);
    held.getReader();
    await expect(held.cancel()).rejects.toThrow(TypeError);
    expect(await h.spans()).toEqual([]);
  });

  it('ends the operation once a reader lets go early and nobody takes the stream up by the next turn', async () => {
    const stream = numbers(5);
    instrumentWebStream(stream, chatOperation(h), counting);
    const reader = stream.getReader();
    await reader.read();
    reader.releaseLock();
    expect(await h.spans()).toEqual([]);
    await nextTurn();
    const spans = await h.spans();
    expect(spans).toHaveLength(1);
    // The part handed on, and the one the observed stream's queue (one part, as any) read ahead.
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(2);
    // Still the app's to read, as without tokenpath; nothing ends twice.
    expect(await read(stream)).toEqual([2, 3, 4, 5]);
    expect(await h.spans()).toHaveLength(1);
  });

  it('keeps the operation open while the stream is taken up again after a release, and meters what follows', async () => {
    const stream = numbers(4);
    instrumentWebStream(stream, chatOperation(h), counting);
    const reader = stream.getReader();
    expect((await reader.read()).value).toEqual({ n: 1 });
    reader.releaseLock();
    const rest = stream.getReader();
    await nextTurn();
    expect(await h.spans()).toEqual([]);
    const seen: number[] = [];
    for (let r = await rest.read(); !r.done; r = await rest.read()) seen.push(r.value.n);
    expect(seen).toEqual([2, 3, 4]);
    const [span] = await h.spans();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(4);
  });

  it('ends the operation once an iterator or a pipe with preventCancel stops early', async () => {
    const iterated = numbers(5);
    instrumentWebStream(iterated, chatOperation(h), counting);
    for await (const part of (iterated as any).values({ preventCancel: true })) if (part.n === 2) break;
    await nextTurn();
    expect((await h.spans())[0].attributes['gen_ai.usage.output_tokens']).toBe(3);

    await h.reset();
    const piped = numbers(5);
    instrumentWebStream(piped, chatOperation(h), counting);
    const refusing = new WritableStream({ write: () => Promise.reject(new RangeError('full')) });
    await expect(piped.pipeTo(refusing, { preventCancel: true })).rejects.toThrow('full');
    expect(piped.locked).toBe(false);
    await nextTurn();
    const spans = await h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
  });

  it("names a failure with the observer's errorType", async () => {
    const stream = numbers(5, 2);
    instrumentWebStream(stream, chatOperation(h), { ...counting, errorType: (e) => (e instanceof RangeError ? 'out_of_range' : undefined) });
    await expect(read(stream)).rejects.toThrow('broken source');
    expect((await h.spans())[0].attributes['error.type']).toBe('out_of_range');
  });

  it('leaves a stream instrumented already alone, so that each part is read once', async () => {
    const parts: number[] = [];
    const recording: WebStreamObserver<{ n: number }> = { onPart: (_op, part) => void parts.push(part.n) };
    const op = chatOperation(h);
    const stream = numbers(3);
    expect(instrumentWebStream(stream, op, recording)).toBe(true);
    expect(instrumentWebStream(stream, op, recording)).toBe(false);
    expect(await read(stream)).toEqual([1, 2, 3]);
    expect(parts).toEqual([1, 2, 3]);
    expect(stream).toBeInstanceOf(ReadableStream);
  });
});
