/**
 * Where OpenAI-style payloads keep token counts.
 * Chat Completions / legacy Completions: `usage.prompt_tokens` (cached included),
 * `usage.completion_tokens` (reasoning included), `prompt_tokens_details.cached_tokens`,
 * `completion_tokens_details.reasoning_tokens`. Responses: `usage.input_tokens` / `output_tokens`
 * with `input_tokens_details` / `output_tokens_details`.
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
