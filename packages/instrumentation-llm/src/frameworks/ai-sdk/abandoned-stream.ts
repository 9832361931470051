/**
 * A `streamText` model call whose stream nobody will read again. `streamText` (the default, replaying
 * result) keeps the model's stream for all of its projections: a consumer that breaks out of
 * `textStream`, or cancels a `toTextStreamResponse()` body, cancels only its own tee branch, and the
 * model stream stays where it was, readable by any later `result.text`, `result.usage` or
 * `result.fullStream` (which then read the model call to its end). A consumer stopping is therefore
 * no end of the model call, and nothing the AI SDK does marks one; the model call is over for good
 * only when nothing can read its stream any more, which is when the AI SDK's objects holding it are
 * garbage-collected. The operation ends then, with what was seen: the provider's usage if its finish
 * part was read, else none (`tokenpath.usage.source=none`), never an estimate.
 *
 * Watching a collection changes nothing the app sees: the stream is only referenced weakly. (Reading
 * the rest of the stream ahead of the AI SDK would learn the usage, but would take the body off the
 * connection that the app left paused.) The low-memory `experimental_streamTextLowMemory` passes a
 * consumer's cancel down to the model stream: core/web-stream.ts ends its operation right away.
 */
import type { GenAiOperation } from '../../core/operation';
import { safely } from '../../core/safe';

interface Open {
  op: GenAiOperation;
  /** The stream observer's last word (recording the streamed content), run before ending. */
  beforeEnd: ((op: GenAiOperation) => void) | undefined;
}

// The held value must not reach the stream, or the stream is never collected: the operation and a
// module-level function do not.
const abandoned = new FinalizationRegistry<Open>(({ op, beforeEnd }) => {
  if (op.isEnded) return;
  safely('ending an abandoned AI SDK stream', () => {
    if (beforeEnd !== undefined) safely('finishing an abandoned AI SDK stream', () => beforeEnd(op));
    op.end();
  });
});

/** Ends `op` with what it has seen once `stream` is collected, unless it ended before. */
export function endWhenAbandoned(stream: object, op: GenAiOperation, beforeEnd?: (op: GenAiOperation) => void): void {
  abandoned.register(stream, { op, beforeEnd });
}
