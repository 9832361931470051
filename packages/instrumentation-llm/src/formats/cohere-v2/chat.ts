/**
 * Cohere's v2 API (`/v2/chat`, `/v2/embed`), apart from the SDK that calls it. A chat response keeps
 * `id`, `finish_reason` (`COMPLETE`, `MAX_TOKENS`, `TOOL_CALL`, …) and `usage`; a stream states the id
 * in `message-start` and the finish reason and usage in `message-end`. There is no response model.
 *
 * Usage has two counts: `billed_units` (what Cohere bills) and `tokens` (what the model consumed,
 * including the prompt template Cohere adds), plus `cached_tokens` (of the consumed input). The meter
 * counts what is billed: `billed_units`, falling back to `tokens` only for a count the bill leaves
 * out. `cached_tokens` is a part of the consumed input, not of the billed one, so it is not reported
 * as `cache_read` (it would exceed the input it is meant to be part of).
 * https://docs.cohere.com/reference/chat https://docs.cohere.com/reference/chat-stream
 */
import {
  GEN_AI_OUTPUT_TYPE_VALUE_JSON,
  type RequestFacts,
  type UsageFacts,
} from '@tokenpath/semconv';
import type { ChatMessage, MessagePart } from '../../core/content';
import type { GenAiOperation } from '../../core/operation';
import { countOf, numberOf, objectOf, stringListOf, stringOf } from '../../core/read';
import type { CallAdapter } from '../../core/traced-call';
import { assignUsage } from '../../core/usage';
import { functionToolCallPart, functionToolDefinitions } from '../function-tools';

export const paramsOf = (params: unknown): Record<string, any> => objectOf(params) ?? {};

export function chatRequestFacts(params: unknown, stream: boolean): RequestFacts {
  const p = paramsOf(params);
  const format = objectOf(p.response_format ?? p.responseFormat)?.type;
  return {
    model: stringOf(p.model),
    temperature: numberOf(p.temperature),
    topP: numberOf(p.p),
    topK: countOf(p.k),
    maxTokens: countOf(p.max_tokens ?? p.maxTokens),
    seed: numberOf(p.seed),
    stopSequences: stringListOf(p.stop_sequences ?? p.stopSequences),
    frequencyPenalty: numberOf(p.frequency_penalty ?? p.frequencyPenalty),
    presencePenalty: numberOf(p.presence_penalty ?? p.presencePenalty),
    outputType: format === 'json_object' ? GEN_AI_OUTPUT_TYPE_VALUE_JSON : undefined,
    stream: stream ? true : undefined,
  };
}

/** Billed counts, each falling back to the consumed one where the bill states none. */
export function cohereUsageOf(value: unknown): UsageFacts | undefined {
  const u = objectOf(value);
  if (!u) return undefined;
  const billed = objectOf(u.billed_units ?? u.billedUnits);
  const consumed = objectOf(u.tokens);
  return {
    inputTokens: countOf(billed?.input_tokens ?? billed?.inputTokens) ?? countOf(consumed?.input_tokens ?? consumed?.inputTokens),
    outputTokens: countOf(billed?.output_tokens ?? billed?.outputTokens) ?? countOf(consumed?.output_tokens ?? consumed?.outputTokens),
  };
}

function partsOf(message: Record<string, any>): MessagePart[] {
  const parts: MessagePart[] = [];
  const content = message.content;
  if (typeof content === 'string') parts.push({ type: 'text', content });
  else if (Array.isArray(content)) {
    for (const block of content) {
      if (block?.type === 'text') parts.push({ type: 'text', content: block.text });
      else if (block?.type === 'thinking') parts.push({ type: 'reasoning', content: block.thinking });
      else if (block?.type) parts.push({ type: String(block.type) });
    }
  }
  const calls = message.tool_calls ?? message.toolCalls;
  if (Array.isArray(calls)) for (const call of calls) parts.push(functionToolCallPart(call));
  return parts;
}

function inputMessages(messages: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.map((raw): ChatMessage => {
    const m = objectOf(raw) ?? {};
    if (m.role === 'tool') return { role: 'tool', parts: [{ type: 'tool_call_response', id: m.tool_call_id ?? m.toolCallId, response: m.content }] };
    return { role: String(m.role), parts: partsOf(m) };
  });
}

