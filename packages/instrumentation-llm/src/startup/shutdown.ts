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

/** How often telemetry is flushed while an app that handles the stop signal itself winds down. */
export const DRAIN_FLUSH_INTERVAL_MS = 200;

/** What the final flush works on: the SDK's pipeline. */
export interface Telemetry {
  /** Exports what has ended so far; the pipeline keeps running. */
  flush(): Promise<void>;
  /** Exports what has ended and stops the pipeline. */
  shutdown(): Promise<void>;
}

/**
 * Flushes telemetry once, on normal exit, SIGTERM or SIGINT, waiting at most `timeoutMs`.
 *
 * On normal exit the app's event loop is already empty, so what still holds the process once the flush
 * has timed out is the exporters' own work (an unreachable or silent collector: a request waiting for
 * its timeout, a retry timer), or another `beforeExit` listener's: the process then ends with the app's
 * exit code instead of waiting for it. A flush that ends in time is never cut short.
 *
 * After a signal the app does not handle, the pipeline is shut down and the signal's default action
 * restored (Node's own, exit, is off while any listener is registered). An app that handles the signal
 * may still be finishing calls (a graceful stop: close the server, let the requests in flight complete),
 * and stopping the pipeline then would drop exactly the calls of every rolling deploy. So it keeps
 * running: it is flushed at once and then every DRAIN_FLUSH_INTERVAL_MS, and shut down when the event
 * loop empties. An app that ends with `process.exit()` loses only what ended in the last interval.
 */
export function installShutdown(telemetry: Telemetry, timeoutMs = finalFlushTimeoutMs(process.env)): void {
  let done: Promise<boolean> | undefined;
  let draining: NodeJS.Timeout | undefined;
  const withTimeout = (work: Promise<void>): Promise<boolean> =>
    Promise.race([
      work.then(
        () => true,
        (error: unknown) => {
          reportFlushFailure(error);
          return true;
        },
      ),
      new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref()),
    ]);
  /** Resolves true when the shutdown finished (or failed) in time, false when it timed out. */
  const once = (): Promise<boolean> => {
    clearInterval(draining);
    done ??= withTimeout(telemetry.shutdown());
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
      // Ours is gone by now (`once`) and ran first: any listener left is the app's.
      if (process.listenerCount(signal) > 0) {
        if (done !== undefined || draining !== undefined) return;
        let flushing = false;
        const flush = (): void => {
          // One flush at a time: a slow collector must not pile them up.
          if (flushing) return;
          flushing = true;
          void withTimeout(telemetry.flush()).then(() => (flushing = false));
        };
        flush();
        draining = setInterval(flush, DRAIN_FLUSH_INTERVAL_MS).unref();
        return;
      }
      void once().then((flushed) => {
        if (!flushed) notFlushed(`of ${signal}`);
        // Our listener replaced Node's default (exit); restore it unless the app handles the signal.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    // First of the signal's listeners, so that any other one is still there to be counted (an app's
    // `process.once` listener would otherwise be gone by then and the app's stop taken for none).
    process.prependOnceListener(signal, onSignal);
  }
}
