/**
 * The OpenAI chat format's Chat Completions call, apart from the SDK that makes it: the request's
 * sampling parameters, where a completion and its stream chunks keep id, model, finish reasons
 * (one per choice, by index), usage and content. openai, groq-sdk, together-ai and every
 * OpenAI-compatible host speak it; an SDK adapter adds only `start` (where its client keeps the
 * endpoint, which provider it is) and how its stream tells an abort.
 * https://platform.openai.com/docs/api-reference/chat
 */
import type { RequestFacts } from '@tokenpath/semconv';
import type { CallAdapter } from '../../core/traced-call';
import type { GenAiOperation } from '../../core/operation';
import { assignUsage } from '../../core/usage';
import { countOf, objectOf, stringOf } from '../../core/read';
import { chatUsageOf } from './usage';
import { outputTypeOf, paramsOf, samplingFacts } from './request';
import { chatInputMessages, chatOutputMessages, toolDefinitions } from './messages';

/** What the format reads; the SDK adapter supplies `start` and `isAborted`. */
export type ChatFormatReaders = Required<Pick<CallAdapter, 'onResult' | 'captureInput' | 'onChunk' | 'onStreamEnd'>>;

export interface ChatFormatOptions {
  /**
   * Whether `service_tier` and `system_fingerprint` are reported (as `openai.*` attributes, which
   * the conventions define for OpenAI only): true for the openai SDK, false for other vendors' SDKs.
   */
  openaiFields: boolean;
}

/** Streamed text per choice index, kept only when content capture is on. */
type StreamedText = string[];

/** The request facts of a Chat Completions (or legacy Completions) request. */
export function chatRequestFacts(params: unknown, openaiFields: boolean): RequestFacts {
  const p = paramsOf(params);
  const request = samplingFacts(p);
  request.outputType = outputTypeOf(objectOf(p.response_format)?.type, p.modalities);
  if (!openaiFields) request.serviceTier = undefined;
  return request;
}

export function chatCompletionsReaders({ openaiFields }: ChatFormatOptions): ChatFormatReaders {
  function readCommon(op: GenAiOperation, r: Record<string, any>): void {
    op.response.id = stringOf(r.id);
    op.response.model = stringOf(r.model);
    if (openaiFields) {
      op.response.serviceTier = stringOf(r.service_tier);
      op.response.systemFingerprint = stringOf(r.system_fingerprint);
    }
  }

  return {
    onResult(op, result) {
      const r = objectOf(result);
      if (!r) return;
      readCommon(op, r);
      const choices = r.choices;
      if (Array.isArray(choices)) {
        const reasons: string[] = [];
        for (let i = 0; i < choices.length; i++) reasons[countOf(choices[i]?.index) ?? i] = choices[i]?.finish_reason;
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

    // Runs for every chunk: reads only what a chunk can add, and allocates nothing for the usual one.
    onChunk(op, chunk) {
      const c = objectOf(chunk);
      if (!c) return;
      const response = op.response;
      // Ids and model can be empty on a first chunk (Azure's prompt-filter chunk): first non-empty wins.
      if (response.id === undefined) response.id = stringOf(c.id);
      if (response.model === undefined) response.model = stringOf(c.model);
      if (openaiFields) {
        if (c.system_fingerprint) response.systemFingerprint = c.system_fingerprint;
        if (c.service_tier) response.serviceTier = c.service_tier;
      }
      const choices = c.choices;
      if (Array.isArray(choices)) {
        const capture = op.captureContent;
        for (let i = 0; i < choices.length; i++) {
          const choice = choices[i];
          if (choice?.finish_reason) (response.finishReasons ??= [])[countOf(choice.index) ?? 0] = choice.finish_reason;
          if (capture) {
            const text = choice?.delta?.content ?? choice?.text;
            if (typeof text === 'string') {
              const index = countOf(choice.index) ?? 0;
              const acc = (op.scratch ??= []) as StreamedText;
              acc[index] = (acc[index] ?? '') + text;
            }
          }
        }
      }
      // Usage comes on the last chunk (choices: []) with stream_options.include_usage, on the
      // finish chunk for some hosts, or inside x_groq on Groq streams; every other chunk has none.
      const stated = c.usage ?? c.x_groq?.usage;
      if (stated == null) return;
      const usage = chatUsageOf(stated);
      if (usage) assignUsage(op.usage, usage);
    },

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
}
