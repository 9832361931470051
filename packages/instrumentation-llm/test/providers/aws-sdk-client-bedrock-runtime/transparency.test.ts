import { describe, expect, it } from 'vitest';
import { plainAndInstrumented } from '../../support/helpers';
import { startStandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';
import { bedrockClient, bedrockClientOptions } from './bedrock-testbed';

// Each run below talks to a stand-in of its own, so that ids start equal.
const bed = useTestbed(bedrockClient);

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** Everything an app can observe of a sequence of Bedrock calls: outputs, stream events, errors, callbacks. */
async function runScript(): Promise<unknown[]> {
  const standIn = await startStandIn();
  const sdk = bed.sdk;
  const client = bedrockClient.client(sdk, standIn);
  const aggregated = new sdk.BedrockRuntime(bedrockClientOptions(standIn));
  const seen: unknown[] = [];
  const messages = [{ role: 'user', content: [{ text: 'same answer both times' }] }];
  const claude = { anthropic_version: 'bedrock-2023-05-31', max_tokens: 50, messages: [{ role: 'user', content: 'same answer' }] };
  const error = (e: any) => [e.constructor.name, e.name, e.message, e.$fault, e.$metadata?.httpStatusCode];
  try {
    seen.push(await client.send(new sdk.ConverseCommand({ modelId: 'amazon.nova-micro-v1:0', messages, inferenceConfig: { maxTokens: 4 } })));
    const stream = await client.send(new sdk.ConverseStreamCommand({ modelId: 'amazon.nova-micro-v1:0', messages }));
    seen.push(Object.keys(stream), stream.$metadata);
    for await (const event of stream.stream) seen.push(event);
    const invoked = await client.send(new sdk.InvokeModelCommand({ modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', body: JSON.stringify(claude) }));
    seen.push(invoked.contentType, invoked.$metadata, invoked.body.transformToString());
    const invokedStream = await client.send(new sdk.InvokeModelWithResponseStreamCommand({ modelId: 'cohere.command-r-v1:0', body: JSON.stringify({ message: 'same' }) }));
    seen.push(invokedStream.contentType);
    for await (const event of invokedStream.body) seen.push(Object.keys(event), text(event.chunk.bytes));
    seen.push(await aggregated.converse({ modelId: 'amazon.nova-micro-v1:0', messages }));
    seen.push(await new Promise((resolve) => client.send(new sdk.ConverseCommand({ modelId: 'error-429', messages }), (e: any, d: any) => resolve([e && error(e), d]))));
    for (const modelId of ['error-400', 'error-429', 'error-500']) {
      seen.push(error(await client.send(new sdk.ConverseCommand({ modelId, messages })).catch((e: unknown) => e)));
    }
    const failing = await client.send(new sdk.ConverseStreamCommand({ modelId: 'stream-error', messages }));
    try {
      for await (const event of failing.stream) seen.push(event);
    } catch (e) {
      seen.push(error(e));
    }
  } finally {
    client.destroy();
    aggregated.destroy();
    await standIn.close();
  }
  return JSON.parse(JSON.stringify(seen));
}

describe('transparency for @aws-sdk/client-bedrock-runtime', () => {
  it('gives the app exactly the same results with and without the instrumentation', async () => {
    const { plain: without, output: withInstrumentation } = await plainAndInstrumented(bed.h, runScript);
    expect(withInstrumentation).toEqual(without);
    expect(withInstrumentation.length).toBeGreaterThan(40);
    // And the instrumented run really was instrumented (the callback-style call is left alone).
    expect((await bed.h.spans()).length).toBe(9);
  });
});
