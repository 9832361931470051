/**
 * A WHATWG `ReadableStream` instrumented in place: a stream an SDK hands the app (Mistral's
 * `EventStream`), or a framework hands its own pipeline (the Vercel AI SDK pipes a provider's stream
 * through its transforms). The stream object keeps its identity and class: its consuming methods
 * (`getReader`, `pipeTo`, `pipeThrough`, `tee`, `values`, async iteration, `cancel`) and `locked`
 * become own properties that act, instead, on a stream which reads the original one part by part.
 * Whatever way reading stops, the operation ends exactly once with what was seen: the last part,
 * the consumer cancelling, the source failing or being aborted, or the consumer letting go of the
 * stream (a reader's `releaseLock()`, an iterator or a `pipeTo` with `preventCancel`) with no one
 * taking it up again by the next turn of the event loop.
 */
import type { GenAiOperation } from './operation';
import { instrumentationDiag, namedErrorType } from './safe';

export interface WebStreamObserver<Part> {
  /** Reads one part into `op.response` / `op.usage`; never changes the part. */
  onPart(op: GenAiOperation, part: Part): void;
  /** Runs once, right before the operation ends (e.g. to record accumulated content). */
  beforeEnd?(op: GenAiOperation): void;
  /** `error.type` of a failure when the error's class does not say it. */
  errorType?(error: unknown): string | undefined;
}

type Method = (...args: unknown[]) => unknown;
const PROTO = ReadableStream.prototype as unknown as Record<string | symbol, Method>;
const lockedOf = Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'locked')!.get as (this: ReadableStream) => boolean;
const hasOwn = (object: object, key: PropertyKey): boolean => Object.prototype.hasOwnProperty.call(object, key);

/**
 * Instruments `stream` in place and returns true; returns false and leaves it alone if it is not a
 * ReadableStream, is locked already, or has consuming methods of its own (instrumented already).
 */
export function instrumentWebStream<Part>(stream: unknown, op: GenAiOperation, observer: WebStreamObserver<Part>): boolean {
  if (!(stream instanceof ReadableStream) || stream.locked || hasOwn(stream, 'getReader')) return false;
  const source = stream as ReadableStream<Part>;
  let observed: ObservedStream<Part> | undefined;
  // Built on first use, so the source is locked only when someone starts consuming it; if that
  // fails, the source is consumed itself, unobserved.
  const target = (): ObservedStream<Part> => {
    if (observed === undefined) {
      try {
        observed = observe(source, op, observer);
      } catch (error) {
        instrumentationDiag.error('tokenpath: observing a stream failed; it is read unobserved', error);
        op.end();
        observed = { stream: source, letGo: () => {} };
      }
    }
    return observed;
  };
  const consumers: Record<string | symbol, (this: unknown, ...args: unknown[]) => unknown> = {
    getReader(...args) {
      const { stream: s, letGo } = target();
      const reader = PROTO.getReader.apply(s, args) as ReadableStreamDefaultReader<Part>;
      const release = reader.releaseLock;
      // The reader is the app's, made for this call; only its release is watched.
      Object.defineProperty(reader, 'releaseLock', {
        configurable: true,
        writable: true,
        value: function releaseLock(this: unknown) {
          release.call(this);
          letGo();
        },
      });
      return reader;
    },
    pipeTo(...args) {
      const { stream: s, letGo } = target();
      const piped = PROTO.pipeTo.apply(s, args) as Promise<void>;
      // Without preventCancel a pipe that stops early cancels the stream, which ends the operation.
      if (!preventsCancel(args[1])) return piped;
      // A promise of ours in place of the pipe's (each call makes a new one anyway), so that a
      // rejection the app leaves unhandled is still reported as unhandled.
      return piped.then(
        (value) => {
          letGo();
          return value;
        },
        (error: unknown) => {
          letGo();
          throw error;
        },
      );
    },
    // A pipeThrough with preventCancel that stops early lets go of the stream unseen: its pipe is internal.
    pipeThrough(...args) {
      return PROTO.pipeThrough.apply(target().stream, args);
    },
    tee(...args) {
      return PROTO.tee.apply(target().stream, args);
    },
    values(...args) {
      return iterate(target(), args);
    },
    [Symbol.asyncIterator](...args) {
      return iterate(target(), args);
    },
    cancel(...args) {
      return PROTO.cancel.apply(target().stream, args);
    },
  };
  for (const key of Reflect.ownKeys(consumers)) {
    if (typeof PROTO[key] !== 'function') continue;
    Object.defineProperty(stream, key, { configurable: true, writable: true, value: consumers[key] });
  }
  Object.defineProperty(stream, 'locked', {
    configurable: true,
    get: () => lockedOf.call(observed === undefined ? source : observed.stream),
  });
  return true;
}

