/**
 * InvokeModel bodies are each model family's own format: one table per family of where the request
 * keeps its sampling parameters and where the response (and each inner event of a response stream)
 * keeps id, model, finish reasons and usage. A family that states no usage (Mistral, Cohere) is
 * metered from Bedrock's token-count headers or invocation metrics by the caller; nothing is estimated.
 * The family comes from the model id (foundation model, inference profile or ARN), else, for ids
 * that do not name a model (application inference profiles, custom and imported models), from the
 * shape of the request body.
 * https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters.html
 */
import {
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  type RequestFacts,
} from '@tokenpath/semconv';
import type { ChatMessage } from '../../core/content';
import type { GenAiOperation } from '../../core/operation';
import { assignUsage } from '../../core/usage';
import { countOf, numberOf, objectOf, stringListOf, stringOf } from '../../core/read';
import type { AnthropicCounts } from '../../formats/anthropic-messages/usage';
import { readMessage, readMessageEvent, samplingFacts as anthropicSamplingFacts } from '../../formats/anthropic-messages/message';
import * as anthropicContent from '../../formats/anthropic-messages/content';
import { chatUsageOf } from '../../formats/openai-chat/usage';
import { samplingFacts } from '../../formats/openai-chat/request';
import { chatInputMessages, chatOutputMessages } from '../../formats/openai-chat/messages';
import { converseUsageOf } from './usage';
import * as converseContent from './messages';

type Body = Record<string, any>;

/** Per streamed call: what a family accumulates over the inner events. */
export interface FamilyStreamState {
  /** Anthropic restates usage; each count keeps its last stated value. */
  counts: AnthropicCounts;
}

export interface ModelFamily {
  readonly name: string;
  /** `gen_ai.operation.name` for a request body. */
  operation(body: Body): string;
  request(body: Body): RequestFacts;
  /** Response facts and usage of a complete body. */
  result(op: GenAiOperation, body: Body): void;
  /** One inner event of a response stream; returns the output text it carries, if any. */
  event(op: GenAiOperation, event: Body, state: FamilyStreamState): string | undefined;
  /** Request content (only called with content capture on). */
  capture(op: GenAiOperation, body: Body): void;
  /** The output messages of a complete body. */
  output(body: Body, finishReasons: string[] | undefined): ChatMessage[] | undefined;
}

const CHAT = GEN_AI_OPERATION_NAME_VALUE_CHAT;
const TEXT_COMPLETION = GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION;
const EMBEDDINGS = GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS;

/** Finish reasons in order; an entry without one stays a hole (the core fills in `error` if the call failed). */
function setReasons(op: GenAiOperation, reasons: unknown[]): void {
  const out: string[] = [];
  let any = false;
  reasons.forEach((r, i) => {
    const s = stringOf(r);
    if (s) {
      out[i] = s;
      any = true;
    }
  });
  if (any) op.response.finishReasons = out;
}

const userText = (text: unknown): ChatMessage[] | undefined =>
  typeof text === 'string' ? [{ role: 'user', parts: [{ type: 'text', content: text }] }] : undefined;

const assistantText = (text: unknown, finishReason?: string): ChatMessage => ({
  role: 'assistant',
  parts: typeof text === 'string' ? [{ type: 'text', content: text }] : [],
  finish_reason: finishReason,
});

function sumOf(values: unknown[]): number | undefined {
  let total = 0;
  for (const v of values) {
    const n = countOf(v);
    if (n === undefined) return undefined;
    total += n;
  }
  return values.length > 0 ? total : undefined;
}

/** Anthropic Messages (`anthropic.*`): the shapes and usage rules of the Anthropic API itself. */
const anthropic: ModelFamily = {
  name: 'anthropic',
  operation: () => CHAT,
  request: anthropicSamplingFacts,
  result: readMessage,
  event(op, e, state) {
    readMessageEvent(op, e, state.counts);
    return e.type === 'content_block_delta' && e.delta?.type === 'text_delta' ? e.delta.text : undefined;
  },
  capture(op, b) {
    op.setContent('systemInstructions', anthropicContent.systemInstructions(b.system));
    op.setContent('inputMessages', anthropicContent.inputMessages(b.messages));
    op.setContent('toolDefinitions', anthropicContent.toolDefinitions(b.tools));
  },
  output: (b, reasons) => anthropicContent.outputMessage(b.content, reasons?.[0]),
};

