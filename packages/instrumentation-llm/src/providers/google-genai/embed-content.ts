/**
 * `Models.embedContentInternal` (`models.embedContent`; 1.0-era SDKs: `embedContent` itself).
 * Gemini API `batchEmbedContents` reports no token usage; Vertex `predict` reports a token count per
 * embedding (`statistics.tokenCount`), Vertex `embedContent` a `usageMetadata.promptTokenCount`.
 * https://ai.google.dev/api/embeddings
 */
import { GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import { countOf, objectOf } from '../../core/read';
import { googleErrorType, googleStart, modelIdOf } from './client';

/** The summed per-embedding token counts, only when every embedding states one. */
function statisticsTokens(embeddings: any[]): number | undefined {
  let total = 0;
  for (const e of embeddings) {
    const n = countOf(e?.statistics?.tokenCount);
    if (n === undefined) return undefined;
    total += n;
  }
  return embeddings.length ? total : undefined;
}

export const embedContent: CallAdapter = {
  start(params, self) {
    return googleStart(GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS, self, params, { model: modelIdOf(objectOf(params)?.model) }, false);
  },

  onResult(op, result) {
    const r = objectOf(result);
    if (!r) return;
    const embeddings = Array.isArray(r.embeddings) ? r.embeddings : [];
    const first = embeddings[0]?.values;
    if (Array.isArray(first)) op.response.embeddingDimensions = first.length;
    const tokens = countOf(r.usageMetadata?.promptTokenCount) ?? statisticsTokens(embeddings);
    if (tokens !== undefined) op.usage.inputTokens = tokens;
  },

  errorType: googleErrorType,
};
