/**
 * Where Gemini and Vertex keep token counts and finish reasons.
 * https://ai.google.dev/api/generate-content#UsageMetadata
 *
 * `promptTokenCount` includes `cachedContentTokenCount`; `candidatesTokenCount` excludes
 * `thoughtsTokenCount` (total = prompt + tool-use prompt + candidates + thoughts). The conventions count
 * every input token in the input and reasoning inside the output, so:
 *   input  = promptTokenCount + toolUsePromptTokenCount (tool results the API fed back, billed as input)
 *   output = candidatesTokenCount + thoughtsTokenCount (thinking is billed as output)
 * A count the payload leaves out stays unknown: `candidatesTokenCount` is absent (not 0) when nothing
 * visible was produced, and then output is the thoughts alone.
 */
import type { UsageFacts } from '@tokenpath/semconv';
import { countOf, objectOf } from '../../core/read';

/** Normalised usage of one `usageMetadata`, or undefined when it states no count at all (Vertex stream chunks). */
export function usageOf(value: unknown): UsageFacts | undefined {
  const u = objectOf(value);
  if (!u) return undefined;
  const prompt = countOf(u.promptTokenCount);
  const toolUse = countOf(u.toolUsePromptTokenCount);
  const candidates = countOf(u.candidatesTokenCount);
  const thoughts = countOf(u.thoughtsTokenCount);
  const cached = countOf(u.cachedContentTokenCount);
  if (prompt === undefined && candidates === undefined && thoughts === undefined && cached === undefined) return undefined;
  return {
    inputTokens: prompt === undefined ? undefined : prompt + (toolUse ?? 0),
    outputTokens: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
    cacheReadInputTokens: cached,
    reasoningOutputTokens: thoughts,
  };
}

/**
 * Every stream chunk restates the running usage; the last statement is the usage of the call, as a
 * whole (never a sum, and never a mix of fields from different chunks).
 */
export function replaceUsage(target: UsageFacts, source: UsageFacts): void {
  target.inputTokens = source.inputTokens;
  target.outputTokens = source.outputTokens;
  target.cacheReadInputTokens = source.cacheReadInputTokens;
  target.reasoningOutputTokens = source.reasoningOutputTokens;
}

/**
 * `FinishReason` names of the integers Vertex sends with `$alt=json;enum-encoding=int`. Only the
 * values both the Gemini API and Vertex number alike (google.cloud.aiplatform.v1 / generativelanguage
 * v1beta `Candidate.FinishReason`); later values differ between the two and between API versions.
 */
const FINISH_REASON_NAMES: readonly string[] = [
  'FINISH_REASON_UNSPECIFIED',
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
];

/**
 * The finish reason as the string enum Google documents (`STOP`, `MAX_TOKENS`, …), also when the
 * wire carried its integer: one value means one thing whatever encoding the client asked for. An
 * integer with no name we are sure of is kept as its decimal string.
 */
export function finishReasonOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return FINISH_REASON_NAMES[value] ?? String(value);
  return undefined;
}
