/**
 * `chat.completions.create`: what `parse()`, `stream()` and `runTools()` all end in.
 * https://platform.openai.com/docs/api-reference/chat
 */
import { GEN_AI_OPERATION_NAME_VALUE_CHAT, OPENAI_API_TYPE_VALUE_CHAT_COMPLETIONS } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import type { GenAiOperation } from '../../core/operation';
import { assignUsage } from '../../core/usage';
import { countOf, objectOf, stringOf } from '../../core/read';
import { isStreamAborted, openaiStart } from './client';
import { chatUsageOf } from './usage';
import { outputTypeOf, paramsOf, samplingFacts } from './request';
import { chatInputMessages, chatOutputMessages, toolDefinitions } from './messages';

/** Streamed text per choice index, kept only when content capture is on. */
type StreamedText = string[];

export const chatCompletionsCreate: CallAdapter = {
  start(params, self) {
    const p = paramsOf(params);
    const request = samplingFacts(p);
    request.outputType = outputTypeOf(objectOf(p.response_format)?.type, p.modalities);
    request.apiType = OPENAI_API_TYPE_VALUE_CHAT_COMPLETIONS;
    return openaiStart(GEN_AI_OPERATION_NAME_VALUE_CHAT, self, request);
  },

  onResult(op, result) {
    const r = objectOf(result);
    if (!r) return;
    readCommon(op, r);
    if (Array.isArray(r.choices)) {
      const reasons: string[] = [];
      r.choices.forEach((c: any, i: number) => {
        reasons[countOf(c?.index) ?? i] = c?.finish_reason;
      });
      op.response.finishReasons = reasons;
    }
    const usage = chatUsageOf(r.usage);
    if (usage) assignUsage(op.usage, usage);
    if (op.captureContent) op.setContent('outputMessages', chatOutputMessages(r.choices));
  },

  captureInput(op, params) {
    const p = paramsOf(params);
    op.setContent('inputMessages', chatInputMessages(p.messages));
    op.setContent('toolDefinitions', toolDefinitions(p.tools ?? p.functions));
  },

  onChunk(op, chunk) {
    const c = objectOf(chunk);
    if (!c) return;
    // Ids and model can be empty on a first chunk (Azure's prompt-filter chunk): first non-empty wins.
    if (op.response.id === undefined) op.response.id = stringOf(c.id);
    if (op.response.model === undefined) op.response.model = stringOf(c.model);
    if (c.system_fingerprint) op.response.systemFingerprint = c.system_fingerprint;
    if (c.service_tier) op.response.serviceTier = c.service_tier;
    const choices = c.choices;
    if (Array.isArray(choices)) {
      for (let i = 0; i < choices.length; i++) {
        const choice = choices[i];
        const index = countOf(choice?.index) ?? 0;
        if (choice?.finish_reason) (op.response.finishReasons ??= [])[index] = choice.finish_reason;
        if (op.captureContent) {
          const text = choice?.delta?.content ?? choice?.text;
          if (typeof text === 'string') {
            const acc = (op.scratch ??= []) as StreamedText;
            acc[index] = (acc[index] ?? '') + text;
          }
        }
      }
    }
    // Usage comes on the last chunk (choices: []) with stream_options.include_usage, on the
    // finish chunk for some hosts, or inside x_groq on older Groq streams.
    const usage = chatUsageOf(c.usage ?? c.x_groq?.usage);
    if (usage) assignUsage(op.usage, usage);
  },

  isAborted: isStreamAborted,

  onStreamEnd(op) {
    if (!op.captureContent) return;
    const acc = (op.scratch ?? []) as StreamedText;
    const reasons = op.response.finishReasons ?? [];
    const count = Math.max(acc.length, reasons.length);
    const messages = [];
    for (let i = 0; i < count; i++) {
      messages.push({ role: 'assistant', parts: [{ type: 'text', content: acc[i] ?? '' }], finish_reason: reasons[i] });
    }
    op.setContent('outputMessages', messages);
  },
};

function readCommon(op: GenAiOperation, r: Record<string, any>): void {
  op.response.id = stringOf(r.id);
  op.response.model = stringOf(r.model);
  op.response.serviceTier = stringOf(r.service_tier);
  op.response.systemFingerprint = stringOf(r.system_fingerprint);
}
