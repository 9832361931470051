import { diag } from '@opentelemetry/api';
import { reportFlushFailure } from './diag-logger';

/** The longest the final flush may hold a process that has nothing else to do. */
export const FINAL_FLUSH_CAP_MS = 5000;
/** Past the export timeout, for an export that gave up on time to end and say why. */
const REPORT_GRACE_MS = 500;
/** The OTLP exporters' default timeout per export, retries included (OTEL_EXPORTER_OTLP_TIMEOUT). */
const OTLP_TIMEOUT_DEFAULT_MS = 10_000;
const SIGNALS = ['TRACES', 'METRICS', 'LOGS'] as const;

/**
 * How long the final flush may take: the longest of the signals' OTLP export timeouts (an export,
 * retries included, gives up by then) and REPORT_GRACE_MS, at most FINAL_FLUSH_CAP_MS. A signal's
 * timeout is its own variable, else OTEL_EXPORTER_OTLP_TIMEOUT, else the exporters' default.
 */
export function finalFlushTimeoutMs(env: NodeJS.ProcessEnv): number {
  const ms = (name: string): number | undefined => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : undefined;
  };
  const general = ms('OTEL_EXPORTER_OTLP_TIMEOUT') ?? OTLP_TIMEOUT_DEFAULT_MS;
  const exportTimeout = Math.max(...SIGNALS.map((signal) => ms(`OTEL_EXPORTER_OTLP_${signal}_TIMEOUT`) ?? general));
  return Math.min(exportTimeout + REPORT_GRACE_MS, FINAL_FLUSH_CAP_MS);
}

/**
 * Flushes telemetry once, on normal exit, SIGTERM or SIGINT, waiting at most `timeoutMs`.
 *
 * On normal exit the app's event loop is already empty, so what still holds the process once the flush
 * has timed out is the exporters' own work (an unreachable or silent collector: a request waiting for
 * its timeout, a retry timer), or another `beforeExit` listener's: the process then ends with the app's
 * exit code instead of waiting for it. A flush that ends in time is never cut short. After a signal,
 * the signal's default action is restored unless the app handles it.
 */
export function installShutdown(shutdown: () => Promise<void>, timeoutMs = finalFlushTimeoutMs(process.env)): void {
  let done: Promise<boolean> | undefined;
  /** Resolves true when the flush finished (or failed) in time, false when it timed out. */
  const once = (): Promise<boolean> => {
    done ??= Promise.race([
      shutdown().then(
        () => true,
        (error: unknown) => {
          reportFlushFailure(error);
          return true;
        },
      ),
      new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref()),
    ]);
    return done;
  };
  const notFlushed = (when: string): void =>
    diag.warn(`tokenpath: telemetry not flushed within ${timeoutMs} ms ${when}`);
  process.once('beforeExit', () => {
    void once().then((flushed) => {
      if (flushed) return;
      notFlushed('of exit, the exporters are still waiting for their endpoint; the process exits without it');
      process.exit();
    });
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = (): void => {
      void once().then((flushed) => {
        if (!flushed) notFlushed(`of ${signal}`);
        // Our listener replaced Node's default (exit); restore it unless the app handles the signal.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    process.once(signal, onSignal);
  }
}
