import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { expectFailedCall, expectTokenTotals, pointCount, thrown, PRICED } from '../../support/helpers';
import { SAMPLING_ATTRIBUTES, standInEndpoint } from '../../support/behaviour';
import { useTestbed } from '../../support/testbed';
import { generateContent } from '../../../src/providers/google-genai/generate-content';
import { GEMINI_API_KEY, VERTEX_ACCESS_TOKEN, VERTEX_PROJECT, geminiClient, telemetryText, vertexClient } from './support';

const bed = useTestbed(geminiClient);
const contents = 'tell me about tokens please';

describe('models.generateContent on the Gemini API', () => {
  it('records the exact attribute set of a call', async () => {
    const r = await bed.client.models.generateContent({
      model: 'gemini-2.5-flash',
      contents,
      config: {
        systemInstruction: 'Be terse.',
        temperature: 0.2,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 50,
        stopSequences: ['END'],
        seed: 7,
        presencePenalty: 0.3,
        frequencyPenalty: 0.1,
        candidateCount: 2,
      },
    });
    const [span] = await bed.h.spans();
    expect(span.name).toBe('generate_content gemini-2.5-flash');
    expect(span.kind).toBe(SpanKind.CLIENT);
    const usage = bed.standIn.served[0].usage!;
    expect(usage).toMatchObject({ promptTokenCount: 7, candidatesTokenCount: 24, thoughtsTokenCount: 2 });
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.5-flash',
      ...standInEndpoint(bed.standIn),
      ...SAMPLING_ATTRIBUTES,
      'gen_ai.request.top_k': 40,
      'gen_ai.request.choice.count': 2,
      'gen_ai.response.id': r.responseId,
      'gen_ai.response.model': 'gemini-2.5-flash-2024-07-18',
      'gen_ai.response.finish_reasons': ['STOP', 'STOP'],
      'gen_ai.usage.input_tokens': 7,
      'gen_ai.usage.output_tokens': 26, // candidates (24) + thoughts (2): thinking is billed as output
      'gen_ai.usage.reasoning.output_tokens': 2,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records one duration point and exact input and output token points per call', async () => {
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents });
    await bed.client.models.generateContent({ model: 'gemini-2.5-flash', contents: 'a b c d e f g' });
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(2);
    const [first, second] = bed.standIn.served.map((s) => s.usage!);
    const tokens = await expectTokenTotals(bed.h, {
      input: first.promptTokenCount + second.promptTokenCount,
      output: first.candidatesTokenCount + second.candidatesTokenCount + second.thoughtsTokenCount,
    });
    expect(tokens.find((p) => p.attributes['gen_ai.request.model'] === 'gemini-2.0-flash')!.attributes).toEqual({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.model': 'gemini-2.0-flash',
      'gen_ai.response.model': 'gemini-2.0-flash-2024-07-18',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.token.type': expect.stringMatching(/^(input|output)$/),
    });
  });

  it('leaves reasoning unset for a model that does not think, and output is the candidates count', async () => {
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.reasoning.output_tokens']).toBeUndefined();
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.candidatesTokenCount);
  });

  it('leaves reasoning unset when thinking is switched off with a zero budget', async () => {
    await bed.client.models.generateContent({ model: 'gemini-2.5-flash', contents, config: { thinkingConfig: { thinkingBudget: 0 } } });
    const [span] = await bed.h.spans();
    expect(bed.standIn.served[0].usage!.thoughtsTokenCount).toBeUndefined();
    expect(span.attributes['gen_ai.usage.reasoning.output_tokens']).toBeUndefined();
  });

  it('counts thoughts as the whole output when the limit is spent on thinking and no candidates count is sent', async () => {
    const r = await bed.client.models.generateContent({ model: 'gemini-2.5-pro', contents, config: { maxOutputTokens: 2 } });
    expect(r.candidates[0].content.parts).toBeUndefined();
    expect(bed.standIn.served[0].usage!.candidatesTokenCount).toBeUndefined();
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['MAX_TOKENS']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(2);
    expect(span.attributes['gen_ai.usage.reasoning.output_tokens']).toBe(2);
  });

  it('reports cached content tokens as cache reads, inside the input tokens', async () => {
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents, config: { cachedContent: 'cachedContents/standin-cache' } });
    const usage = bed.standIn.served[0].usage!;
    expect(usage.cachedContentTokenCount).toBeGreaterThan(0);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.usage.cache_read.input_tokens']).toBe(usage.cachedContentTokenCount);
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(usage.promptTokenCount);
  });

  it('reports STOP for a function call, as Gemini has no tool finish reason', async () => {
    const tools = [{ functionDeclarations: [{ name: 'get_weather', parameters: { type: 'OBJECT', properties: {} } }] }];
    const r = await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'weather in Paris?', config: { tools } });
    expect(r.functionCalls).toEqual([{ name: 'get_weather', args: { location: 'Paris' } }]);
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['STOP']);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(1);
  });

  it('records json as the output type of a structured-output request', async () => {
    const r = await bed.client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents,
      config: { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { answer: { type: 'STRING' } }, required: ['answer'] } },
    });
    expect(JSON.parse(r.text)).toEqual({ answer: 'stand-in' });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.output.type']).toBe('json');
  });

  it('records the model id without the models/ resource prefix', async () => {
    await bed.client.models.generateContent({ model: 'models/gemini-2.0-flash', contents });
    const [span] = await bed.h.spans();
    expect(span.name).toBe('generate_content gemini-2.0-flash');
    expect(span.attributes['gen_ai.request.model']).toBe('gemini-2.0-flash');
  });
});

