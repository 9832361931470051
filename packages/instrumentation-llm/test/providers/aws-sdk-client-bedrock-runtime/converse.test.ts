import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { expectFailedCall, expectTokenTotals, pointCount, PRICED } from '../../support/helpers';
import { useTestbed } from '../../support/testbed';
import { CREDENTIALS, bedrockClient, bedrockClientOptions, cachedMessages, expectCacheAccounting, servedOutput } from './bedrock-testbed';

const bed = useTestbed(bedrockClient);
const messages = [{ role: 'user', content: [{ text: 'tell me about tokens please' }] }];
const converse = (input: Record<string, unknown>, client = bed.client as any) =>
  client.send(new bed.sdk.ConverseCommand({ messages, ...input }));

describe('ConverseCommand', () => {
  it('records the exact attribute set of a call', async () => {
    const result = await converse({
      modelId: 'amazon.nova-micro-v1:0',
      system: [{ text: 'be brief' }],
      inferenceConfig: { maxTokens: 50, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
      additionalModelRequestFields: { top_k: 40 },
      guardrailConfig: { guardrailIdentifier: 'gr-standin01', guardrailVersion: '1' },
    });
    const [span] = await bed.h.spans();
    expect(span.name).toBe('chat amazon.nova-micro-v1:0');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(result.usage).toEqual(bed.standIn.served[0].usage);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': 'amazon.nova-micro-v1:0',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.request.max_tokens': 50,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.stop_sequences': ['END'],
      'aws.bedrock.guardrail.id': 'gr-standin01',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': result.usage.inputTokens,
      'gen_ai.usage.output_tokens': result.usage.outputTokens,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records one duration point and exact input and output token points per call', async () => {
    await converse({ modelId: 'amazon.nova-micro-v1:0' });
    await converse({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'a b c d e f g' }] }] });
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(2);
    const served = bed.standIn.served.map((s) => s.usage!);
    const tokens = await expectTokenTotals(bed.h, {
      input: served[0].inputTokens + served[1].inputTokens,
      output: served[0].outputTokens + served[1].outputTokens,
    });
    expect(tokens[0].attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': 'amazon.nova-micro-v1:0',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.token.type': tokens[0].attributes['gen_ai.token.type'],
    });
  });

  it('counts cache reads and writes in the input tokens, as Converse states input without them', async () => {
    const result = await converse({ modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', messages: cachedMessages });
    await expectCacheAccounting(bed.h, bed.standIn, result.usage);
  });

  it('takes the request model from inference profiles and ARNs as given', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6';
    await converse({ modelId: arn });
    const [span] = await bed.h.spans();
    expect(span.name).toBe(`chat ${arn}`);
    expect(span.attributes['gen_ai.request.model']).toBe(arn);
    expect(bed.standIn.requests.at(-1)!.path).toBe(`/model/${encodeURIComponent(arn)}/converse`);
  });

  it('reports the model a prompt router invoked as the response model', async () => {
    const router = 'arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/anthropic.claude:1';
    const invokedModelId = 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0';
    bed.standIn.enqueue({
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: {
          output: { message: { role: 'assistant', content: [{ text: 'hi' }] } },
          stopReason: 'end_turn',
          usage: { inputTokens: 4, outputTokens: 1, totalTokens: 5 },
          metrics: { latencyMs: 10 },
          trace: { promptRouter: { invokedModelId } },
        },
      },
    });
    await converse({ modelId: router });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.request.model']).toBe(router);
    expect(span.attributes['gen_ai.response.model']).toBe(invokedModelId);
    const [duration] = await bed.h.points('gen_ai.client.operation.duration');
    expect(duration.attributes['gen_ai.response.model']).toBe(invokedModelId);
  });

  it('records json as the output type of a structured-output request', async () => {
    const outputConfig = { textFormat: { type: 'json_schema', structure: { jsonSchema: { schema: '{"type":"object"}', name: 'answer' } } } };
    await converse({ modelId: 'amazon.nova-micro-v1:0', outputConfig });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.output.type']).toBe('json');
  });

  it('reports tool_use and max_tokens as the finish reasons Converse states', async () => {
    const toolConfig = { tools: [{ toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object' } } } }] };
    const tool = await converse({ modelId: 'amazon.nova-micro-v1:0', messages: [{ role: 'user', content: [{ text: 'weather in Paris?' }] }], toolConfig });
    expect(tool.output.message.content[0].toolUse.name).toBe('get_weather');
    await converse({ modelId: 'amazon.nova-micro-v1:0', inferenceConfig: { maxTokens: 2 } });
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['tool_use'], ['max_tokens']]);
  });
});

