/** `embeddings.create`. https://platform.openai.com/docs/api-reference/embeddings */
import { GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import { embeddingsRequestFacts, readEmbeddingsResult } from '../../formats/openai-chat/embeddings';
import { openaiStart } from './client';

export const embeddingsCreate: CallAdapter = {
  start: (params, self) => openaiStart(GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS, self, embeddingsRequestFacts(params), false),
  onResult: readEmbeddingsResult,
};