/** Amazon Nova (`amazon.nova*`): Converse-shaped messages and usage, `inferenceConfig` in snake or camel case. */
const nova: ModelFamily = {
  name: 'nova',
  operation: () => CHAT,
  request(b) {
    const c = objectOf(b.inferenceConfig) ?? {};
    return {
      maxTokens: countOf(c.max_new_tokens ?? c.maxTokens),
      temperature: numberOf(c.temperature),
      topP: numberOf(c.topP ?? c.top_p),
      topK: countOf(c.topK ?? c.top_k),
      stopSequences: stringListOf(c.stopSequences),
    };
  },
  result(op, b) {
    setReasons(op, [b.stopReason]);
    const usage = converseUsageOf(b.usage);
    if (usage) assignUsage(op.usage, usage);
  },
  event(op, e) {
    if (e.messageStop) setReasons(op, [e.messageStop.stopReason]);
    const usage = converseUsageOf(e.metadata?.usage);
    if (usage) assignUsage(op.usage, usage);
    return stringOf(e.contentBlockDelta?.delta?.text);
  },
  capture(op, b) {
    op.setContent('systemInstructions', converseContent.systemInstructions(b.system));
    op.setContent('inputMessages', converseContent.inputMessages(b.messages));
    op.setContent('toolDefinitions', converseContent.toolDefinitions(b.toolConfig));
  },
  output: (b, reasons) => converseContent.outputMessages(objectOf(b.output)?.message, reasons?.[0]),
};

/** Amazon Titan Text: `inputTextTokenCount`, `results[].tokenCount`; streams count output cumulatively. */
const titan: ModelFamily = {
  name: 'titan',
  operation: () => TEXT_COMPLETION,
  request(b) {
    const c = objectOf(b.textGenerationConfig) ?? {};
    return {
      maxTokens: countOf(c.maxTokenCount),
      temperature: numberOf(c.temperature),
      topP: numberOf(c.topP),
      stopSequences: stringListOf(c.stopSequences),
    };
  },
  result(op, b) {
    const results = Array.isArray(b.results) ? b.results : [];
    setReasons(op, results.map((r: any) => r?.completionReason));
    assignUsage(op.usage, { inputTokens: countOf(b.inputTextTokenCount), outputTokens: sumOf(results.map((r: any) => r?.tokenCount)) });
  },
  event(op, e) {
    setReasons(op, [e.completionReason]);
    assignUsage(op.usage, { inputTokens: countOf(e.inputTextTokenCount), outputTokens: countOf(e.totalOutputTextTokenCount) });
    return stringOf(e.outputText);
  },
  capture: (op, b) => op.setContent('inputMessages', userText(b.inputText)),
  output: (b, reasons) =>
    Array.isArray(b.results) ? b.results.map((r: any, i: number) => assistantText(r?.outputText, reasons?.[i])) : undefined,
};

/** Embedding models: input tokens only, and the vector's dimension count. */
function embeddingFamily(name: string, inputTokens: (b: Body) => number | undefined, vector: (b: Body) => unknown): ModelFamily {
  return {
    name,
    operation: () => EMBEDDINGS,
    request: () => ({}),
    result(op, b) {
      const v = vector(b);
      if (Array.isArray(v)) op.response.embeddingDimensions = v.length;
      assignUsage(op.usage, { inputTokens: inputTokens(b) });
    },
    event: () => undefined,
    capture() {},
    output: () => undefined,
  };
}

const titanEmbed = embeddingFamily(
  'titan-embed',
  (b) => countOf(b.inputTextTokenCount),
  (b) => b.embedding ?? b.embeddingsByType?.float,
);

/** Cohere Embed states no tokens (the headers do) unless it reports billed units. */
const cohereEmbed = embeddingFamily(
  'cohere-embed',
  (b) => countOf(b.meta?.billed_units?.input_tokens),
  (b) => (Array.isArray(b.embeddings) ? b.embeddings[0] : b.embeddings?.float?.[0]),
);

