/**
 * `cohere-ai >=7.21.0 <9`: the newest 7.x from test/.sdk (installed by test/support/sdk-versions.mjs) and the repo's
 * 8.x. Each copy is loaded through a require created inside its own folder AFTER the harness exists, so the require
 * hook patches that copy, as in an app (test/support/sdk-matrix.ts).
 */
import { beforeAll, describe, expect } from 'vitest';
import { expectTokenTotals, onlySpan, pointCount } from '../../support/helpers';
import { useSdkMatrix } from '../../support/sdk-matrix';
import { useTestbed } from '../../support/testbed';

const bed = useTestbed();
const matrix = useSdkMatrix(bed, 'cohere-ai');
const messages = [{ role: 'user', content: 'tell me about tokens please' }];

describe.each(matrix.entries)('cohere-ai $version ($source)', (entry) => {
  let client: any;
  const check = matrix.check(entry.version);
  beforeAll(() => {
    client = new (matrix.load(entry).exports.CohereClientV2)({ token: 'co-test', environment: bed.standIn.url, maxRetries: 0 });
  });

  check('meters a chat call with the billed counts: one span, exact token points', async () => {
    const r = await client.chat({ model: 'command-r', messages });
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.provider.name']).toBe('cohere');
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['COMPLETE']);
    await expectTokenTotals(bed.h, { input: r.usage.billedUnits.inputTokens, output: r.usage.billedUnits.outputTokens });
  });

  check('meters a consumed chatStream from message-end, in one span', async () => {
    for await (const _ of await client.chatStream({ model: 'command-r', messages }));
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(bed.standIn.served[0].usage!.billed_units.output_tokens);
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(1);
  });

  check('meters embed', async () => {
    await client.embed({ model: 'embed-v4.0', texts: ['one two'], inputType: 'search_query', embeddingTypes: ['float'] });
    expect((await onlySpan(bed.h)).attributes['gen_ai.usage.input_tokens']).toBe(2);
  });
});
