/**
 * Streams are instrumented in place: the SDK's own stream object keeps its identity, class and
 * helpers (`tee()`, `toReadableStream()`, `controller`), because only the iterator factory it
 * holds as an instance property is wrapped. Whatever way iteration stops (completion, `break`,
 * abort, an error mid-way), the operation ends exactly once with the usage seen so far.
 */
import type { GenAiOperation } from './operation';
import { instrumentationDiag } from './safe';

export interface ChunkHandler<Chunk> {
  (op: GenAiOperation, chunk: Chunk): void;
}

export interface StreamObserver<Chunk> {
  onChunk: ChunkHandler<Chunk>;
  /** Whether the caller aborted the stream, so that its end is reported as cancelled. */
  isAborted(): boolean;
  /** Runs once, right before the operation ends, e.g. to record accumulated content. */
  beforeEnd?(op: GenAiOperation): void;
}

/** An SDK stream whose events come from `iterator()` (Stainless-generated SDKs: openai, anthropic). */
export interface IteratorFactoryStream<Chunk> {
  iterator: () => AsyncIterator<Chunk>;
}

const ABORT_ERROR_TYPE = 'AbortError';

export function isIteratorFactoryStream(value: unknown): value is IteratorFactoryStream<unknown> {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { iterator?: unknown }).iterator === 'function' &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}

/**
 * Replaces `stream.iterator` so that every iteration (including both branches of `tee()`, which
 * share one source iteration) reports chunks to `onChunk` and ends `op`.
 */
export function instrumentStreamInPlace<Chunk>(
  stream: IteratorFactoryStream<Chunk>,
  op: GenAiOperation,
  observer: StreamObserver<Chunk>,
): void {
  const original = stream.iterator;
  stream.iterator = function instrumentedIterator(this: unknown) {
    return observeIterator(original.call(this), op, observer);
  };
}

function observeIterator<Chunk>(
  source: AsyncIterator<Chunk>,
  op: GenAiOperation,
  observer: StreamObserver<Chunk>,
): AsyncIterator<Chunk> & AsyncIterable<Chunk> {
  const { onChunk } = observer;
  const beforeEnd = (): void => {
    if (!op.isEnded && observer.beforeEnd) {
      try {
        observer.beforeEnd(op);
      } catch (error) {
        instrumentationDiag.error('tokenpath: finishing a stream failed', error);
      }
    }
  };
  const finish = (): void => {
    if (op.isEnded) return;
    beforeEnd();
    if (observer.isAborted()) op.fail(undefined, ABORT_ERROR_TYPE);
    else op.end();
  };
  // Handlers are made once per iteration, not per chunk.
  const onResult = (result: IteratorResult<Chunk>): IteratorResult<Chunk> => {
    if (result.done) {
      finish();
    } else {
      op.chunk();
      try {
        onChunk(op, result.value);
      } catch (error) {
        instrumentationDiag.error('tokenpath: reading a stream chunk failed; the chunk is passed on unchanged', error);
      }
    }
    return result;
  };
  const onError = (error: unknown): never => {
    // The SDK aborts its own controller when a stream fails, so the error, not the signal, says what happened.
    beforeEnd();
    op.fail(error);
    throw error;
  };
  const iterator: AsyncIterator<Chunk> & AsyncIterable<Chunk> = {
    next(...args: [] | [unknown]) {
      return source.next(...args).then(onResult, onError);
    },
    return(value?: unknown) {
      // The consumer stopped early (`break`, `tee()` branch cancelled): what was seen is what was used.
      finish();
      return source.return ? source.return(value) : Promise.resolve({ done: true, value } as IteratorResult<Chunk>);
    },
    throw(error?: unknown) {
      op.fail(error);
      return source.throw ? source.throw(error) : Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}
