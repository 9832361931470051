/**
 * The instrumentation declares `@anthropic-ai/sdk >=0.11.0 <2`. This runs one compact behaviour check against points
 * across the 0.x line (installed by test/support/sdk-versions.mjs into the git-ignored test/.sdk/: 0.11, whose only
 * Messages API is `beta.messages`, up to the newest 0.x) and the repo's own 1.x devDependency. Each copy is loaded
 * through a require created inside its own folder AFTER the harness exists, so the require hook patches that copy, as
 * in an app (test/support/sdk-matrix.ts). A global tracer provider is registered, so on the versions that trace
 * themselves (0.13x and 1.x) replacing the SDK's own call spans is checked too.
 *
 * CI must be able to install the 0.x version (npm registry access): run `node test/support/sdk-versions.mjs`
 * first, or let the suite do it; without the registry this suite fails with the installer's message.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import path from 'node:path';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { expectTokenTotals, pointCount } from '../../support/helpers';
import { readVersion, repoRoot, useSdkMatrix } from '../../support/sdk-matrix';
import { useTestbed } from '../../support/testbed';
import { MODEL, anthropicClient, inputOf, messages } from './support';

const NAME = '@anthropic-ai/sdk';

const bed = useTestbed();
beforeAll(() => {
  trace.setGlobalTracerProvider(bed.h.tracerProvider);
});
afterAll(() => {
  trace.disable();
});
const matrix = useSdkMatrix(bed, NAME);

async function onlySpan(model = MODEL): Promise<ReadableSpan> {
  const spans = await bed.h.spans();
  expect(spans.map((s) => s.name), 'exactly one span per call, the SDK’s own not started').toEqual([`chat ${model}`]);
  return spans[0];
}

/** Token-usage points equal the span's input / output tokens (one point each). */
async function expectTokenPoints(span: ReadableSpan): Promise<void> {
  const points = await expectTokenTotals(bed.h, {
    input: span.attributes['gen_ai.usage.input_tokens'] as number,
    output: span.attributes['gen_ai.usage.output_tokens'] as number,
  });
  expect(pointCount(points)).toBe(2);
}

describe.each(matrix.entries)(`${NAME} $version ($source)`, (entry) => {
  const { version } = entry;
  let sdk: any;
  let client: any;
  /** `client.messages`, or `client.beta.messages` where that is the only Messages API (0.11–0.13). */
  let msgs: any;
  let loadedFrom: string;
  const check = matrix.check(version);

  beforeAll(() => {
    ({ exports: sdk, loadedFrom } = matrix.load(entry));
    client = anthropicClient.client(sdk, bed.standIn);
    msgs = client.messages ?? client.beta.messages;
  });

  check('loads that copy and the require hook patched every Messages class it has', async () => {
    expect(readVersion(path.join(repoRoot, loadedFrom))).toBe(version);
    const classes = { Messages: sdk.Anthropic.Messages, 'Beta.Messages': sdk.Anthropic.Beta?.Messages };
    const present = Object.entries(classes).filter(([, cls]) => typeof cls?.prototype?.create === 'function');
    expect(present.length, 'a Messages class').toBeGreaterThan(0);
    for (const [name, cls] of present) expect(isWrapped(cls.prototype.create), `${name}.prototype.create`).toBe(true);
  });

  check('messages.create: exact usage attributes with a cache write and thinking', async () => {
    const system = [{ type: 'text', text: `cached prompt of ${version}`, cache_control: { type: 'ephemeral' } }];
    const r = await msgs.create({ model: MODEL, max_tokens: 50, system, messages, thinking: { type: 'enabled', budget_tokens: 1024 } });
    const span = await onlySpan();
    const wire = bed.standIn.served[0].usage!;
    expect(wire.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.response.id': r.id,
      'gen_ai.response.model': `${MODEL}-2024-07-18`,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': inputOf(wire),
      'gen_ai.usage.output_tokens': wire.output_tokens,
      'gen_ai.usage.cache_creation.input_tokens': wire.cache_creation_input_tokens,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 2,
    });
    expect(r.usage).toEqual(wire);
    await expectTokenPoints(span);
  });

  check('messages.create stream: usage from message_start and message_delta, time to first chunk', async () => {
    const stream = await msgs.create({ model: MODEL, max_tokens: 50, messages, stream: true });
    let text = '';
    for await (const event of stream) if (event.delta?.type === 'text_delta') text += event.delta.text;
    expect(text).toContain('tokenpath stand-in');
    const span = await onlySpan();
    const wire = bed.standIn.served[0].usage!;
    expect(span.attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.usage.input_tokens': inputOf(wire),
      'gen_ai.usage.output_tokens': wire.output_tokens,
    });
    expect(typeof span.attributes['gen_ai.response.time_to_first_chunk']).toBe('number');
    await expectTokenPoints(span);
  });

  check('messages.stream(): events and finalMessage() keep working, one span', async () => {
    const helper = msgs.stream({ model: MODEL, max_tokens: 50, messages });
    let text = '';
    helper.on('text', (t: string) => (text += t));
    const final = await helper.finalMessage();
    expect(final.content[0].text).toBe(text);
    const span = await onlySpan();
    expect(span.attributes['gen_ai.response.id']).toBe(final.id);
    // The wire's count, not finalMessage()'s: the 0.11 helper keeps message_start's output count (1).
    const wire = bed.standIn.served[0].usage!;
    expect(span.attributes['gen_ai.usage.input_tokens']).toBe(inputOf(wire));
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(wire.output_tokens);
  });

  check('an HTTP 429: error.type is the SDK error class, no token points', async () => {
    await expect(msgs.create({ model: 'error-429', max_tokens: 50, messages })).rejects.toBeInstanceOf(sdk.RateLimitError);
    const span = await onlySpan('error-429');
    expect(span.attributes['error.type']).toBe('RateLimitError');
    expect(await bed.h.points('gen_ai.client.token.usage')).toEqual([]);
  });
});
