/**
 * `messages.create` (and `beta.messages.create`): what `parse()`, `stream()` and the tool runner
 * all end in. A complete Message keeps id, model, stop_reason and usage at the top; a stream keeps
 * id and model in `message_start`, the stop reason in `message_delta`, and usage in both (see
 * usage.ts). `countTokens` is not an inference call and `batches` are asynchronous jobs whose
 * results are fetched later: neither is patched.
 * https://docs.anthropic.com/en/api/messages https://docs.anthropic.com/en/docs/build-with-claude/streaming
 */
import { GEN_AI_OUTPUT_TYPE_VALUE_JSON, type RequestFacts } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import type { GenAiOperation } from '../../core/operation';
import { isStainlessStreamAborted } from '../../core/stream';
import { countOf, objectOf, stringOf } from '../../core/read';
import { anthropicStart } from './client';
import { inputMessages, outputMessage, systemInstructions, toolDefinitions } from '../../formats/anthropic-messages/content';
import { replacesSdkCallSpans, sdkSpanCarriesUsage, withTraceHeaders, withoutSdkCallSpan } from './sdk-tracing';
import { noCounts, type AnthropicCounts } from '../../formats/anthropic-messages/usage';
import { readMessage, readMessageEvent, samplingFacts } from '../../formats/anthropic-messages/message';

/** Per streamed call: the counts stated so far, and the content blocks when content capture is on. */
interface StreamState {
  counts: AnthropicCounts;
  blocks?: Record<string, any>[];
}

const paramsOf = (params: unknown): Record<string, any> => objectOf(params) ?? {};

/** `output_config.format` (beta: `output_format`) of type json_schema asks for JSON. */
function outputTypeOf(p: Record<string, any>): string | undefined {
  const format = objectOf(objectOf(p.output_config)?.format) ?? objectOf(p.output_format);
  return format?.type === 'json_schema' ? GEN_AI_OUTPUT_TYPE_VALUE_JSON : undefined;
}

function requestFacts(p: Record<string, any>): RequestFacts {
  return {
    model: stringOf(p.model),
    ...samplingFacts(p),
    outputType: outputTypeOf(p),
    stream: p.stream === true ? true : undefined,
  };
}

function streamState(op: GenAiOperation): StreamState {
  return (op.scratch ??= { counts: noCounts(), blocks: op.captureContent ? [] : undefined }) as StreamState;
}

/** Accumulates a streamed content block (only when content capture is on). */
function accumulate(blocks: Record<string, any>[], event: Record<string, any>): void {
  const index = countOf(event.index);
  if (index === undefined) return;
  if (event.type === 'content_block_start') {
    blocks[index] = { ...objectOf(event.content_block) };
    return;
  }
  const block = blocks[index];
  const delta = objectOf(event.delta);
  if (!block || !delta) return;
  if (delta.type === 'text_delta') block.text = (block.text ?? '') + delta.text;
  else if (delta.type === 'thinking_delta') block.thinking = (block.thinking ?? '') + delta.thinking;
  else if (delta.type === 'input_json_delta') block.partialJson = (block.partialJson ?? '') + delta.partial_json;
}

function parsedInput(block: Record<string, any>): Record<string, any> {
  if (typeof block.partialJson !== 'string') return block;
  let input: unknown = block.partialJson;
  try {
    input = JSON.parse(block.partialJson);
  } catch {
    // A stream cut short leaves partial JSON: it is recorded as it came.
  }
  const { partialJson: _, ...rest } = block;
  return { ...rest, input };
}

export const messagesCreate: CallAdapter = {
  start(params, self) {
    const client = self?._client;
    replacesSdkCallSpans(client);
    return anthropicStart(self, requestFacts(paramsOf(params)), !sdkSpanCarriesUsage(client));
  },

  invoke(op, original, self, args) {
    const client = self?._client;
    if (!replacesSdkCallSpans(client)) return original.apply(self, args);
    const [params, options, ...rest] = args;
    const traced = op ? withTraceHeaders(client, options, op.context) : options;
    return withoutSdkCallSpan(client, () => original.call(self, params, traced, ...rest));
  },

  onResult(op, result) {
    const m = objectOf(result);
    if (!m) return;
    readMessage(op, m);
    if (op.captureContent) op.setContent('outputMessages', outputMessage(m.content, op.response.finishReasons?.[0]));
  },

  captureInput(op, params) {
    const p = paramsOf(params);
    op.setContent('systemInstructions', systemInstructions(p.system));
    op.setContent('inputMessages', inputMessages(p.messages));
    op.setContent('toolDefinitions', toolDefinitions(p.tools));
  },

  onChunk(op, chunk) {
    const event = objectOf(chunk);
    if (!event) return;
    const state = streamState(op);
    switch (event.type) {
      case 'message_start':
      case 'message_delta':
        readMessageEvent(op, event, state.counts);
        return;
      case 'content_block_start': {
        // A fallback block names the model that produces the rest of the Message.
        const block = objectOf(event.content_block);
        if (block?.type === 'fallback') op.response.model = stringOf(block.to?.model) ?? op.response.model;
        if (state.blocks) accumulate(state.blocks, event);
        return;
      }
      case 'content_block_delta':
        if (state.blocks) accumulate(state.blocks, event);
        return;
    }
  },

  isAborted: isStainlessStreamAborted,

  onStreamEnd(op) {
    const blocks = (op.scratch as StreamState | undefined)?.blocks;
    if (!blocks) return;
    op.setContent('outputMessages', outputMessage(blocks.filter(Boolean).map(parsedInput), op.response.finishReasons?.[0]));
  },
};

/**
 * `messages.stream()`: the helper starts the SDK's own span before it calls `create()` (where the
 * call is metered), so the SDK's span is kept from starting here too. Not metered itself.
 */
export const messagesStreamHelper: CallAdapter = {
  start: () => undefined,
  onResult() {},
  invoke(_op, original, self, args) {
    const client = self?._client;
    if (!replacesSdkCallSpans(client)) return original.apply(self, args);
    return withoutSdkCallSpan(client, () => original.apply(self, args));
  },
};
