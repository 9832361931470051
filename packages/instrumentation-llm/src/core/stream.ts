/**
 * Streams are instrumented in place: the SDK's own stream object keeps its identity, class and
 * helpers (`tee()`, `toReadableStream()`, `controller`), because only the way it iterates is
 * wrapped, as an own property of that object. Whatever way iteration stops (completion, `break`,
 * abort, an error mid-way), the operation ends exactly once with the usage seen so far.
 *
 * Three shapes are known:
 * - Stainless streams (openai, @anthropic-ai/sdk) keep an iterator factory in `iterator`;
 * - async generator objects (@google/genai) iterate through their own `next`/`return`/`throw`;
 * - plain async iterables (AWS SDK event streams) through `[Symbol.asyncIterator]()`.
 */
import type { GenAiOperation } from './operation';
import { instrumentationDiag, namedErrorType } from './safe';
import { instrumentWebStream } from './web-stream';

export interface ChunkHandler<Chunk> {
  (op: GenAiOperation, chunk: Chunk): void;
}

export interface StreamObserver<Chunk> {
  onChunk: ChunkHandler<Chunk>;
  /** Whether the caller aborted the stream, so that its end is reported as cancelled. */
  isAborted(): boolean;
  /** Runs once, right before the operation ends, e.g. to record accumulated content. */
  beforeEnd?(op: GenAiOperation): void;
  /** `error.type` of a stream failure when the error's class does not say it. */
  errorType?(error: unknown): string | undefined;
  /**
   * Puts a chunk (already read) back as the caller asked for it: returns the chunk to hand on (itself
   * or a replacement), or `WITHHELD`; e.g. for the usage tokenpath asked for on the caller's behalf
   * (formats/openai-chat/stream-usage.ts). Chosen once per stream; absent for almost every stream.
   */
  reshape?(chunk: unknown): unknown;
}

/** What `reshape` returns for a chunk the caller must not see. */
export const WITHHELD: unique symbol = Symbol('tokenpath.withheld-chunk');

/** An SDK stream whose events come from `iterator()` (Stainless-generated SDKs: openai, anthropic). */
export interface IteratorFactoryStream<Chunk> {
  iterator: () => AsyncIterator<Chunk>;
}

const ABORT_ERROR_TYPE = 'AbortError';

/** Stainless streams keep their AbortController on `controller`; an aborted signal means the caller cancelled. */
export function isStainlessStreamAborted(stream: any): boolean {
  return stream?.controller?.signal?.aborted === true;
}

type AnyObject = Record<string | symbol, any>;

/** Whether `value` may be a stream of one of the known shapes (it is async iterable). */
export function isAsyncIterable(value: unknown): value is AnyObject {
  return value !== null && typeof value === 'object' && typeof (value as AnyObject)[Symbol.asyncIterator] === 'function';
}

/**
 * Instruments `stream` in place if it has one of the known shapes; returns false (and leaves it
 * alone) otherwise, so the caller can treat the result as a complete response.
 */
export function instrumentStream<Chunk>(stream: unknown, op: GenAiOperation, observer: StreamObserver<Chunk>): boolean {
  if (!isAsyncIterable(stream)) return false;
  // A web ReadableStream (Mistral's EventStream) can be read without iterating it (a reader, a
  // pipe, a tee): it is observed as one (core/web-stream.ts), every way of reading it through one
  // observer. Its failures name themselves; no SDK that returns one reshapes its chunks.
  if (stream instanceof ReadableStream && observer.reshape === undefined) {
    const web = { onPart: observer.onChunk, beforeEnd: observer.beforeEnd, errorType: observer.errorType };
    if (instrumentWebStream(stream, op, web)) return true;
  }
  const iterable: AnyObject = stream;
  if (typeof iterable.iterator === 'function') {
    instrumentIteratorFactoryInPlace(iterable as unknown as IteratorFactoryStream<Chunk>, op, observer);
  } else if (typeof iterable.next === 'function') {
    instrumentGeneratorInPlace(iterable, op, observer);
  } else {
    instrumentIterableInPlace(iterable, op, observer);
  }
  return true;
}

