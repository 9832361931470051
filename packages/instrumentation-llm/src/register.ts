/**
 * Zero-code start: `node --require @tokenpath/instrumentation-llm/register app.js`, or
 * `node --import @tokenpath/instrumentation-llm/register app.mjs`.
 *
 * Starts the OpenTelemetry Node SDK configured only by the standard `OTEL_*` variables, with the
 * LLM instrumentation in it, and flushes telemetry on normal exit, SIGTERM and SIGINT. If the
 * process already registered its own SDK (e.g. an earlier `--require ./otel.js`), only the
 * instrumentation is added, reporting to the app's providers.
 */
import { register as registerModuleHook } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { DiagConsoleLogger, DiagLogLevel, ProxyTracerProvider, diag, metrics, trace } from '@opentelemetry/api';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { LlmInstrumentation } from './instrumentation';
import { isSdkDisabled, sanitizeOtelEnv } from './env';

const SHUTDOWN_TIMEOUT_MS = 5000;

function appProvidersRegistered(): boolean {
  const tracerDelegate = (trace.getTracerProvider() as ProxyTracerProvider).getDelegate?.();
  const noopTracerDelegate = new ProxyTracerProvider().getDelegate();
  const tracing = tracerDelegate !== undefined && tracerDelegate !== noopTracerDelegate;
  const metering = metrics.getMeterProvider().constructor.name !== 'NoopMeterProvider';
  return tracing || metering;
}

/**
 * ESM apps: hook only the SDK modules we patch (hooking everything broke openai 4's ESM build). A
 * module's own files (`InstrumentationNodeModuleFile`, e.g. `@anthropic-ai/sdk/resources/...`) are
 * imported by relative specifiers, which a package name does not match: they are matched by the
 * end of their file URL.
 */
function registerEsmHook(instrumentation: LlmInstrumentation): void {
  const include: (string | RegExp)[] = [];
  for (const definition of instrumentation.getModuleDefinitions()) {
    include.push(definition.name);
    for (const file of definition.files ?? []) include.push(fileUrlPattern(file.name));
  }
  registerModuleHook('@opentelemetry/instrumentation/hook.mjs', pathToFileURL(__filename), { data: { include } });
}

function fileUrlPattern(fileName: string): RegExp {
  const escaped = fileName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`/node_modules/${escaped}$`);
}

function installShutdown(shutdown: () => Promise<void>): void {
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

function start(): void {
  const env = process.env;
  // Node also runs --require preloads inside its module-hooks worker thread: the SDK and the hook
  // belong to the application thread only.
  if (!isMainThread || isSdkDisabled(env)) return;

  const instrumentation = new LlmInstrumentation();
  registerEsmHook(instrumentation);

  if (appProvidersRegistered()) {
    // The app owns the SDK, its diag logger and its configuration: only add the instrumentation.
    instrumentation.setTracerProvider(trace.getTracerProvider());
    instrumentation.setMeterProvider(metrics.getMeterProvider());
    return;
  }
  const problems = sanitizeOtelEnv(env);
  // Config mistakes must be visible even when OTEL_LOG_LEVEL is unset (the SDK then logs nothing);
  // when it is set, the SDK installs the logger at that level.
  if (env.OTEL_LOG_LEVEL === undefined) {
    diag.setLogger(new DiagConsoleLogger(), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  }
  const sdk = new NodeSDK({ instrumentations: [instrumentation] });
  for (const problem of problems) diag.error(`tokenpath: ${problem}`);
  sdk.start();
  installShutdown(() => sdk.shutdown());
}

try {
  start();
} catch (error) {
  // The register entry must never stop the app from starting.
  diag.error('tokenpath: starting the OpenTelemetry SDK failed; the app runs uninstrumented', error);
}
