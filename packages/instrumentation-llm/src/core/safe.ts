import { diag } from '@opentelemetry/api';

const log = diag.createComponentLogger({ namespace: '@tokenpath/instrumentation-llm' });

/** The instrumentation's own diagnostic logger (OTEL_LOG_LEVEL controls what shows). */
export const instrumentationDiag = log;

/**
 * Runs instrumentation code that must never disturb the host app: any exception is reported
 * through the OpenTelemetry diag logger and swallowed.
 */
export function safely<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    log.error(`tokenpath: ${what} failed; the call proceeds uninstrumented`, error);
    return undefined;
  }
}
