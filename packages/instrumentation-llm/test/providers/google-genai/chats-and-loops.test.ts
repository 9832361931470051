/**
 * Calls that the SDK turns into several model requests, or that go through another method: each
 * HTTP request to the model is exactly one span, whatever drives it.
 */
import { describe, expect, it } from 'vitest';
import { context, trace } from '@opentelemetry/api';
import { drain, expectTokenTotals, pointCount, servedTotal } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { geminiClient } from './support';
import { weatherTool } from './support-tools';

const bed = useTestbed(geminiClient);

/** Sum of one usageMetadata count over everything the stand-in served. */
const served = (key: string) => servedTotal(bed.standIn, key);

describe('chats', () => {
  it('records one span per sendMessage, with the history the chat sent', async () => {
    const chat = bed.client.chats.create({ model: 'gemini-2.0-flash' });
    const first = await chat.sendMessage({ message: 'hello there' });
    await chat.sendMessage({ message: 'and once more' });
    expect(chat.getHistory()).toHaveLength(4);
    expect(first.text).toContain('stand-in');
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.name)).toEqual(['generate_content gemini-2.0-flash', 'generate_content gemini-2.0-flash']);
    const prompts = bed.standIn.served.map((s) => s.usage!.promptTokenCount);
    expect(prompts[1]).toBeGreaterThan(prompts[0]); // the second request carries the first turn
    expect(spans.map((s) => s.attributes['gen_ai.usage.input_tokens'])).toEqual(prompts);
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(2);
  });

  it('records one span per sendMessageStream, and the chat history still records the answer', async () => {
    const chat = bed.client.chats.create({ model: 'gemini-2.0-flash' });
    const chunks = await drain(await chat.sendMessageStream({ message: 'stream to me' }));
    expect(chunks.length).toBeGreaterThan(1);
    // The SDK keeps each streamed chunk's content as a model turn after the user turn.
    expect(chat.getHistory().map((c: any) => c.role)).toEqual(['user', ...chunks.map(() => 'model')]);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.usage.input_tokens': served('promptTokenCount'),
      'gen_ai.usage.output_tokens': served('candidatesTokenCount'),
      'gen_ai.response.finish_reasons': ['STOP'],
    });
  });
});

describe('automatic function calling', () => {
  it('records one span per model request of the loop, under the caller span', async () => {
    const tool = weatherTool();
    const parent = bed.h.tracerProvider.getTracer('app').startSpan('app work');
    const r = await context.with(trace.setSpan(context.active(), parent), () =>
      bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'weather in Paris?', config: { tools: [tool] } }),
    );
    parent.end();
    expect(tool.calls).toEqual([{ name: 'get_weather', args: { location: 'Paris' } }]);
    expect(r.text).toContain('stand-in');
    const spans = (await bed.h.spans()).filter((s) => s.name !== 'app work');
    expect(spans).toHaveLength(2);
    expect(spans.map((s) => s.parentSpanContext?.spanId)).toEqual([parent.spanContext().spanId, parent.spanContext().spanId]);
    expect(spans.map((s) => s.attributes['gen_ai.usage.output_tokens'])).toEqual(bed.standIn.served.map((s) => s.usage!.candidatesTokenCount));
    await expectTokenTotals(bed.h, { input: served('promptTokenCount'), output: served('candidatesTokenCount') });
  });

  it('records one span per model request of a streamed loop', async () => {
    const tool = weatherTool();
    const stream = await bed.client.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'weather in Paris?', config: { tools: [tool] } });
    await drain(stream);
    expect(tool.calls).toHaveLength(1);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(2);
    expect(spans.every((s) => s.attributes['gen_ai.request.stream'] === true)).toBe(true);
    await expectTokenTotals(bed.h, { input: served('promptTokenCount'), output: served('candidatesTokenCount') });
  });
});

describe('automatic continuation (long decodes resumed with a continuationToken)', () => {
  it('records one span per hop; together they meter exactly the usage the SDK merges for the caller', async () => {
    const r = await bed.client.models.generateContent({ model: 'gemini-long-decode', contents: 'tell me about tokens please' });
    expect(bed.standIn.requests.at(-1)!.body.continuationToken).toBe('standin-continuation-1');
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['CONTINUATION'], ['STOP']]);
    await expectTokenTotals(bed.h, { input: r.usageMetadata.promptTokenCount, output: r.usageMetadata.candidatesTokenCount });
  });

  it('records one span per hop of a stream, each ending with its own hop', async () => {
    const chunks = await drain(await bed.client.models.generateContentStream({ model: 'gemini-long-decode', contents: 'tell me about tokens please' }));
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(2);
    expect(spans.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['CONTINUATION'], ['STOP']]);
    // The SDK adds the hops up in what it yields; the spans together state the same totals.
    const last = chunks.at(-1).usageMetadata;
    await expectTokenTotals(bed.h, { input: last.promptTokenCount, output: last.candidatesTokenCount });
  });
});
