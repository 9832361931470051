/**
 * `@mistralai/mistralai` 1.x streams read as what they are, web `ReadableStream`s (the SDK's `EventStream`), instead of
 * with `for await`: through a reader, `pipeTo`, `pipeThrough`, `tee`, Node's `Readable.fromWeb`, or cancelled. Every
 * way is metered once with the exact usage of the finish chunk, ends the operation once however reading stops, and
 * hands the app the same stream object with the same events as without tokenpath. SDK loading as in mistral.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { SpanStatusCode } from '@opentelemetry/api';
import { callAttributes, expectConsumedStreamSpan, expectStreamFailsMidway, expectTransparent, seenOnOwnStandIn, withContentCapture } from '../../support/behaviour';
import { DURATION, TOKEN_USAGE, expectFailedCall, expectTokenTotals, json, onlySpan, pointCount, thrown, PRICED } from '../../support/helpers';
import type { StandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';
import { loadMistral, mistralClientOn, requireFromMistral, MISTRAL_MODEL, MISTRAL_NAME, MISTRAL_VERSION } from '../../support/mistral';
import { setImmediate as nextTurn } from 'node:timers/promises';

const NAME = MISTRAL_NAME;
const VERSION = MISTRAL_VERSION;
const MODEL = MISTRAL_MODEL;
const TTFC = 'gen_ai.client.operation.time_to_first_chunk';
const bed = useTestbed();
let sdk: any;
let EventStream: any;
let client: any;
const clientOn = (standIn: StandIn): any => mistralClientOn(sdk, standIn);

beforeAll(async () => {
  const loaded = await loadMistral();
  sdk = loaded.sdk;
  EventStream = loaded.require(`${NAME}/lib/event-streams.js`).EventStream;
  client = clientOn(bed.standIn);
}, 5 * 60_000);

const messages = [{ role: 'user', content: 'tell me about tokens please' }];
const served = (): Record<string, number> => bed.standIn.served[0].usage!;
const chatStream = (model = MODEL, options?: unknown): Promise<ReadableStream<any>> => client.chat.stream({ model, messages }, options);

async function readAll<T>(reader: ReadableStreamDefaultReader<T>): Promise<T[]> {
  const out: T[] = [];
  for (let r = await reader.read(); !r.done; r = await reader.read()) out.push(r.value);
  return out;
}

const textOf = (events: any[]): string => events.map((e) => e.data.choices[0]?.delta?.content ?? '').join('');

/** The one span of a chat stream read to its end: the finish chunk's id, model, reason and exact usage, once. */
async function expectMeteredOnce(events: any[]): Promise<void> {
  expect(textOf(events)).toContain('stand-in');
  await expectConsumedStreamSpan(bed.h, {
    ...callAttributes(bed.standIn, 'chat', 'mistral_ai', MODEL),
    'gen_ai.request.stream': true,
    'gen_ai.response.id': events[0].data.id,
    'gen_ai.response.model': MODEL,
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.usage.input_tokens': served().prompt_tokens,
    'gen_ai.usage.output_tokens': served().completion_tokens,
    'tokenpath.usage.source': 'provider',
    ...PRICED,
  });
  await expectTokenTotals(bed.h, { input: served().prompt_tokens, output: served().completion_tokens });
  expect(pointCount(await bed.h.points(TTFC))).toBe(1);
}

/** The one span of a stream the app stopped reading: ended once, not failed, without usage. */
async function expectEndedOnceWithoutUsage(): Promise<void> {
  const span = await onlySpan(bed.h);
  expect(span.status.code).toBe(SpanStatusCode.UNSET);
  expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  expect(await bed.h.points(TOKEN_USAGE)).toEqual([]);
}

