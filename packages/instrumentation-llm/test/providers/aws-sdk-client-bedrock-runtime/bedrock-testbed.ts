/**
 * The Bedrock Runtime client every Bedrock behaviour test uses: the real SDK with its default
 * (HTTP/2) request handler on the stand-in, static test credentials, one attempt (retries are
 * tested on their own).
 */
import { expect } from 'vitest';
import type { Harness } from '../../support/harness';
import { expectTokenTotals } from '../../support/helpers';
import type { StandIn } from '../../support/stand-in';

/** Static test credentials; telemetry must never contain them. */
export const CREDENTIALS = { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret-access-key' };

export const bedrockClientOptions = (standIn: StandIn, extra: Record<string, unknown> = {}) => ({
  region: 'us-east-1',
  endpoint: standIn.url,
  credentials: CREDENTIALS,
  maxAttempts: 1,
  ...extra,
});

export const bedrockClient = {
  module: '@aws-sdk/client-bedrock-runtime',
  client: (sdk: any, standIn: StandIn) => new sdk.BedrockRuntimeClient(bedrockClientOptions(standIn)),
};

/** `gen_ai.usage.input_tokens` of what the stand-in served: Bedrock states input without cache reads and writes. */
export function servedInput(usage: Record<string, any>): number {
  const input = usage.inputTokens ?? usage.inputTokenCount;
  const read = usage.cacheReadInputTokens ?? usage.cacheReadInputTokenCount ?? 0;
  const write = usage.cacheWriteInputTokens ?? usage.cacheWriteInputTokenCount ?? 0;
  return input + read + write;
}

export const servedOutput = (usage: Record<string, any>): number => usage.outputTokens ?? usage.outputTokenCount;

/** Messages whose `cachePoint` makes the stand-in report cache reads and writes. */
export const cachedMessages = [
  { role: 'user', content: [{ text: 'a long shared prefix of words to cache' }, { cachePoint: { type: 'default' } }, { text: 'question' }] },
];

/**
 * A call's Converse `usage` (as the app got it) against the span and the token points: the input
 * includes the cache reads and writes, which are also recorded apart.
 */
export async function expectCacheAccounting(h: Harness, standIn: StandIn, usage: Record<string, number>): Promise<void> {
  const { inputTokens, cacheReadInputTokens, cacheWriteInputTokens } = usage;
  expect(cacheReadInputTokens).toBeGreaterThan(0);
  expect(cacheWriteInputTokens).toBeGreaterThan(0);
  const [span] = await h.spans();
  expect(span.attributes).toMatchObject({
    'gen_ai.usage.input_tokens': inputTokens + cacheReadInputTokens + cacheWriteInputTokens,
    'gen_ai.usage.cache_read.input_tokens': cacheReadInputTokens,
    'gen_ai.usage.cache_creation.input_tokens': cacheWriteInputTokens,
  });
  await expectTokenTotals(h, { input: servedInput(standIn.served[0].usage!) });
}
