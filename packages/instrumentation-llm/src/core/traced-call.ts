/**
 * The one wrapper every patched SDK method goes through: start an operation from what the
 * adapter reads off the request, call the SDK inside the operation's context, observe what comes
 * back without changing it, end the operation exactly once. Any failure of ours is logged and the
 * call goes on uninstrumented; the SDK's return value, errors and retries stay its own.
 */
import { withContext } from './context';
import { GenAiOperation, type OperationSettings, type OperationStart } from './operation';
import { isApiPromise, observeApiPromise } from './api-promise';
import { instrumentStream, isAsyncIterable, type ChunkHandler } from './stream';
import { instrumentationDiag, namedErrorType, reportFailure, safely } from './safe';
import { insideMeteredFrameworkCall } from './framework-call';

/** What a provider adapter tells the core about one API method. */
export interface CallAdapter<Params = any, Result = any, Chunk = any> {
  /**
   * Reads the request; `undefined` means "not an inference call we meter" (the call is left alone).
   * `args` are all the call's arguments (e.g. to leave callback-style calls alone).
   */
  start(params: Params, self: any, args: readonly unknown[]): OperationStart | undefined;
  /** Reads a complete (non-stream) result into `op.response` / `op.usage`. */
  onResult(op: GenAiOperation, result: Result, params: Params): void;
  /** Records the request's content; called only when the user opted in to content capture. */
  captureInput?(op: GenAiOperation, params: Params): void;
  /** Reads one stream chunk into `op.response` / `op.usage`. */
  onChunk?: ChunkHandler<Chunk>;
  /** Whether the stream was aborted by the caller (so that its end is reported as cancelled). */
  isAborted?(stream: any): boolean;
  /** Called before a streamed operation ends (e.g. to record accumulated content). */
  onStreamEnd?(op: GenAiOperation): void;
  /** Where a result keeps its stream, or undefined when it is complete; default: the result itself. */
  streamOf?(result: Result): unknown;
  /** Reads what a streamed result's envelope says before its chunks (e.g. response metadata). */
  onStreamStart?(op: GenAiOperation, result: Result, params: Params): void;
  /** `error.type` of a failure when the error's class does not say it (default: `errorTypeOf`). */
  errorType?(error: unknown): string | undefined;
  /**
   * Makes the SDK call, for an SDK that must be called differently while instrumented (e.g. with its
   * own span of the call switched off); `op` is undefined for a call that is not metered.
   * Default: `original.apply(self, args)`.
   */
  invoke?(op: GenAiOperation | undefined, original: (...args: any[]) => any, self: any, args: any[]): any;
}

/** Supplies the settings at call time, so a new meter or tracer provider takes effect at once. */
export interface SettingsSource {
  readonly enabled: boolean;
  settings(): OperationSettings;
}

export function tracedCall(
  source: SettingsSource,
  adapter: CallAdapter,
  original: (...args: any[]) => any,
  self: unknown,
  args: any[],
): any {
  // A framework operation already meters this request (core/framework-call.ts): count it once.
  if (!source.enabled || insideMeteredFrameworkCall()) return original.apply(self, args);
  // Caught inline, not through `safely`: this runs on every call, and a closure per call is not needed.
  let op: GenAiOperation | undefined;
  try {
    const start = adapter.start(args[0], self, args);
    if (start !== undefined) op = new GenAiOperation(source.settings(), start);
  } catch (error) {
    reportFailure('starting a GenAI operation', error);
  }
  const invoke = adapter.invoke;
  if (!op) return invoke ? invoke(undefined, original, self, args) : original.apply(self, args);
  if (op.captureContent && adapter.captureInput) {
    safely('capturing GenAI input content', () => adapter.captureInput!(op, args[0]));
  }

  let result: unknown;
  try {
    result = withContext(op.context, () => (invoke ? invoke(op, original, self, args) : original.apply(self, args)));
  } catch (error) {
    op.fail(error, namedErrorType(adapter, error));
    throw error;
  }
  let observed: unknown;
  try {
    observed = observe(result, op, adapter, args[0]);
  } catch (error) {
    reportFailure('observing a GenAI result', error);
  }
  if (observed === undefined) {
    op.end();
    return result;
  }
  return observed;
}

function observe(result: unknown, op: GenAiOperation, adapter: CallAdapter, params: unknown): unknown {
  const onData = (data: unknown): void => {
    try {
      handleData(data, op, adapter, params);
    } catch (error) {
      instrumentationDiag.error('tokenpath: reading a GenAI result failed', error);
      op.end();
    }
  };
  const onError = (error: unknown): void => op.fail(error, namedErrorType(adapter, error));
  if (isApiPromise(result)) return observeApiPromise(result, { onData, onError, onRawResponseOnly: () => op.end() });
  if (result instanceof Promise) {
    // A plain promise can be observed with then() without consuming anything.
    result.then(onData, onError);
    return result;
  }
  onData(result);
  return result;
}

function handleData(data: unknown, op: GenAiOperation, adapter: CallAdapter, params: unknown): void {
  const stream = adapter.onChunk === undefined ? undefined : adapter.streamOf ? adapter.streamOf(data) : data;
  // A complete response (most calls) is read as it is: no stream observer is made for it.
  if (isAsyncIterable(stream)) {
    const isAborted = adapter.isAborted;
    const observer = {
      onChunk: adapter.onChunk!,
      isAborted: isAborted ? () => isAborted(stream) : () => false,
      beforeEnd: adapter.onStreamEnd,
      errorType: adapter.errorType,
      reshape: op.reshapeChunk,
    };
    if (instrumentStream(stream, op, observer)) {
      adapter.onStreamStart?.(op, data, params);
      return;
    }
  }
  adapter.onResult(op, data, params);
  op.end();
}
