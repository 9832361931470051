/**
 * Converse content blocks (also Amazon Nova's native messages, which share their shape) → the
 * conventions' message JSON; used only when content capture is on. A block is an object with one
 * member naming its kind (`text`, `image`, `toolUse`, …); `cachePoint` markers are not content.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ContentBlock.html
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/model/gen-ai/gen-ai-input-messages.json
 */
import { contentPartsOf, type ChatMessage, type MessagePart } from '../../core/content';
import { objectOf } from '../../core/read';

const MEDIA = ['image', 'document', 'video', 'audio'] as const;

/** Media sources: bytes (Uint8Array in the SDK, base64 in native bodies) or an S3 location. */
function mediaPart(modality: string, media: Record<string, any>): MessagePart {
  const source = objectOf(media.source) ?? {};
  const mime = typeof media.format === 'string' ? `${modality}/${media.format}` : undefined;
  if (source.s3Location) return { type: 'uri', modality, mime_type: mime, uri: source.s3Location.uri };
  const bytes = source.bytes;
  const content = bytes instanceof Uint8Array ? Buffer.from(bytes).toString('base64') : bytes;
  return { type: 'blob', modality, mime_type: mime, content };
}

export function blockPart(raw: unknown): MessagePart | undefined {
  const b = objectOf(raw);
  if (!b || b.cachePoint) return undefined;
  if (typeof b.text === 'string') return { type: 'text', content: b.text };
  if (b.toolUse) return { type: 'tool_call', id: b.toolUse.toolUseId, name: b.toolUse.name, arguments: b.toolUse.input };
  if (b.toolResult) return { type: 'tool_call_response', id: b.toolResult.toolUseId, response: b.toolResult.content };
  if (b.reasoningContent) return { type: 'reasoning', content: b.reasoningContent.reasoningText?.text };
  if (b.guardContent) return { type: 'text', content: b.guardContent.text?.text };
  for (const modality of MEDIA) if (b[modality]) return mediaPart(modality, b[modality]);
  const [kind] = Object.keys(b);
  return kind === undefined ? undefined : { type: kind };
}

// Converse content is always a list of blocks (a string would be a text part).
const parts = (content: unknown): MessagePart[] => contentPartsOf(content, blockPart);

/** `messages`, in the order sent. */
export function inputMessages(messages: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(messages)) return undefined;
  return messages.map((m: any): ChatMessage => ({ role: String(m?.role), parts: parts(m?.content) }));
}

/** `system` blocks → text parts. */
export function systemInstructions(system: unknown): MessagePart[] | undefined {
  const out = parts(system);
  return out.length > 0 ? out : undefined;
}

/** `toolConfig.tools[].toolSpec` → definitions (names only, per the conventions' size advice). */
export function toolDefinitions(toolConfig: unknown): unknown[] | undefined {
  const tools = objectOf(toolConfig)?.tools;
  if (!Array.isArray(tools)) return undefined;
  const defs = tools.filter((t: any) => t?.toolSpec).map((t: any) => ({ type: 'function', name: t.toolSpec.name }));
  return defs.length > 0 ? defs : undefined;
}

/** The one assistant message of a response. */
export function outputMessages(message: unknown, finishReason: string | undefined): ChatMessage[] {
  return [{ role: 'assistant', parts: parts(objectOf(message)?.content), finish_reason: finishReason }];
}

/**
 * A streamed message, rebuilt from its deltas: text, reasoning text, and tool calls whose input
 * arrives as JSON text in pieces. Blocks are kept by `contentBlockIndex`.
 */
export class StreamedBlocks {
  private readonly blocks: Record<string, any>[] = [];

  start(index: number, start: unknown): void {
    const toolUse = objectOf(objectOf(start)?.toolUse);
    if (toolUse) this.blocks[index] = { toolUse: { toolUseId: toolUse.toolUseId, name: toolUse.name, input: '' } };
  }

  delta(index: number, delta: unknown): void {
    const d = objectOf(delta);
    if (!d) return;
    const block = (this.blocks[index] ??= {});
    if (typeof d.text === 'string') block.text = (block.text ?? '') + d.text;
    const reasoning = d.reasoningContent?.text;
    if (typeof reasoning === 'string') {
      const text = (block.reasoningContent?.reasoningText?.text ?? '') + reasoning;
      block.reasoningContent = { reasoningText: { text } };
    }
    const input = d.toolUse?.input;
    if (typeof input === 'string') block.toolUse = { ...(block.toolUse ?? {}), input: (block.toolUse?.input ?? '') + input };
  }

  message(finishReason: string | undefined): ChatMessage[] {
    const content = this.blocks.filter(Boolean).map((b) => (b.toolUse ? { toolUse: { ...b.toolUse, input: parseJson(b.toolUse.input) } } : b));
    return outputMessages({ content }, finishReason);
  }
}

function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
