/**
 * The app sees exactly the same results, events, errors and helper output with and without the
 * instrumentation, with content capture on and with the SDK's own tracing active (a global tracer
 * provider and propagator are registered, so replacing the SDK's call spans is exercised too).
 */
import { describe, expect, it } from 'vitest';
import { plainAndInstrumented } from '../../support/helpers';
import { startStandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';
import { MODEL, anthropicClient, useGlobalTracing } from './support';

// Each run below talks to a stand-in of its own, so that ids and cache state start equal.
const bed = useTestbed(anthropicClient, { config: { captureMessageContent: true } });
useGlobalTracing(bed);

const messages = [{ role: 'user', content: 'same answer both times' }];
const tools = [{ name: 'get_weather', input_schema: { type: 'object', properties: { location: { type: 'string' } } } }];
const schema = { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false };

/** Everything an app can observe of a sequence of calls. */
async function runScript(): Promise<unknown[]> {
  const standIn = await startStandIn();
  const client = anthropicClient.client(bed.sdk, standIn);
  const seen: unknown[] = [];
  const base = { model: MODEL, max_tokens: 50, messages };
  try {
    seen.push(await client.messages.create({ ...base, system: [{ type: 'text', text: 'cached prompt', cache_control: { type: 'ephemeral' } }] }));
    seen.push(await client.messages.create({ ...base, system: [{ type: 'text', text: 'cached prompt', cache_control: { type: 'ephemeral' } }] }));
    for await (const event of await client.messages.create({ ...base, model: 'claude-thinking-5', stream: true })) seen.push(event);
    const [a, b] = (await client.messages.create({ ...base, stream: true })).tee();
    for await (const event of a) seen.push(['a', event]);
    for await (const event of b) seen.push(['b', event]);
    const withResponse = await client.messages.create(base).withResponse();
    seen.push(withResponse.data, withResponse.response.status, withResponse.request_id);
    const raw = await client.messages.create(base).asResponse();
    seen.push(raw.status, await raw.json());
    seen.push(await client.messages.create({ ...base, tools, messages: [{ role: 'user', content: 'weather in Paris?' }] }));
    const helper = client.messages.stream(base);
    const helperEvents: string[] = [];
    helper.on('text', (t: string) => helperEvents.push(t));
    helper.on('message', (m: any) => helperEvents.push(m.id));
    seen.push(await helper.finalMessage(), helperEvents);
    seen.push(await client.messages.parse({ ...base, output_config: { format: { type: 'json_schema', schema } } }));
    seen.push(await client.beta.messages.create({ ...base, betas: ['context-1m-2025-08-07'] }));
    seen.push(await client.beta.messages.stream(base).finalMessage());
    seen.push(await client.messages.countTokens({ model: MODEL, messages }));
    for (const model of ['error-400', 'error-429', 'error-529', 'error-500']) {
      const error = await client.messages.create({ ...base, model }).catch((e: any) => e);
      seen.push([error.constructor.name, error.status, error.message, error.error, error.requestID]);
    }
    const failing = await client.messages.create({ ...base, model: 'stream-error', stream: true });
    const error = await (async () => {
      try {
        for await (const event of failing) seen.push(event);
      } catch (e: any) {
        return [e.constructor.name, e.message, e.error];
      }
    })();
    seen.push(error);
  } finally {
    await standIn.close();
  }
  return JSON.parse(JSON.stringify(seen));
}

describe('transparency', () => {
  it('gives the app exactly the same results with and without the instrumentation', async () => {
    const { plain: without, output: withInstrumentation } = await plainAndInstrumented(bed.h, runScript, { resetBetween: true });
    expect(withInstrumentation).toEqual(without);
    expect(withInstrumentation.length).toBeGreaterThan(60);
    // And the instrumented run really was instrumented: one span per inference call (16), and of
    // the SDK's own spans only the one of count_tokens, which is not metered.
    const names = (await bed.h.spans()).map((s) => s.name);
    expect(names.filter((n) => n.startsWith('chat '))).toHaveLength(16);
    expect(names.filter((n) => !n.startsWith('chat '))).toEqual(['anthropic.messages.count_tokens']);
  });
});
