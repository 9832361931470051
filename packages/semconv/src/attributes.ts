/**
 * Span and metric attribute keys.
 *
 * Names follow the GenAI semantic conventions as published in
 * `@opentelemetry/semantic-conventions` 1.45 (incubating entry), the set backends consume today.
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/registry/attributes/gen-ai.md
 */

/** The name of the operation being performed (`chat`, `embeddings`, ...). @experimental */
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name' as const;
/** The Generative AI provider as identified by the client or server instrumentation. @experimental */
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name' as const;
/** The name of the model the request asked for. @experimental */
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model' as const;
/** The temperature setting of the request. @experimental */
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature' as const;
/** The top_p sampling setting of the request. @experimental */
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p' as const;
/** The top_k sampling setting of the request (decoding top-K, never `top_logprobs`). @experimental */
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k' as const;
/** The maximum number of tokens the model may generate. @experimental */
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens' as const;
/** The seed the request carries. @experimental */
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed' as const;
/** The stop sequences of the request. @experimental */
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = 'gen_ai.request.stop_sequences' as const;
/** The frequency penalty of the request. @experimental */
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = 'gen_ai.request.frequency_penalty' as const;
/** The presence penalty of the request. @experimental */
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = 'gen_ai.request.presence_penalty' as const;
/** The number of candidate completions asked for, set only when it is not 1. @experimental */
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count' as const;
/** The encoding formats asked for in an embeddings request. @experimental */
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS = 'gen_ai.request.encoding_formats' as const;
/** Set to true when (and only when) the response is streamed. @experimental */
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream' as const;
/** The output modality the request asks for (`text`, `json`, `image`, `speech`). @experimental */
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type' as const;
/** The unique identifier of the completion. @experimental */
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id' as const;
/** The name of the model that generated the response. @experimental */
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model' as const;
/** One finish reason per returned choice, in order. @experimental */
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = 'gen_ai.response.finish_reasons' as const;
/** Seconds from issuing a streaming request to receiving its first chunk. @experimental */
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = 'gen_ai.response.time_to_first_chunk' as const;
/** All input tokens of the call, cached ones included. @experimental */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens' as const;
/** All output tokens of the call, reasoning ones included. @experimental */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens' as const;
/** Input tokens served from the provider's cache (part of the input tokens). @experimental */
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = 'gen_ai.usage.cache_read.input_tokens' as const;
/** Input tokens written to the provider's cache (part of the input tokens). @experimental */
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = 'gen_ai.usage.cache_creation.input_tokens' as const;
/** Output tokens spent on reasoning (part of the output tokens). @experimental */
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = 'gen_ai.usage.reasoning.output_tokens' as const;
/** The number of dimensions of the returned embeddings. @experimental */
export const ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT = 'gen_ai.embeddings.dimension.count' as const;
/** The id of a conversation the provider keeps (never made up). @experimental */
export const ATTR_GEN_AI_CONVERSATION_ID = 'gen_ai.conversation.id' as const;
/** The chat history sent to the model, in the conventions' JSON shape (opt-in content). @experimental */
export const ATTR_GEN_AI_INPUT_MESSAGES = 'gen_ai.input.messages' as const;
/** The messages the model returned, one per choice (opt-in content). @experimental */
export const ATTR_GEN_AI_OUTPUT_MESSAGES = 'gen_ai.output.messages' as const;
/** Instructions passed apart from the chat history (opt-in content). @experimental */
export const ATTR_GEN_AI_SYSTEM_INSTRUCTIONS = 'gen_ai.system_instructions' as const;
/** The tools offered to the model (opt-in content). @experimental */
export const ATTR_GEN_AI_TOOL_DEFINITIONS = 'gen_ai.tool.definitions' as const;
/** The kind of token a `gen_ai.client.token.usage` point counts (`input`, `output`). @experimental */
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type' as const;
/**
 * Input tokens written to the provider's cache: the newest name of `gen_ai.usage.cache_creation.input_tokens`
 * (GenAI repository PR #440; not in semantic-conventions 1.45).
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/client-inference.md
 * @experimental
 */
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS = 'gen_ai.usage.cache_write.input_tokens' as const;
/**
 * The modality of the tokens a `gen_ai.client.inference.usage.*` counter point counts (GenAI
 * repository PR #374; not in semantic-conventions 1.45).
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/model/gen-ai/token-metrics.yaml
 * @experimental
 */
export const ATTR_GEN_AI_TOKEN_MODALITY = 'gen_ai.token.modality' as const;

/** The service tier the request asked for (set when it is not `auto`). @experimental */
export const ATTR_OPENAI_REQUEST_SERVICE_TIER = 'openai.request.service_tier' as const;
/** The service tier that served the response. @experimental */
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = 'openai.response.service_tier' as const;
/** The backend configuration fingerprint of the response. @experimental */
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT = 'openai.response.system_fingerprint' as const;
/** Which OpenAI API served the call (`chat_completions`, `responses`). @experimental */
export const ATTR_OPENAI_API_TYPE = 'openai.api.type' as const;

/** The id of the Bedrock guardrail the request applies. @experimental */
export const ATTR_AWS_BEDROCK_GUARDRAIL_ID = 'aws.bedrock.guardrail.id' as const;

/** The class of error the operation ended with (stable). */
export const ATTR_ERROR_TYPE = 'error.type' as const;
/** The server host name the client talks to (stable). */
export const ATTR_SERVER_ADDRESS = 'server.address' as const;
/** The server port the client talks to (stable). */
export const ATTR_SERVER_PORT = 'server.port' as const;
