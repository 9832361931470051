import { describe, expect, it } from 'vitest';
import { SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { drain, expectFailedSpan, expectTokenTotals, plainAndInstrumented, PRICED } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { bedrockClient, servedInput, servedOutput } from './bedrock-testbed';

const bed = useTestbed(bedrockClient);
const QUESTION = 'tell me about tokens please';

const invoke = (modelId: string, body: unknown, extra: Record<string, unknown> = {}) =>
  bed.client.send(new bed.sdk.InvokeModelCommand({ modelId, body: JSON.stringify(body), contentType: 'application/json', ...extra }));
const invokeStream = (modelId: string, body: unknown, options?: Record<string, unknown>) =>
  bed.client.send(new bed.sdk.InvokeModelWithResponseStreamCommand({ modelId, body: JSON.stringify(body) }), options);

const json = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString('utf8'));

interface Family {
  family: string;
  modelId: string;
  body: Record<string, unknown>;
  operation: string;
  /** Request attributes read from the native body. */
  request: Record<string, AttributeValue>;
  finish: string;
  /** Response facts the native body states (id as a prefix). */
  response?: { model?: string; idPrefix?: string };
  /** The price table has no price for the model: its span carries no cost. */
  unpriced?: true;
}

const SAMPLING = { 'gen_ai.request.max_tokens': 100, 'gen_ai.request.temperature': 0.3, 'gen_ai.request.top_p': 0.8 };

const FAMILIES: Family[] = [
  {
    family: 'Anthropic',
    modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
    body: { anthropic_version: 'bedrock-2023-05-31', max_tokens: 100, temperature: 0.3, top_p: 0.8, top_k: 20, stop_sequences: ['END'], messages: [{ role: 'user', content: QUESTION }] },
    operation: 'chat',
    request: { ...SAMPLING, 'gen_ai.request.top_k': 20, 'gen_ai.request.stop_sequences': ['END'] },
    finish: 'end_turn',
    response: { model: 'claude-3-5-haiku-20241022', idPrefix: 'msg_' },
  },
  {
    family: 'Amazon Nova',
    modelId: 'us.amazon.nova-micro-v1:0',
    body: { schemaVersion: 'messages-v1', messages: [{ role: 'user', content: [{ text: QUESTION }] }], inferenceConfig: { max_new_tokens: 100, temperature: 0.3, topP: 0.8, topK: 20, stopSequences: ['END'] } },
    operation: 'chat',
    request: { ...SAMPLING, 'gen_ai.request.top_k': 20, 'gen_ai.request.stop_sequences': ['END'] },
    finish: 'end_turn',
  },
  {
    family: 'Amazon Titan Text',
    modelId: 'amazon.titan-text-express-v1',
    body: { inputText: QUESTION, textGenerationConfig: { maxTokenCount: 100, temperature: 0.3, topP: 0.8, stopSequences: ['END'] } },
    operation: 'text_completion',
    request: { ...SAMPLING, 'gen_ai.request.stop_sequences': ['END'] },
    finish: 'FINISH',
  },
  {
    family: 'Meta Llama',
    modelId: 'meta.llama3-8b-instruct-v1:0',
    body: { prompt: QUESTION, max_gen_len: 100, temperature: 0.3, top_p: 0.8 },
    operation: 'text_completion',
    request: SAMPLING,
    finish: 'stop',
  },
  {
    family: 'Mistral (usage only in headers / invocation metrics)',
    modelId: 'mistral.mistral-7b-instruct-v0:2',
    body: { prompt: QUESTION, max_tokens: 100, temperature: 0.3, top_p: 0.8, top_k: 20, stop: ['END'] },
    operation: 'text_completion',
    request: { ...SAMPLING, 'gen_ai.request.top_k': 20, 'gen_ai.request.stop_sequences': ['END'] },
    finish: 'stop',
  },
  {
    family: 'Cohere Command R (usage only in headers / invocation metrics)',
    modelId: 'cohere.command-r-v1:0',
    unpriced: true,
    body: { message: QUESTION, max_tokens: 100, temperature: 0.3, p: 0.8, k: 20, seed: 7, stop_sequences: ['END'] },
    operation: 'chat',
    request: { ...SAMPLING, 'gen_ai.request.top_k': 20, 'gen_ai.request.seed': 7, 'gen_ai.request.stop_sequences': ['END'] },
    finish: 'COMPLETE',
    response: { idPrefix: 'resp_' },
  },
  {
    family: 'AI21 Jamba',
    modelId: 'ai21.jamba-1-5-mini-v1:0',
    unpriced: true,
    body: { messages: [{ role: 'user', content: QUESTION }], max_tokens: 100, temperature: 0.3, top_p: 0.8, stop: ['END'] },
    operation: 'chat',
    request: { ...SAMPLING, 'gen_ai.request.stop_sequences': ['END'] },
    finish: 'stop',
    response: { idPrefix: 'resp_' },
  },
];

