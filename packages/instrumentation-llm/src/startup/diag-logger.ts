import { DiagConsoleLogger, DiagLogLevel, diag, type DiagLogFunction, type DiagLogger } from '@opentelemetry/api';

/**
 * The register entry's diagnostic logger: the console, at the level of `OTEL_LOG_LEVEL` (WARN when it is
 * unset, so that configuration mistakes and export failures are seen at all), with one change: an OTLP
 * export that fails is reported in one short line per signal and cause, not as the SDK's JSON stack trace
 * on every attempt (an unreachable collector would otherwise print one per batch, forever). Every other
 * message passes unchanged, and at `debug` and finer the SDK's own detail follows the short line.
 */
export function installDiagLogger(env: NodeJS.ProcessEnv): void {
  const level = LEVELS[env.OTEL_LOG_LEVEL?.trim().toLowerCase() ?? ''] ?? DiagLogLevel.WARN;
  diag.setLogger(new ExportFailureCondenser(new DiagConsoleLogger(), level), { logLevel: level, suppressOverrideMessage: true });
}

const LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

type Signal = 'spans' | 'metrics';

interface ExportFailure {
  signal: Signal;
  cause: string;
}

const reported = new Set<string>();

/** The one line for `failure`, or undefined when that signal and cause were already reported. */
function firstReport(failure: ExportFailure): string | undefined {
  const key = `${failure.signal}\0${failure.cause}`;
  if (reported.has(key)) return undefined;
  reported.add(key);
  return `tokenpath: exporting ${failure.signal} failed: ${failure.cause} (exports are retried; reported once per signal and cause)`;
}

/** Reports why the final flush failed: an export failure as its one line, anything else in one line too. */
export function reportFlushFailure(error: unknown): void {
  const failure = exportFailureOf(error);
  if (failure) {
    const line = firstReport(failure);
    if (line) diag.error(line);
    return;
  }
  diag.error(`tokenpath: flushing telemetry failed: ${isErrorLike(error) ? error.message : String(error)}`);
}

const METRICS_FAILED = 'PeriodicExportingMetricReader: metrics export failed (error ';
const METRICS_TIMED_OUT = /^PeriodicExportingMetricReader: metrics export timed out after (\d+)ms$/;
/** Network errors the OTLP HTTP transport retries (otlp-exporter-base's list). */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH']);

/**
 * The signal and cause of an SDK diagnostic (or error) that reports a failed OTLP export, or undefined
 * for anything else. The SDK reports a failed span batch by passing the exporter's error to its global
 * error handler, which logs it as JSON with every value a string (`{"stack":…,"message":…,"code":…}`);
 * the metric reader wraps its exporter's error into a message of its own. The register entry exports
 * no log records itself, so an unwrapped exporter error is a span batch's (an app that emits its own
 * log records through the global logs API shares that line).
 */
function exportFailureOf(message: unknown): ExportFailure | undefined {
  const error = typeof message === 'string' ? parseJsonError(message) ?? message : message;
  if (typeof error === 'string') {
    const timedOut = METRICS_TIMED_OUT.exec(error);
    if (timedOut) return { signal: 'metrics', cause: `no response within ${timedOut[1]} ms (OTEL_METRIC_EXPORT_TIMEOUT)` };
    return undefined;
  }
  if (!isErrorLike(error)) return undefined;
  if (error.message.startsWith(METRICS_FAILED) && error.message.endsWith(')')) {
    // The reader keeps only the error's string form: an HTTP status keeps its text, not its code.
    const inner = error.message
      .slice(METRICS_FAILED.length, -1)
      .replace(/^OTLPExporterError: /, 'HTTP ')
      .replace(/^[A-Za-z]*Error: /, '');
    return { signal: 'metrics', cause: causeOf({ message: inner }) };
  }
  const cause = exporterCause(error);
  return cause === undefined ? undefined : { signal: 'spans', cause };
}

interface ErrorLike {
  message: string;
  name?: string;
  code?: unknown;
  details?: unknown; // a gRPC status error's
}

function isErrorLike(value: unknown): value is ErrorLike {
  return typeof value === 'object' && value !== null && typeof (value as ErrorLike).message === 'string';
}

function parseJsonError(message: string): ErrorLike | undefined {
  if (!message.startsWith('{"')) return undefined;
  try {
    const parsed: unknown = JSON.parse(message);
    return isErrorLike(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The cause, when `error` is one an OTLP exporter (or the batch processor's own timeout) reports. */
function exporterCause(error: ErrorLike): string | undefined {
  if (error.name === 'OTLPExporterError') return causeOf(error);
  if (typeof error.code === 'string' && NETWORK_CODES.has(error.code)) return causeOf(error);
  if (/^\d+$/.test(String(error.code)) && typeof error.details === 'string') return causeOf(error); // gRPC status
  if (error.message === 'Request timed out' || error.message === 'Timeout') return causeOf(error);
  return undefined;
}

function causeOf(error: ErrorLike): string {
  if (error.name === 'OTLPExporterError' && /^\d+$/.test(String(error.code))) {
    return `HTTP ${String(error.code)}${error.message ? ` ${error.message}` : ''}`;
  }
  if (error.message === 'Request timed out') return 'no response within the export timeout (OTEL_EXPORTER_OTLP_TIMEOUT)';
  if (error.message === 'Timeout') return 'the batch was not exported in time (OTEL_BSP_EXPORT_TIMEOUT)';
  return error.message.trim();
}

/** Passes everything through, except that an export failure becomes its one line (once per signal and cause). */
class ExportFailureCondenser implements DiagLogger {
  readonly warn: DiagLogFunction;
  readonly info: DiagLogFunction;
  readonly debug: DiagLogFunction;
  readonly verbose: DiagLogFunction;

  constructor(
    private readonly inner: DiagLogger,
    private readonly level: DiagLogLevel,
  ) {
    this.warn = inner.warn.bind(inner);
    this.info = inner.info.bind(inner);
    this.debug = inner.debug.bind(inner);
    this.verbose = inner.verbose.bind(inner);
  }

  error(message: string, ...args: unknown[]): void {
    const failure = exportFailureOf(message);
    if (!failure) return this.inner.error(message, ...args);
    const line = firstReport(failure);
    if (line) this.inner.error(line);
    if (this.level >= DiagLogLevel.DEBUG) this.inner.debug(message, ...args);
  }
}
