/**
 * Where Anthropic keeps token counts: `usage.input_tokens` (WITHOUT cache reads and writes),
 * `usage.cache_read_input_tokens`, `usage.cache_creation_input_tokens`, `usage.output_tokens`
 * (thinking included) and, in newer API versions, `usage.output_tokens_details.thinking_tokens`.
 * The same shape comes from Bedrock and Vertex AI.
 *
 * A stream states usage twice: in `message_start` (output_tokens is the count so far) and in the
 * final `message_delta`, which may restate the input and cache counts with other values. Each count
 * takes its last stated value (null states nothing), and only then are the input counts added up,
 * as the conventions count cached tokens in the input tokens.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/anthropic.md
 */
import type { UsageFacts } from '@tokenpath/semconv';
import { countOf, objectOf } from '../../core/read';
import { usageAddingCacheToInput, type CacheExclusiveCounts } from '../../core/usage';

export type AnthropicCounts = CacheExclusiveCounts;

export const noCounts = (): AnthropicCounts => ({ input: undefined, output: undefined, cacheRead: undefined, cacheWrite: undefined });

/** Overwrites `counts` with every count `usage` states; returns false when `usage` is not an object. */
export function stateCounts(counts: AnthropicCounts, usage: unknown): boolean {
  const u = objectOf(usage);
  if (!u) return false;
  counts.input = countOf(u.input_tokens) ?? counts.input;
  counts.output = countOf(u.output_tokens) ?? counts.output;
  counts.cacheRead = countOf(u.cache_read_input_tokens) ?? counts.cacheRead;
  counts.cacheWrite = countOf(u.cache_creation_input_tokens) ?? counts.cacheWrite;
  counts.reasoning = countOf(u.output_tokens_details?.thinking_tokens) ?? counts.reasoning;
  return true;
}

/** The conventions' usage from what the wire stated. */
export const usageOf = (counts: AnthropicCounts): UsageFacts => usageAddingCacheToInput(counts);
