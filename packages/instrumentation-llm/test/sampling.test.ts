import { describe, expect, it } from 'vitest';
import { ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { expectTokenTotals, pointCount } from './support/helpers';
import { openaiClient, useTestbed } from './support/testbed';

const bed = useTestbed(openaiClient, { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0) }) });

describe('metering is independent of trace sampling', () => {
  it('records exact token metrics when no span is sampled', async () => {
    await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'one two three' }] });
    const stream = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'four five' }], stream: true, stream_options: { include_usage: true } });
    for await (const _ of stream);
    await bed.client.responses.create({ model: 'gpt-4o-mini', input: 'six seven eight nine' });

    expect(await bed.h.spans()).toHaveLength(0);
    const served = bed.standIn.served.map((s) => s.usage!);
    const input = served[0].prompt_tokens + served[1].prompt_tokens + served[2].input_tokens;
    const output = served[0].completion_tokens + served[1].completion_tokens + served[2].output_tokens;
    await expectTokenTotals(bed.h, { input, output });
    const duration = await bed.h.points('gen_ai.client.operation.duration');
    expect(pointCount(duration)).toBe(3);
    expect(duration[0].attributes['gen_ai.response.model']).toBe('gpt-4o-mini-2024-07-18');
  });
});
