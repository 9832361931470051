import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { UsageHook } from './core/usage-record';

export type { UsageRecord, UsageRecordTokens, UsageSource, UsageHook } from './core/usage-record';

/** Options of {@link LlmInstrumentation}. Every option has an `OTEL_*` environment equivalent. */
export interface LlmInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts, completions, system instructions and tool definitions on spans
   * (`gen_ai.input.messages`, `gen_ai.output.messages`, ...). Off by default: content is
   * sensitive. Defaults to `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`.
   */
  captureMessageContent?: boolean;
  /**
   * Upper bound, in UTF-16 code units, of each captured content attribute. Longer values are
   * truncated message by message so that the JSON stays valid. Default 16384.
   */
  maxContentLength?: number;
  /**
   * Called once per finished call (success, failure or abort) with one normalized record: provider,
   * models, operation, token counts by type, cost, attribution, duration, error type, trace and
   * span ids. For billing and quotas. Runs after the call's telemetry is recorded; a hook that
   * throws (or rejects) never reaches the app, and its first failure is reported through the diag
   * logger. Without a hook no record is built. Code-only: there is no environment equivalent.
   */
  onUsage?: UsageHook;
}
