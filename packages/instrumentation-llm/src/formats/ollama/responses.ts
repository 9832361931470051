/**
 * Where Ollama's native responses keep their facts. A complete response and the last line of an
 * NDJSON stream (`done: true`) carry `model`, `done_reason` and the counts: `prompt_eval_count`
 * (input) and `eval_count` (output). Ollama leaves `prompt_eval_count` out when the whole prompt came
 * from its KV cache: that count then stays unset, never 0. There is no response id. Chat responses
 * keep the text in `message`, generate responses in `response`; `/api/embed` states
 * `prompt_eval_count` and the vectors in `embeddings`.
 * https://github.com/ollama/ollama/blob/main/docs/api.md
 */
import type { GenAiOperation } from '../../core/operation';
import type { CallAdapter } from '../../core/traced-call';
import { countOf, objectOf, stringOf } from '../../core/read';
import { chatInputMessages, outputMessage } from './messages';
import { paramsOf } from './request';
import { functionToolDefinitions } from '../function-tools';

export type OllamaReaders = Required<Pick<CallAdapter, 'onResult' | 'captureInput' | 'onChunk' | 'onStreamEnd'>>;

/** Streamed output, kept only when content capture is on. */
interface StreamedMessage {
  content: string;
  thinking: string;
  tool_calls: unknown[];
}

/** Model, finish reason and counts of a complete response or of a stream's final line. */
function readFinal(op: GenAiOperation, r: Record<string, any>): void {
  op.response.model = stringOf(r.model) ?? op.response.model;
  const reason = stringOf(r.done_reason);
  if (reason !== undefined) op.response.finishReasons = [reason];
  const input = countOf(r.prompt_eval_count);
  const output = countOf(r.eval_count);
  if (input !== undefined) op.usage.inputTokens = input;
  if (output !== undefined) op.usage.outputTokens = output;
}

/** `/api/chat` (`text: false`) or `/api/generate` (`text: true`, whose output is `response`). */
function readers(text: boolean): OllamaReaders {
  const messageOf = (r: Record<string, any>): unknown =>
    text ? { content: r.response, thinking: r.thinking } : r.message;
  return {
    onResult(op, result) {
      const r = objectOf(result);
      if (!r) return;
      readFinal(op, r);
      if (op.captureContent) op.setContent('outputMessages', outputMessage(messageOf(r), op.response.finishReasons?.[0]));
    },

    captureInput(op, params) {
      const p = paramsOf(params);
      if (text) {
        if (typeof p.system === 'string' && p.system !== '') op.setContent('systemInstructions', [{ type: 'text', content: p.system }]);
        if (typeof p.prompt === 'string') op.setContent('inputMessages', [{ role: 'user', parts: [{ type: 'text', content: p.prompt }] }]);
      } else {
        op.setContent('inputMessages', chatInputMessages(p.messages));
        op.setContent('toolDefinitions', functionToolDefinitions(p.tools));
      }
    },

    onChunk(op, chunk) {
      const c = objectOf(chunk);
      if (!c) return;
      if (op.response.model === undefined) op.response.model = stringOf(c.model);
      if (c.done === true) readFinal(op, c);
      if (op.captureContent) {
        const m = objectOf(messageOf(c));
        if (!m) return;
        const acc = (op.scratch ??= { content: '', thinking: '', tool_calls: [] }) as StreamedMessage;
        if (typeof m.content === 'string') acc.content += m.content;
        if (typeof m.thinking === 'string') acc.thinking += m.thinking;
        if (Array.isArray(m.tool_calls)) acc.tool_calls.push(...m.tool_calls);
      }
    },

    onStreamEnd(op) {
      if (!op.captureContent) return;
      const acc = (op.scratch ?? { content: '', thinking: '', tool_calls: [] }) as StreamedMessage;
      op.setContent('outputMessages', outputMessage(acc, op.response.finishReasons?.[0]));
    },
  };
}

export const chatReaders = readers(false);
export const generateReaders = readers(true);

/** `/api/embed`: `embeddings` (one vector per input) and `prompt_eval_count`; legacy `/api/embeddings`: `embedding`, no count. */
export function readEmbedResult(op: GenAiOperation, result: unknown): void {
  const r = objectOf(result);
  if (!r) return;
  op.response.model = stringOf(r.model);
  const first = Array.isArray(r.embeddings) ? r.embeddings[0] : r.embedding;
  if (Array.isArray(first)) op.response.embeddingDimensions = first.length;
  const input = countOf(r.prompt_eval_count);
  if (input !== undefined) op.usage.inputTokens = input;
}
