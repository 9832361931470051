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

/** UCUM annotation for token counts. */
export const UNIT_TOKEN = '{token}' as const;
/** Seconds. */
export const UNIT_SECONDS = 's' as const;

/** Advised explicit bucket boundaries of `gen_ai.client.token.usage` (powers of 4). */
export const BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;
/** Advised explicit bucket boundaries of the GenAI client duration metrics, in seconds. */
export const BUCKETS_GEN_AI_CLIENT_DURATION = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;
