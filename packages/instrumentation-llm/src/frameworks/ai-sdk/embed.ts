/**
 * `embed` and `embedMany` (one operation each, the AI SDK's retries and, for `embedMany`, its
 * batches of `maxEmbeddingsPerCall` values included: the channel has no message per request).
 * The result's `usage.tokens` is the input (summed over the batches); a provider that states none
 * leaves it `NaN`, which stays unset.
 */
import { GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS } from '@tokenpath/semconv';
import type { GenAiOperation, OperationStart } from '../../core/operation';
import { countOf, objectOf, stringOf } from '../../core/read';
import { providerNameOf } from './provider-name';

export function embedStart(event: Record<string, any>): OperationStart | undefined {
  const providerId = stringOf(event.provider);
  if (providerId === undefined) return undefined;
  return {
    operation: GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
    provider: providerNameOf(providerId),
    request: { model: stringOf(event.modelId) },
    hasFinishReasons: false,
  };
}

export function readEmbedResult(op: GenAiOperation, result: Record<string, any>): void {
  op.usage.inputTokens = countOf(objectOf(result.usage)?.tokens);
  const vector = Array.isArray(result.embedding) ? result.embedding : Array.isArray(result.embeddings) ? result.embeddings[0] : undefined;
  if (Array.isArray(vector) && vector.length > 0) op.response.embeddingDimensions = vector.length;
  const response = objectOf(result.response) ?? objectOf(result.responses?.[0]);
  op.response.model = stringOf(response?.modelId);
}
