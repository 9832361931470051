/**
 * AI SDK messages → the conventions' message JSON (only used when content capture is on). The
 * `languageModelCall` event holds the step's `instructions` and `messages` (`ModelMessage`s: text,
 * image and file parts, reasoning, tool calls with `input`, tool results with `output`) and the
 * tools as sent (`LanguageModelV4FunctionTool`); a result's `content` and a stream's parts hold the
 * answer. The AI SDK's own `recordInputs: false` / `recordOutputs: false` already empty these.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-spans.md
 */
import type { ChatMessage, MessagePart } from '../../core/content';
import type { GenAiOperation } from '../../core/operation';
import { objectOf, stringOf } from '../../core/read';

function partOf(block: unknown): MessagePart | undefined {
  const b = objectOf(block);
  switch (b?.type) {
    case 'text':
      return { type: 'text', content: b.text };
    case 'reasoning':
      return { type: 'reasoning', content: b.text };
    case 'image':
      return { type: 'blob', modality: 'image' };
    case 'file':
      return { type: 'blob', modality: stringOf(b.mediaType)?.split('/')[0] ?? 'file' };
    case 'tool-call':
      return { type: 'tool_call', id: b.toolCallId, name: b.toolName, arguments: b.input };
    case 'tool-result':
      return { type: 'tool_call_response', id: b.toolCallId, response: objectOf(b.output)?.value ?? b.output };
    default:
      return undefined;
  }
}

function messageOf(raw: unknown): ChatMessage {
  const m = objectOf(raw) ?? {};
  const content = m.content;
  const parts = typeof content === 'string' ? [{ type: 'text', content }] : Array.isArray(content) ? content.map(partOf).filter((p) => p !== undefined) : [];
  return { role: String(m.role), parts };
}

/** `instructions`: a string, a system message, or a list of them. */
function instructionParts(instructions: unknown): MessagePart[] | undefined {
  const list = Array.isArray(instructions) ? instructions : instructions === undefined ? [] : [instructions];
  const parts: MessagePart[] = [];
  for (const item of list) {
    const text = typeof item === 'string' ? item : stringOf(objectOf(item)?.content);
    if (text !== undefined) parts.push({ type: 'text', content: text });
  }
  return parts.length > 0 ? parts : undefined;
}

export function captureModelCallInput(op: GenAiOperation, event: Record<string, any>): void {
  op.setContent('systemInstructions', instructionParts(event.instructions));
  if (Array.isArray(event.messages)) op.setContent('inputMessages', event.messages.map(messageOf));
  if (Array.isArray(event.tools) && event.tools.length > 0) {
    // Only the required `type` and `name` (size, per the conventions).
    op.setContent('toolDefinitions', event.tools.map((t: any) => ({ type: t?.type, name: t?.name })));
  }
}

export function captureGenerateOutput(op: GenAiOperation, content: unknown): void {
  const parts = Array.isArray(content) ? content.map(partOf).filter((p) => p !== undefined) : [];
  op.setContent('outputMessages', [{ role: 'assistant', parts, finish_reason: op.response.finishReasons?.[0] }]);
}

/** What a stream's parts add up to, kept in `op.scratch` while content capture is on. */
interface StreamedAnswer {
  text: string;
  reasoning: string;
  toolCalls: MessagePart[];
}

export function accumulateStreamPart(op: GenAiOperation, part: Record<string, any>): void {
  const answer = ((op.scratch as StreamedAnswer | undefined) ??= { text: '', reasoning: '', toolCalls: [] }) as StreamedAnswer;
  if (part.type === 'text-delta' && typeof part.delta === 'string') answer.text += part.delta;
  else if (part.type === 'reasoning-delta' && typeof part.delta === 'string') answer.reasoning += part.delta;
  else if (part.type === 'tool-call') answer.toolCalls.push(partOf(part)!);
}

export function captureStreamOutput(op: GenAiOperation): void {
  const answer = op.scratch as StreamedAnswer | undefined;
  if (answer === undefined) return;
  const parts: MessagePart[] = [];
  if (answer.reasoning !== '') parts.push({ type: 'reasoning', content: answer.reasoning });
  if (answer.text !== '') parts.push({ type: 'text', content: answer.text });
  parts.push(...answer.toolCalls);
  op.setContent('outputMessages', [{ role: 'assistant', parts, finish_reason: op.response.finishReasons?.[0] }]);
}
