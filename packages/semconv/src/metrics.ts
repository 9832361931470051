/**
 * Metric names, units and advised histogram buckets.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-metrics.md
 */

/** Number of input and output tokens used, one point per token type per call. @experimental */
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage' as const;
/** Duration of a GenAI operation, as the caller sees it. @experimental */
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = 'gen_ai.client.operation.duration' as const;
/** Time from issuing a streaming request to receiving its first chunk. @experimental */
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = 'gen_ai.client.operation.time_to_first_chunk' as const;
/** Time between consecutive chunks of a streamed response, after the first. @experimental */
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK =
  'gen_ai.client.operation.time_per_output_chunk' as const;

/*
 * The newest GenAI metering conventions, not in `@opentelemetry/semantic-conventions` 1.45 (its
 * GenAI content is frozen at core v1.41). Token usage as monotonic counters keyed by
 * `gen_ai.token.modality` plus per-call histograms without it (PR #374):
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/model/gen-ai/token-metrics.yaml
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-token-metrics.md
 * Inference duration and time to first chunk under `gen_ai.client.inference.*` (PR #521):
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-inference.md
 * Embeddings duration and input tokens under `gen_ai.client.embeddings.*`:
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-embeddings.md
 */

/** Counter of input tokens, cached ones included. @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS = 'gen_ai.client.inference.usage.input_tokens' as const;
/** Counter of output tokens, reasoning ones included. @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS = 'gen_ai.client.inference.usage.output_tokens' as const;
/** Counter of input tokens served from a provider-managed cache (a subset of the input tokens). @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS =
  'gen_ai.client.inference.usage.cache_read.input_tokens' as const;
/** Counter of input tokens written to a provider-managed cache (a subset of the input tokens). @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS =
  'gen_ai.client.inference.usage.cache_write.input_tokens' as const;
/** Counter of output tokens spent on reasoning (a subset of the output tokens). @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS =
  'gen_ai.client.inference.usage.reasoning.output_tokens' as const;
/** Histogram of input tokens per inference call (percentiles only, never totals; no modality). @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS =
  'gen_ai.client.inference.operation.input_tokens' as const;
/** Histogram of output tokens per inference call (percentiles only, never totals; no modality). @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS =
  'gen_ai.client.inference.operation.output_tokens' as const;
/** Duration of an inference call; replaces `gen_ai.client.operation.duration` for inference. @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_DURATION = 'gen_ai.client.inference.duration' as const;
/** Time from issuing a streaming inference request to its first chunk. @experimental */
export const METRIC_GEN_AI_CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK = 'gen_ai.client.inference.time_to_first_chunk' as const;
/** Duration of an embeddings call. @experimental */
export const METRIC_GEN_AI_CLIENT_EMBEDDINGS_DURATION = 'gen_ai.client.embeddings.duration' as const;
/** Histogram of input tokens per embeddings call. @experimental */
export const METRIC_GEN_AI_CLIENT_EMBEDDINGS_OPERATION_INPUT_TOKENS =
  'gen_ai.client.embeddings.operation.input_tokens' as const;

/** UCUM annotation for token counts. */
export const UNIT_TOKEN = '{token}' as const;
/** Seconds. */
export const UNIT_SECONDS = 's' as const;

/**
 * Advised explicit bucket boundaries of `gen_ai.client.token.usage` (powers of 4); the newest
 * per-call token histograms (`gen_ai.client.{inference,embeddings}.operation.*_tokens`) advise the same.
 */
export const BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;
/**
 * Advised explicit bucket boundaries of the GenAI client duration metrics, in seconds (also of
 * `gen_ai.client.inference.duration`, `.time_to_first_chunk` and `gen_ai.client.embeddings.duration`).
 */
export const BUCKETS_GEN_AI_CLIENT_DURATION = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;
