/**
 * Where Bedrock keeps token counts outside the model-native bodies. Bedrock states input tokens
 * WITHOUT cache reads and writes everywhere (Converse `usage.inputTokens`, the token-count headers,
 * the invocation metrics); the conventions count them in the input tokens (core/usage.ts).
 * - Converse / ConverseStream `usage` (also Nova's native `usage`): inputTokens, outputTokens,
 *   cacheReadInputTokens, cacheWriteInputTokens (older and Nova spellings: *InputTokenCount).
 * - InvokeModel response headers: x-amzn-bedrock-input-token-count, -output-token-count,
 *   -cache-read-input-token-count, -cache-write-input-token-count.
 * - InvokeModelWithResponseStream: `amazon-bedrock-invocationMetrics` in the last inner event
 *   (inputTokenCount, outputTokenCount, cacheReadInputTokenCount, cacheWriteInputTokenCount).
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_TokenUsage.html
 */
import type { UsageFacts } from '@tokenpath/semconv';
import { countOf, objectOf } from '../../core/read';
import { usageAddingCacheToInput } from '../../core/usage';

export function converseUsageOf(value: unknown): UsageFacts | undefined {
  const u = objectOf(value);
  if (!u) return undefined;
  return usageAddingCacheToInput({
    input: countOf(u.inputTokens),
    output: countOf(u.outputTokens),
    cacheRead: countOf(u.cacheReadInputTokens) ?? countOf(u.cacheReadInputTokenCount),
    cacheWrite: countOf(u.cacheWriteInputTokens) ?? countOf(u.cacheWriteInputTokenCount),
  });
}

export function invocationMetricsUsageOf(value: unknown): UsageFacts | undefined {
  const m = objectOf(value);
  if (!m) return undefined;
  return usageAddingCacheToInput({
    input: countOf(m.inputTokenCount),
    output: countOf(m.outputTokenCount),
    cacheRead: countOf(m.cacheReadInputTokenCount),
    cacheWrite: countOf(m.cacheWriteInputTokenCount),
  });
}

const HEADER = 'x-amzn-bedrock-';

function headerCount(headers: Record<string, unknown>, name: string): number | undefined {
  const raw = headers[HEADER + name];
  return typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function headerUsageOf(headers: Record<string, unknown> | undefined): UsageFacts | undefined {
  if (!headers) return undefined;
  return usageAddingCacheToInput({
    input: headerCount(headers, 'input-token-count'),
    output: headerCount(headers, 'output-token-count'),
    cacheRead: headerCount(headers, 'cache-read-input-token-count'),
    cacheWrite: headerCount(headers, 'cache-write-input-token-count'),
  });
}

/** Whether a body stated any usage (else the headers or the invocation metrics are the source). */
export const statesUsage = (usage: UsageFacts): boolean => usage.inputTokens !== undefined || usage.outputTokens !== undefined;
