/**
 * OpenAI chat-format message shapes → the conventions' message JSON (only used when content capture
 * is on); the content parts are also the Responses API's.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/model/gen-ai/gen-ai-input-messages.json
 */
import { contentPartsOf, type ChatMessage, type MessagePart } from '../../core/content';
import { objectOf } from '../../core/read';

export function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args;
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

export function blockPart(raw: unknown): MessagePart | undefined {
  const part = objectOf(raw);
  if (!part) return undefined;
  switch (part.type) {
    case 'text':
    case 'input_text':
    case 'output_text':
      return { type: 'text', content: part.text };
    case 'refusal':
      return { type: 'text', content: part.refusal };
    case 'image_url':
      return { type: 'uri', modality: 'image', uri: part.image_url?.url };
    case 'input_image':
      return part.file_id ? { type: 'file', modality: 'image', file_id: part.file_id } : { type: 'uri', modality: 'image', uri: part.image_url };
    case 'input_audio':
      return { type: 'blob', modality: 'audio', content: part.input_audio?.data };
    case 'file':
    case 'input_file':
      return { type: 'file', modality: 'document', file_id: part.file?.file_id ?? part.file_id };
    default:
      return { type: String(part.type) };
  }
}

export const contentParts = (content: unknown): MessagePart[] => contentPartsOf(content, blockPart);

function toolCallParts(toolCalls: unknown): MessagePart[] {
  if (!Array.isArray(toolCalls)) return [];
  return toolCalls.map((call: any) => ({
    type: 'tool_call',
    id: call?.id,
    name: call?.function?.name ?? call?.custom?.name,
    arguments: parseArguments(call?.function?.arguments ?? call?.custom?.input),
  }));
}

/** Chat Completions `messages` (system and developer messages stay in the history). */
export function chatInputMessages(messages: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.map((m: any): ChatMessage => {
    if (m?.role === 'tool') {
      return { role: 'tool', parts: [{ type: 'tool_call_response', id: m.tool_call_id, response: m.content }] };
    }
    const parts = [...contentParts(m?.content), ...toolCallParts(m?.tool_calls)];
    if (m?.function_call) parts.push({ type: 'tool_call', name: m.function_call.name, arguments: parseArguments(m.function_call.arguments) });
    return { role: String(m?.role), parts };
  });
}

/** One output message per choice, in index order. */
export function chatOutputMessages(choices: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(choices)) return undefined;
  return choices.map((c: any): ChatMessage => {
    const message = objectOf(c?.message) ?? {};
    const parts = [
      ...contentParts(message.content ?? message.refusal ?? c?.text),
      ...toolCallParts(message.tool_calls),
    ];
    return { role: 'assistant', parts, finish_reason: c?.finish_reason ?? undefined };
  });
}

/** `tools` → tool definitions; only the required `type` and `name` (size, per the conventions). */
export function toolDefinitions(tools: unknown): unknown[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  return tools.map((t: any) => ({ type: t?.type, name: t?.function?.name ?? t?.name ?? t?.type }));
}
