/**
 * `@anthropic-ai/vertex-sdk` and `@anthropic-ai/bedrock-sdk` build their clients from
 * `@anthropic-ai/sdk`'s classes without loading its main entry. Their calls are metered like any
 * other, under the platform's provider name. Vertex AI speaks through the stand-in's
 * `publishers/anthropic` routes; the Bedrock answers are queued replays (bedrock.mjs owns Bedrock's
 * routes), in Bedrock's binary eventstream framing for the stream.
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTestbed } from '../../support/testbed';
import { MODEL, inputOf, messages } from './support';
import { PRICED } from '../../support/helpers';

/** The Vertex AI client; its Google credentials are a stand-in. */
const bed = useTestbed({
  module: '@anthropic-ai/vertex-sdk',
  client: ({ AnthropicVertex }: any, standIn) => {
    const authClient = { projectId: 'stand-in-project', getRequestHeaders: async () => new Headers({ authorization: 'Bearer ya29.stand-in' }) };
    return new AnthropicVertex({ region: 'us-east5', projectId: 'stand-in-project', baseURL: `${standIn.url}/v1`, authClient, maxRetries: 0 });
  },
});
beforeEach(() => {
  bed.standIn.requests.length = 0;
});

describe('@anthropic-ai/vertex-sdk', () => {
  const vertex = (): any => bed.client;

  it('patches the Messages class although the main @anthropic-ai/sdk entry was never loaded', () => {
    const loaded = Object.keys(require.cache);
    expect(loaded.some((f) => /@anthropic-ai[\\/]sdk[\\/]index\.js$/.test(f))).toBe(false);
    expect(Object.getPrototypeOf(vertex().messages).create.__wrapped).toBe(true);
  });

  it('reports gcp.vertex_ai as the provider of a rawPredict call', async () => {
    const r = await vertex().messages.create({ model: MODEL, max_tokens: 50, messages });
    expect(bed.standIn.requests[0].path).toBe(`/v1/projects/stand-in-project/locations/us-east5/publishers/anthropic/models/${MODEL}:rawPredict`);
    const [span] = await bed.h.spans();
    const usage = bed.standIn.served[0].usage!;
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'gen_ai.request.model': MODEL,
      'gen_ai.request.max_tokens': 50,
      'server.address': '127.0.0.1',
      'server.port': bed.standIn.port,
      'gen_ai.response.id': r.id,
      'gen_ai.response.model': `${MODEL}-2024-07-18`,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': inputOf(usage),
      'gen_ai.usage.output_tokens': usage.output_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.cache_creation.input_tokens': 0,
      'tokenpath.usage.source': 'provider',
      ...PRICED,
    });
  });

  it('meters a streamRawPredict call from its events', async () => {
    const final = await vertex().messages.stream({ model: MODEL, max_tokens: 50, messages }).finalMessage();
    expect(bed.standIn.requests[0].path).toMatch(/:streamRawPredict$/);
    const spans = await bed.h.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0].attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.vertex_ai',
      'gen_ai.request.stream': true,
      'gen_ai.response.id': final.id,
      'gen_ai.usage.output_tokens': final.usage.output_tokens,
    });
  });
});

describe('@anthropic-ai/bedrock-sdk', () => {
  const BEDROCK_MODEL = 'anthropic.claude-sonnet-5-5-v1:0';
  let bedrock: any;
  beforeAll(() => {
    const { AnthropicBedrock } = bed.h.load('@anthropic-ai/bedrock-sdk');
    bedrock = new AnthropicBedrock({ awsRegion: 'us-east-1', baseURL: bed.standIn.url, skipAuth: true, maxRetries: 0 });
  });

  const usage = { input_tokens: 7, cache_creation_input_tokens: 0, cache_read_input_tokens: 3, output_tokens: 11 };
  const message = {
    id: 'msg_bdrk_01StandIn',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-5-5',
    content: [{ type: 'text', text: 'Hello from Bedrock' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage,
  };

  it('reports aws.bedrock as the provider of an InvokeModel call', async () => {
    bed.standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'application/json' }, body: message } });
    const r = await bedrock.messages.create({ model: BEDROCK_MODEL, max_tokens: 50, messages });
    expect(r.id).toBe(message.id);
    expect(decodeURIComponent(bed.standIn.requests[0].path)).toBe(`/model/${BEDROCK_MODEL}/invoke`);
    const [span] = await bed.h.spans();
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.model': BEDROCK_MODEL,
      'gen_ai.response.model': 'claude-sonnet-5-5',
      'gen_ai.response.id': message.id,
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.cache_read.input_tokens': 3,
      'gen_ai.usage.output_tokens': 11,
    });
  });

  it('meters an InvokeModelWithResponseStream call from the Anthropic events inside the eventstream', async () => {
    const events = [
      { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hello' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'max_tokens', stop_sequence: null }, usage: { output_tokens: 11 } },
      { type: 'message_stop' },
    ];
    const chunk = (e: unknown) => ({ chunk: { bytes: Buffer.from(JSON.stringify(e)).toString('base64') } });
    bed.standIn.enqueue({ response: { status: 200, stream_format: 'aws-eventstream', sse_events: events.map(chunk) } });
    const stream = await bedrock.messages.create({ model: BEDROCK_MODEL, max_tokens: 50, messages, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(events.map((e) => e.type));
    expect(decodeURIComponent(bed.standIn.requests[0].path)).toBe(`/model/${BEDROCK_MODEL}/invoke-with-response-stream`);
    const [span] = await bed.h.spans();
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'aws.bedrock',
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['max_tokens'],
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 11,
    });
  });
});
