import * as A from '../attributes';
import * as M from '../metrics';
import {
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
  GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
  GEN_AI_TOKEN_MODALITY_VALUE_UNKNOWN,
} from '../values';
import type { GenAiSemconvProfile, HistogramDescriptor } from '../profile';
import { PROFILE_INCUBATING_1_45 } from './incubating-1-45';

const tokens = (name: string, description: string): HistogramDescriptor => ({
  name,
  unit: M.UNIT_TOKEN,
  description,
  buckets: M.BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE,
});
const seconds = (name: string, description: string): HistogramDescriptor => ({
  name,
  unit: M.UNIT_SECONDS,
  description,
  buckets: M.BUCKETS_GEN_AI_CLIENT_DURATION,
});
const counter = (name: string, description: string) => ({ name, unit: M.UNIT_TOKEN, description });

/**
 * The newest GenAI conventions (`main` of the GenAI repository, Aug–Oct 2026), selected with
 * `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`. Spans keep the 1.45 names except
 * `gen_ai.usage.cache_write.input_tokens` (PR #440). Inference is metered with monotonic token
 * counters by `gen_ai.token.modality` and per-call token histograms (PR #374), its duration and
 * time to first chunk under `gen_ai.client.inference.*` (PR #521); embeddings under
 * `gen_ai.client.embeddings.*`. Any other operation keeps `gen_ai.client.operation.duration`.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-token-metrics.md
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-inference.md
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-embeddings.md
 */
export const PROFILE_GEN_AI_LATEST: GenAiSemconvProfile = {
  ...PROFILE_INCUBATING_1_45,
  id: 'gen_ai_latest_experimental',
  usage: [
    ['inputTokens', A.ATTR_GEN_AI_USAGE_INPUT_TOKENS],
    ['outputTokens', A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS],
    ['cacheReadInputTokens', A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS],
    ['cacheCreationInputTokens', A.ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS],
    ['reasoningOutputTokens', A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS],
  ],
  metrics: {
    operationDuration: PROFILE_INCUBATING_1_45.metrics.operationDuration,
    timeToFirstChunk: PROFILE_INCUBATING_1_45.metrics.timeToFirstChunk,
    families: [
      {
        operations: [
          GEN_AI_OPERATION_NAME_VALUE_CHAT,
          GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION,
          GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT,
        ],
        duration: seconds(M.METRIC_GEN_AI_CLIENT_INFERENCE_DURATION, 'GenAI inference operation duration'),
        timeToFirstChunk: seconds(
          M.METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK,
          'Time to receive the first chunk of a streaming inference response',
        ),
        usageCounters: {
          counters: {
            inputTokens: counter(
              M.METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
              'The number of input (prompt) tokens used, including cached tokens',
            ),
            outputTokens: counter(
              M.METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
              'The number of output (completion) tokens used, including reasoning tokens',
            ),
            cacheReadInputTokens: counter(
              M.METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
              'The number of input tokens served from a provider-managed cache',
            ),
            cacheCreationInputTokens: counter(
              M.METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS,
              'The number of input tokens written to a provider-managed cache',
            ),
            reasoningOutputTokens: counter(
              M.METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
              'The number of output tokens used for reasoning',
            ),
          },
          modality: A.ATTR_GEN_AI_TOKEN_MODALITY,
          modalityUnknown: GEN_AI_TOKEN_MODALITY_VALUE_UNKNOWN,
        },
        tokenHistograms: {
          inputTokens: tokens(
            M.METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS,
            'The number of input (prompt) tokens used per inference operation',
          ),
          outputTokens: tokens(
            M.METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS,
            'The number of output (completion) tokens used per inference operation',
          ),
        },
      },
      {
        operations: [GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS],
        duration: seconds(M.METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION, 'GenAI client embeddings operation duration'),
        tokenHistograms: {
          inputTokens: tokens(
            M.METRIC_GEN_AI_CLIENT_EMBEDDINGS_OPERATION_INPUT_TOKENS,
            'The number of input tokens used per embeddings operation',
          ),
        },
      },
    ],
  },
};
