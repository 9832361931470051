import { describe, expect, it } from 'vitest';
import { plainAndInstrumented } from './support/helpers';
import { startStandIn } from './support/stand-in';
import { openaiClient, useTestbed } from './support/testbed';

// Each run below talks to a stand-in of its own, so that ids and clocks start equal.
const bed = useTestbed(openaiClient);

/** Everything an app can observe of a sequence of calls: results, stream chunks, errors, helper output. */
async function runScript(): Promise<unknown[]> {
  const standIn = await startStandIn();
  const client = openaiClient.client(bed.sdk, standIn);
  // The APIPromises the client makes (openai 7 makes each through `responsePromise`): tokenpath
  // observes the SDK's own, so the client makes as many as it does without it.
  let apiPromisesMade = 0;
  const responsePromise = (client as any).responsePromise;
  if (typeof responsePromise === 'function') {
    (client as any).responsePromise = function (this: unknown, ...args: unknown[]) {
      apiPromisesMade++;
      return responsePromise.apply(this, args);
    };
  }
  const seen: unknown[] = [];
  const messages = [{ role: 'user', content: 'same answer both times' }];
  try {
    seen.push(await client.chat.completions.create({ model: 'gpt-4o-mini', messages, n: 2 }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } });
    for await (const chunk of stream) seen.push(chunk);
    // What the SDK's stream object carries: tokenpath instruments it in place and adds no property.
    seen.push(Object.getOwnPropertyNames(stream).sort());
    const [a, b] = (await client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true })).tee();
    for await (const chunk of a) seen.push(['a', chunk]);
    for await (const chunk of b) seen.push(['b', chunk]);
    const withResponse = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).withResponse();
    seen.push(withResponse.data, withResponse.response.status, withResponse.request_id);
    seen.push(await client.responses.create({ model: 'gpt-4o-mini', input: 'same' }));
    for await (const event of await client.responses.create({ model: 'gpt-4o-mini', input: 'same', stream: true })) seen.push(event);
    seen.push(await client.embeddings.create({ model: 'text-embedding-3-small', input: 'same' }));
    seen.push(await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'same' }));
    seen.push(
      await client.chat.completions.parse({
        model: 'gpt-4o-mini',
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'a', strict: true, schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false } } },
      }),
    );
    seen.push(await client.chat.completions.stream({ model: 'gpt-4o-mini', messages }).finalChatCompletion());
    for (const model of ['error-400', 'error-429', 'error-500']) {
      const error = await client.chat.completions.create({ model, messages }).catch((e: any) => e);
      seen.push([error.constructor.name, error.status, error.message, error.error]);
    }
    const failing = await client.chat.completions.create({ model: 'stream-error', messages, stream: true });
    const error = await (async () => {
      try {
        for await (const chunk of failing) seen.push(chunk);
      } catch (e: any) {
        return [e.constructor.name, e.message];
      }
    })();
    seen.push(error);
    // A body the SDK cannot parse: the caller gets the SDK's own error.
    standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id": "cut short' } });
    const unparsable = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: any) => e);
    seen.push([unparsable.constructor.name, unparsable.message]);
    seen.push(['APIPromises made', apiPromisesMade]);
  } finally {
    await standIn.close();
  }
  // `created` is the stand-in's clock; request ids are its counter: equal across runs by construction.
  return JSON.parse(JSON.stringify(seen, (k, v) => (k === 'created' || k === 'created_at' || k === 'completed_at' ? 0 : v)));
}

describe('transparency', () => {
  it('gives the app exactly the same results with and without the instrumentation', async () => {
    const { plain: without, output: withInstrumentation } = await plainAndInstrumented(bed.h, runScript);
    expect(withInstrumentation).toEqual(without);
    expect(withInstrumentation.length).toBeGreaterThan(40);
    // And the instrumented run really was instrumented.
    expect((await bed.h.spans()).length).toBe(15);
  });
});
