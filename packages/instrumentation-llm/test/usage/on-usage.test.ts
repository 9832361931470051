import { describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import type { UsageRecord } from '@tokenpath/instrumentation-llm';
import { openaiClient, useTestbed } from '../support/testbed';
import { drain, onlySpan, plainAndInstrumented, thrown } from '../support/helpers';

// One hook for the file; each test says what it does.
let hook: (record: UsageRecord) => void | Promise<void> = () => {};
const records: UsageRecord[] = [];
const bed = useTestbed(openaiClient, {
  config: {
    onUsage: (record) => {
      records.push(record);
      return hook(record);
    },
  },
});
const messages = [{ role: 'user' as const, content: 'count these five words' }];

/** The one record of a call, without the cost and attribution the cost module fills (tested there). */
function onlyRecord(): Omit<UsageRecord, 'cost' | 'attribution'> {
  expect(records).toHaveLength(1);
  const { cost: _cost, attribution: _attribution, ...rest } = records[0];
  return rest;
}

async function ids() {
  const span = await onlySpan(bed.h);
  return { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
}

/** The record of a chat call to the stand-in: what every such record states, and `facts` (tokens, usage source, ...). */
async function chatRecord(requestModel: string, stream: boolean, facts: Partial<UsageRecord>): Promise<Record<string, unknown>> {
  return {
    provider: 'openai',
    operation: 'chat',
    requestModel,
    serverAddress: '127.0.0.1',
    serverPort: bed.standIn.port,
    stream,
    durationSeconds: expect.any(Number),
    endTimeUnixMs: expect.any(Number),
    ...facts,
    ...(await ids()),
  };
}

/** Every token count an OpenAI chat usage states, as a record's tokens. */
const openaiTokens = (u: any): UsageRecord['tokens'] => ({
  input: u.prompt_tokens,
  output: u.completion_tokens,
  cacheRead: u.prompt_tokens_details.cached_tokens,
  reasoning: u.completion_tokens_details.reasoning_tokens,
});

describe('onUsage', () => {
  const reset = () => {
    records.length = 0;
    hook = () => {};
  };

  it('hands over one record per non-streamed call with every token count the provider stated', async () => {
    reset();
    await bed.client.chat.completions.create({ model: 'o4-mini', messages, prompt_cache_key: 'k' });
    const u = bed.standIn.served[0].usage!;
    expect(onlyRecord()).toEqual(
      await chatRecord('o4-mini', false, { responseModel: 'o4-mini-2024-07-18', tokens: openaiTokens(u), usageSource: 'provider' }),
    );
    expect(records[0].durationSeconds).toBeGreaterThan(0);
    expect(Math.abs(records[0].endTimeUnixMs - Date.now())).toBeLessThan(60_000);
  });

  it('hands over the usage a stream states, once the stream ends', async () => {
    reset();
    const chunks = await drain(
      await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true, stream_options: { include_usage: true } }),
    );
    const u = chunks.at(-1).usage;
    expect(onlyRecord()).toEqual(
      await chatRecord('gpt-4o-mini', true, { responseModel: 'gpt-4o-mini-2024-07-18', tokens: openaiTokens(u), usageSource: 'provider' }),
    );
  });

  it('hands over a failed call with its error type and no tokens', async () => {
    reset();
    const error = await thrown(() => bed.client.chat.completions.create({ model: 'error-429', messages }));
    expect(error).toBeInstanceOf(bed.sdk.RateLimitError);
    expect(onlyRecord()).toEqual(await chatRecord('error-429', false, { tokens: {}, usageSource: 'none', errorType: 'RateLimitError' }));
  });

  it('hands over an aborted stream as none, never a guessed count', async () => {
    reset();
    const stream = await bed.client.chat.completions.create({
      model: 'stream-hang',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: any[] = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      stream.controller.abort();
    }
    expect(onlyRecord()).toEqual(
      await chatRecord('stream-hang', true, { responseModel: chunks[0].model, tokens: {}, usageSource: 'none', errorType: 'AbortError' }),
    );
  });

  it('keeps a hook that throws away from the app: same result as uninstrumented, one diag message', async () => {
    reset();
    hook = () => {
      throw new Error('ledger down');
    };
    const errors: unknown[][] = [];
    diag.setLogger(
      { error: (...a: unknown[]) => errors.push(a), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} },
      DiagLogLevel.ERROR,
    );
    try {
      const create = () => bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, seed: 1 });
      const { plain, output: instrumented } = await plainAndInstrumented(bed.h, create);
      expect(instrumented.choices).toEqual(plain.choices);
      expect(instrumented.usage).toEqual(plain.usage);
      await create();
      const streamed = await drain(await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages, stream: true }));
      expect(streamed.length).toBeGreaterThan(1);
      expect(records).toHaveLength(3);
      const hookErrors = errors.map((a) => a.map(String).join(' ')).filter((m) => m.includes('onUsage'));
      expect(hookErrors).toHaveLength(1);
      expect(hookErrors[0]).toContain('the call is unaffected');
    } finally {
      diag.disable();
    }
  });

  it('contains a hook that rejects', async () => {
    reset();
    hook = async () => {
      throw new Error('async ledger down');
    };
    const result = await bed.client.chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(result.choices[0].message.content).toContain('stand-in');
    // a rejection left unhandled would fail this test file (vitest reports unhandled rejections)
    await new Promise((resolve) => setImmediate(resolve));
    expect(records).toHaveLength(1);
  });
});
