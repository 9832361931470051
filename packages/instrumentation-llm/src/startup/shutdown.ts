import { diag } from '@opentelemetry/api';

const SHUTDOWN_TIMEOUT_MS = 5000;

/** Flushes telemetry once, on normal exit, SIGTERM or SIGINT, waiting at most SHUTDOWN_TIMEOUT_MS. */
export function installShutdown(shutdown: () => Promise<void>): void {
  let done: Promise<void> | undefined;
  const once = (): Promise<void> => {
    done ??= Promise.race([
      shutdown().catch((error) => diag.error('tokenpath: flushing telemetry failed', error)),
      new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_TIMEOUT_MS).unref()),
    ]);
    return done;
  };
  process.once('beforeExit', () => void once());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = (): void => {
      void once().then(() => {
        // Our listener replaced Node's default (exit); restore it unless the app handles the signal.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    };
    process.once(signal, onSignal);
  }
}
