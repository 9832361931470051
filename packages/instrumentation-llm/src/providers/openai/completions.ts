/** Legacy `completions.create` (`/v1/completions`). https://platform.openai.com/docs/api-reference/completions */
import { GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import { captureCompletionsInput } from '../../formats/openai-chat/completions';
import { paramsOf, samplingFacts } from '../../formats/openai-chat/request';
import { openaiChatReaders } from './chat-completions';
import { openaiStart, isStreamAborted } from './client';

export const completionsCreate: CallAdapter = {
  ...openaiChatReaders,
  start(params, self) {
    return openaiStart(GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION, self, samplingFacts(paramsOf(params)));
  },
  isAborted: isStreamAborted,
  captureInput: captureCompletionsInput,
};