function expectedAttributes(f: Family, usage: Record<string, any>, id: unknown, stream: boolean): Record<string, unknown> {
  return {
    'gen_ai.operation.name': f.operation,
    'gen_ai.provider.name': 'aws.bedrock',
    'gen_ai.request.model': f.modelId,
    'server.address': '127.0.0.1',
    'server.port': bed.standIn.port,
    ...f.request,
    ...(stream ? { 'gen_ai.request.stream': true } : {}),
    ...(f.response?.idPrefix ? { 'gen_ai.response.id': id } : {}),
    ...(f.response?.model ? { 'gen_ai.response.model': f.response.model } : {}),
    'gen_ai.response.finish_reasons': [f.finish],
    'gen_ai.usage.input_tokens': servedInput(usage),
    'gen_ai.usage.output_tokens': servedOutput(usage),
    'tokenpath.usage.source': 'provider',
    ...(f.unpriced ? {} : PRICED),
    ...(f.family === 'Anthropic' ? { 'gen_ai.usage.cache_read.input_tokens': 0, 'gen_ai.usage.cache_creation.input_tokens': 0 } : {}),
  };
}

describe.each(FAMILIES)('InvokeModel with $family', (f) => {
  it('records the exact attribute set of a call from the native body', async () => {
    const output = await invoke(f.modelId, f.body);
    const body = json(output.body);
    const [span] = await bed.h.spans();
    expect(span.name).toBe(`${f.operation} ${f.modelId}`);
    const id = body.id ?? body.response_id;
    if (f.response?.idPrefix) expect(String(id).startsWith(f.response.idPrefix)).toBe(true);
    expect(span.attributes).toEqual(expectedAttributes(f, bed.standIn.served[0].usage!, id, false));
    await expectTokenTotals(bed.h, { input: servedInput(bed.standIn.served[0].usage!), output: servedOutput(bed.standIn.served[0].usage!) });
  });

  it('records the same facts from a response stream once it is consumed', async () => {
    const output = await invokeStream(f.modelId, f.body);
    const events = (await drain(output.body)).map((e: any) => json(e.chunk.bytes));
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    const first = events[0];
    const id = first.message?.id ?? first.id ?? events.at(-1).response?.response_id;
    const { 'gen_ai.response.time_to_first_chunk': ttfc, ...attributes } = spans[0].attributes;
    expect(ttfc).toBeGreaterThan(0);
    expect(attributes).toEqual(expectedAttributes(f, bed.standIn.served[0].usage!, id, true));
  });
});

