import { describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { drain, expectFailedCall, thrown, PRICED } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { geminiClient, vertexClient } from './support';

const bed = useTestbed(geminiClient);
const contents = 'tell me about tokens please';
const stream = (params: object) => bed.client.models.generateContentStream({ model: 'gemini-2.0-flash', contents, ...params });

describe('models.generateContentStream', () => {
  it('records the exact attribute set of a consumed stream', async () => {
    const chunks = await drain(await stream({ model: 'gemini-2.5-flash', config: { temperature: 0.5 } }));
    expect(chunks.length).toBeGreaterThan(2);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    const usage = bed.standIn.served[0].usage!;
    expect(spans[0].attributes).toEqual({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.5-flash',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.stream': true,
      'gen_ai.response.id': chunks[0].responseId,
      'gen_ai.response.model': 'gemini-2.5-flash-2024-07-18',
      'gen_ai.response.finish_reasons': ['STOP'],
      'gen_ai.usage.input_tokens': usage.promptTokenCount,
      'gen_ai.usage.output_tokens': usage.candidatesTokenCount + usage.thoughtsTokenCount,
      'gen_ai.usage.reasoning.output_tokens': 2,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect((await bed.h.points('gen_ai.client.operation.time_to_first_chunk'))[0].count).toBe(1);
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it("takes the last chunk's running usage, never a sum over chunks", async () => {
    const chunks = await drain(await stream({}));
    // Every chunk restates the prompt count: a sum would multiply it.
    expect(chunks.every((c: any) => c.usageMetadata.promptTokenCount === chunks[0].usageMetadata.promptTokenCount)).toBe(true);
    const last = chunks.at(-1).usageMetadata;
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(last.promptTokenCount);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(last.candidatesTokenCount);
    const tokens = await bed.h.points('gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.count, p.sum]).sort()).toEqual([
      ['input', 1, last.promptTokenCount],
      ['output', 1, last.candidatesTokenCount],
    ]);
  });

  it('takes the usage of the last Vertex chunk, the only one with counts', async () => {
    const vertex = vertexClient(bed.sdk, bed.standIn);
    const chunks = await drain(await vertex.models.generateContentStream({ model: 'gemini-2.0-flash', contents }));
    expect(chunks[0].usageMetadata).toEqual({ trafficType: 'ON_DEMAND' });
    const [span] = await bed.h.spans();
    const usage = bed.standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'gen_ai.usage.input_tokens': usage.promptTokenCount,
      'gen_ai.usage.output_tokens': usage.candidatesTokenCount,
      'gen_ai.response.finish_reasons': ['STOP'],
    });
  });

  it('reports one finish reason per candidate for candidateCount > 1', async () => {
    await drain(await stream({ config: { candidateCount: 2, maxOutputTokens: 3 } }));
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.request.choice.count']).toBe(2);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['MAX_TOKENS', 'MAX_TOKENS']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(6);
  });

  it('ends the span once, with the usage seen so far, when the consumer breaks out early', async () => {
    let seen: any;
    let n = 0;
    for await (const chunk of await stream({})) {
      seen = chunk;
      if (++n === 2) break;
    }
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(seen.usageMetadata.candidatesTokenCount);
    expect(spans[0].attributes['gen_ai.response.finish_reasons']).toBeUndefined();
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('fails the span when the stream errors mid-way, and the caller still gets the SDK error', async () => {
    let seen = 0;
    const error = await thrown(async () => {
      for await (const _ of await stream({ model: 'stream-error' })) seen++;
    });
    expect(error).toBeInstanceOf(bed.sdk.ApiError);
    expect(error.status).toBe(500);
    expect(seen).toBe(2);
    await expectFailedCall(bed.h, 'INTERNAL', ['error']);
  });

  it('reports a stream the caller aborted as AbortError, with the chunks seen so far', async () => {
    const controller = new AbortController();
    const chunks: unknown[] = [];
    const error = await thrown(async () => {
      for await (const chunk of await stream({ model: 'stream-hang', config: { abortSignal: controller.signal } })) {
        chunks.push(chunk);
        controller.abort();
      }
    });
    expect(error.name).toBe('AbortError');
    expect(chunks).toHaveLength(1);
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe('AbortError');
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['error']);
  });

  it('reports an HTTP error before the stream starts, without finish reasons', async () => {
    const error = await thrown(() => stream({ model: 'error-429' }));
    expect(error.status).toBe(429);
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe('RESOURCE_EXHAUSTED');
    expect(span.attributes['gen_ai.request.stream']).toBe(true);
    expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
  });

  it('hands back the SDK generator object itself: same shape, same chunks', async () => {
    const texts = async (g: AsyncIterable<any>) => (await drain(g)).map((c) => c.text);
    bed.h.instrumentation.disable();
    const plain = await stream({});
    const plainKeys = Reflect.ownKeys(plain);
    const plainTexts = await texts(plain);
    bed.h.instrumentation.enable();
    const instrumented = await stream({});
    // The SDK's down-levelled async generator: a plain object with own next/throw/return.
    expect(Object.getPrototypeOf(instrumented)).toBe(Object.getPrototypeOf(plain));
    expect(Reflect.ownKeys(instrumented)).toEqual(plainKeys);
    expect(instrumented[Symbol.asyncIterator]()).toBe(instrumented);
    expect(await texts(instrumented)).toEqual(plainTexts);
    expect(await bed.h.spans()).toHaveLength(1);
  });

  it('records no span and changes nothing when disabled', async () => {
    bed.h.instrumentation.disable();
    const chunks = await drain(await stream({}));
    bed.h.instrumentation.enable();
    expect(chunks.length).toBeGreaterThan(0);
    expect(await bed.h.spans()).toHaveLength(0);
  });
});
