/**
 * A WHATWG `ReadableStream` instrumented in place, for frameworks that hand a model call's stream
 * to their own pipeline (the Vercel AI SDK pipes a provider's stream through its transforms). The
 * stream object keeps its identity: its consuming methods (`pipeThrough`, `pipeTo`, `getReader`,
 * `tee`, async iteration) become own properties that consume, instead, a stream which reads the
 * original one part by part. Whatever way reading stops (the last part, the consumer cancelling,
 * the source failing or being aborted), the operation ends exactly once with what was seen.
 */
import type { GenAiOperation } from './operation';
import { instrumentationDiag } from './safe';

export interface WebStreamObserver<Part> {
  /** Reads one part into `op.response` / `op.usage`; never changes the part. */
  onPart(op: GenAiOperation, part: Part): void;
  /** Runs once, right before the operation ends (e.g. to record accumulated content). */
  beforeEnd?(op: GenAiOperation): void;
}

const CONSUMERS = ['pipeThrough', 'pipeTo', 'getReader', 'tee', 'values', Symbol.asyncIterator] as const;
const PROTO = ReadableStream.prototype as unknown as Record<string | symbol, (...args: unknown[]) => unknown>;

/** Instruments `stream` in place and returns true, or returns false if it is not a ReadableStream. */
export function instrumentWebStream<Part>(stream: unknown, op: GenAiOperation, observer: WebStreamObserver<Part>): boolean {
  if (!(stream instanceof ReadableStream) || stream.locked) return false;
  let observed: ReadableStream<Part> | undefined;
  // Built on first use, so the source is locked only when the framework starts consuming it; if
  // that fails, the framework consumes the source itself, unobserved.
  const target = (): ReadableStream<Part> => {
    if (observed === undefined) {
      try {
        observed = observe(stream as ReadableStream<Part>, op, observer);
      } catch (error) {
        instrumentationDiag.error('tokenpath: observing a stream failed; it is read unobserved', error);
        op.end();
        observed = stream as ReadableStream<Part>;
      }
    }
    return observed;
  };
  for (const method of CONSUMERS) {
    const original = PROTO[method];
    if (typeof original !== 'function') continue;
    Object.defineProperty(stream, method, {
      configurable: true,
      writable: true,
      value: function consumeObserved(this: unknown, ...args: unknown[]) {
        return original.apply(target(), args);
      },
    });
  }
  return true;
}

/**
 * A stream that pulls the source's parts one by one. (Piping the source through a TransformStream
 * instead costs about 2.5 times as much per part in Node 24: the pipe's own machinery.)
 */
function observe<Part>(source: ReadableStream<Part>, op: GenAiOperation, observer: WebStreamObserver<Part>): ReadableStream<Part> {
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
    op.fail(error);
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
  return new ReadableStream<Part>({
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
}
