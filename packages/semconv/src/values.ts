/**
 * Enum values of the GenAI attributes (upstream `*_VALUE_*` naming).
 * https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/registry/attributes/gen-ai.md
 */

/** Chat completion operation, e.g. OpenAI Chat Completions or the Responses API. @experimental */
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = 'chat' as const;
/** Legacy text completion operation, e.g. OpenAI `/v1/completions`. @experimental */
export const GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION = 'text_completion' as const;
/** Multimodal content generation, e.g. Gemini `generateContent`. @experimental */
export const GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT = 'generate_content' as const;
/** Embeddings operation. @experimental */
export const GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS = 'embeddings' as const;

/** OpenAI. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_OPENAI = 'openai' as const;
/** Azure OpenAI. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI = 'azure.ai.openai' as const;
/** Azure AI Inference. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_INFERENCE = 'azure.ai.inference' as const;
/** Anthropic. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC = 'anthropic' as const;
/** AWS Bedrock. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK = 'aws.bedrock' as const;
/** The Gemini API (`generativelanguage.googleapis.com`). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI = 'gcp.gemini' as const;
/** Vertex AI (`aiplatform.googleapis.com`). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI = 'gcp.vertex_ai' as const;
/** A Google GenAI endpoint whose backend is unknown. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_GCP_GEN_AI = 'gcp.gen_ai' as const;
/** Cohere. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_COHERE = 'cohere' as const;
/** DeepSeek. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK = 'deepseek' as const;
/** Groq. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_GROQ = 'groq' as const;
/** IBM watsonx.ai. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_IBM_WATSONX_AI = 'ibm.watsonx.ai' as const;
/** Mistral AI. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI = 'mistral_ai' as const;
/** Moonshot AI (well-known since the GenAI repository's PR #99; not in semantic-conventions 1.45). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_MOONSHOT_AI = 'moonshot_ai' as const;
/** Perplexity. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY = 'perplexity' as const;
/** xAI. @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_X_AI = 'x_ai' as const;

/**
 * Hosts with no well-known value in the conventions: the enum is open, so the host's own
 * provider name is used. Not in `@opentelemetry/semantic-conventions`.
 */
/** Together AI (host name; no well-known value). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_TOGETHER_AI = 'together_ai' as const;
/** Fireworks AI (host name; no well-known value). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_FIREWORKS_AI = 'fireworks_ai' as const;
/** OpenRouter (host name; no well-known value). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_OPENROUTER = 'openrouter' as const;
/** Cerebras (host name; no well-known value). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_CEREBRAS = 'cerebras' as const;
/** Ollama, local or remote (no well-known value). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_OLLAMA = 'ollama' as const;
/** vLLM and other self-hosted OpenAI-compatible servers (no well-known value). @experimental */
export const GEN_AI_PROVIDER_NAME_VALUE_VLLM = 'vllm' as const;

/** Input tokens. @experimental */
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = 'input' as const;
/** Output tokens. @experimental */
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = 'output' as const;

/** Text tokens (`gen_ai.token.modality`; not in semantic-conventions 1.45). @experimental */
export const GEN_AI_TOKEN_MODALITY_VALUE_TEXT = 'text' as const;
/** Image tokens. @experimental */
export const GEN_AI_TOKEN_MODALITY_VALUE_IMAGE = 'image' as const;
/** Audio tokens. @experimental */
export const GEN_AI_TOKEN_MODALITY_VALUE_AUDIO = 'audio' as const;
/** Tokens of a modality the provider does not state: every count a provider states only in total. @experimental */
export const GEN_AI_TOKEN_MODALITY_VALUE_UNKNOWN = 'unknown' as const;

/** Plain text output. @experimental */
export const GEN_AI_OUTPUT_TYPE_VALUE_TEXT = 'text' as const;
/** JSON output (structured outputs, JSON mode). @experimental */
export const GEN_AI_OUTPUT_TYPE_VALUE_JSON = 'json' as const;
/** Image output. @experimental */
export const GEN_AI_OUTPUT_TYPE_VALUE_IMAGE = 'image' as const;
/** Speech output. @experimental */
export const GEN_AI_OUTPUT_TYPE_VALUE_SPEECH = 'speech' as const;

/** The Chat Completions API. @experimental */
export const OPENAI_API_TYPE_VALUE_CHAT_COMPLETIONS = 'chat_completions' as const;
/** The Responses API. @experimental */
export const OPENAI_API_TYPE_VALUE_RESPONSES = 'responses' as const;

/** Fallback `error.type` when no better low-cardinality identifier is known (stable). */
export const ERROR_TYPE_VALUE_OTHER = '_OTHER' as const;
