/**
 * Gemini contents → the conventions' message JSON (only used when content capture is on).
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/model/gen-ai/gen-ai-input-messages.json
 *
 * `contents` may be a string, a part, a list of parts (one user turn) or a list of Content objects
 * (`{ role: 'user' | 'model', parts }`), as the SDK accepts them. Role `model` is the conventions'
 * `assistant`; a turn made only of function responses is a `tool` turn.
 */
import type { ChatMessage, MessagePart } from '../../core/content';
import { objectOf, stringOf } from '../../core/read';
import { finishReasonOf } from './usage';

const isContent = (value: unknown): boolean => {
  const o = objectOf(value);
  return o !== undefined && (Array.isArray(o.parts) || typeof o.role === 'string');
};

function modalityOf(mimeType: unknown): string {
  const type = typeof mimeType === 'string' ? mimeType.split('/')[0] : '';
  return type === 'image' || type === 'video' || type === 'audio' ? type : 'document';
}

/** Part keys without a conventions' shape, reported as generic parts named after the key. */
const GENERIC_PARTS: readonly [key: string, type: string][] = [
  ['executableCode', 'executable_code'],
  ['codeExecutionResult', 'code_execution_result'],
];

export function partOf(raw: unknown): MessagePart | undefined {
  if (typeof raw === 'string') return { type: 'text', content: raw };
  const p = objectOf(raw);
  if (!p) return undefined;
  if (typeof p.text === 'string') return p.thought === true ? { type: 'reasoning', content: p.text } : { type: 'text', content: p.text };
  if (p.functionCall) return { type: 'tool_call', id: stringOf(p.functionCall.id), name: p.functionCall.name, arguments: p.functionCall.args };
  if (p.functionResponse) {
    return { type: 'tool_call_response', id: stringOf(p.functionResponse.id), response: p.functionResponse.response };
  }
  if (p.inlineData) {
    return { type: 'blob', mime_type: p.inlineData.mimeType, modality: modalityOf(p.inlineData.mimeType), content: p.inlineData.data };
  }
  if (p.fileData) {
    return { type: 'uri', mime_type: p.fileData.mimeType, modality: modalityOf(p.fileData.mimeType), uri: p.fileData.fileUri };
  }
  for (const [key, type] of GENERIC_PARTS) if (p[key]) return { type };
  return undefined; // e.g. a bare thoughtSignature part: nothing a reader could use
}

function partsOf(parts: unknown): MessagePart[] {
  const list = Array.isArray(parts) ? parts : parts === undefined ? [] : [parts];
  const out: MessagePart[] = [];
  for (const raw of list) {
    const part = partOf(raw);
    if (part) out.push(part);
  }
  return out;
}

function roleOf(content: Record<string, any>, parts: MessagePart[]): string {
  const role = typeof content.role === 'string' ? content.role : 'user';
  if (role === 'model') return 'assistant';
  if (role === 'function' || (parts.length > 0 && parts.every((p) => p.type === 'tool_call_response'))) return 'tool';
  return role;
}

function messageOf(content: Record<string, any>): ChatMessage {
  const parts = partsOf(content.parts);
  return { role: roleOf(content, parts), parts };
}

/** `contents` in the order sent. */
export function inputMessages(contents: unknown): ChatMessage[] | undefined {
  if (contents === undefined || contents === null) return undefined;
  if (Array.isArray(contents) && contents.length > 0 && contents.every(isContent)) {
    return contents.map((c) => messageOf(c as Record<string, any>));
  }
  if (isContent(contents)) return [messageOf(contents as Record<string, any>)];
  return [{ role: 'user', parts: partsOf(contents) }];
}

/** `config.systemInstruction` (a string, part(s) or Content): its text parts only, per the conventions. */
export function systemInstructions(instruction: unknown): MessagePart[] | undefined {
  if (instruction === undefined || instruction === null) return undefined;
  const parts = isContent(instruction) ? (instruction as Record<string, any>).parts : instruction;
  const texts = partsOf(parts).filter((p) => p.type === 'text');
  return texts.length ? texts : undefined;
}

/** `config.tools` → tool definitions: every function declaration, and each built-in tool by its key. */
export function toolDefinitions(tools: unknown): unknown[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const out: unknown[] = [];
  for (const raw of tools) {
    const tool = objectOf(raw);
    if (!tool) continue;
    for (const [key, value] of Object.entries(tool)) {
      if (key === 'functionDeclarations' && Array.isArray(value)) {
        for (const d of value) out.push({ type: 'function', name: objectOf(d)?.name });
      } else if (value !== undefined && value !== null) {
        out.push({ type: key, name: key });
      }
    }
  }
  return out.length ? out : undefined;
}

/** One output message per candidate, in the order returned. */
export function outputMessages(candidates: unknown): ChatMessage[] | undefined {
  if (!Array.isArray(candidates)) return undefined;
  return candidates.map((c: any): ChatMessage => ({
    role: 'assistant',
    parts: partsOf(c?.content?.parts),
    finish_reason: finishReasonOf(c?.finishReason),
  }));
}

/**
 * Streamed parts per candidate, merged as the SDK's consumers see them: consecutive text (or
 * reasoning) deltas become one part, other parts are kept whole.
 */
export function appendStreamedParts(target: MessagePart[], parts: unknown): void {
  for (const part of partsOf(parts)) {
    const last = target[target.length - 1];
    if ((part.type === 'text' || part.type === 'reasoning') && last?.type === part.type) {
      last.content = String(last.content ?? '') + String(part.content ?? '');
    } else {
      target.push({ ...part });
    }
  }
}