/** Streamed output, kept only when content capture is on. */
interface StreamedMessage {
  text: string;
  toolCalls: { id?: string; function: { name?: string; arguments: string } }[];
}

export type CohereChatReaders = Required<Pick<CallAdapter, 'onResult' | 'captureInput' | 'onChunk' | 'onStreamEnd'>>;

export const chatReaders: CohereChatReaders = {
  onResult(op, result) {
    const r = objectOf(result);
    if (!r) return;
    op.response.id = stringOf(r.id);
    const reason = stringOf(r.finish_reason ?? r.finishReason);
    if (reason !== undefined) op.response.finishReasons = [reason];
    const usage = cohereUsageOf(r.usage);
    if (usage) assignUsage(op.usage, usage);
    if (op.captureContent) {
      op.setContent('outputMessages', [{ role: 'assistant', parts: partsOf(objectOf(r.message) ?? {}), finish_reason: reason }]);
    }
  },

  captureInput(op, params) {
    const p = paramsOf(params);
    op.setContent('inputMessages', inputMessages(p.messages));
    op.setContent('toolDefinitions', functionToolDefinitions(p.tools));
  },

  onChunk(op, chunk) {
    const e = objectOf(chunk);
    if (!e) return;
    switch (e.type) {
      case 'message-start':
        op.response.id = stringOf(e.id) ?? op.response.id;
        return;
      case 'message-end': {
        const d = objectOf(e.delta);
        const reason = stringOf(d?.finish_reason ?? d?.finishReason);
        if (reason !== undefined) op.response.finishReasons = [reason];
        const usage = cohereUsageOf(d?.usage);
        if (usage) assignUsage(op.usage, usage);
        return;
      }
    }
    if (!op.captureContent) return;
    const acc = (op.scratch ??= { text: '', toolCalls: [] }) as StreamedMessage;
    const m = objectOf(objectOf(e.delta)?.message);
    if (e.type === 'content-delta') {
      const text = objectOf(m?.content)?.text;
      if (typeof text === 'string') acc.text += text;
    } else if (e.type === 'tool-call-start') {
      const call = objectOf(m?.tool_calls ?? m?.toolCalls);
      acc.toolCalls.push({ id: stringOf(call?.id), function: { name: stringOf(call?.function?.name), arguments: call?.function?.arguments ?? '' } });
    } else if (e.type === 'tool-call-delta') {
      const args = objectOf(m?.tool_calls ?? m?.toolCalls)?.function?.arguments;
      const last = acc.toolCalls[acc.toolCalls.length - 1];
      if (last && typeof args === 'string') last.function.arguments += args;
    }
  },

  onStreamEnd(op: GenAiOperation) {
    if (!op.captureContent) return;
    const acc = (op.scratch ?? { text: '', toolCalls: [] }) as StreamedMessage;
    const message = { content: acc.text === '' ? [] : [{ type: 'text', text: acc.text }], tool_calls: acc.toolCalls };
    op.setContent('outputMessages', [{ role: 'assistant', parts: partsOf(message), finish_reason: op.response.finishReasons?.[0] }]);
  },
};

/** `/v2/embed`: vectors per requested type under `embeddings`, billed input under `meta.billed_units`. */
export function readEmbedResult(op: GenAiOperation, result: unknown): void {
  const r = objectOf(result);
  if (!r) return;
  op.response.id = stringOf(r.id);
  const embeddings = objectOf(r.embeddings);
  const vectors = Array.isArray(embeddings) ? embeddings : Object.values(embeddings ?? {}).find(Array.isArray);
  const first = Array.isArray(vectors) ? vectors[0] : undefined;
  if (Array.isArray(first)) op.response.embeddingDimensions = first.length;
  const meta = objectOf(r.meta);
  const usage = cohereUsageOf({ billed_units: meta?.billed_units ?? meta?.billedUnits, tokens: meta?.tokens });
  if (usage?.inputTokens !== undefined) op.usage.inputTokens = usage.inputTokens;
}
