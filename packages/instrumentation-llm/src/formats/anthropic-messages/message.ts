/**
 * The Anthropic Messages format, wherever it is served (the Anthropic API, Claude on Bedrock
 * InvokeModel, Vertex AI): the request's sampling parameters, and where a complete Message and a
 * stream's `message_start` / `message_delta` events keep id, model, stop reason and usage (the
 * counting rules are in usage.ts). Content blocks are in content.ts.
 * https://docs.anthropic.com/en/api/messages https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import type { RequestFacts } from '@tokenpath/semconv';
import type { GenAiOperation } from '../../core/operation';
import { countOf, numberOf, objectOf, stringListOf, stringOf } from '../../core/read';
import { assignUsage } from '../../core/usage';
import { noCounts, stateCounts, usageOf, type AnthropicCounts } from './usage';

/** Sampling parameters of a Messages request body (the model and `stream` are the caller's to read). */
export function samplingFacts(p: Record<string, any>): RequestFacts {
  return {
    maxTokens: countOf(p.max_tokens),
    temperature: numberOf(p.temperature),
    topP: numberOf(p.top_p),
    topK: countOf(p.top_k),
    stopSequences: stringListOf(p.stop_sequences),
  };
}

/** A complete Message: id, model, `stop_reason` and usage. */
export function readMessage(op: GenAiOperation, m: Record<string, any>): void {
  op.response.id = stringOf(m.id);
  op.response.model = stringOf(m.model);
  const reason = stringOf(m.stop_reason);
  if (reason !== undefined) op.response.finishReasons = [reason];
  const counts = noCounts();
  if (stateCounts(counts, m.usage)) assignUsage(op.usage, usageOf(counts));
}

/**
 * The two stream events that carry the Message's facts: `message_start` (id, model, first usage) and
 * `message_delta` (stop reason, final cumulative usage); `counts` holds what the stream stated so far.
 * Other events are left to the caller (content blocks).
 */
export function readMessageEvent(op: GenAiOperation, event: Record<string, any>, counts: AnthropicCounts): void {
  if (event.type === 'message_start') {
    const m = objectOf(event.message);
    if (!m) return;
    op.response.id = stringOf(m.id) ?? op.response.id;
    op.response.model = stringOf(m.model) ?? op.response.model;
    if (stateCounts(counts, m.usage)) assignUsage(op.usage, usageOf(counts));
  } else if (event.type === 'message_delta') {
    const reason = stringOf(event.delta?.stop_reason);
    if (reason !== undefined) op.response.finishReasons = [reason];
    // The final usage: cumulative, and it may restate the input and cache counts.
    if (stateCounts(counts, event.usage)) assignUsage(op.usage, usageOf(counts));
  }
}
