/**
 * The OpenAI format's embeddings call: request model and encoding format, the response model,
 * the vectors' length and `usage.prompt_tokens`. https://platform.openai.com/docs/api-reference/embeddings
 */
import type { RequestFacts } from '@tokenpath/semconv';
import type { GenAiOperation } from '../../core/operation';
import { countOf, objectOf, stringOf } from '../../core/read';
import { paramsOf } from './request';

export function embeddingsRequestFacts(params: unknown): RequestFacts {
  const p = paramsOf(params);
  const format = stringOf(p.encoding_format);
  return { model: stringOf(p.model), encodingFormats: format ? [format] : undefined };
}

export function readEmbeddingsResult(op: GenAiOperation, result: unknown): void {
  const r = objectOf(result);
  if (!r) return;
  op.response.model = stringOf(r.model);
  const first = r.data?.[0]?.embedding;
  // The SDK decodes base64 itself when the caller asked for no format; an array has a length.
  if (Array.isArray(first)) op.response.embeddingDimensions = first.length;
  const tokens = countOf(r.usage?.prompt_tokens);
  if (tokens !== undefined) op.usage.inputTokens = tokens;
}
