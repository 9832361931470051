/**
 * The instrumentation declares `@google/genai >=1.0.0 <4`. This runs the behaviour that depends on the
 * patch point against every supported major: the newest 1.x and 2.x (installed by
 * test/support/sdk-versions.mjs into the git-ignored test/.sdk/) and the repo's own 3.x devDependency.
 * Each copy is loaded through a require created inside its own folder AFTER the harness exists, so
 * the instrumentation's require hook patches that copy, as in an app.
 *
 * What is proven per major: the public methods are instance fields (nothing to patch on the
 * prototype) and the three `Models.prototype.*Internal` methods are patched; every entry point
 * (generateContent, generateContentStream, chats, automatic function calling, automatic continuation
 * where the SDK has it, embedContent) yields exactly one span per model request with the wire usage.
 *
 * CI must be able to install the versions (npm registry access): run `node test/support/sdk-versions.mjs` first,
 * or let the suite do it; without the registry this suite fails with the installer's message.
 */
import { beforeAll, describe, expect } from 'vitest';
import { createRequire } from 'node:module';
import path from 'node:path';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { drain, expectTokenTotals, servedTotal, thrown } from '../../support/helpers';
import { readVersion, repoRoot, useSdkMatrix } from '../../support/sdk-matrix';
import { useTestbed } from '../../support/testbed';
import { geminiClient, vertexClient } from './support';
import { weatherTool } from './support-tools';

const NAME = '@google/genai';
const contents = 'tell me about tokens please';
const major = (version: string): number => Number(version.split('.')[0]);

const bed = useTestbed();
const matrix = useSdkMatrix(bed, NAME);

async function spansNamed(name: string, count: number): Promise<ReadableSpan[]> {
  const spans = await bed.h.spans();
  expect(spans.map((s) => s.name)).toEqual(Array.from({ length: count }, () => name));
  return spans;
}

/** The token points state exactly what the stand-in served (prompt in, candidates + thoughts out). */
async function expectServedTokens(): Promise<void> {
  const served = (key: string) => servedTotal(bed.standIn, key);
  await expectTokenTotals(bed.h, { input: served('promptTokenCount'), output: served('candidatesTokenCount') + served('thoughtsTokenCount') });
}

