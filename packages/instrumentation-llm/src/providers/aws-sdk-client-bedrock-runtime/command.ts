/**
 * What one Bedrock Runtime command contributes to the `send` adapter (index.ts): its request reader
 * and where its output keeps model, usage and finish reasons. `input` is the command's `input`.
 */
import type { GenAiOperation, OperationStart } from '../../core/operation';

export interface BedrockCommand {
  start(input: Record<string, any>, client: unknown): OperationStart | undefined;
  /** A complete output (also the envelope of a stream output, before its events). */
  onResult(op: GenAiOperation, output: Record<string, any>, input: Record<string, any>): void;
  captureInput?(op: GenAiOperation, input: Record<string, any>): void;
  /** Stream commands: a reader for the events of one call's stream. */
  streamReader?(op: GenAiOperation, input: Record<string, any>, output: Record<string, any>): StreamReader;
}

/** Reads the events of one streamed output; kept in `op.scratch` while the stream runs. */
export interface StreamReader {
  onEvent(op: GenAiOperation, event: Record<string, any>): void;
  /** Right before the operation ends: fallbacks and accumulated content. */
  onEnd(op: GenAiOperation): void;
}