/** Meta Llama: `prompt_token_count` (first stream event only), `generation_token_count` (cumulative). */
const llama: ModelFamily = {
  name: 'llama',
  operation: () => TEXT_COMPLETION,
  request: (b) => ({ maxTokens: countOf(b.max_gen_len), temperature: numberOf(b.temperature), topP: numberOf(b.top_p) }),
  result(op, b) {
    setReasons(op, [b.stop_reason]);
    assignUsage(op.usage, { inputTokens: countOf(b.prompt_token_count), outputTokens: countOf(b.generation_token_count) });
  },
  event(op, e) {
    llama.result(op, e);
    return stringOf(e.generation);
  },
  capture: (op, b) => op.setContent('inputMessages', userText(b.prompt)),
  output: (b, reasons) => [assistantText(b.generation, reasons?.[0])],
};

/** Mistral: `outputs[].stop_reason` (prompt format) or `choices[]` (chat format); no usage in the body. */
const mistral: ModelFamily = {
  name: 'mistral',
  operation: (b) => (Array.isArray(b.messages) ? CHAT : TEXT_COMPLETION),
  request: (b) => ({
    maxTokens: countOf(b.max_tokens),
    temperature: numberOf(b.temperature),
    topP: numberOf(b.top_p),
    topK: countOf(b.top_k),
    stopSequences: stringListOf(b.stop),
  }),
  result(op, b) {
    const choices = Array.isArray(b.outputs) ? b.outputs : Array.isArray(b.choices) ? b.choices : [];
    setReasons(op, choices.map((c: any) => c?.stop_reason ?? c?.finish_reason));
    const usage = chatUsageOf(b.usage);
    if (usage) assignUsage(op.usage, usage);
  },
  event(op, e) {
    mistral.result(op, e);
    const first = e.outputs?.[0] ?? e.choices?.[0];
    return stringOf(first?.text ?? first?.delta?.content ?? first?.message?.content);
  },
  capture: (op, b) => op.setContent('inputMessages', Array.isArray(b.messages) ? chatInputMessages(b.messages) : userText(b.prompt)),
  output: (b, reasons) =>
    Array.isArray(b.outputs)
      ? b.outputs.map((o: any, i: number) => assistantText(o?.text, reasons?.[i]))
      : chatOutputMessages(b.choices),
};

/**
 * Cohere Command R (`message` + `chat_history`, `response_id`, `finish_reason`; streams end with a
 * `stream-end` event) and the older Command (`prompt`, `generations[]`). Usage only as billed units
 * when present (the conventions count Cohere's billed tokens), else in the headers.
 */
const cohere: ModelFamily = {
  name: 'cohere',
  operation: (b) => (b.message !== undefined ? CHAT : TEXT_COMPLETION),
  request: (b) => ({
    maxTokens: countOf(b.max_tokens),
    temperature: numberOf(b.temperature),
    topP: numberOf(b.p),
    topK: countOf(b.k),
    seed: numberOf(b.seed),
    stopSequences: stringListOf(b.stop_sequences),
  }),
  result(op, b) {
    op.response.id = stringOf(b.response_id) ?? stringOf(b.id);
    const generations = Array.isArray(b.generations) ? b.generations : [b];
    setReasons(op, generations.map((g: any) => g?.finish_reason));
    const billed = objectOf(b.meta?.billed_units);
    if (billed) assignUsage(op.usage, { inputTokens: countOf(billed.input_tokens), outputTokens: countOf(billed.output_tokens) });
  },
  event(op, e) {
    if (e.event_type === 'stream-end' && e.response) cohere.result(op, e.response);
    else if (e.is_finished === true || Array.isArray(e.generations)) cohere.result(op, e);
    return e.event_type === 'text-generation' || e.event_type === undefined ? stringOf(e.text) : undefined;
  },
  capture(op, b) {
    if (b.message === undefined) return op.setContent('inputMessages', userText(b.prompt));
    const history = Array.isArray(b.chat_history) ? b.chat_history : [];
    const messages = history.map((m: any): ChatMessage => ({
      role: m?.role === 'CHATBOT' ? 'assistant' : String(m?.role ?? 'user').toLowerCase(),
      parts: [{ type: 'text', content: m?.message }],
    }));
    op.setContent('inputMessages', [...messages, ...(userText(b.message) ?? [])]);
  },
  output: (b, reasons) =>
    Array.isArray(b.generations)
      ? b.generations.map((g: any, i: number) => assistantText(g?.text, reasons?.[i]))
      : [assistantText(b.text, reasons?.[0])],
};