describe.each(matrix.entries)('@google/genai $version ($source)', (entry) => {
  const { version } = entry;
  let sdk: any;
  let client: any;
  let authFrom: NodeRequire;
  let loadedFrom: string;
  // Each check counts towards this version's summary line.
  const check = matrix.check(version);

  beforeAll(() => {
    let packageDir: string;
    ({ exports: sdk, packageDir, loadedFrom } = matrix.load(entry));
    authFrom = createRequire(path.join(packageDir, 'package.json'));
    client = geminiClient.client(sdk, bed.standIn);
  });

  check('loads that copy; the public methods are instance fields and the Models internals are patched', async () => {
    expect(readVersion(path.join(repoRoot, loadedFrom))).toBe(version);
    const proto = sdk.Models.prototype;
    for (const field of ['generateContent', 'generateContentStream', 'embedContent']) {
      expect(Object.prototype.hasOwnProperty.call(proto, field), `Models.prototype.${field}`).toBe(false);
      expect(Object.prototype.hasOwnProperty.call(client.models, field), `models.${field} own field`).toBe(true);
    }
    for (const method of ['generateContentInternal', 'generateContentStreamInternal', 'embedContentInternal']) {
      expect(isWrapped(proto[method]), `Models.prototype.${method}`).toBe(true);
    }
  });

  check('models.generateContent: one span with the wire usage, thinking billed as output', async () => {
    const r = await client.models.generateContent({ model: 'gemini-2.5-flash', contents, config: { temperature: 0.1 } });
    const [span] = await spansNamed('generate_content gemini-2.5-flash', 1);
    const wire = bed.standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.temperature': 0.1,
      'gen_ai.response.id': r.responseId,
      'gen_ai.response.model': 'gemini-2.5-flash-2024-07-18',
      'gen_ai.response.finish_reasons': ['STOP'],
      'gen_ai.usage.input_tokens': wire.promptTokenCount,
      'gen_ai.usage.output_tokens': wire.candidatesTokenCount + wire.thoughtsTokenCount,
      'gen_ai.usage.reasoning.output_tokens': wire.thoughtsTokenCount,
    });
    await expectServedTokens();
  });

  check('models.generateContentStream: one span with the last chunk usage; a break ends it once', async () => {
    const chunks = await drain(await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents }));
    let [span] = await spansNamed('generate_content gemini-2.0-flash', 1);
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.usage.input_tokens': chunks.at(-1).usageMetadata.promptTokenCount,
      'gen_ai.usage.output_tokens': chunks.at(-1).usageMetadata.candidatesTokenCount,
      'gen_ai.response.finish_reasons': ['STOP'],
    });
    expect(typeof span.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    await bed.h.reset();
    for await (const _ of await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents })) break;
    [span] = await spansNamed('generate_content gemini-2.0-flash', 1);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(1);
  });

  check('a stream failing mid-way and an HTTP error: error.type is the Google status', async () => {
    await expect(client.models.generateContent({ model: 'error-429', contents })).rejects.toBeInstanceOf(sdk.ApiError);
    let chunks = 0;
    const failing = (async () => {
      for await (const _ of await client.models.generateContentStream({ model: 'stream-error', contents })) chunks++;
    })();
    const spans = () => bed.h.spans().then((all) => all.map((s) => [s.attributes['error.type'], s.attributes['gen_ai.response.finish_reasons']]));
    if (major(version) >= 2) {
      expect(await thrown(() => failing)).toBeInstanceOf(sdk.ApiError);
      expect(await spans()).toEqual([['RESOURCE_EXHAUSTED', undefined], ['INTERNAL', ['error']]]);
    } else {
      // 1.x drops the error event: the app sees one empty chunk and a normal end, and so does the span.
      await failing;
      expect(chunks).toBe(3);
      expect(await spans()).toEqual([['RESOURCE_EXHAUSTED', undefined], [undefined, undefined]]);
    }
  });

  check('chats.sendMessage and sendMessageStream: one span each', async () => {
    const chat = client.chats.create({ model: 'gemini-2.0-flash' });
    await chat.sendMessage({ message: 'hello there' });
    await drain(await chat.sendMessageStream({ message: 'and stream' }));
    await spansNamed('generate_content gemini-2.0-flash', 2);
    await expectServedTokens();
  });

  check('automatic function calling: one span per model request', async () => {
    const tool = weatherTool();
    await client.models.generateContent({ model: 'gemini-2.0-flash', contents: 'weather in Paris?', config: { tools: [tool] } });
    expect(tool.calls).toHaveLength(1);
    await spansNamed('generate_content gemini-2.0-flash', 2);
    await expectServedTokens();
  });

  check('automatic continuation (where the SDK has it): one span per hop', async () => {
    if (typeof sdk.Models.prototype.generateContentWithContinuation !== 'function') {
      console.log(`${NAME} ${version}: no automatic continuation, not checked`);
      return;
    }
    await client.models.generateContent({ model: 'gemini-long-decode', contents });
    const spans = await spansNamed('generate_content gemini-long-decode', 2);
    expect(spans.map((s) => s.attributes['gen_ai.response.finish_reasons'])).toEqual([['CONTINUATION'], ['STOP']]);
    await expectServedTokens();
  });

  check('models.embedContent and Vertex AI: provider from the client configuration', async () => {
    await client.models.embedContent({ model: 'gemini-embedding-001', contents: ['one two'] });
    const vertex = vertexClient(sdk, bed.standIn, authFrom);
    await vertex.models.embedContent({ model: 'text-embedding-005', contents: ['one two three'] });
    await vertex.models.generateContent({ model: 'gemini-2.0-flash', contents });
    const spans = await bed.h.spans();
    expect(spans.map((s) => [s.name, s.attributes['gen_ai.provider.name'], s.attributes['gen_ai.usage.input_tokens']])).toEqual([
      ['embeddings gemini-embedding-001', 'gcp.gemini', undefined],
      ['embeddings text-embedding-005', 'gcp.vertex_ai', 3],
      ['generate_content gemini-2.0-flash', 'gcp.vertex_ai', bed.standIn.served[2].usage!.promptTokenCount],
    ]);
  });
});