describe('errors', () => {
  it('reports an HTTP 429 with the SDK exception class as error.type and no token points', async () => {
    const error = await converse({ modelId: 'error-429' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(bed.sdk.ThrottlingException);
    const span = await expectFailedCall(bed.h, 'ThrottlingException', undefined);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ThrottlingException (stand-in injected error 429).' });
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it.each([
    [400, 'ValidationException'],
    [403, 'AccessDeniedException'],
    [500, 'InternalServerException'],
    [503, 'ServiceUnavailableException'],
  ])('reports an HTTP %i as its exception class %s', async (status, name) => {
    const error = await converse({ modelId: `error-${status}` }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(bed.sdk[name]);
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe(name);
  });

  it('names an error the SDK has no class for by its AWS error code', async () => {
    bed.standIn.enqueue({
      response: {
        status: 403,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/' },
        body: { message: 'The security token included in the request is invalid.' },
      },
    });
    const error = await converse({ modelId: 'amazon.nova-micro-v1:0' }).catch((e: any) => e);
    expect(error).toBeInstanceOf(bed.sdk.BedrockRuntimeServiceException);
    expect(error.name).toBe('UnrecognizedClientException');
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe('UnrecognizedClientException');
  });

  it('keeps the SDK retries inside one span', async () => {
    const retrying = new bed.sdk.BedrockRuntimeClient(bedrockClientOptions(bed.standIn, { maxAttempts: 3 }));
    const before = bed.standIn.requests.length;
    const error = await converse({ modelId: 'error-500' }, retrying).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(bed.sdk.InternalServerException);
    expect(bed.standIn.requests.length - before).toBe(3);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect((await bed.h.points('gen_ai.client.operation.duration'))[0].count).toBe(1);
  });

  it('reports a call aborted before its response as AbortError', async () => {
    const controller = new AbortController();
    const pending = converse({ modelId: 'stream-hang' });
    const aborted = bed.client.send(new bed.sdk.ConverseCommand({ modelId: 'stream-hang', messages }), { abortSignal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    const error = await aborted.catch((e: any) => e);
    expect(error.name).toBe('AbortError');
    const spans = await bed.h.spans();
    expect(spans.map((s) => s.attributes['error.type'])).toEqual(['AbortError']);
    void pending.catch(() => {}); // the other hanging call ends with the stand-in
  });

  it('never puts the credentials into telemetry', async () => {
    await converse({ modelId: 'error-403' }).catch(() => {});
    await converse({ modelId: 'amazon.nova-micro-v1:0' });
    const spans = await bed.h.spans();
    const telemetry = JSON.stringify({
      spans: spans.map((s) => ({ a: s.attributes, s: s.status, e: s.events, n: s.name })),
      metrics: await bed.h.points('gen_ai.client.token.usage'),
    });
    expect(telemetry).not.toContain(CREDENTIALS.accessKeyId);
    expect(telemetry).not.toContain(CREDENTIALS.secretAccessKey);
    // The SDK did sign with them.
    expect(bed.standIn.requests.at(-1)!.headers.authorization).toContain(`Credential=${CREDENTIALS.accessKeyId}/`);
  });
});

describe('what is left alone', () => {
  it('meters nothing for commands that are not inference calls', async () => {
    await bed.client.send(new bed.sdk.CountTokensCommand({ modelId: 'amazon.nova-micro-v1:0', input: { converse: { messages } } })).catch(() => {});
    expect(await bed.h.spans()).toHaveLength(0);
    expect(await bed.h.points('gen_ai.client.operation.duration')).toEqual([]);
  });

  it("meters nothing for another AWS service's client, which sends through the same Smithy Client.send", async () => {
    // STS, as the SDK's own credential providers build it (@aws-sdk/nested-clients).
    const { STSClient, AssumeRoleCommand } = bed.h.load('@aws-sdk/nested-clients/sts');
    const sts = new STSClient(bedrockClientOptions(bed.standIn));
    expect(Object.getPrototypeOf(STSClient.prototype)).toBe(Object.getPrototypeOf(bed.sdk.BedrockRuntimeClient.prototype));
    const before = bed.standIn.requests.length;
    await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::123456789012:role/test', RoleSessionName: 's' })).catch(() => {});
    expect(bed.standIn.requests.length, 'the STS request reached the server').toBe(before + 1);
    expect(await bed.h.spans()).toHaveLength(0);
    expect(await bed.h.points('gen_ai.client.operation.duration')).toEqual([]);
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it('passes callback-style calls through unmetered', async () => {
    const output = await new Promise<any>((resolve, reject) =>
      bed.client.send(new bed.sdk.ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages }), (err: unknown, data: unknown) =>
        err ? reject(err) : resolve(data),
      ),
    );
    expect(output.stopReason).toBe('end_turn');
    expect(await bed.h.spans()).toHaveLength(0);
  });

  it('patches the Bedrock Runtime client only, not the send every AWS service client shares', () => {
    const proto = bed.sdk.BedrockRuntimeClient.prototype;
    expect(isWrapped(proto.send)).toBe(true);
    expect(isWrapped(Object.getPrototypeOf(proto).send)).toBe(false);
  });

  it('meters calls of the aggregated BedrockRuntime client once', async () => {
    const aggregated = new bed.sdk.BedrockRuntime(bedrockClientOptions(bed.standIn));
    const result = await aggregated.converse({ modelId: 'amazon.nova-micro-v1:0', messages });
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['gen_ai.usage.output_tokens']).toBe(result.usage.outputTokens);
  });
});

describe('content capture', () => {
  it('records no content by default', async () => {
    await converse({ modelId: 'amazon.nova-micro-v1:0', system: [{ text: 'be brief' }] });
    const [span] = await bed.h.spans();
    expect(Object.keys(span.attributes).filter((k) => /messages|instructions|definitions/.test(k))).toEqual([]);
  });
});

describe('disable()', () => {
  it('stops recording, and enable() records again', async () => {
    bed.h.instrumentation.disable();
    const result = await converse({ modelId: 'amazon.nova-micro-v1:0' });
    expect(result.stopReason).toBe('end_turn');
    expect(await bed.h.spans()).toHaveLength(0);
    bed.h.instrumentation.enable();
    await converse({ modelId: 'amazon.nova-micro-v1:0' });
    expect(await bed.h.spans()).toHaveLength(1);
    expect(servedOutput(bed.standIn.served[1].usage!)).toBe((await bed.h.spans())[0].attributes['gen_ai.usage.output_tokens']);
  });
});