describe('a chat.stream read to its end without for await', () => {
  it('is metered once through getReader(), and the app keeps the SDK EventStream it was given', async () => {
    const stream = await chatStream();
    expect(stream).toBeInstanceOf(EventStream);
    expect(Object.getPrototypeOf(stream)).toBe(EventStream.prototype);
    expect(stream.locked).toBe(false);
    const reader = stream.getReader();
    expect(stream.locked).toBe(true);
    const events = await readAll(reader);
    reader.releaseLock();
    expect(stream.locked).toBe(false);
    await expectMeteredOnce(events);
  });

  it('is metered once through pipeTo()', async () => {
    const events: any[] = [];
    await (await chatStream()).pipeTo(new WritableStream({ write: (event) => void events.push(event) }));
    await expectMeteredOnce(events);
  });

  it('is metered once through pipeThrough(), the transform getting every event', async () => {
    const stream = await chatStream();
    const events: any[] = [];
    const texts = stream.pipeThrough(
      new TransformStream({
        transform(event, controller) {
          events.push(event);
          controller.enqueue(event.data.choices[0]?.delta?.content ?? '');
        },
      }),
    );
    let text = '';
    for await (const part of texts as any) text += part;
    expect(text).toBe(textOf(events));
    await expectMeteredOnce(events);
  });

  it('is metered once through tee(), both branches getting every event', async () => {
    const [a, b] = (await chatStream()).tee();
    const [first, second] = await Promise.all([readAll(a.getReader()), readAll(b.getReader())]);
    expect(second).toEqual(first);
    await expectMeteredOnce(first);
  });

  it("is metered once through Node's Readable.fromWeb()", async () => {
    const events: any[] = [];
    for await (const event of Readable.fromWeb((await chatStream()) as any, { objectMode: true })) events.push(event);
    await expectMeteredOnce(events);
  });

  it('is metered once through for await, one time to first chunk', async () => {
    const events: any[] = [];
    for await (const event of (await chatStream()) as any) events.push(event);
    await expectMeteredOnce(events);
  });

  it('is metered once when a first event is read, the lock released, and the rest read with for await', async () => {
    const stream = await chatStream();
    const reader = stream.getReader();
    const events: any[] = [(await reader.read()).value];
    reader.releaseLock();
    await Promise.resolve();
    for await (const event of stream as any) events.push(event);
    await expectMeteredOnce(events);
  });

  it('is metered once through a reader with content capture on, recording the streamed answer', async () => {
    await withContentCapture(bed.h, async () => {
      const events = await readAll((await chatStream()).getReader());
      const span = await onlySpan(bed.h);
      expect(json(span.attributes['gen_ai.output.messages'])).toEqual([
        { role: 'assistant', parts: [{ type: 'text', content: textOf(events) }], finish_reason: 'stop' },
      ]);
    });
  });

  it('meters chat.parseStream read through a reader once, with exact usage', async () => {
    const { z } = requireFromMistral('zod/v3');
    const stream = await client.chat.parseStream({ model: MODEL, messages, responseFormat: z.object({ answer: z.string() }) });
    expect(stream).toBeInstanceOf(EventStream);
    await readAll(stream.getReader());
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(served().prompt_tokens);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(served().completion_tokens);
    expect(pointCount(await bed.h.points(TTFC))).toBe(1);
  });

  it('meters fim.stream read through a reader as a text completion', async () => {
    const events = await readAll((await client.fim.stream({ model: 'codestral-latest', prompt: 'def add(a, b):' })).getReader());
    expect(events.length).toBeGreaterThan(1);
    const span = await onlySpan(bed.h);
    expect(span.name).toBe('text_completion codestral-latest');
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(served().prompt_tokens);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(served().completion_tokens);
  });
});

