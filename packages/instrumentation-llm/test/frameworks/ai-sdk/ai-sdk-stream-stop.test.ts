/**
 * Every way an app can stop reading a `streamText` without aborting it, against the stand-in (`slow`: one event every
 * 50 ms, so the app stops while the model call is still streaming). `streamText` keeps the model stream for all its
 * projections: a consumer that stops cancels only its own branch, so the model call is over only when the app reads
 * on (`text`, `usage`) or when nothing can read it any more (its objects are garbage-collected). Each way ends the
 * operation exactly once, with the provider's usage when it was seen and `tokenpath.usage.source=none` otherwise, and
 * the app gets what it gets without tokenpath.
 */
import { describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { streamText, experimental_streamTextLowMemory as streamTextLowMemory } from 'ai';
import { createOpenAI } from '@ai-sdk/openai';
import { DURATION, TOKEN_USAGE, expectTokenTotals, onlySpan, plainAndInstrumented, pointCount } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { startStandIn } from '../../support/stand-in';
import { collectGarbage, endedSpans, replySent } from './collection';

const bed = useTestbed();
const openai = (url = bed.standIn.url) => createOpenAI({ apiKey: 'test-key', baseURL: `${url}/v1` });
const served = (): Record<string, any> => bed.standIn.served[0].usage!;
const PROMPT = 'tell me about streams';
const FULL_TEXT = 'This is a reply from the tokenpath stand-in about tell me about';
/** Once the stand-in has sent `replies` replies, no span has ended; after the garbage collection, exactly one has. */
async function oneSpanAtCollection(replies: number) {
  await replySent(bed.standIn, replies);
  expect(await bed.h.spans()).toEqual([]);
  const spans = await endedSpans(bed.h, { collect: true });
  expect(spans).toHaveLength(1);
  return spans[0];
}

describe('a streamText the app stops reading', () => {
  it('ends with the provider usage when the app reads only result.text', async () => {
    const result = streamText({ model: openai().chat('slow'), prompt: PROMPT });
    expect(await result.text).toBe(FULL_TEXT);
    const span = await onlySpan(bed.h);
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.output_tokens': served().completion_tokens, 'tokenpath.usage.source': 'provider' });
  });

  it('stays open after a break out of textStream while the app can still read on, and ends once with the usage when it does', async () => {
    const result = streamText({ model: openai().chat('slow'), prompt: PROMPT });
    const read: string[] = [];
    for await (const delta of result.textStream) {
      read.push(delta);
      break;
    }
    expect(read).toEqual(['This']);
    // The model stream is not over: the rest of the reply is still there for the app to read, and the app holds it.
    await replySent(bed.standIn, 1);
    await collectGarbage();
    expect(await bed.h.spans()).toEqual([]);
    expect((await result.usage).outputTokens).toBe(served().completion_tokens);
    expect(await result.text).toBe(FULL_TEXT);
    const span = await onlySpan(bed.h);
    expect(span.attributes).toMatchObject({ 'gen_ai.usage.output_tokens': served().completion_tokens, 'tokenpath.usage.source': 'provider' });
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it('ends once, at collection, with the usage the AI SDK read ahead when the app breaks out of textStream and drops the result', async () => {
    const first = async () => {
      for await (const delta of streamText({ model: openai().chat('slow'), prompt: PROMPT }).textStream) return delta;
    };
    const { plain, output } = await plainAndInstrumented(bed.h, first, { resetBetween: true });
    expect(output).toBe(plain);
    // The AI SDK keeps reading the model stream into the branch it keeps for later projections, to the finish part
    // (not to its end): the provider's usage was seen, though no one will read the rest.
    const span = await oneSpanAtCollection(2);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': served().prompt_tokens,
      'gen_ai.usage.output_tokens': served().completion_tokens,
      'tokenpath.usage.source': 'provider',
    });
    await expectTokenTotals(bed.h, { input: served().prompt_tokens, output: served().completion_tokens });
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it('ends once, at collection, with no usage when the app never reads the stream and drops the result', async () => {
    streamText({ model: openai().chat('slow'), prompt: PROMPT });
    // The whole reply arrives; with no consumer, the AI SDK's pipeline reads a few parts ahead and stops (backpressure).
    const span = await oneSpanAtCollection(1);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['tokenpath.usage.source']).toBe('none');
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toEqual(expect.any(Number));
    expect(await bed.h.points(TOKEN_USAGE)).toEqual([]);
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it('ends once, at collection, when the client of a text stream response goes away', async () => {
    const firstBytes = async () => {
      const response = streamText({ model: openai().chat('slow'), prompt: PROMPT }).toTextStreamResponse();
      const reader = response.body!.getReader();
      const { value } = await reader.read();
      await reader.cancel();
      return new TextDecoder().decode(value);
    };
    const { plain, output } = await plainAndInstrumented(bed.h, firstBytes, { resetBetween: true });
    expect(output).toBe(plain);
    const span = await oneSpanAtCollection(2);
    expect(span.attributes['tokenpath.usage.source']).toBe('provider');
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it('ends at the break, with no usage, when the low-memory streamText passes the cancel down', async () => {
    const first = async () => {
      const result = streamTextLowMemory({ model: openai().chat('slow'), prompt: PROMPT });
      for await (const delta of result.textStream) return delta;
    };
    const { plain, output } = await plainAndInstrumented(bed.h, first, { resetBetween: true });
    expect(output).toBe(plain);
    // The cancel travels down the AI SDK's pipes after the break returns; no collection is needed.
    const spans = await endedSpans(bed.h, { collect: false });
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[0].attributes['tokenpath.usage.source']).toBe('none');
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });

  it('stays open while the AI SDK still waits on the open connection, and fails once when the connection breaks', async () => {
    const standIn = await startStandIn();
    try {
      const abandon = async () => {
        streamText({ model: openai(standIn.url).chat('stream-hang'), prompt: PROMPT, onError: () => {} });
        await new Promise((resolve) => setTimeout(resolve, 200));
      };
      await abandon();
      // The AI SDK's pipeline is waiting for the next part: the connection keeps it, and the model call, alive.
      await collectGarbage();
      expect(await bed.h.spans()).toEqual([]);
    } finally {
      await standIn.close();
    }
    const spans = await endedSpans(bed.h, { collect: false });
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.ERROR);
    expect(spans[0].attributes).toMatchObject({ 'error.type': 'APICallError', 'tokenpath.usage.source': 'none' });
    expect(pointCount(await bed.h.points(DURATION))).toBe(1);
  });
});