describe('HTTP errors', () => {
  it('reports a 429 with the Google status as error.type and no token points; the caller gets the SDK ApiError', async () => {
    const error = await thrown(() => bed.client.models.generateContent({ model: 'error-429', contents }));
    expect(error).toBeInstanceOf(bed.sdk.ApiError);
    expect(error.status).toBe(429);
    await expectFailedCall(bed.h, 'RESOURCE_EXHAUSTED', undefined);
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });

  it.each([
    ['error-400', 'INVALID_ARGUMENT'],
    ['error-404', 'NOT_FOUND'],
    ['error-500', 'INTERNAL'],
    ['error-503', 'UNAVAILABLE'],
  ])('reports %s as %s', async (model, errorType) => {
    await expect(bed.client.models.generateContent({ model, contents })).rejects.toBeInstanceOf(bed.sdk.ApiError);
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe(errorType);
  });

  it('keeps the SDK retries inside one span', async () => {
    const retrying = new bed.sdk.GoogleGenAI({
      apiKey: GEMINI_API_KEY,
      httpOptions: { baseUrl: bed.standIn.url, retryOptions: { attempts: 3, initialDelay: 0.001, maxDelay: 0.002 } },
    });
    const before = bed.standIn.requests.length;
    await expect(retrying.models.generateContent({ model: 'error-503', contents })).rejects.toBeInstanceOf(bed.sdk.ApiError);
    expect(bed.standIn.requests.length - before).toBe(3);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes['error.type']).toBe('UNAVAILABLE');
  });

  it('reports a call the caller aborted as AbortError', async () => {
    const controller = new AbortController();
    const pending = bed.client.models.generateContent({ model: 'stream-hang', contents, config: { abortSignal: controller.signal } });
    setImmediate(() => controller.abort());
    const error = await thrown(() => pending);
    expect(error.name).toBe('AbortError');
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe('AbortError');
    expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
  });
});

describe('credentials', () => {
  it('never puts the API key (sent as x-goog-api-key) into telemetry, on success or failure', async () => {
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents });
    await expect(bed.client.models.generateContent({ model: 'error-401', contents })).rejects.toThrow();
    expect(bed.standIn.requests.at(-1)!.headers['x-goog-api-key']).toBe(GEMINI_API_KEY);
    const text = telemetryText(await bed.h.spans());
    expect(text).not.toContain(GEMINI_API_KEY);
    expect(text).not.toContain('AIzaSy');
  });

  it('never puts a key carried as ?key= into telemetry, even when the server echoes the URL in its error', async () => {
    const urlKey = 'url-carried-secret-987654';
    const client = new bed.sdk.GoogleGenAI({ apiKey: GEMINI_API_KEY, httpOptions: { baseUrl: `${bed.standIn.url}/?key=${urlKey}` } });
    const error = await thrown(() => client.models.generateContent({ model: 'gemini-2.0-flash', contents }));
    expect(error.message).toContain(urlKey); // the stand-in's 404 quotes the URL it got
    const [span] = await bed.h.spans();
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(telemetryText([span])).not.toContain(urlKey);
    expect(span.attributes['server.address']).toBe('127.0.0.1');
  });

  it('never puts the Vertex access token into telemetry', async () => {
    const vertex = vertexClient(bed.sdk, bed.standIn);
    await vertex.models.generateContent({ model: 'gemini-2.0-flash', contents });
    await expect(vertex.models.generateContent({ model: 'error-403', contents })).rejects.toThrow();
    expect(bed.standIn.requests.at(-1)!.headers.authorization).toBe(`Bearer ${VERTEX_ACCESS_TOKEN}`);
    const text = telemetryText(await bed.h.spans());
    expect(text).not.toContain(VERTEX_ACCESS_TOKEN);
    expect(text).not.toContain(VERTEX_PROJECT);
  });
});

