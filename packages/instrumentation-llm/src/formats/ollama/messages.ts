/**
 * Ollama message shapes → the conventions' message JSON (only used when content capture is on):
 * `messages[].content` (a string), `images` (base64), `tool_calls[].function`, `thinking`; tool
 * results are `tool` messages. https://github.com/ollama/ollama/blob/main/docs/api.md
 */
import type { ChatMessage, MessagePart } from '../../core/content';
import { objectOf } from '../../core/read';

function partsOf(m: Record<string, any>): MessagePart[] {
  const parts: MessagePart[] = [];
  if (typeof m.thinking === 'string' && m.thinking !== '') parts.push({ type: 'reasoning', content: m.thinking });
  if (typeof m.content === 'string' && m.content !== '') parts.push({ type: 'text', content: m.content });
  if (Array.isArray(m.images)) for (const _ of m.images) parts.push({ type: 'blob', modality: 'image' });
  if (Array.isArray(m.tool_calls)) {
    for (const call of m.tool_calls) {
      parts.push({ type: 'tool_call', name: call?.function?.name, arguments: call?.function?.arguments });
    }
  }
  return parts;
}

/** `messages` of `/api/chat`, in the order sent (system messages stay in the history). */
export function chatInputMessages(messages: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.map((raw): ChatMessage => {
    const m = objectOf(raw) ?? {};
    if (m.role === 'tool') return { role: 'tool', parts: [{ type: 'tool_call_response', response: m.content }] };
    return { role: String(m.role), parts: partsOf(m) };
  });
}

/** The one assistant message of a response (a chat `message`, or generate's `response` text). */
export function outputMessage(message: unknown, finishReason: string | undefined): ChatMessage[] {
  return [{ role: 'assistant', parts: partsOf(objectOf(message) ?? {}), finish_reason: finishReason }];
}
