import { describe, expect, it } from 'vitest';
import { AlwaysOffSampler } from '@opentelemetry/sdk-trace';
import type { UsageRecord } from '@tokenpath/instrumentation-llm';
import { openaiClient, useTestbed } from '../support/testbed';

const records: UsageRecord[] = [];
const bed = useTestbed(openaiClient, { sampler: new AlwaysOffSampler(), config: { onUsage: (r) => void records.push(r) } });

describe('onUsage with a sampler that records no span', () => {
  it('still hands over the full record, with the ids of the unsampled span', async () => {
    const result = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi there' }] });
    expect(await bed.h.spans()).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0].tokens).toEqual({
      input: result.usage.prompt_tokens,
      output: result.usage.completion_tokens,
      cacheRead: result.usage.prompt_tokens_details.cached_tokens,
      reasoning: result.usage.completion_tokens_details.reasoning_tokens,
    });
    expect(records[0].traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(records[0].spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(records[0].traceId).not.toBe('00000000000000000000000000000000');
  });
});
