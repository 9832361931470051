/**
 * Responses API items → the conventions' message JSON (only used when content capture is on); content
 * parts are the chat format's.
 */
import type { ChatMessage, MessagePart } from '../../core/content';
import { contentParts, parseArguments } from '../../formats/openai-chat/messages';

/** Responses API `input` (a string or a list of input items). */
export function responsesInputMessages(input: unknown): ChatMessage[] | undefined {
  if (typeof input === 'string') return [{ role: 'user', parts: [{ type: 'text', content: input }] }];
  if (!Array.isArray(input)) return undefined;
  return input.map((item: any): ChatMessage => {
    if (item?.type === 'function_call_output') {
      return { role: 'tool', parts: [{ type: 'tool_call_response', id: item.call_id, response: item.output }] };
    }
    if (item?.type === 'function_call') {
      return { role: 'assistant', parts: [{ type: 'tool_call', id: item.call_id, name: item.name, arguments: parseArguments(item.arguments) }] };
    }
    return { role: String(item?.role ?? 'user'), parts: contentParts(item?.content) };
  });
}

/** A Responses API result is one choice: all its output items make one assistant message. */
export function responsesOutputMessages(output: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(output)) return undefined;
  const parts: MessagePart[] = [];
  for (const item of output as any[]) {
    if (item?.type === 'message') parts.push(...contentParts(item.content));
    else if (item?.type === 'function_call') {
      parts.push({ type: 'tool_call', id: item.call_id, name: item.name, arguments: parseArguments(item.arguments) });
    } else if (item?.type === 'reasoning') {
      const summary = Array.isArray(item.summary) ? item.summary.map((s: any) => s?.text).join('') : undefined;
      if (summary) parts.push({ type: 'reasoning', content: summary });
    } else if (item?.type) parts.push({ type: String(item.type) });
  }
  return [{ role: 'assistant', parts }];
}