describe('InvokeModel accounting', () => {
  const anthropic = FAMILIES[0];

  it('counts Anthropic cache reads and writes in the input tokens', async () => {
    const body = { ...anthropic.body, system: [{ type: 'text', text: 'a long system prompt to cache here', cache_control: { type: 'ephemeral' } }] };
    const written = json((await invoke(anthropic.modelId, body)).body).usage;
    const read = json((await invoke(anthropic.modelId, body)).body).usage;
    expect(written.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(read.cache_read_input_tokens).toBeGreaterThan(0);
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.cache_read.input_tokens'], s.attributes['gen_ai.usage.cache_creation.input_tokens']])).toEqual([
      [written.input_tokens + written.cache_creation_input_tokens, 0, written.cache_creation_input_tokens],
      [read.input_tokens + read.cache_read_input_tokens, read.cache_read_input_tokens, 0],
    ]);
  });

  it('takes usage from the body, not the headers, when the body states it', async () => {
    bed.standIn.enqueue({
      response: {
        status: 200,
        headers: { 'content-type': 'application/json', 'x-amzn-bedrock-input-token-count': '999', 'x-amzn-bedrock-output-token-count': '999' },
        body: { inputTextTokenCount: 5, results: [{ tokenCount: 7, outputText: 'hi', completionReason: 'FINISH' }] },
      },
    });
    await invoke('amazon.titan-text-lite-v1', { inputText: 'hi' });
    const [span] = await bed.h.spans();
    expect([span.attributes['gen_ai.usage.input_tokens'], span.attributes['gen_ai.usage.output_tokens']]).toEqual([5, 7]);
  });

  it('takes usage from the headers when the body states none, cache counts added to the input', async () => {
    bed.standIn.enqueue({
      response: {
        status: 200,
        headers: {
          'content-type': 'application/json',
          'x-amzn-bedrock-input-token-count': '4',
          'x-amzn-bedrock-output-token-count': '9',
          'x-amzn-bedrock-cache-read-input-token-count': '20',
          'x-amzn-bedrock-cache-write-input-token-count': '3',
        },
        body: { outputs: [{ text: 'x', stop_reason: 'length' }] },
      },
    });
    await invoke('mistral.mistral-large-2407-v1:0', { prompt: 'hi' });
    const [span] = await bed.h.spans();
    expect(span.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 27,
      'gen_ai.usage.output_tokens': 9,
      'gen_ai.usage.cache_read.input_tokens': 20,
      'gen_ai.usage.cache_creation.input_tokens': 3,
      'gen_ai.response.finish_reasons': ['length'],
    });
  });

  it('records no usage and no token points when neither body nor headers state any (never estimated)', async () => {
    bed.standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'application/json' }, body: { outputs: [{ text: 'some words here', stop_reason: 'stop' }] } } });
    await invoke('mistral.mistral-7b-instruct-v0:2', { prompt: 'hi' });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it('reads the family from the request body when the model id does not name one (application inference profile)', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
    const output = await invoke(arn, anthropic.body);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.request.model']).toBe(arn);
    expect(span.attributes['gen_ai.response.model']).toBe(json(output.body).model);
    expect(span.attributes['gen_ai.request.top_k']).toBe(20);
  });

  it('records the guardrail of an InvokeModel request', async () => {
    await invoke(FAMILIES[1].modelId, FAMILIES[1].body, { guardrailIdentifier: 'gr-standin02', guardrailVersion: 'DRAFT' });
    const [span] = await bed.h.spans();
    expect(span.attributes['aws.bedrock.guardrail.id']).toBe('gr-standin02');
  });

  it.each([
    ['amazon.titan-embed-text-v2:0', { inputText: 'embed these four words' }, true],
    ['cohere.embed-english-v3', { texts: ['embed me', 'and me too'], input_type: 'search_document' }, false],
  ])('meters %s as embeddings: input tokens and dimension count, no finish reasons', async (modelId, body, priced) => {
    await invoke(modelId, body);
    const [span] = await bed.h.spans();
    expect(span.name).toBe(`embeddings ${modelId}`);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': modelId,
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.embeddings.dimension.count': 8,
      'gen_ai.usage.input_tokens': bed.standIn.served[0].usage!.inputTokenCount,
      'tokenpath.usage.source': 'provider',
      ...(priced ? PRICED : {}),
    });
    const tokens = await bed.h.points('gen_ai.client.token.usage');
    expect(tokens.map((p) => p.attributes['gen_ai.token.type'])).toEqual(['input']);
  });
});

