import { diag } from '@opentelemetry/api';

const log = diag.createComponentLogger({ namespace: '@tokenpath/instrumentation-llm' });

/** The instrumentation's own diagnostic logger (OTEL_LOG_LEVEL controls what shows). */
export const instrumentationDiag = log;

/**
 * The `error.type` an adapter or stream observer gives a failure (when the error's class does not
 * say it), or undefined when it has no namer or its namer throws (reported, never thrown).
 */
export function namedErrorType(namer: { errorType?(error: unknown): string | undefined }, error: unknown): string | undefined {
  if (namer.errorType === undefined) return undefined;
  try {
    return namer.errorType(error);
  } catch (e) {
    log.error('tokenpath: naming a GenAI error failed', e);
    return undefined;
  }
}

/**
 * Runs instrumentation code that must never disturb the host app: any exception is reported
 * through the OpenTelemetry diag logger and swallowed.
 */
export function safely<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    reportFailure(what, error);
    return undefined;
  }
}

/** How `safely` reports a failure; for the per-call path, which catches inline instead of making a closure per call. */
export function reportFailure(what: string, error: unknown): void {
  log.error(`tokenpath: ${what} failed; the call proceeds uninstrumented`, error);
}
