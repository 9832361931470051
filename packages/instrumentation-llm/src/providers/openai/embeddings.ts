/** `embeddings.create`. https://platform.openai.com/docs/api-reference/embeddings */
import { GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import { countOf, objectOf, stringOf } from '../../core/read';
import { openaiStart } from './client';
import { paramsOf } from './request';

export const embeddingsCreate: CallAdapter = {
  start(params, self) {
    const p = paramsOf(params);
    const format = stringOf(p.encoding_format);
    return openaiStart(GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS, self, {
      model: stringOf(p.model),
      encodingFormats: format ? [format] : undefined,
    }, false);
  },

  onResult(op, result) {
    const r = objectOf(result);
    if (!r) return;
    op.response.model = stringOf(r.model);
    const first = r.data?.[0]?.embedding;
    // The SDK decodes base64 itself when the caller asked for no format; an array has a length.
    if (Array.isArray(first)) op.response.embeddingDimensions = first.length;
    const tokens = countOf(r.usage?.prompt_tokens);
    if (tokens !== undefined) op.usage.inputTokens = tokens;
  },
};
