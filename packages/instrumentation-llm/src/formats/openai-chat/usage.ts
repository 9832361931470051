/**
 * Where the OpenAI chat format keeps token counts (Chat Completions and legacy Completions, as
 * openai, groq-sdk, together-ai and every OpenAI-compatible host send them): `usage.prompt_tokens`
 * (cached included), `usage.completion_tokens` (reasoning included),
 * `prompt_tokens_details.cached_tokens`, `completion_tokens_details.reasoning_tokens`.
 */
import type { UsageFacts } from '@tokenpath/semconv';
import { countOf, objectOf } from '../../core/read';

export function chatUsageOf(value: unknown): UsageFacts | undefined {
  const u = objectOf(value);
  if (!u) return undefined;
  const inputTokens = countOf(u.prompt_tokens);
  let outputTokens = countOf(u.completion_tokens);
  const reasoningOutputTokens = countOf(u.completion_tokens_details?.reasoning_tokens);
  // Some OpenAI-compatible hosts (xAI) leave reasoning out of completion_tokens; their total says so.
  if (
    outputTokens !== undefined &&
    inputTokens !== undefined &&
    reasoningOutputTokens &&
    countOf(u.total_tokens) === inputTokens + outputTokens + reasoningOutputTokens
  ) {
    outputTokens += reasoningOutputTokens;
  }
  return {
    inputTokens,
    outputTokens,
    // DeepSeek reports cache hits in its own field.
    cacheReadInputTokens: countOf(u.prompt_tokens_details?.cached_tokens) ?? countOf(u.prompt_cache_hit_tokens),
    reasoningOutputTokens,
  };
}
