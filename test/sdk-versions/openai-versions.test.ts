/**
 * The instrumentation declares `openai >=4.0.0 <8`. This runs one compact behaviour check against every supported
 * major: the newest 4.x, 5.x and 6.x (installed by test/support/sdk-versions.mjs into the git-ignored test/.sdk/,
 * one folder per major) and the repo's own 7.x devDependency. Each copy is loaded through a require created inside
 * its own folder AFTER the harness exists, so the instrumentation's require hook patches that copy, as in an app.
 *
 * CI must be able to install the versions (npm registry access): run `node test/support/sdk-versions.mjs` first, or
 * let the suite do it; without the registry this suite fails with the installer's message.
 */
import { beforeAll, describe, expect } from 'vitest';
import path from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { drain, expectTokenTotals, onlySpan, pointCount } from '../../packages/instrumentation-llm/test/support/helpers';
import { readVersion, repoRoot, useSdkMatrix } from '../../packages/instrumentation-llm/test/support/sdk-matrix';
import { openaiClient, useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { ANSWER_RESPONSE_FORMAT } from '../../packages/instrumentation-llm/test/support/behaviour';

const messages = [{ role: 'user', content: 'tell me about tokens please' }];

const bed = useTestbed();
const matrix = useSdkMatrix(bed, 'openai');

/** Token-usage points equal the span's input / output tokens (one point each). */
async function expectTokenPoints(span: ReadableSpan): Promise<void> {
  const output = span.attributes['gen_ai.usage.output_tokens'];
  const points = await expectTokenTotals(bed.h, {
    input: span.attributes['gen_ai.usage.input_tokens'] as number,
    output: (output as number | undefined) ?? 0,
  });
  expect(pointCount(points)).toBe(output === undefined ? 1 : 2);
}

describe.each(matrix.entries)('openai $version ($source)', (entry) => {
  const { version } = entry;
  let OpenAI: any;
  let client: any;
  let loadedFrom: string;
  /** Runs a check and counts it for the summary line. */
  const check = matrix.check(version);

  beforeAll(() => {
    let exports: any;
    ({ exports, loadedFrom } = matrix.load(entry));
    OpenAI = entry.source === 'repo' ? exports : (exports.OpenAI ?? exports.default ?? exports);
    client = openaiClient.client(OpenAI, bed.standIn);
  });

  check('loads that copy and the require hook patched it', async () => {
    expect(readVersion(path.join(repoRoot, loadedFrom))).toBe(version);
    expect(isWrapped(OpenAI.Chat.Completions.prototype.create), 'Chat.Completions.prototype.create').toBe(true);
    expect(isWrapped(OpenAI.Embeddings.prototype.create), 'Embeddings.prototype.create').toBe(true);
    expect(isWrapped(OpenAI.Completions.prototype.create), 'Completions.prototype.create').toBe(true);
    if (OpenAI.Responses) expect(isWrapped(OpenAI.Responses.prototype.create), 'Responses.prototype.create').toBe(true);
  });

  check('chat.completions.create: exact usage attributes', async () => {
    const r = await client.chat.completions.create({ model: 'o4-mini', messages, prompt_cache_key: 'versions' });
    const span = await onlySpan(bed.h);
    const wire = bed.standIn.served[0].usage!;
    expect(wire.prompt_tokens_details.cached_tokens).toBeGreaterThan(0);
    expect(wire.completion_tokens_details.reasoning_tokens).toBe(2);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'o4-mini',
      'gen_ai.response.id': r.id,
      'gen_ai.response.model': 'o4-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': wire.prompt_tokens,
      'gen_ai.usage.output_tokens': wire.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': wire.prompt_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': 2,
    });
    expect(r.usage).toEqual(wire);
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeUndefined();
    await expectTokenPoints(span);
  });

  check('chat.completions.create stream with include_usage: usage and time to first chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      prompt_cache_key: 'versions',
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('tokenpath stand-in');
    const span = await onlySpan(bed.h);
    const wire = bed.standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': wire.prompt_tokens,
      'gen_ai.usage.output_tokens': wire.completion_tokens,
      'gen_ai.usage.cache_read.input_tokens': wire.prompt_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': 0,
    });
    const ttfc = span.attributes['gen_ai.response.time_to_first_chunk'];
    expect(typeof ttfc).toBe('number');
    expect(ttfc as number).toBeGreaterThanOrEqual(0);
    const ttfcPoints = await bed.h.points('gen_ai.client.operation.time_to_first_chunk');
    expect(pointCount(ttfcPoints)).toBe(1);
    await expectTokenPoints(span);
  });

  check('responses.create (where OpenAI.Responses exists): usage, no finish reasons', async () => {
    if (!OpenAI.Responses) {
      console.log(`openai ${version}: no OpenAI.Responses, responses.create not checked`);
      return;
    }
    const r = await client.responses.create({ model: 'gpt-5-mini', input: 'tell me about tokens please', prompt_cache_key: 'v' });
    let span = await onlySpan(bed.h);
    let wire = bed.standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'openai.api.type': 'responses',
      'gen_ai.response.id': r.id,
      'gen_ai.response.model': 'gpt-5-mini-2024-07-18',
      'gen_ai.usage.input_tokens': wire.input_tokens,
      'gen_ai.usage.output_tokens': wire.output_tokens,
      'gen_ai.usage.cache_read.input_tokens': wire.input_tokens_details.cached_tokens,
      'gen_ai.usage.reasoning.output_tokens': 2,
    });
    expect(span.attributes['gen_ai.response.finish_reasons']).toBeUndefined();
    await expectTokenPoints(span);

    // The same API streamed: id, model and usage come from the terminal event.
    await bed.h.reset();
    bed.standIn.served.length = 0;
    const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'stream it please', stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.completed');
    span = await onlySpan(bed.h);
    wire = bed.standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': wire.input_tokens,
      'gen_ai.usage.output_tokens': wire.output_tokens,
    });
    expect(typeof span.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
  });

  check('embeddings.create: input tokens and dimension count', async () => {
    const r = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'one two three' });
    const span = await onlySpan(bed.h);
    expect(Array.isArray(r.data[0].embedding)).toBe(true);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.response.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': bed.standIn.served[0].usage!.prompt_tokens,
      'gen_ai.embeddings.dimension.count': r.data[0].embedding.length,
    });
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(3);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBeUndefined();
    await expectTokenPoints(span);
  });

  check('chat.completions.parse() (beta on 4.x): the parsed result, and the usage on one span', async () => {
    // The helper chains its own transform on the promise create() returned (`_thenUnwrap`): tokenpath must
    // see that parse without parsing the body itself ("Body is unusable").
    const completions = client.chat.completions.parse ? client.chat.completions : client.beta.chat.completions;
    const r = await completions.parse({
      model: 'gpt-4o-mini',
      messages,
      response_format: ANSWER_RESPONSE_FORMAT,
    });
    expect(r.choices[0].message.parsed).toEqual({ answer: 'stand-in' });
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.completion_tokens);
    await expectTokenPoints(span);
  });

  check('a body the SDK cannot parse: the caller gets the SDK\'s error, the span ends with it', async () => {
    bed.standIn.enqueue({ response: { status: 200, headers: { 'content-type': 'application/json' }, body: '{"id": "cut short' } });
    const error = await client.chat.completions.create({ model: 'gpt-4o-mini', messages }).catch((e: unknown) => e);
    // 4.x reads the body through node-fetch, whose json() wraps the parse error.
    const expected = version.startsWith('4.') ? 'FetchError' : 'SyntaxError';
    expect((error as Error).constructor.name).toBe(expected);
    const span = await onlySpan(bed.h);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes['error.type']).toBe(expected);
  });

  check('stream.tee(): both branches get every chunk, one span with the usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const [left, right] = stream.tee();
    const [a, b] = await Promise.all([drain(left), drain(right)]);
    expect(a.length).toBeGreaterThan(2);
    expect(b).toEqual(a);
    expect(a.at(-1).usage).toEqual(bed.standIn.served[0].usage);
    const span = await onlySpan(bed.h);
    expect(span.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': bed.standIn.served[0].usage!.prompt_tokens,
      'gen_ai.usage.output_tokens': bed.standIn.served[0].usage!.completion_tokens,
      'gen_ai.response.finish_reasons': ['stop'],
    });
    await expectTokenPoints(span);
  });
});