describe('a chat.stream the app stops reading', () => {
  it('ends once, without usage, when the reader cancels after two events', async () => {
    const stream = await chatStream();
    const reader = stream.getReader();
    await reader.read();
    await reader.read();
    await reader.cancel();
    await expectEndedOnceWithoutUsage();
  });

  it('ends once, without a chunk, when the app cancels the stream unread', async () => {
    await (await chatStream()).cancel();
    await expectEndedOnceWithoutUsage();
    expect(await bed.h.points(TTFC)).toEqual([]);
  });

  it('ends once, without usage, when the reader releases its lock early and no one reads on', async () => {
    const stream = await chatStream();
    const reader = stream.getReader();
    await reader.read();
    reader.releaseLock();
    await nextTurn();
    await expectEndedOnceWithoutUsage();
    // The stream is the app's still: a late cancel works as without tokenpath, and ends nothing twice.
    await stream.cancel();
    expect(await bed.h.spans()).toHaveLength(1);
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it('ends once when a pipeTo({ preventCancel }) stops early at an aborted signal', async () => {
    const stream = await chatStream();
    const abort = new AbortController();
    const piped = stream.pipeTo(new WritableStream({ write: () => abort.abort() }), { preventCancel: true, signal: abort.signal });
    expect((await thrown(() => piped)).name).toBe('AbortError');
    expect(stream.locked).toBe(false);
    await nextTurn();
    await expectEndedOnceWithoutUsage();
    await stream.cancel();
  });

  it('reports an abort through the signal as AbortError, once, to a reader too', async () => {
    const controller = new AbortController();
    const reader = (await chatStream('stream-hang', { fetchOptions: { signal: controller.signal } })).getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    const error = await thrown(() => reader.read());
    expect(error.name).toBe('AbortError');
    await expectFailedCall(bed.h, 'AbortError', ['error']);
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it('fails once when the stream breaks off with an error event, the reader still getting the error', async () => {
    const reader = (await chatStream('stream-error')).getReader();
    await expectStreamFailsMidway(bed.h, {
      async *[Symbol.asyncIterator]() {
        for (let r = await reader.read(); !r.done; r = await reader.read()) yield r.value;
      },
    });
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });
});

describe('transparency of a stream read as a ReadableStream', () => {
  const runScript = (): Promise<unknown[]> =>
    seenOnOwnStandIn(async (standIn, seen) => {
      const c = clientOn(standIn);
      const open = (): Promise<ReadableStream<any>> => c.chat.stream({ model: MODEL, messages });

      const read = await open();
      seen.push(['class', read.constructor.name, read instanceof ReadableStream, read.locked]);
      const reader = read.getReader();
      seen.push(['reader', reader.constructor.name, read.locked, await readAll(reader)]);
      reader.releaseLock();
      seen.push(['released', read.locked, await read.getReader().read()]);

      const piped: unknown[] = [];
      await (await open()).pipeTo(new WritableStream({ write: (e) => void piped.push(e) }));
      seen.push(['pipeTo', piped]);

      const through = (await open()).pipeThrough(new TransformStream({ transform: (e, ctl) => ctl.enqueue(e.data.choices[0]?.delta) }));
      seen.push(['pipeThrough', await readAll(through.getReader())]);

      const [a, b] = (await open()).tee();
      seen.push(['tee', await readAll(a.getReader()), await readAll(b.getReader())]);

      const iterated: unknown[] = [];
      for await (const e of (await open()) as any) iterated.push(e);
      seen.push(['for await', iterated]);

      const cancelled = await open();
      const early = cancelled.getReader();
      seen.push(['cancel', await early.read(), await early.cancel(), await early.read()]);
      seen.push(['locked twice', await thrown(async () => { cancelled.getReader(); }).then((e: any) => e.constructor.name)]);

      const peeked = await open();
      const peek = peeked.getReader();
      const first = await peek.read();
      peek.releaseLock();
      const rest: unknown[] = [];
      for await (const e of Readable.fromWeb(peeked as any, { objectMode: true })) rest.push(e);
      seen.push(['peek then Readable.fromWeb', first, rest]);
    }, 'created');

  it('gives the app exactly the same with and without the instrumentation, for every way of reading', async () => {
    await expectTransparent(bed.h, runScript, { moreThan: 9, spans: 7 });
  });
});