/** OpenAI-style chat completions (AI21 Jamba, OpenAI gpt-oss): `choices[]` and `usage.prompt_tokens`. */
const chatCompletions: ModelFamily = {
  name: 'chat-completions',
  operation: () => CHAT,
  // The model is the path's; `service_tier` is OpenAI's attribute flavour, not Bedrock's.
  request: (b) => ({ ...samplingFacts(b), model: undefined, stream: undefined, serviceTier: undefined }),
  result(op, b) {
    op.response.id ??= stringOf(b.id);
    op.response.model ??= stringOf(b.model);
    if (Array.isArray(b.choices)) {
      const reasons: unknown[] = [];
      b.choices.forEach((c: any, i: number) => (reasons[countOf(c?.index) ?? i] = c?.finish_reason));
      setReasons(op, reasons);
    }
    const usage = chatUsageOf(b.usage);
    if (usage) assignUsage(op.usage, usage);
  },
  event(op, e) {
    chatCompletions.result(op, e);
    return stringOf(e.choices?.[0]?.delta?.content);
  },
  capture: (op, b) => op.setContent('inputMessages', chatInputMessages(b.messages)),
  output: (b) => chatOutputMessages(b.choices),
};

/** Models this table does not know (e.g. image generation): metered from the headers alone. */
const other: ModelFamily = {
  name: 'other',
  operation: (b) =>
    Array.isArray(b.messages) ? CHAT : typeof b.prompt === 'string' || typeof b.inputText === 'string' ? TEXT_COMPLETION : GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
  request: () => ({}),
  result() {},
  event: () => undefined,
  capture() {},
  output: () => undefined,
};

const BY_MODEL_ID: readonly (readonly [prefix: string, family: ModelFamily])[] = [
  ['anthropic.', anthropic],
  ['amazon.nova', nova],
  ['amazon.titan-embed', titanEmbed],
  ['amazon.titan-text', titan],
  ['amazon.titan-tg1', titan],
  ['meta.llama', llama],
  ['mistral.', mistral],
  ['cohere.embed', cohereEmbed],
  ['cohere.command', cohere],
  ['ai21.', chatCompletions],
  ['openai.', chatCompletions],
];

/** `arn:…:inference-profile/us.anthropic.claude-…` and `us.anthropic.claude-…` both name `anthropic.claude-…`. */
const REGION_GROUP = /^(us|eu|apac|global|us-gov|jp|au|ca)\./;

function familyOfModelId(modelId: string | undefined): ModelFamily | undefined {
  if (!modelId) return undefined;
  const id = modelId.slice(modelId.lastIndexOf('/') + 1).replace(REGION_GROUP, '');
  return BY_MODEL_ID.find(([prefix]) => id.startsWith(prefix))?.[1];
}

function familyOfBody(b: Body): ModelFamily {
  if (b.anthropic_version !== undefined) return anthropic;
  if (b.schemaVersion !== undefined || objectOf(b.inferenceConfig)) return nova;
  if (typeof b.inputText === 'string') return b.textGenerationConfig ? titan : titanEmbed;
  if (Array.isArray(b.texts)) return cohereEmbed;
  if (typeof b.message === 'string') return cohere;
  if (typeof b.prompt === 'string') return b.max_gen_len !== undefined ? llama : mistral;
  if (Array.isArray(b.messages)) return chatCompletions;
  return other;
}

export function familyOf(modelId: string | undefined, body: Body): ModelFamily {
  return familyOfModelId(modelId) ?? familyOfBody(body);
}