describe('InvokeModelWithResponseStream', () => {
  const [anthropic, nova] = FAMILIES;

  it('takes usage from the invocation metrics only when the stream states none', async () => {
    const chunk = (inner: unknown) => `{"chunk":{"bytes":"${Buffer.from(JSON.stringify(inner)).toString('base64')}"}}`;
    const metrics = { inputTokenCount: 999, outputTokenCount: 999, invocationLatency: 1, firstByteLatency: 1 };
    bed.standIn.enqueue({
      response: {
        status: 200,
        headers: { 'content-type': 'application/vnd.amazon.eventstream' },
        stream_format: 'aws-eventstream',
        sse_events: [
          chunk({ messageStart: { role: 'assistant' } }),
          chunk({ messageStop: { stopReason: 'end_turn' } }),
          chunk({ metadata: { usage: { inputTokens: 5, outputTokens: 2 } }, 'amazon-bedrock-invocationMetrics': metrics }),
        ],
      },
    });
    await drain((await invokeStream(nova.modelId, nova.body)).body);
    bed.standIn.enqueue({
      response: {
        status: 200,
        headers: { 'content-type': 'application/vnd.amazon.eventstream' },
        stream_format: 'aws-eventstream',
        sse_events: [chunk({ outputs: [{ text: 'x', stop_reason: 'stop' }], 'amazon-bedrock-invocationMetrics': { ...metrics, inputTokenCount: 6, outputTokenCount: 3, cacheReadInputTokenCount: 10 } })],
      },
    });
    await drain((await invokeStream('mistral.mistral-7b-instruct-v0:2', { prompt: 'hi' })).body);
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.attributes['gen_ai.usage.input_tokens'], s.attributes['gen_ai.usage.output_tokens']])).toEqual([
      [5, 2],
      [16, 3],
    ]);
  });

  it('ends the span once when the consumer breaks out early', async () => {
    const output = await invokeStream(anthropic.modelId, anthropic.body);
    let n = 0;
    for await (const _ of output.body) if (++n === 2) break;
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
    // message_start stated the input and the output so far; that is what was used.
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(1);
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('fails the span when the stream errors mid-way, and the caller still gets the SDK exception', async () => {
    const output = await invokeStream('stream-error', anthropic.body);
    const error = await drain(output.body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(bed.sdk.ModelStreamErrorException);
    await expectFailedSpan(bed.h, 'ModelStreamErrorException', ['error']);
  });

  it('reports a stream the caller aborts as AbortError', async () => {
    const controller = new AbortController();
    const output = await invokeStream('stream-hang', anthropic.body, { abortSignal: controller.signal });
    for await (const _ of output.body) controller.abort();
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe('AbortError');
  });

  it('reports an HTTP error with the SDK exception class', async () => {
    const error = await invokeStream('error-400', anthropic.body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(bed.sdk.ValidationException);
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe('ValidationException');
  });
});

describe('the outputs are the SDK\'s own', () => {
  it('keeps the InvokeModel body readable as the SDK gives it', async () => {
    const { plain, output } = await plainAndInstrumented(bed.h, () => invoke(FAMILIES[2].modelId, FAMILIES[2].body));
    expect(Object.getPrototypeOf(output.body)).toBe(Object.getPrototypeOf(plain.body));
    expect(output.body.transformToString()).toBe(plain.body.transformToString());
    expect(Object.keys(output)).toEqual(Object.keys(plain));
  });

  it('keeps the response stream the SDK\'s own object', async () => {
    const { plain, output } = await plainAndInstrumented(bed.h, () => invokeStream(FAMILIES[3].modelId, FAMILIES[3].body));
    expect(Object.getPrototypeOf(output.body)).toBe(Object.getPrototypeOf(plain.body));
    const bytes = async (s: AsyncIterable<any>) => (await drain(s)).map((e) => Buffer.from(e.chunk.bytes).toString());
    expect(await bytes(output.body)).toEqual(await bytes(plain.body));
  });

  it('passes a body that is not JSON through unchanged and still ends the span with the header usage', async () => {
    bed.standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'application/json', 'x-amzn-bedrock-input-token-count': '3', 'x-amzn-bedrock-output-token-count': '4' }, body: 'not json {' } });
    const output = await invoke('mistral.mistral-7b-instruct-v0:2', { prompt: 'hi' });
    expect(output.body.transformToString()).toBe('not json {');
    const [span] = await bed.h.spans();
    expect(span.ended).toBe(true);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(3);
  });
});
