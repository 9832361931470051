/**
 * Anthropic message shapes → the conventions' message JSON (only used when content capture is on).
 * `system` goes to `gen_ai.system_instructions`; the history keeps the roles as sent (tool results
 * are `user` content blocks in this API); one assistant message per response.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/model/gen-ai/gen-ai-input-messages.json
 */
import { contentPartsOf, type ChatMessage, type MessagePart } from '../../core/content';
import { objectOf } from '../../core/read';

/** `image` / `document` sources → blob, uri or file parts. */
function sourcePart(source: Record<string, any> | undefined, modality: string): MessagePart {
  switch (source?.type) {
    case 'base64':
      return { type: 'blob', modality, mime_type: source.media_type, content: source.data };
    case 'url':
      return { type: 'uri', modality, uri: source.url };
    case 'file':
      return { type: 'file', modality, file_id: source.file_id };
    case 'text':
      return { type: 'text', content: source.data };
    default:
      return { type: modality };
  }
}

/** One content block (request or response) → one part. Unknown blocks keep their type only. */
export function blockPart(raw: unknown): MessagePart | undefined {
  const block = objectOf(raw);
  if (!block) return undefined;
  switch (block.type) {
    case 'text':
      return { type: 'text', content: block.text };
    case 'thinking':
      return { type: 'reasoning', content: block.thinking };
    case 'tool_use':
      return { type: 'tool_call', id: block.id, name: block.name, arguments: block.input };
    case 'tool_result':
      return { type: 'tool_call_response', id: block.tool_use_id, response: block.content };
    case 'image':
      return sourcePart(objectOf(block.source), 'image');
    case 'document':
      return sourcePart(objectOf(block.source), 'document');
    default:
      return { type: String(block.type) };
  }
}

const contentParts = (content: unknown): MessagePart[] => contentPartsOf(content, blockPart);

/** `messages`, in the order sent. */
export function inputMessages(messages: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.map((m: any): ChatMessage => ({ role: String(m?.role), parts: contentParts(m?.content) }));
}

/** `system` (a string or text blocks) → text parts. */
export function systemInstructions(system: unknown): MessagePart[] | undefined {
  if (system === undefined || system === null) return undefined;
  const parts = contentParts(system).filter((p) => p.type === 'text');
  return parts.length > 0 ? parts : undefined;
}

/** A response's content blocks → its one assistant message. */
export function outputMessage(content: unknown, finishReason: string | undefined): ChatMessage[] {
  return [{ role: 'assistant', parts: contentParts(content), finish_reason: finishReason }];
}

/** `tools` → definitions: client tools are functions; server tools keep their versioned type. Names only. */
export function toolDefinitions(tools: unknown): unknown[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  return tools.map((t: any) => ({
    type: t?.type === undefined || t?.type === 'custom' ? 'function' : t.type,
    name: t?.name,
  }));
}
