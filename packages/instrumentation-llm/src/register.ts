/**
 * Zero-code start: `node --require @tokenpath/instrumentation-llm/register app.js`, or
 * `node --import @tokenpath/instrumentation-llm/register app.mjs`.
 *
 * Starts the OpenTelemetry Node SDK configured only by the standard `OTEL_*` variables, with the
 * LLM instrumentation in it, and flushes telemetry on normal exit, SIGTERM and SIGINT. If the
 * process already registered its own SDK (e.g. an earlier `--require ./otel.js`), only the
 * instrumentation is added, reporting to the app's providers.
 */
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { diag, metrics, trace } from '@opentelemetry/api';
import type { NodeSDK as NodeSdkClass } from '@opentelemetry/sdk-node';
import { LlmInstrumentation } from './instrumentation';
import { isSdkDisabled, sanitizeOtelEnv } from './env';
import { appProvidersRegistered } from './startup/app-providers';
import { diagnoseHost } from './startup/diagnose';
import { registerEsmHook } from './startup/esm-hook';
import { installDiagLogger } from './startup/diag-logger';
import { sdkConfiguration } from './startup/exporters';
import { settleResource } from './startup/resource';
import { installShutdown } from './startup/shutdown';
import { endOpenOperations } from './core/open-operations';
import {
  WorkerAwareIdGenerator,
  isAppWorkerThread,
  receiveWorkerThreadTelemetry,
  startInWorkerThread,
} from './startup/worker-threads';

function start(): void {
  const env = process.env;
  if (isSdkDisabled(env)) return;
  if (!isMainThread) {
    // Node also runs --require preloads inside its module-hooks thread: nothing there. A worker the
    // app started sends its telemetry to the main thread's SDK.
    if (isAppWorkerThread()) {
      // Hooks registered by the main thread do not apply to a worker's imports: each has its own.
      const instrumentation = new LlmInstrumentation();
      registerEsmHook(instrumentation, pathToFileURL(__filename));
      startInWorkerThread(instrumentation);
    }
    return;
  }

  // Said once, before anything that an unusable API copy would break or silence.
  const apiCopies = diagnoseHost('register', env);
  if (apiCopies?.kind === 'own-too-old') return;

  const instrumentation = new LlmInstrumentation();
  registerEsmHook(instrumentation, pathToFileURL(__filename));

  if (apiCopies?.kind === 'registry-unreadable') {
    // The app's providers were registered through an API copy ours cannot read: report to them directly
    // (the instrumentation's constructor also switched core to that copy's context), the workers' telemetry too.
    const { registry } = apiCopies;
    const { trace: tracerProvider, metrics: meterProvider } = registry;
    if (tracerProvider) instrumentation.setTracerProvider(tracerProvider);
    if (meterProvider) instrumentation.setMeterProvider(meterProvider);
    receiveWorkerThreadTelemetry(undefined, {
      tracerProvider: () => registry.trace ?? trace.getTracerProvider(),
      meterProvider: () => registry.metrics ?? metrics.getMeterProvider(),
    });
    return;
  }

  if (appProvidersRegistered()) {
    // The app owns the SDK, its diag logger and its configuration: only add the instrumentation.
    instrumentation.setTracerProvider(trace.getTracerProvider());
    instrumentation.setMeterProvider(metrics.getMeterProvider());
    receiveWorkerThreadTelemetry();
    return;
  }
  const problems = sanitizeOtelEnv(env);
  // Config mistakes and export failures must be visible even when OTEL_LOG_LEVEL is unset (the SDK then
  // logs nothing); when it is set, the SDK installs a plain console logger at that level, replaced below.
  if (env.OTEL_LOG_LEVEL === undefined) installDiagLogger(env);
  // Loaded only here: the SDK fails while loading on an API older than it needs (see diagnoseHost).
  const { NodeSDK } = require('@opentelemetry/sdk-node') as { NodeSDK: typeof NodeSdkClass };
  const workerSpanIds = new WorkerAwareIdGenerator();
  const sdk = new NodeSDK({ instrumentations: [instrumentation], idGenerator: workerSpanIds, ...sdkConfiguration(env) });
  if (env.OTEL_LOG_LEVEL !== undefined) installDiagLogger(env);
  for (const problem of problems) diag.error(`tokenpath: ${problem}`);
  sdk.start();
  void settleResource(sdk);
  const drainWorkerThreads = receiveWorkerThreadTelemetry(workerSpanIds);
  installShutdown({
    flush: () => drainWorkerThreads().then(flushProviders),
    // What is still open now can no longer end: counted as unfinished rather than lost.
    shutdown: () => drainWorkerThreads().then(() => (endOpenOperations(), sdk.shutdown())),
  });
}

/** The SDK's providers, flushed while the pipeline keeps running (NodeSDK itself only shuts down). */
async function flushProviders(): Promise<void> {
  type Flushable = { forceFlush?: () => Promise<void>; getDelegate?: () => unknown };
  const tracerProvider = trace.getTracerProvider() as Flushable;
  const delegate = (tracerProvider.getDelegate?.() ?? tracerProvider) as Flushable;
  await Promise.all([delegate.forceFlush?.(), (metrics.getMeterProvider() as Flushable).forceFlush?.()]);
}

try {
  start();
} catch (error) {
  // The register entry must never stop the app from starting.
  diag.error('tokenpath: starting the OpenTelemetry SDK failed; the app runs uninstrumented', error);
}
