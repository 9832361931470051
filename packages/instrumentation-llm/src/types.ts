import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { UsageHook } from './core/usage-record';
import type { ModelPrice } from './core/pricing/overrides';

export type { UsageRecord, UsageRecordTokens, UsageSource, UsageHook } from './core/usage-record';
export type { ModelPrice } from './core/pricing/overrides';
export type { TieredRate } from './core/pricing/rates';

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
  /**
   * Prices for models the bundled price table does not know or that you pay differently for
   * (custom, fine-tuned, self-hosted models, negotiated rates). They win over the table and over
   * the file named by `OTEL_INSTRUMENTATION_GENAI_MODEL_PRICES_FILE` (same entries, as
   * `{"models": [...]}`). An invalid entry is left out with one diagnostic message.
   */
  modelPrices?: ModelPrice[];
  /**
   * W3C baggage keys whose values become attribution of the calls made in their context (on spans,
   * and on metrics when also in `attributionMetricKeys`). Default:
   * `OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_BAGGAGE_KEYS` (comma-separated), else none.
   */
  attributionBaggageKeys?: string[];
  /**
   * Attribution keys (from `withAttribution` or allowlisted baggage) that metric points carry too,
   * each within `attributionMetricValueLimit` distinct values. Default:
   * `OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_KEYS` (comma-separated), else none: attribution
   * then goes on spans only.
   */
  attributionMetricKeys?: string[];
  /**
   * Distinct values one attribution key may show on metric points, `_OTHER` included; once spent,
   * new values are recorded as `_OTHER` in metrics (spans keep them). Default:
   * `OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_VALUE_LIMIT`, else 100.
   */
  attributionMetricValueLimit?: number;
  /**
   * Ask OpenAI-style chat streams for their usage (`stream_options.include_usage`) when the caller
   * did not set `stream_options`, on hosts known to accept it, and hide what the caller did not ask
   * for (the usage-only last chunk, the `usage` key of the other chunks). Default:
   * `OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE` (`false` turns it off), else on.
   */
  streamUsage?: boolean;
  /**
   * Hosts (`host` or `host:port`; `*` for every host) asked for stream usage besides the built-in
   * table (OpenAI, Azure OpenAI, DeepSeek, xAI, vLLM). A host that rejects the option (400/422) is
   * called again without it and not asked again. Default:
   * `OTEL_INSTRUMENTATION_GENAI_STREAM_USAGE_HOSTS` (comma-separated), else none.
   */
  streamUsageHosts?: string[];
}
