/**
 * A semantic-conventions profile: the names one version of the GenAI conventions gives to the
 * facts an instrumentation knows about a call.
 *
 * Providers only produce provider-neutral facts (request parameters, response ids, usage counts);
 * the core writes them under the names of the active profile. A newer version of the conventions
 * (for example the `gen_ai.client.inference.*` metrics of the GenAI repository) is added as a
 * second profile object, without touching any provider.
 */

/** Neutral request facts a provider adapter can report. */
export interface RequestFacts {
  model?: string;
  temperature?: number;
  topP?: number;
  topK?: number;
  maxTokens?: number;
  seed?: number;
  stopSequences?: string[];
  frequencyPenalty?: number;
  presencePenalty?: number;
  choiceCount?: number;
  outputType?: string;
  encodingFormats?: string[];
  stream?: boolean;
  conversationId?: string;
  serviceTier?: string;
  apiType?: string;
  /** The guardrail a request applies (Bedrock `guardrailIdentifier`). */
  guardrailId?: string;
}

/** Neutral response facts a provider adapter can report. */
export interface ResponseFacts {
  id?: string;
  model?: string;
  finishReasons?: string[];
  serviceTier?: string;
  systemFingerprint?: string;
  embeddingDimensions?: number;
}

/**
 * Token usage of one call, already normalised to the conventions' accounting:
 * `inputTokens` includes cache reads and writes, `outputTokens` includes reasoning.
 */
export interface UsageFacts {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningOutputTokens?: number;
}

/** A histogram the profile asks for. */
export interface HistogramDescriptor {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  readonly buckets: readonly number[];
}

/** A monotonic counter the profile asks for. */
export interface CounterDescriptor {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
}

/**
 * Token counters: one monotonic counter per usage fact, each point keyed by a modality attribute.
 * Recorded for every call of the family, failures included: the stated count, or 0 when the
 * call stated none (a 0 never changes a total; it keeps the series complete, as the conventions ask).
 */
export interface UsageCounters {
  readonly counters: { readonly [K in keyof UsageFacts]?: CounterDescriptor };
  readonly modality: string;
  /** The modality of counts a provider states only in total (all of them, today). */
  readonly modalityUnknown: string;
}

/**
 * The metrics of one family of operations (the newest conventions meter inference and embeddings
 * under their own names). A family replaces the profile's default metrics for its operations.
 */
export interface OperationFamilyMetrics {
  /** `gen_ai.operation.name` values of the family. */
  readonly operations: readonly string[];
  readonly duration: HistogramDescriptor;
  readonly timeToFirstChunk?: HistogramDescriptor;
  readonly usageCounters?: UsageCounters;
  /** Per-call token histograms (no token type, no modality): one point per stated count. */
  readonly tokenHistograms?: { readonly [K in keyof UsageFacts]?: HistogramDescriptor };
}

/** The metrics a profile asks for. */
export interface ProfileMetrics {
  /** Duration of every call no family claims. */
  readonly operationDuration: HistogramDescriptor;
  /** Time to first chunk of a stream no family claims. */
  readonly timeToFirstChunk: HistogramDescriptor;
  /** One histogram of token counts keyed by token type (`gen_ai.client.token.usage`), for calls no family claims. */
  readonly tokenUsage?: HistogramDescriptor;
  /** Attribute that says which kind of token a token-usage point counts, and its values. */
  readonly tokenType?: string;
  readonly tokenTypeInput?: string;
  readonly tokenTypeOutput?: string;
  /** Operation families with metrics of their own. */
  readonly families?: readonly OperationFamilyMetrics[];
}

/** Content attributes (opt-in). */
export interface ContentAttributeNames {
  readonly inputMessages: string;
  readonly outputMessages: string;
  readonly systemInstructions: string;
  readonly toolDefinitions: string;
}

export interface GenAiSemconvProfile {
  /** A short stable id, e.g. for a config option. */
  readonly id: string;
  readonly operationName: string;
  readonly providerName: string;
  readonly serverAddress: string;
  readonly serverPort: string;
  readonly errorType: string;
  readonly errorTypeOther: string;
  readonly requestModel: string;
  readonly responseModel: string;
  /** Request facts → attribute key, in the order they are written. */
  readonly request: readonly (readonly [keyof RequestFacts, string])[];
  /** Response facts → attribute key. */
  readonly response: readonly (readonly [keyof ResponseFacts, string])[];
  /** Usage facts → span attribute key. */
  readonly usage: readonly (readonly [keyof UsageFacts, string])[];
  readonly timeToFirstChunk: string;
  readonly content: ContentAttributeNames;
  readonly metrics: ProfileMetrics;
}
