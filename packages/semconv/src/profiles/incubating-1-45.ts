import * as A from '../attributes';
import * as M from '../metrics';
import { ERROR_TYPE_VALUE_OTHER, GEN_AI_TOKEN_TYPE_VALUE_INPUT, GEN_AI_TOKEN_TYPE_VALUE_OUTPUT } from '../values';
import type { GenAiSemconvProfile } from '../profile';

/**
 * The names frozen in `@opentelemetry/semantic-conventions` 1.45 (incubating entry): the set
 * backends consume today. `gen_ai.client.token.usage` is a histogram keyed by `gen_ai.token.type`.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-spans.md
 */
export const PROFILE_INCUBATING_1_45: GenAiSemconvProfile = {
  id: 'incubating-1.45',
  operationName: A.ATTR_GEN_AI_OPERATION_NAME,
  providerName: A.ATTR_GEN_AI_PROVIDER_NAME,
  serverAddress: A.ATTR_SERVER_ADDRESS,
  serverPort: A.ATTR_SERVER_PORT,
  errorType: A.ATTR_ERROR_TYPE,
  errorTypeOther: ERROR_TYPE_VALUE_OTHER,
  requestModel: A.ATTR_GEN_AI_REQUEST_MODEL,
  responseModel: A.ATTR_GEN_AI_RESPONSE_MODEL,
  request: [
    ['model', A.ATTR_GEN_AI_REQUEST_MODEL],
    ['temperature', A.ATTR_GEN_AI_REQUEST_TEMPERATURE],
    ['topP', A.ATTR_GEN_AI_REQUEST_TOP_P],
    ['topK', A.ATTR_GEN_AI_REQUEST_TOP_K],
    ['maxTokens', A.ATTR_GEN_AI_REQUEST_MAX_TOKENS],
    ['seed', A.ATTR_GEN_AI_REQUEST_SEED],
    ['stopSequences', A.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES],
    ['frequencyPenalty', A.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY],
    ['presencePenalty', A.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY],
    ['choiceCount', A.ATTR_GEN_AI_REQUEST_CHOICE_COUNT],
    ['outputType', A.ATTR_GEN_AI_OUTPUT_TYPE],
    ['encodingFormats', A.ATTR_GEN_AI_REQUEST_ENCODING_FORMATS],
    ['stream', A.ATTR_GEN_AI_REQUEST_STREAM],
    ['conversationId', A.ATTR_GEN_AI_CONVERSATION_ID],
    ['serviceTier', A.ATTR_OPENAI_REQUEST_SERVICE_TIER],
    ['apiType', A.ATTR_OPENAI_API_TYPE],
    ['guardrailId', A.ATTR_AWS_BEDROCK_GUARDRAIL_ID],
  ],
  response: [
    ['id', A.ATTR_GEN_AI_RESPONSE_ID],
    ['model', A.ATTR_GEN_AI_RESPONSE_MODEL],
    ['finishReasons', A.ATTR_GEN_AI_RESPONSE_FINISH_REASONS],
    ['serviceTier', A.ATTR_OPENAI_RESPONSE_SERVICE_TIER],
    ['systemFingerprint', A.ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT],
    ['embeddingDimensions', A.ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT],
  ],
  usage: [
    ['inputTokens', A.ATTR_GEN_AI_USAGE_INPUT_TOKENS],
    ['outputTokens', A.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS],
    ['cacheReadInputTokens', A.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS],
    ['cacheCreationInputTokens', A.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS],
    ['reasoningOutputTokens', A.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS],
  ],
  timeToFirstChunk: A.ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  content: {
    inputMessages: A.ATTR_GEN_AI_INPUT_MESSAGES,
    outputMessages: A.ATTR_GEN_AI_OUTPUT_MESSAGES,
    systemInstructions: A.ATTR_GEN_AI_SYSTEM_INSTRUCTIONS,
    toolDefinitions: A.ATTR_GEN_AI_TOOL_DEFINITIONS,
  },
  metrics: {
    operationDuration: {
      name: M.METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
      unit: M.UNIT_SECONDS,
      description: 'GenAI operation duration',
      buckets: M.BUCKETS_GEN_AI_CLIENT_DURATION,
    },
    tokenUsage: {
      name: M.METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
      unit: M.UNIT_TOKEN,
      description: 'Measures number of input and output tokens used',
      buckets: M.BUCKETS_GEN_AI_CLIENT_TOKEN_USAGE,
    },
    timeToFirstChunk: {
      name: M.METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
      unit: M.UNIT_SECONDS,
      description: 'Time to receive the first chunk in a streaming operation',
      buckets: M.BUCKETS_GEN_AI_CLIENT_DURATION,
    },
    tokenType: A.ATTR_GEN_AI_TOKEN_TYPE,
    tokenTypeInput: GEN_AI_TOKEN_TYPE_VALUE_INPUT,
    tokenTypeOutput: GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  },
};
