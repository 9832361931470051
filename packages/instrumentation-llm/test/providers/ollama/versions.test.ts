/**
 * `ollama >=0.5.0 <0.7`: the newest 0.5 from test/.sdk (installed by test/support/sdk-versions.mjs),
 * and the repo's 0.6. Each copy is loaded through a require created inside its own folder AFTER the harness exists,
 * so the require hook patches that copy, as in an app (test/support/sdk-matrix.ts).
 */
import { beforeAll, describe, expect } from 'vitest';
import { expectTokenTotals, onlySpan, pointCount } from '../../support/helpers';
import { useSdkMatrix } from '../../support/sdk-matrix';
import { useTestbed } from '../../support/testbed';

const bed = useTestbed();
const matrix = useSdkMatrix(bed, 'ollama');
let n = 0;

describe.each(matrix.entries)('ollama $version ($source)', (entry) => {
  let client: any;
  const check = matrix.check(entry.version);
  beforeAll(() => {
    client = new (matrix.load(entry).exports.Ollama)({ host: bed.standIn.url });
  });

  check('meters a chat call: one span, exact token points', async () => {
    const r = await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: `hello there ${++n}` }] });
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.provider.name']).toBe('ollama');
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
    await expectTokenTotals(bed.h, { input: r.prompt_eval_count, output: r.eval_count });
  });

  check('meters a consumed stream from its done line, in one span', async () => {
    let last: any;
    for await (const part of await client.chat({ model: 'llama3.2', messages: [{ role: 'user', content: `again ${++n}` }], stream: true })) last = part;
    const span = await onlySpan(bed.h);
    expect(span.attributes['gen_ai.usage.output_tokens']).toBe(last.eval_count);
    expect(pointCount(await bed.h.points('gen_ai.client.operation.duration'))).toBe(1);
  });

  check('meters embed', async () => {
    await client.embed({ model: 'nomic-embed-text', input: 'one two' });
    expect((await onlySpan(bed.h)).attributes['gen_ai.usage.input_tokens']).toBe(2);
  });
});
