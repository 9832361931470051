/**
 * Request parameters of `generateContent` calls, read from `config` (the SDK's GenerateContentConfig).
 * https://ai.google.dev/api/generate-content#generationconfig
 */
import {
  GEN_AI_OUTPUT_TYPE_VALUE_IMAGE,
  GEN_AI_OUTPUT_TYPE_VALUE_JSON,
  GEN_AI_OUTPUT_TYPE_VALUE_SPEECH,
  GEN_AI_OUTPUT_TYPE_VALUE_TEXT,
  type RequestFacts,
} from '@tokenpath/semconv';
import { countOf, numberOf, objectOf, stringListOf } from '../../core/read';
import { configOf, modelIdOf } from './client';

export function generateRequestFacts(params: unknown): RequestFacts {
  const c = configOf(params);
  const n = countOf(c.candidateCount);
  return {
    model: modelIdOf(objectOf(params)?.model),
    temperature: numberOf(c.temperature),
    topP: numberOf(c.topP),
    topK: countOf(c.topK), // the conventions' top_k is an int
    maxTokens: countOf(c.maxOutputTokens),
    seed: Number.isInteger(c.seed) ? c.seed : undefined,
    stopSequences: stringListOf(c.stopSequences),
    frequencyPenalty: numberOf(c.frequencyPenalty),
    presencePenalty: numberOf(c.presencePenalty),
    choiceCount: n !== undefined && n !== 1 ? n : undefined,
    outputType: outputTypeOf(c),
  };
}

/**
 * `gen_ai.output.type` is the requested modality: JSON for `responseMimeType: application/json`
 * (structured output), else from `responseModalities` (AUDIO → speech, IMAGE → image, TEXT → text).
 */
function outputTypeOf(c: Record<string, any>): string | undefined {
  if (c.responseMimeType === 'application/json') return GEN_AI_OUTPUT_TYPE_VALUE_JSON;
  const modalities = Array.isArray(c.responseModalities) ? c.responseModalities.map((m: unknown) => String(m).toUpperCase()) : [];
  if (modalities.includes('AUDIO')) return GEN_AI_OUTPUT_TYPE_VALUE_SPEECH;
  if (modalities.includes('IMAGE')) return GEN_AI_OUTPUT_TYPE_VALUE_IMAGE;
  if (modalities.includes('TEXT') || c.responseMimeType === 'text/plain') return GEN_AI_OUTPUT_TYPE_VALUE_TEXT;
  return undefined;
}