describe('Vertex AI', () => {
  it('records gcp.vertex_ai and the exact attribute set of a call on a project endpoint', async () => {
    const vertex = vertexClient(bed.sdk, bed.standIn);
    const r = await vertex.models.generateContent({ model: 'gemini-2.0-flash', contents });
    expect(bed.standIn.requests.at(-1)!.path).toBe(
      `/v1beta1/projects/${VERTEX_PROJECT}/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent`,
    );
    const usage = bed.standIn.served[0].usage!;
    const [span] = await bed.h.spans();
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'gen_ai.request.model': 'gemini-2.0-flash',
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.response.id': r.responseId,
      'gen_ai.response.model': 'gemini-2.0-flash-2024-07-18',
      'gen_ai.response.finish_reasons': ['STOP'],
      'gen_ai.usage.input_tokens': usage.promptTokenCount,
      'gen_ai.usage.output_tokens': usage.candidatesTokenCount,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
  });

  it('records the model id without the project resource path', async () => {
    const vertex = vertexClient(bed.sdk, bed.standIn);
    await vertex.models.generateContent({ model: `projects/${VERTEX_PROJECT}/locations/us-central1/publishers/google/models/gemini-2.0-flash`, contents });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.request.model']).toBe('gemini-2.0-flash');
  });

  it('records gcp.vertex_ai for express mode (an API key instead of a project)', async () => {
    const express = new bed.sdk.GoogleGenAI({ vertexai: true, apiKey: GEMINI_API_KEY, httpOptions: { baseUrl: bed.standIn.url } });
    await express.models.generateContent({ model: 'gemini-2.0-flash', contents });
    const [span] = await bed.h.spans();
    expect(span.attributes['gen_ai.provider.name']).toBe('gcp.vertex_ai');
  });
});

describe('server.address', () => {
  const startOf = (client: any, params: object) => generateContent.start({ model: 'gemini-2.0-flash', contents, ...params }, client.models, []);

  it('is the Google host a client is configured for', () => {
    const gemini = new bed.sdk.GoogleGenAI({ apiKey: GEMINI_API_KEY });
    const vertex = new bed.sdk.GoogleGenAI({ vertexai: true, project: VERTEX_PROJECT, location: 'europe-west4' });
    expect(startOf(gemini, {})).toMatchObject({ provider: 'gcp.gemini', serverAddress: 'generativelanguage.googleapis.com', serverPort: 443 });
    expect(startOf(vertex, {})).toMatchObject({ provider: 'gcp.vertex_ai', serverAddress: 'europe-west4-aiplatform.googleapis.com', serverPort: 443 });
  });

  it('follows a per-request httpOptions.baseUrl, which is where that request goes', async () => {
    const gemini = new bed.sdk.GoogleGenAI({ apiKey: GEMINI_API_KEY });
    await gemini.models.generateContent({ model: 'gemini-2.0-flash', contents, config: { httpOptions: { baseUrl: bed.standIn.url } } });
    const [span] = await bed.h.spans();
    expect(span.attributes['server.address']).toBe('127.0.0.1');
    expect(span.attributes['server.port']).toBe(bed.standIn.port);
  });
});

describe('content capture', () => {
  it('records no content by default', async () => {
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents, config: { systemInstruction: 'Be terse.' } });
    const [span] = await bed.h.spans();
    expect(Object.keys(span.attributes).filter((k) => /messages|instructions|definitions/.test(k))).toEqual([]);
  });
});

describe('disable()', () => {
  it('stops recording and unpatches, and enable() patches again', async () => {
    bed.h.instrumentation.disable();
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents });
    expect(await bed.h.spans()).toHaveLength(0);
    expect(await bed.h.points('gen_ai.client.operation.duration')).toEqual([]);
    bed.h.instrumentation.enable();
    await bed.client.models.generateContent({ model: 'gemini-2.0-flash', contents });
    expect(await bed.h.spans()).toHaveLength(1);
  });
});
