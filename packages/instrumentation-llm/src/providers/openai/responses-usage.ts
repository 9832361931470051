/**
 * Where the Responses API keeps token counts: `usage.input_tokens` / `output_tokens` with
 * `input_tokens_details.cached_tokens` and `output_tokens_details.reasoning_tokens`.
 */
import type { UsageFacts } from '@tokenpath/semconv';
import { countOf, objectOf } from '../../core/read';

export function responsesUsageOf(value: unknown): UsageFacts | undefined {
  const u = objectOf(value);
  if (!u) return undefined;
  return {
    inputTokens: countOf(u.input_tokens),
    outputTokens: countOf(u.output_tokens),
    cacheReadInputTokens: countOf(u.input_tokens_details?.cached_tokens),
    reasoningOutputTokens: countOf(u.output_tokens_details?.reasoning_tokens),
  };
}
