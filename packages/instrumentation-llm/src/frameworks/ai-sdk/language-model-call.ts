/**
 * One AI SDK model call (`languageModelCall` on the channel: one `doGenerate` or `doStream` of a
 * `generateText` / `streamText` step, each attempt of the AI SDK's own retries on its own). Where
 * the AI SDK keeps things: the start event holds the provider id, model id and call settings; a
 * generate result the provider's `LanguageModelV4GenerateResult` (usage, finish reason, response
 * metadata); a stream result `{ stream, request, response }`, whose parts bring the response
 * metadata and, in the `finish` part, the usage.
 */
import {
  ERROR_TYPE_VALUE_OTHER,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  type RequestFacts,
  type UsageFacts,
} from '@tokenpath/semconv';
import { errorTypeOf, type GenAiOperation, type OperationStart } from '../../core/operation';
import { countOf, numberOf, objectOf, stringListOf, stringOf } from '../../core/read';
import { endpointOf } from '../../core/endpoint';
import { assignUsage } from '../../core/usage';
import { providerNameOf } from './provider-name';

/** The legacy completions API of OpenAI-style providers (`openai.completion`). */
const COMPLETION_API_SUFFIX = '.completion';

export function modelCallStart(event: Record<string, any>, streaming: boolean): OperationStart | undefined {
  const providerId = stringOf(event.provider);
  if (providerId === undefined) return undefined;
  const request: RequestFacts = {
    model: stringOf(event.modelId),
    temperature: numberOf(event.temperature),
    topP: numberOf(event.topP),
    topK: numberOf(event.topK),
    maxTokens: countOf(event.maxOutputTokens),
    seed: numberOf(event.seed),
    stopSequences: stringListOf(event.stopSequences),
    frequencyPenalty: numberOf(event.frequencyPenalty),
    presencePenalty: numberOf(event.presencePenalty),
    stream: streaming,
  };
  return {
    operation: providerId.endsWith(COMPLETION_API_SUFFIX) ? GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION : GEN_AI_OPERATION_NAME_VALUE_CHAT,
    provider: providerNameOf(providerId),
    request,
  };
}

/** `LanguageModelV4Usage`: `total` input already counts cache reads and writes, `total` output reasoning. */
export function usageOf(usage: unknown): UsageFacts {
  const u = objectOf(usage);
  const input = objectOf(u?.inputTokens);
  const output = objectOf(u?.outputTokens);
  return {
    inputTokens: countOf(input?.total),
    outputTokens: countOf(output?.total),
    cacheReadInputTokens: countOf(input?.cacheRead),
    cacheCreationInputTokens: countOf(input?.cacheWrite),
    reasoningOutputTokens: countOf(output?.reasoning),
  };
}

/** The provider's own finish reason (as the SDK adapters report it), else the AI SDK's unified one. */
function finishReasonOf(reason: unknown): string[] | undefined {
  const r = objectOf(reason);
  const value = stringOf(r?.raw) ?? stringOf(r?.unified);
  return value === undefined ? undefined : [value];
}

/** The request's origin, which the AI SDK reports (sanitised) when the provider states its URL. */
export function readServer(op: GenAiOperation, result: Record<string, any>): void {
  const url = stringOf(objectOf(result.request)?.url);
  if (url === undefined) return;
  const endpoint = endpointOf(url);
  op.setServer(endpoint.address, endpoint.port);
}

/** A complete (`doGenerate`) result. */
export function readGenerateResult(op: GenAiOperation, result: Record<string, any>): void {
  readServer(op, result);
  const response = objectOf(result.response);
  op.response.id = stringOf(response?.id);
  op.response.model = stringOf(response?.modelId);
  op.response.finishReasons = finishReasonOf(result.finishReason);
  assignUsage(op.usage, usageOf(result.usage));
}

/** One `LanguageModelV4StreamPart`. */
export function readStreamPart(op: GenAiOperation, part: Record<string, any>): void {
  switch (part?.type) {
    case 'response-metadata':
      op.response.id ??= stringOf(part.id);
      op.response.model ??= stringOf(part.modelId);
      return;
    case 'finish':
      op.response.finishReasons = finishReasonOf(part.finishReason);
      assignUsage(op.usage, usageOf(part.usage));
      return;
    case 'error':
      // The provider's failure mid-stream, as a part: the stream goes on to its finish part (whose
      // reason is then `error`), so the operation ends there, failed.
      // Providers put their wire error there (Anthropic's `{ type: 'overloaded_error', … }`): its type
      // is the provider's error code, else the error's class names it.
      op.errorType ??= stringOf(objectOf(part.error)?.type) ?? errorTypeOf(part.error, ERROR_TYPE_VALUE_OTHER);
      return;
  }
}
