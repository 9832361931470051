/**
 * `chat.completions.create`: what `parse()`, `stream()` and `runTools()` all end in. The format
 * (formats/openai-chat) reads request and response; here only what is the openai SDK's own.
 * https://platform.openai.com/docs/api-reference/chat
 */
import { GEN_AI_OPERATION_NAME_VALUE_CHAT, OPENAI_API_TYPE_VALUE_CHAT_COMPLETIONS } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import { chatCompletionsReaders, chatRequestFacts } from '../../formats/openai-chat/chat-completions';
import { askStreamUsage } from '../../formats/openai-chat/stream-usage';
import { isStreamAborted, openaiStart } from './client';

export const openaiChatReaders = chatCompletionsReaders({ openaiFields: true });

// Read once: a named import of the semconv package is a getter call on every read (its `export *`).
const CHAT = GEN_AI_OPERATION_NAME_VALUE_CHAT;
const API_TYPE = OPENAI_API_TYPE_VALUE_CHAT_COMPLETIONS;

export const chatCompletionsCreate: CallAdapter = {
  ...openaiChatReaders,
  ...askStreamUsage,
  start(params, self) {
    const request = chatRequestFacts(params, true);
    request.apiType = API_TYPE;
    return openaiStart(CHAT, self, request);
  },
  isAborted: isStreamAborted,
};
