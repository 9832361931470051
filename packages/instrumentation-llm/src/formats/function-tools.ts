/**
 * The function-tool shapes of the OpenAI chat format, which Cohere v2, Mistral and Ollama use too: a tool
 * `{ type: 'function', function: { name, ... } }` and a tool call `{ id, function: { name, arguments } }`, its
 * arguments JSON text (or, from some SDKs, already an object).
 */
import type { MessagePart } from '../core/content';
import { parseArguments } from './openai-chat/messages';

/** A function tool call as a `tool_call` part, its arguments parsed where they are JSON text (else kept as sent). */
export const functionToolCallPart = (call: any): MessagePart => ({
  type: 'tool_call',
  id: call?.id,
  name: call?.function?.name,
  arguments: parseArguments(call?.function?.arguments),
});

/** `tools` → tool definitions, only the required `type` and `name` (size, per the conventions); undefined for none. */
export function functionToolDefinitions(tools: unknown): unknown[] | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  return tools.map((t: any) => ({ type: t?.type ?? 'function', name: t?.function?.name }));
}
