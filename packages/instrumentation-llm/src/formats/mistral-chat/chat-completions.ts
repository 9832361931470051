/**
 * Mistral's chat API is the OpenAI chat format on the wire (`choices[].finish_reason`, `usage`
 * with `prompt_tokens` / `completion_tokens` and `prompt_tokens_details.cached_tokens`, stream usage
 * on the finish chunk), but `@mistralai/mistralai` (Speakeasy-generated) hands the app camelCase
 * objects parsed by its schemas: `finishReason`, `usage.promptTokens`, `completionTokens`, fields the
 * schema does not know under `additionalProperties` (1.x) or camelCased (2.x), stream events as
 * `{ data: chunk }`. Its schemas default a missing count to 0, so a count Mistral left out cannot be
 * told from a stated 0 here. Requests are camelCase too (`maxTokens`, `topP`, `randomSeed`).
 * https://docs.mistral.ai/api/#tag/chat
 */
import { GEN_AI_OUTPUT_TYPE_VALUE_JSON, type RequestFacts, type UsageFacts } from '@tokenpath/semconv';
import type { ChatMessage, MessagePart } from '../../core/content';
import type { GenAiOperation } from '../../core/operation';
import { countOf, numberOf, objectOf, stringListOf, stringOf } from '../../core/read';
import type { CallAdapter } from '../../core/traced-call';
import { assignUsage } from '../../core/usage';
import { functionToolCallPart, functionToolDefinitions } from '../function-tools';

export const paramsOf = (params: unknown): Record<string, any> => objectOf(params) ?? {};

export function chatRequestFacts(params: unknown, stream: boolean): RequestFacts {
  const p = paramsOf(params);
  const format = objectOf(p.responseFormat)?.type;
  const n = countOf(p.n);
  return {
    model: stringOf(p.model),
    temperature: numberOf(p.temperature),
    topP: numberOf(p.topP),
    maxTokens: countOf(p.maxTokens),
    seed: numberOf(p.randomSeed),
    stopSequences: stringListOf(p.stop),
    frequencyPenalty: numberOf(p.frequencyPenalty),
    presencePenalty: numberOf(p.presencePenalty),
    choiceCount: n !== undefined && n !== 1 ? n : undefined,
    outputType: format === 'json_object' || format === 'json_schema' ? GEN_AI_OUTPUT_TYPE_VALUE_JSON : undefined,
    stream: stream ? true : undefined,
  };
}

export function usageOf(value: unknown): UsageFacts | undefined {
  const u = objectOf(value);
  if (!u) return undefined;
  const details = objectOf(u.promptTokensDetails) ?? objectOf(u.additionalProperties?.prompt_tokens_details);
  return {
    inputTokens: countOf(u.promptTokens),
    outputTokens: countOf(u.completionTokens),
    cacheReadInputTokens: countOf(details?.cachedTokens ?? details?.cached_tokens),
  };
}

function parts(message: Record<string, any>): MessagePart[] {
  const out: MessagePart[] = [];
  const content = message.content;
  if (typeof content === 'string' && content !== '') out.push({ type: 'text', content });
  else if (Array.isArray(content)) {
    for (const chunk of content) {
      if (chunk?.type === 'text') out.push({ type: 'text', content: chunk.text });
      else if (chunk?.type) out.push({ type: String(chunk.type) });
    }
  }
  if (Array.isArray(message.toolCalls)) for (const call of message.toolCalls) out.push(functionToolCallPart(call));
  return out;
}

function inputMessages(messages: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.map((raw): ChatMessage => {
    const m = objectOf(raw) ?? {};
    if (m.role === 'tool') return { role: 'tool', parts: [{ type: 'tool_call_response', id: m.toolCallId, response: m.content }] };
    return { role: String(m.role), parts: parts(m) };
  });
}

/** Streamed text per choice index, kept only when content capture is on. */
type StreamedText = string[];

export type MistralChatReaders = Required<Pick<CallAdapter, 'onResult' | 'captureInput' | 'onChunk' | 'onStreamEnd'>>;

export const chatReaders: MistralChatReaders = {
  onResult(op, result) {
    const r = objectOf(result);
    if (!r) return;
    op.response.id = stringOf(r.id);
    op.response.model = stringOf(r.model);
    if (Array.isArray(r.choices)) {
      const reasons: string[] = [];
      r.choices.forEach((c: any, i: number) => {
        reasons[countOf(c?.index) ?? i] = c?.finishReason;
      });
      op.response.finishReasons = reasons;
    }
    const usage = usageOf(r.usage);
    if (usage) assignUsage(op.usage, usage);
    if (op.captureContent && Array.isArray(r.choices)) {
      op.setContent('outputMessages', r.choices.map((c: any) => ({ role: 'assistant', parts: parts(objectOf(c?.message) ?? {}), finish_reason: c?.finishReason })));
    }
  },

  captureInput(op, params) {
    const p = paramsOf(params);
    if (p.messages !== undefined) op.setContent('inputMessages', inputMessages(p.messages));
    // FIM: the prompt (and suffix) the completion goes between.
    else if (typeof p.prompt === 'string') op.setContent('inputMessages', [{ role: 'user', parts: [{ type: 'text', content: p.prompt }] }]);
    op.setContent('toolDefinitions', functionToolDefinitions(p.tools));
  },

  onChunk(op, event) {
    const c = objectOf(objectOf(event)?.data);
    if (!c) return;
    if (op.response.id === undefined) op.response.id = stringOf(c.id);
    if (op.response.model === undefined) op.response.model = stringOf(c.model);
    const choices = c.choices;
    if (Array.isArray(choices)) {
      for (let i = 0; i < choices.length; i++) {
        const choice = choices[i];
        const index = countOf(choice?.index) ?? 0;
        if (choice?.finishReason) (op.response.finishReasons ??= [])[index] = choice.finishReason;
        if (op.captureContent && typeof choice?.delta?.content === 'string') {
          const acc = (op.scratch ??= []) as StreamedText;
          acc[index] = (acc[index] ?? '') + choice.delta.content;
        }
      }
    }
    const usage = usageOf(c.usage);
    if (usage) assignUsage(op.usage, usage);
  },

  onStreamEnd(op: GenAiOperation) {
    if (!op.captureContent) return;
    const acc = (op.scratch ?? []) as StreamedText;
    const reasons = op.response.finishReasons ?? [];
    const messages = [];
    for (let i = 0; i < Math.max(acc.length, reasons.length); i++) {
      messages.push({ role: 'assistant', parts: [{ type: 'text', content: acc[i] ?? '' }], finish_reason: reasons[i] });
    }
    op.setContent('outputMessages', messages);
  },
};

/** `embeddings.create`: `data[].embedding`, `usage.promptTokens`. */
export function readEmbeddingsResult(op: GenAiOperation, result: unknown): void {
  const r = objectOf(result);
  if (!r) return;
  op.response.id = stringOf(r.id);
  op.response.model = stringOf(r.model);
  const first = r.data?.[0]?.embedding;
  if (Array.isArray(first)) op.response.embeddingDimensions = first.length;
  const input = countOf(objectOf(r.usage)?.promptTokens);
  if (input !== undefined) op.usage.inputTokens = input;
}
