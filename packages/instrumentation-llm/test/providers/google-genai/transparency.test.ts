import { describe, expect, it } from 'vitest';
import { startStandIn } from '../../support/stand-in';
import { useTestbed } from '../../support/testbed';
import { geminiClient, vertexClient } from './support';
import { weatherTool } from './support-tools';

// Each run below talks to a stand-in of its own, so that ids start equal.
const bed = useTestbed(geminiClient);

/** Everything an app can observe of a sequence of calls: results, stream chunks, errors, chat history, tool calls. */
async function runScript(): Promise<{ results: unknown[]; requests: number }> {
  const standIn = await startStandIn();
  const client = geminiClient.client(bed.sdk, standIn);
  const vertex = vertexClient(bed.sdk, standIn);
  const seen: unknown[] = [];
  const contents = 'same answer both times';
  const collect = async (stream: AsyncIterable<unknown>, tag: string) => {
    for await (const chunk of stream) seen.push([tag, chunk]);
  };
  const failure = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      seen.push('no error');
    } catch (e: any) {
      seen.push([e.constructor.name, e.name, e.status, e.message]);
    }
  };
  try {
    const r = await client.models.generateContent({ model: 'gemini-2.5-flash', contents, config: { candidateCount: 2, systemInstruction: 'x' } });
    seen.push(r, r.text, r.functionCalls);
    await collect(await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents }), 'stream');
    const stream = await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents });
    seen.push(Reflect.ownKeys(stream).map(String), Object.getPrototypeOf(stream) === Object.prototype);
    for await (const chunk of stream) {
      seen.push(['break', chunk]);
      break;
    }
    seen.push(await stream.next());
    const chat = client.chats.create({ model: 'gemini-2.0-flash' });
    seen.push(await chat.sendMessage({ message: 'hello' }));
    await collect(await chat.sendMessageStream({ message: 'again' }), 'chat');
    seen.push(chat.getHistory());
    const tool = weatherTool();
    seen.push(await client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'weather in Paris?', config: { tools: [tool] } }), tool.calls);
    await collect(await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'weather in Paris?', config: { tools: [weatherTool()] } }), 'afc');
    seen.push(await client.models.generateContent({ model: 'gemini-long-decode', contents }));
    seen.push(await client.models.embedContent({ model: 'gemini-embedding-001', contents: ['a b', 'c'] }));
    seen.push(await vertex.models.generateContent({ model: 'gemini-2.0-flash', contents }));
    seen.push(await vertex.models.embedContent({ model: 'text-embedding-005', contents: ['a b'] }));
    for (const model of ['error-400', 'error-429', 'error-500']) await failure(() => client.models.generateContent({ model, contents }));
    await failure(async () => collect(await client.models.generateContentStream({ model: 'stream-error', contents }), 'failing'));
  } finally {
    await standIn.close();
  }
  // The server clock (date header, Vertex createTime) differs between runs; ids are the stand-in's counter.
  return { results: JSON.parse(JSON.stringify(seen, (k, v) => (k === 'date' || k === 'createTime' ? 0 : v))), requests: standIn.requests.length };
}

/** The script's observable results and the number of model requests it made, with the instrumentation on or off. */
async function observed(enabled: boolean): Promise<{ results: unknown[]; requests: number }> {
  if (enabled) bed.h.instrumentation.enable();
  else bed.h.instrumentation.disable();
  await bed.h.reset();
  return runScript();
}

describe('transparency', () => {
  it('gives the app exactly the same results with and without the instrumentation, and meters every request once', async () => {
    const plain = await observed(false);
    expect(await bed.h.spans()).toEqual([]);
    const instrumented = await observed(true);
    expect(instrumented.results).toEqual(plain.results);
    expect(instrumented.results.length).toBeGreaterThan(50);
    expect(instrumented.requests).toBe(plain.requests);
    expect((await bed.h.spans()).length).toBe(instrumented.requests);
  });
});