/** The stream the consumers act on, and what to do when a consumer let go of it without cancelling. */
interface ObservedStream<Part> {
  stream: ReadableStream<Part>;
  letGo(): void;
}

function preventsCancel(options: unknown): boolean {
  return options !== null && typeof options === 'object' && Boolean((options as { preventCancel?: unknown }).preventCancel);
}

/** Async iteration; with preventCancel, an iterator that stops early lets go without cancelling. */
function iterate<Part>({ stream, letGo }: ObservedStream<Part>, args: unknown[]): AsyncIterableIterator<Part> {
  const iterator = PROTO.values.apply(stream, args) as AsyncIterableIterator<Part>;
  if (!preventsCancel(args[0])) return iterator;
  const stop = iterator.return!;
  Object.defineProperty(iterator, 'return', {
    configurable: true,
    writable: true,
    value: function (this: unknown, value?: unknown) {
      return stop.call(this, value).then((result) => {
        letGo();
        return result;
      });
    },
  });
  return iterator;
}

/**
 * A stream that pulls the source's parts one by one. (Piping the source through a TransformStream
 * instead costs about 2.5 times as much per part in Node 24: the pipe's own machinery.)
 */
function observe<Part>(source: ReadableStream<Part>, op: GenAiOperation, observer: WebStreamObserver<Part>): ObservedStream<Part> {
  // The prototype's reader: the source's own `getReader` is now the observed stream's.
  const reader = PROTO.getReader.call(source) as ReadableStreamDefaultReader<Part>;
  const beforeEnd = (): void => {
    if (op.isEnded || observer.beforeEnd === undefined) return;
    try {
      observer.beforeEnd(op);
    } catch (error) {
      instrumentationDiag.error('tokenpath: finishing a stream failed', error);
    }
  };
  const end = (): void => {
    beforeEnd();
    op.end();
  };
  const fail = (error: unknown): void => {
    beforeEnd();
    op.fail(error, namedErrorType(observer, error));
  };
  const { onPart } = observer;
  // The controller is the same for every pull: the read handlers are made once, not per part.
  let controller!: ReadableStreamDefaultController<Part>;
  const onRead = (result: ReadableStreamReadResult<Part>): void => {
    if (result.done) {
      end();
      controller.close();
      return;
    }
    op.chunk();
    try {
      onPart(op, result.value);
    } catch (error) {
      instrumentationDiag.error('tokenpath: reading a stream part failed; the part is passed on unchanged', error);
    }
    controller.enqueue(result.value);
  };
  const onReadError = (error: unknown): void => {
    fail(error);
    controller.error(error);
  };
  const stream = new ReadableStream<Part>({
    start(c) {
      controller = c;
    },
    pull() {
      return reader.read().then(onRead, onReadError);
    },
    cancel(reason) {
      // The consumer stopped early: what was seen is what was used. A reason that is an error
      // (the framework aborting its pipeline) says why.
      if (reason instanceof Error) fail(reason);
      else end();
      return reader.cancel(reason);
    },
  });
  // A consumer let go: unless one takes the stream up again (a first part read, then the rest
  // piped), what was seen is what was used (the parts handed on, and the one this stream's queue
  // read ahead). The stream itself is left as it is, for the app.
  const letGo = (): void => {
    if (op.isEnded) return;
    setImmediate(() => {
      try {
        if (!op.isEnded && !lockedOf.call(stream)) end();
      } catch (error) {
        instrumentationDiag.error('tokenpath: ending a stream that was let go failed', error);
      }
    });
  };
  return { stream, letGo };
}