/**
 * Async generator objects: own `next`/`return`/`throw` shadow the originals, which still do the work.
 * Native generators keep those on their prototype; down-levelled ones (tslib's `__asyncGenerator`,
 * which @google/genai ships) as own properties: the originals are whatever the object answers now.
 */
function instrumentGeneratorInPlace<Chunk>(generator: AnyObject, op: GenAiOperation, observer: StreamObserver<Chunk>): void {
  const { next, return: ret, throw: thr } = generator as Required<AsyncIterator<Chunk>>;
  const source: AsyncIterator<Chunk> = {
    next: (...args: [] | [unknown]) => next.apply(generator, args),
    return: typeof ret === 'function' ? (value?: unknown) => ret.call(generator, value) : undefined,
    throw: typeof thr === 'function' ? (error?: unknown) => thr.call(generator, error) : undefined,
  };
  const observed = observeIterator(source, op, observer);
  for (const method of ['next', 'return', 'throw'] as const) {
    Object.defineProperty(generator, method, { configurable: true, writable: true, value: observed[method] });
  }
}

/** Plain async iterables: each `[Symbol.asyncIterator]()` call gets an observed iterator. */
function instrumentIterableInPlace<Chunk>(iterable: AnyObject, op: GenAiOperation, observer: StreamObserver<Chunk>): void {
  const original = iterable[Symbol.asyncIterator] as () => AsyncIterator<Chunk>;
  Object.defineProperty(iterable, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: function instrumentedAsyncIterator(this: unknown) {
      return observeIterator(original.call(this), op, observer);
    },
  });
}

/**
 * Replaces `stream.iterator` so that every iteration (including both branches of `tee()`, which
 * share one source iteration) reports chunks to `onChunk` and ends `op`.
 */
function instrumentIteratorFactoryInPlace<Chunk>(
  stream: IteratorFactoryStream<Chunk>,
  op: GenAiOperation,
  observer: StreamObserver<Chunk>,
): void {
  const original = stream.iterator;
  // Bound to a local first: V8 allocates a function literal assigned straight to a property in the
  // old generation, where it would keep the operation alive past young-generation GCs.
  const instrumented = function instrumentedIterator(this: unknown) {
    return observeIterator(original.call(this), op, observer);
  };
  stream.iterator = instrumented;
}

function observeIterator<Chunk>(
  source: AsyncIterator<Chunk>,
  op: GenAiOperation,
  observer: StreamObserver<Chunk>,
): AsyncIterator<Chunk> & AsyncIterable<Chunk> {
  const { onChunk, reshape } = observer;
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
  const onResult = (result: IteratorResult<Chunk>): IteratorResult<Chunk> | Promise<IteratorResult<Chunk>> => {
    if (result.done) {
      finish();
    } else {
      op.chunk();
      try {
        onChunk(op, result.value);
      } catch (error) {
        instrumentationDiag.error('tokenpath: reading a stream chunk failed; the chunk is passed on unchanged', error);
      }
      if (reshape !== undefined) {
        const shaped = reshapeSafely(reshape, result.value);
        // A withheld chunk is replaced by the next one, as if the wire had never carried it.
        if (shaped === WITHHELD) return source.next().then(onResult, onError);
        // The SDK's iterator made this result object for this call only.
        (result as { value: unknown }).value = shaped;
      }
    }
    return result;
  };
  const onError = (error: unknown): never => {
    // The SDK aborts its own controller when a stream fails, so the error, not the signal, says what happened.
    beforeEnd();
    op.fail(error, namedErrorType(observer, error));
    throw error;
  };
  const iterator: AsyncIterator<Chunk> & AsyncIterable<Chunk> = {
    // One argument, not a rest parameter: no array per chunk (iterators treat a missing and an undefined argument alike).
    next(value?: unknown) {
      return source.next(value as never).then(onResult, onError);
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

function reshapeSafely(reshape: (chunk: unknown) => unknown, chunk: unknown): unknown {
  try {
    return reshape(chunk);
  } catch (error) {
    instrumentationDiag.error('tokenpath: reshaping a stream chunk failed; the chunk is passed on as it came', error);
    return chunk;
  }
}
