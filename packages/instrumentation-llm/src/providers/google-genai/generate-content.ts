/**
 * `Models.generateContentInternal` / `generateContentStreamInternal`: the one request each of
 * `models.generateContent`, `models.generateContentStream`, `chats.sendMessage[Stream]`, every turn of
 * automatic function calling and every continuation hop ends in.
 * https://ai.google.dev/api/generate-content
 */
import { GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import type { GenAiOperation } from '../../core/operation';
import type { MessagePart } from '../../core/content';
import { countOf, objectOf, stringOf } from '../../core/read';
import { configOf, googleErrorType, googleStart } from './client';
import { generateRequestFacts } from './request';
import { finishReasonOf, replaceUsage, usageOf } from './usage';
import { appendStreamedParts, inputMessages, outputMessages, systemInstructions, toolDefinitions } from './messages';

function captureInput(op: GenAiOperation, params: unknown): void {
  const config = configOf(params);
  op.setContent('systemInstructions', systemInstructions(config.systemInstruction));
  op.setContent('inputMessages', inputMessages(objectOf(params)?.contents));
  op.setContent('toolDefinitions', toolDefinitions(config.tools));
}

/**
 * Response id, model, finish reasons and usage of a response or stream chunk: the last one carrying
 * each wins. Stream chunks restate the running usage (Vertex: only the last one has counts), so the
 * last usage statement replaces what was known as a whole.
 */
function readResponse(op: GenAiOperation, r: Record<string, any>): void {
  const usage = usageOf(r.usageMetadata);
  if (usage) replaceUsage(op.usage, usage);
  const id = stringOf(r.responseId);
  if (id !== undefined) op.response.id = id;
  const model = stringOf(r.modelVersion);
  if (model !== undefined) op.response.model = model;
  const candidates = r.candidates;
  if (!Array.isArray(candidates)) return;
  for (let i = 0; i < candidates.length; i++) {
    const reason = finishReasonOf(candidates[i]?.finishReason);
    if (reason !== undefined) (op.response.finishReasons ??= [])[countOf(candidates[i]?.index) ?? i] = reason;
  }
}

export const generateContent: CallAdapter = {
  start(params, self) {
    return googleStart(GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT, self, params, generateRequestFacts(params), true);
  },

  onResult(op, result) {
    const r = objectOf(result);
    if (!r) return;
    readResponse(op, r);
    if (op.captureContent) op.setContent('outputMessages', outputMessages(r.candidates));
  },

  captureInput,
  errorType: googleErrorType,
};

/** Streamed parts per candidate index, kept only when content capture is on. */
type StreamedParts = MessagePart[][];

export const generateContentStream: CallAdapter = {
  start(params, self) {
    const request = generateRequestFacts(params);
    request.stream = true;
    return googleStart(GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT, self, params, request, true);
  },

  // The SDK resolves to an async generator; anything else is read as a complete response.
  onResult: generateContent.onResult,

  captureInput,
  errorType: googleErrorType,

  onChunk(op, chunk) {
    const c = objectOf(chunk);
    if (!c) return;
    readResponse(op, c);
    if (op.captureContent && Array.isArray(c.candidates)) {
      const acc = (op.scratch ??= []) as StreamedParts;
      c.candidates.forEach((candidate: any, i: number) => {
        appendStreamedParts((acc[countOf(candidate?.index) ?? i] ??= []), candidate?.content?.parts);
      });
    }
  },

  onStreamEnd(op) {
    if (!op.captureContent) return;
    const acc = (op.scratch ?? []) as StreamedParts;
    const reasons = op.response.finishReasons ?? [];
    const messages = [];
    for (let i = 0; i < Math.max(acc.length, reasons.length); i++) {
      messages.push({ role: 'assistant', parts: acc[i] ?? [], finish_reason: reasons[i] });
    }
    op.setContent('outputMessages', messages);
  },
};
