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
