import { describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { drain, expectFailedCall, expectFailedSpan, plainAndInstrumented, thrown, PRICED } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { bedrockClient, cachedMessages, expectCacheAccounting } from './bedrock-testbed';

const bed = useTestbed(bedrockClient);
const messages = [{ role: 'user', content: [{ text: 'stream me an answer please' }] }];
const converseStream = (input: Record<string, unknown>, options?: Record<string, unknown>) =>
  bed.client.send(new bed.sdk.ConverseStreamCommand({ messages, ...input }), options);

describe('ConverseStreamCommand', () => {
  it('records the exact attribute set, with usage from the metadata event, once the stream is consumed', async () => {
    const output = await converseStream({ modelId: 'meta.llama3-8b-instruct-v1:0', inferenceConfig: { temperature: 0.5 } });
    const events = await drain(output.stream);
    const usage = (events.find((e: any) => e.metadata) as any).metadata.usage;
    expect(usage).toEqual(bed.standIn.served[0].usage);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    const { 'gen_ai.response.time_to_first_chunk': ttfc, ...attributes } = spans[0].attributes;
    expect(ttfc).toBeGreaterThan(0);
    expect(attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': 'meta.llama3-8b-instruct-v1:0',
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.stream': true,
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': usage.inputTokens,
      'gen_ai.usage.output_tokens': usage.outputTokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect((await bed.h.points('gen_ai.client.operation.time_to_first_chunk'))[0].count).toBe(1);
    const tokens = await bed.h.points('gen_ai.client.token.usage');
    expect(tokens.map((p) => [p.attributes['gen_ai.token.type'], p.sum])).toEqual([
      ['input', usage.inputTokens],
      ['output', usage.outputTokens],
    ]);
  });

  it('adds the metadata event\'s cache reads and writes to the input and records each', async () => {
    const output = await converseStream({ modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', messages: cachedMessages });
    const events = await drain(output.stream);
    await expectCacheAccounting(bed.h, bed.standIn, (events.find((e: any) => e.metadata) as any).metadata.usage);
  });

  it('reports a streamed tool call as tool_use', async () => {
    const toolConfig = { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] };
    const output = await converseStream({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'weather in Paris?' }] }], toolConfig });
    const events = await drain(output.stream);
    expect(events.some((e: any) => e.contentBlockStart?.start?.toolUse?.name === 'get_weather')).toBe(true);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['tool_use']);
  });

  it('ends the span once, with what was seen, when the consumer breaks out early', async () => {
    const output = await converseStream({ modelId: 'amazon.nova-micro-v1:0' });
    let n = 0;
    for await (const _ of output.stream) if (++n === 2) break;
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    expect(spans[0].attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it('fails the span when the stream errors mid-way, and the caller still gets the SDK exception', async () => {
    const output = await converseStream({ modelId: 'stream-error' });
    let seen = 0;
    const error = await thrown(async () => {
      for await (const _ of output.stream) seen++;
    });
    expect(error).toBeInstanceOf(bed.sdk.ModelStreamErrorException);
    expect(seen).toBeGreaterThan(0);
    const span = await expectFailedCall(bed.h, 'ModelStreamErrorException', ['error']);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'The model stream failed (stand-in stream-error).' });
  });

  it('reports a stream the caller aborts as AbortError (the SDK itself just ends the iteration)', async () => {
    const controller = new AbortController();
    const output = await converseStream({ modelId: 'stream-hang' }, { abortSignal: controller.signal });
    const events: unknown[] = [];
    for await (const e of output.stream) {
      events.push(e);
      controller.abort();
    }
    expect(events).toHaveLength(1);
    await expectFailedSpan(bed.h, 'AbortError', ['error']);
  });

  it('reports an HTTP error of a stream request with the SDK exception class', async () => {
    const error = await converseStream({ modelId: 'error-429' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(bed.sdk.ThrottlingException);
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe('ThrottlingException');
    expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
  });

  it('hands back the SDK output and its own event stream object', async () => {
    const { plain, output } = await plainAndInstrumented(bed.h, () => converseStream({ modelId: 'amazon.nova-micro-v1:0' }));
    expect(Object.keys(output)).toEqual(Object.keys(plain));
    expect(Object.getPrototypeOf(output.stream)).toBe(Object.getPrototypeOf(plain.stream));
    expect(Object.keys(output.stream)).toEqual(Object.keys(plain.stream));
    expect(await drain(output.stream)).toEqual(await drain(plain.stream));
    expect(await bed.h.spans()).toHaveLength(1);
  });
});
