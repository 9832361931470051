/** Legacy `completions.create` (`/v1/completions`). https://platform.openai.com/docs/api-reference/completions */
import { GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import { chatCompletionsCreate } from './chat-completions';
import { openaiStart, isStreamAborted } from './client';
import { paramsOf, samplingFacts } from '../../formats/openai-chat/request';

// The response and chunk shapes are the chat ones (id, model, choices[].finish_reason, usage),
// with `text` instead of `message`, so the chat readers serve; only the request differs.
export const completionsCreate: CallAdapter = {
  start(params, self) {
    return openaiStart(GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION, self, samplingFacts(paramsOf(params)));
  },
  onResult: chatCompletionsCreate.onResult,
  onChunk: chatCompletionsCreate.onChunk,
  onStreamEnd: chatCompletionsCreate.onStreamEnd,
  isAborted: isStreamAborted,
  captureInput(op, params) {
    const prompt = paramsOf(params).prompt;
    const prompts = Array.isArray(prompt) ? prompt : [prompt];
    op.setContent(
      'inputMessages',
      prompts.filter((t) => typeof t === 'string').map((t) => ({ role: 'user', parts: [{ type: 'text', content: t }] })),
    );
  },
};
