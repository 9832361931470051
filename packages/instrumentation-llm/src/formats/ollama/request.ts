/**
 * Where Ollama's native API (`/api/chat`, `/api/generate`, `/api/embed`) keeps the request's facts:
 * `model`, the sampling parameters inside `options` (`num_predict` is the output limit), `format`
 * (`"json"` or a JSON schema asks for JSON) and `stream` (the SDK's default is false).
 * https://github.com/ollama/ollama/blob/main/docs/api.md
 */
import { GEN_AI_OUTPUT_TYPE_VALUE_JSON, type RequestFacts } from '@tokenpath/semconv';
import { countOf, numberOf, objectOf, stringListOf, stringOf } from '../../core/read';

export const paramsOf = (params: unknown): Record<string, any> => objectOf(params) ?? {};

export function ollamaRequestFacts(params: unknown): RequestFacts {
  const p = paramsOf(params);
  const o = objectOf(p.options) ?? {};
  // num_predict -1 (infinite) and -2 (fill the context) are not limits.
  const numPredict = countOf(o.num_predict);
  return {
    model: stringOf(p.model),
    temperature: numberOf(o.temperature),
    topP: numberOf(o.top_p),
    topK: countOf(o.top_k),
    maxTokens: numPredict,
    seed: numberOf(o.seed),
    stopSequences: stringListOf(o.stop),
    frequencyPenalty: numberOf(o.frequency_penalty),
    presencePenalty: numberOf(o.presence_penalty),
    outputType: p.format === 'json' || objectOf(p.format) ? GEN_AI_OUTPUT_TYPE_VALUE_JSON : undefined,
    stream: p.stream === true ? true : undefined,
  };
}
