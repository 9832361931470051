import { describe, expect, it } from 'vitest';
import type { Attributes } from '@opentelemetry/api';
import { SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace';
import { Readable } from 'node:stream';
import { useTestbed } from '../../support/testbed';
import { CREDENTIALS, bedrockClient, bedrockClientOptions } from './bedrock-testbed';

/** Samples everything and remembers the attributes each span had when it started. */
const atStart: Attributes[] = [];
const recordingSampler: Sampler = {
  shouldSample(_context, _traceId, _name, _kind, attributes) {
    atStart.push({ ...attributes });
    return { decision: SamplingDecision.RECORD_AND_SAMPLED };
  },
  toString: () => 'recording',
};

const bed = useTestbed(bedrockClient, { sampler: recordingSampler });
const messages = [{ role: 'user', content: [{ text: 'where do you run' }] }];
const converse = (client: any) => client.send(new bed.sdk.ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages }));

describe('server.address and server.port', () => {
  it('are learned from the request of a client\'s first call and known at span start from then on', async () => {
    atStart.length = 0;
    const fresh = new bed.sdk.BedrockRuntimeClient(bedrockClientOptions(bed.standIn));
    await converse(fresh);
    await converse(fresh);
    // The SDK resolves its endpoint asynchronously: the first span starts without it.
    expect(atStart.map((a) => a['server.address'])).toEqual([undefined, '127.0.0.1']);
    const spans = await bed.h.spans();
    for (const span of spans) {
      expect(span.attributes['server.address']).toBe('127.0.0.1');
      expect(span.attributes['server.port']).toBe(bed.standIn.port);
    }
    const duration = await bed.h.points('gen_ai.client.operation.duration');
    expect(duration.map((p) => [p.attributes['server.address'], p.attributes['server.port'], p.count])).toEqual([
      ['127.0.0.1', bed.standIn.port, 2],
    ]);
  });

  it('are the regional endpoint for a client configured by region only', async () => {
    const seen: string[] = [];
    // A request handler answering in place of the network: the SDK builds the real regional request.
    const requestHandler = {
      async handle(request: any) {
        seen.push(`${request.protocol}//${request.hostname}${request.path}`);
        const body = JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text: 'hi' }] } },
          stopReason: 'end_turn',
          usage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
        });
        return { response: { statusCode: 200, headers: { 'content-type': 'application/json' }, body: Readable.from([Buffer.from(body)]) } };
      },
    };
    const regional = new bed.sdk.BedrockRuntimeClient({ region: 'eu-west-3', credentials: CREDENTIALS, maxAttempts: 1, requestHandler });
    await converse(regional);
    expect(seen).toEqual(['https://bedrock-runtime.eu-west-3.amazonaws.com/model/amazon.nova-micro-v1%3A0/converse']);
    const [span] = await bed.h.spans();
    expect(span.attributes).toMatchObject({
      'server.address': 'bedrock-runtime.eu-west-3.amazonaws.com',
      'server.port': 443,
      'gen_ai.usage.input_tokens': 3,
    });
  });
});
