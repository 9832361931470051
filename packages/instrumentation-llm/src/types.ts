import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

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
}
