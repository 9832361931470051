import type { UsageFacts } from '@tokenpath/semconv';

/**
 * Writes the counts a provider reported over what was known: streams restate usage and the last
 * statement wins, never a sum. A count the provider did not state is left as it was.
 */
export function assignUsage(target: UsageFacts, source: UsageFacts): void {
  if (source.inputTokens !== undefined) target.inputTokens = source.inputTokens;
  if (source.outputTokens !== undefined) target.outputTokens = source.outputTokens;
  if (source.cacheReadInputTokens !== undefined) target.cacheReadInputTokens = source.cacheReadInputTokens;
  if (source.cacheCreationInputTokens !== undefined) target.cacheCreationInputTokens = source.cacheCreationInputTokens;
  if (source.reasoningOutputTokens !== undefined) target.reasoningOutputTokens = source.reasoningOutputTokens;
}

/** Raw counts of a provider whose input count leaves cache reads and writes out. */
export interface CacheExclusiveCounts {
  input: number | undefined;
  output: number | undefined;
  cacheRead: number | undefined;
  cacheWrite: number | undefined;
  reasoning?: number | undefined;
}

/**
 * Anthropic and Bedrock state input tokens without the cache reads and writes; the conventions
 * count those in the input tokens. An unstated cache count is none; an unstated input stays unknown.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/anthropic.md
 */
export function usageAddingCacheToInput(c: CacheExclusiveCounts): UsageFacts {
  return {
    inputTokens: c.input === undefined ? undefined : c.input + (c.cacheRead ?? 0) + (c.cacheWrite ?? 0),
    outputTokens: c.output,
    cacheReadInputTokens: c.cacheRead,
    cacheCreationInputTokens: c.cacheWrite,
    reasoningOutputTokens: c.reasoning,
  };
}
