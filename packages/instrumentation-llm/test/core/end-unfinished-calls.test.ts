import { describe, expect, it } from 'vitest';
import { TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT } from '@tokenpath/semconv';
import { endUnfinishedCalls } from '@tokenpath/instrumentation-llm';
import { openaiClient, useTestbed } from '../support/testbed';

// Through the package's public entry, with the real openai SDK on the stand-in, as an app that owns
// its OpenTelemetry SDK would call it before its own `sdk.shutdown()`.
const bed = useTestbed(openaiClient);

describe('endUnfinishedCalls(), for an app that owns its OpenTelemetry SDK', () => {
  it('ends a stream still being read before the app shuts its SDK down', async () => {
    endUnfinishedCalls(); // none left over from other files' calls in this worker
    const stream = await bed.client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'a long answer' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).done).toBe(false);

    expect(endUnfinishedCalls()).toBe(1);
    const [span] = await bed.h.spans();
    expect(span.attributes['error.type']).toBe(TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT);
    expect(span.attributes['tokenpath.usage.source']).toBe('none');
    // The rest of the stream is still the app's to read, unchanged.
    let rest = 0;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest++;
    expect(rest).toBeGreaterThan(0);
    expect(await bed.h.spans()).toHaveLength(1);
    // Ended once: the stream's own end, after it, recorded no second call.
    const durations = await bed.h.points('gen_ai.client.operation.duration');
    expect(durations.map((p) => [p.attributes['error.type'], p.count])).toEqual([[TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT, 1]]);
  });
});
