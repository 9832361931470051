/**
 * One normalized record per finished call, handed to the app's `onUsage` hook: the primitive for
 * billing systems and in-app quotas. Built only when a hook is set, so a process without one pays
 * nothing for it.
 */
import { type SpanContext, INVALID_SPANID, INVALID_TRACEID } from '@opentelemetry/api';
import type { UsageFacts } from '@tokenpath/semconv';
import { instrumentationDiag } from './safe';

/**
 * Where a call's token counts come from: `provider` when the provider stated usage, `none` when
 * the call ended without it (a stream aborted before its usage, a host that never reports it).
 * Never an estimate.
 */
export type UsageSource = 'provider' | 'none';

/** Token counts of one call, in the conventions' accounting; a count the provider did not state is absent, never 0. */
export interface UsageRecordTokens {
  /** All input tokens, cache reads and writes included. */
  input?: number;
  /** All output tokens, reasoning included. */
  output?: number;
  /** Input tokens served from the provider's cache (part of `input`). */
  cacheRead?: number;
  /** Input tokens written to the provider's cache (part of `input`). */
  cacheWrite?: number;
  /** Output tokens spent on reasoning (part of `output`). */
  reasoning?: number;
}

/** What the app's `onUsage` hook receives, once per finished call (success, failure or abort). */
export interface UsageRecord {
  /** `gen_ai.provider.name` value: `openai`, `anthropic`, `aws.bedrock`, ... */
  provider: string;
  /** `gen_ai.operation.name` value: `chat`, `text_completion`, `generate_content`, `embeddings`. */
  operation: string;
  /** The model the request asked for. */
  requestModel?: string;
  /** The model that answered, as the response states it. */
  responseModel?: string;
  serverAddress?: string;
  serverPort?: number;
  /** True for a streamed call. */
  stream: boolean;
  tokens: UsageRecordTokens;
  /** `provider` when `tokens` hold the provider's statement, `none` when the call ended without one. */
  usageSource: UsageSource;
  /** The call's price, when the model's price is known (filled by the cost module). */
  cost?: { amount: number; currency: string };
  /** The attribution in scope for the call (filled by the attribution module). */
  attribution?: Record<string, string>;
  /** Seconds from the call to its end (the last chunk, for a stream). */
  durationSeconds: number;
  /** When the call ended, in milliseconds since the Unix epoch. */
  endTimeUnixMs: number;
  /** `error.type` of a failed or aborted call; absent on success. */
  errorType?: string;
  /** The call's span, also when it is not sampled; absent when no tracer provider gives spans ids. */
  traceId?: string;
  spanId?: string;
}

/** What a finished operation knows; everything the record says comes from here. */
export interface UsageRecordInput {
  provider: string;
  operation: string;
  requestModel: string | undefined;
  responseModel: string | undefined;
  serverAddress: string | undefined;
  serverPort: number | undefined;
  stream: boolean;
  usage: UsageFacts;
  durationSeconds: number;
  errorType: string | undefined;
  spanContext: SpanContext;
  cost?: { amount: number; currency: string };
  attribution?: Record<string, string>;
}

/** The app's hook. It may return a promise; a rejection is contained like a throw. */
export type UsageHook = (record: UsageRecord) => void | Promise<void>;

/** True when the provider stated any count: the record (and span) then say `provider`. */
export function hasProviderUsage(usage: UsageFacts): boolean {
  return (
    usage.inputTokens !== undefined ||
    usage.outputTokens !== undefined ||
    usage.cacheReadInputTokens !== undefined ||
    usage.cacheCreationInputTokens !== undefined ||
    usage.reasoningOutputTokens !== undefined
  );
}

/** Builds the record; optional fields are left out rather than set to undefined, so records serialize alike. */
export function buildUsageRecord(input: UsageRecordInput): UsageRecord {
  const { usage } = input;
  const tokens: UsageRecordTokens = {};
  if (usage.inputTokens !== undefined) tokens.input = usage.inputTokens;
  if (usage.outputTokens !== undefined) tokens.output = usage.outputTokens;
  if (usage.cacheReadInputTokens !== undefined) tokens.cacheRead = usage.cacheReadInputTokens;
  if (usage.cacheCreationInputTokens !== undefined) tokens.cacheWrite = usage.cacheCreationInputTokens;
  if (usage.reasoningOutputTokens !== undefined) tokens.reasoning = usage.reasoningOutputTokens;

  // Keys in a reading order (a JSONL ledger shows them so); optional ones only when known.
  const record = { provider: input.provider, operation: input.operation } as UsageRecord;
  if (input.requestModel !== undefined) record.requestModel = input.requestModel;
  if (input.responseModel !== undefined) record.responseModel = input.responseModel;
  if (input.serverAddress !== undefined) record.serverAddress = input.serverAddress;
  if (input.serverPort !== undefined) record.serverPort = input.serverPort;
  record.stream = input.stream;
  record.tokens = tokens;
  record.usageSource = hasProviderUsage(usage) ? 'provider' : 'none';
  if (input.cost !== undefined) record.cost = input.cost;
  if (input.attribution !== undefined) record.attribution = input.attribution;
  record.durationSeconds = input.durationSeconds;
  record.endTimeUnixMs = Date.now();
  if (input.errorType !== undefined) record.errorType = input.errorType;
  // The operation's own span: ids from the SDK's generator, or the invalid (all-zero) ones of a
  // non-recording span when no SDK is registered; the API's hex validation is not needed per call.
  const { traceId, spanId } = input.spanContext;
  if (traceId !== INVALID_TRACEID && spanId !== INVALID_SPANID) {
    record.traceId = traceId;
    record.spanId = spanId;
  }
  return record;
}

let reportedHookFailure = false;

/**
 * Hands the record to the app's hook. A hook that throws never reaches the instrumented call: the
 * first failure is reported through the diag logger, later ones are dropped silently (a broken
 * hook would otherwise log on every call).
 */
export function deliverUsageRecord(hook: UsageHook, record: UsageRecord): void {
  try {
    const result = hook(record);
    if (result instanceof Promise) result.catch(reportHookFailure);
  } catch (error) {
    reportHookFailure(error);
  }
}

function reportHookFailure(error: unknown): void {
  if (reportedHookFailure) return;
  reportedHookFailure = true;
  instrumentationDiag.error('tokenpath: the onUsage hook failed; the call is unaffected (reported once)', error);
}
