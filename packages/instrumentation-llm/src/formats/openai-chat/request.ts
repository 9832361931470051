/** Request parameters OpenAI-style APIs share, read into neutral facts. */
import {
  GEN_AI_OUTPUT_TYPE_VALUE_JSON,
  GEN_AI_OUTPUT_TYPE_VALUE_SPEECH,
  GEN_AI_OUTPUT_TYPE_VALUE_TEXT,
  type RequestFacts,
} from '@tokenpath/semconv';
import { countOf, numberOf, objectOf, stringListOf, stringOf } from '../../core/read';

/** `response_format` / `text.format` type → `gen_ai.output.type` (the modality, not the format). */
export function outputTypeOf(formatType: unknown, modalities?: unknown): string | undefined {
  if (Array.isArray(modalities) && modalities.includes('audio')) return GEN_AI_OUTPUT_TYPE_VALUE_SPEECH;
  if (formatType === 'json_schema' || formatType === 'json_object') return GEN_AI_OUTPUT_TYPE_VALUE_JSON;
  if (formatType === 'text') return GEN_AI_OUTPUT_TYPE_VALUE_TEXT;
  return undefined;
}

/** Sampling parameters shared by Chat Completions and legacy Completions. */
export function samplingFacts(p: Record<string, any>): RequestFacts {
  const n = countOf(p.n);
  const tier = stringOf(p.service_tier);
  return {
    model: stringOf(p.model),
    temperature: numberOf(p.temperature),
    topP: numberOf(p.top_p),
    maxTokens: countOf(p.max_completion_tokens) ?? countOf(p.max_tokens),
    seed: numberOf(p.seed),
    stopSequences: stringListOf(p.stop),
    frequencyPenalty: numberOf(p.frequency_penalty),
    presencePenalty: numberOf(p.presence_penalty),
    choiceCount: n !== undefined && n !== 1 ? n : undefined,
    stream: p.stream === true ? true : undefined,
    serviceTier: tier !== 'auto' ? tier : undefined,
  };
}

export function paramsOf(params: unknown): Record<string, any> {
  return objectOf(params) ?? {};
}
