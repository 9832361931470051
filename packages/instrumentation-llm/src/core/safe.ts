import { diag } from '@opentelemetry/api';

const log = diag.createComponentLogger({ namespace: '@tokenpath/instrumentation-llm' });

/** The instrumentation's own diagnostic logger (OTEL_LOG_LEVEL controls what shows). */
export const instrumentationDiag = log;

/**
 * Runs instrumentation code that must never disturb the host app: any exception is reported
 * through the OpenTelemetry diag logger and swallowed.
 */
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

export function safely<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    log.error(`tokenpath: ${what} failed; the call proceeds uninstrumented`, error);
    return undefined;
  }
}
