/**
 * LLM calls made in the app's own `worker_threads` are metered by the process's one SDK.
 *
 * Workers inherit the parent's `execArgv` by default, so the register entry also runs at the start
 * of every worker. A worker of the app (not Node's internal module-hooks thread, where --require
 * preloads run too) instruments its own copies of the SDK modules, and sends what it records to the
 * main thread over a MessagePort of its own:
 * - metric records, one message each, which the main thread records into the same instruments of
 *   the same meter (same scope, same names, same advice): one resource, one series per attribute
 *   set, exact totals across threads, and Prometheus keeps working (a per-worker SDK would need a
 *   resource per thread and would lose what a worker recorded since its last export);
 * - spans, as each one ends (sampled by the worker's own sampler, from the same OTEL_* variables),
 *   which the main thread re-creates with their own trace and span ids, times, parent, attributes,
 *   events and status, and exports through its pipeline.
 * What one synchronous turn records (a call's metric points and its span) is posted as one message
 * at the end of that turn, so nothing waits in a worker: a worker that ends, exits or is terminated
 * has already handed everything over, and the main thread drains the ports before its final flush. No second SDK starts anywhere else, and the worker never
 * exports by itself.
 */
import {
  MessageChannel,
  MessagePort,
  isInternalThread,
  postMessageToThread,
  receiveMessageOnPort,
} from 'node:worker_threads';
import {
  type Attributes,
  type HrTime,
  type Link,
  type Meter,
  type MeterProvider,
  type MetricOptions,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
  type TracerProvider,
  ROOT_CONTEXT,
  TraceFlags,
  createNoopMeter,
  diag,
  metrics,
  trace,
} from '@opentelemetry/api';
import type { NodeSDK as NodeSdkClass } from '@opentelemetry/sdk-node';
import type { LlmInstrumentation } from '../instrumentation';
import { appProvidersRegistered } from './app-providers';
import { apiCopyProblem } from './api-copies';
import { installDiagLogger } from './diag-logger';
import { sdkConfiguration } from './exporters';

/** The key of the one `workerMessage` a worker sends to the main thread: its telemetry port. */
const HANDSHAKE_KEY = '@tokenpath/instrumentation-llm:worker-telemetry';
const MAIN_THREAD_ID = 0;

/** True in a worker the app started; false in the main thread and in Node's internal threads. */
export function isAppWorkerThread(): boolean {
  // Node < 22.14 cannot tell its module-hooks thread apart: stay out of every worker there.
  return isInternalThread === false;
}

// ---- messages ----------------------------------------------------------------------------------

type InstrumentKind = 'histogram' | 'counter' | 'upDownCounter' | 'gauge';

/** A worker's instrument, declared once before its first record. */
type InstrumentMessage = [
  tag: 'i',
  id: number,
  kind: InstrumentKind,
  scope: ScopeData,
  name: string,
  options: MetricOptions | undefined,
];
/** One record of a declared instrument. */
type RecordMessage = [tag: 'r', id: number, value: number, attributes: Attributes | undefined];
type SpanMessage = [tag: 's', span: SpanData];
type Message = InstrumentMessage | RecordMessage | SpanMessage;

interface ScopeData {
  name: string;
  version?: string;
  schemaUrl?: string;
}

interface SpanData {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parent: SpanContext | undefined;
  startTime: HrTime;
  endTime: HrTime;
  attributes: Attributes;
  status: SpanStatus;
  events: { name: string; attributes?: Attributes; time: HrTime }[];
  links: Link[];
  scope: ScopeData;
}

// ---- worker side -------------------------------------------------------------------------------

/** What the worker's span processor reads of an ended span (the SDK's ReadableSpan). */
interface EndedSpan {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: { name: string; attributes?: Attributes; time: HrTime }[];
  readonly instrumentationScope: ScopeData;
}

/**
 * Starts tokenpath in a worker the app started: the instrumentation, with a tracer provider (sampler,
 * limits, propagator and context manager from the same OTEL_* variables as the main thread) whose
 * spans and a meter provider whose records go to the main thread. A worker whose app set up an SDK
 * of its own in it (a preload before the register entry) keeps it: only the instrumentation is added.
 */
export function startInWorkerThread(instrumentation: LlmInstrumentation): void {
  if (appProvidersRegistered()) {
    instrumentation.setTracerProvider(trace.getTracerProvider());
    instrumentation.setMeterProvider(metrics.getMeterProvider());
    return;
  }
  // Registered through an older API copy in this worker too (dd-trace's preload runs in every worker): the
  // instrumentation's constructor already reports to those providers, in their context, as on the main thread.
  if (apiCopyProblem()?.kind === 'registry-unreadable') return;
  const { port1, port2 } = new MessageChannel();
  // Never keeps the worker alive; the handshake hands the other end to the main thread.
  port1.unref();
  let connected = true;
  // One postMessage per turn rather than per record: a call's points and span cost one message.
  let batch: Message[] = [];
  const flush = (): void => {
    if (batch.length === 0) return;
    const messages = batch;
    batch = [];
    if (!connected) return;
    try {
      port1.postMessage(messages);
    } catch (error) {
      // Runs in a microtask of the app's thread: nothing may escape into it.
      diag.error('tokenpath: handing telemetry to the main thread failed', error);
    }
  };
  const post = (message: Message): void => {
    if (batch.push(message) === 1) queueMicrotask(flush);
  };
  // process.exit() in the worker skips pending microtasks, not 'exit' listeners.
  process.once('exit', flush);
  postMessageToThread(MAIN_THREAD_ID, { [HANDSHAKE_KEY]: port2 }, [port2]).catch(() => {
    // The main thread runs without tokenpath (e.g. the register entry was given to this worker only).
    connected = false;
    batch = [];
    port1.close();
    diag.warn(
      'tokenpath: this worker thread cannot reach the main thread; its LLM calls are not exported ' +
        '(start the main thread with the register entry too)',
    );
  });

  const spanProcessor = {
    onStart(): void {},
    onEnd(span: EndedSpan): void {
      if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
      try {
        post(['s', spanData(span)]);
      } catch (error) {
        diag.error('tokenpath: reading an ended span failed', error);
      }
    },
    forceFlush: async (): Promise<void> => {},
    shutdown: async (): Promise<void> => {},
  };
  // Loaded only here, as on the main thread (register.ts).
  const { NodeSDK } = require('@opentelemetry/sdk-node') as { NodeSDK: typeof NodeSdkClass };
  // OTEL_TRACES_EXPORTER=none: no spans here either, as the main thread exports none.
  const tracesOff = sdkConfiguration(process.env).spanProcessors?.length === 0;
  const sdk = new NodeSDK({
    instrumentations: [instrumentation],
    spanProcessors: tracesOff ? [] : [spanProcessor],
    metricReaders: [],
    logRecordProcessors: [],
    // The main thread's resource is the one exported; none is detected here.
    autoDetectResources: false,
  });
  // As on the main thread (whose register entry already reported any OTEL_* mistakes once); after the
  // SDK, which installs a plain console logger of its own when OTEL_LOG_LEVEL is set.
  installDiagLogger(process.env);
  sdk.start();
  instrumentation.setMeterProvider(forwardingMeterProvider(post));
}

function spanData(span: EndedSpan): SpanData {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  const scope = span.instrumentationScope;
  return {
    name: span.name,
    kind: span.kind,
    traceId: context.traceId,
    spanId: context.spanId,
    // A TraceState instance does not survive the structured clone; the ids and flags are what parenting needs.
    parent: parent && { traceId: parent.traceId, spanId: parent.spanId, traceFlags: parent.traceFlags, isRemote: parent.isRemote },
    startTime: span.startTime,
    endTime: span.endTime,
    attributes: span.attributes,
    status: span.status,
    events: span.events.map((e) => ({ name: e.name, attributes: e.attributes, time: e.time })),
    links: span.links.map((l) => ({
      context: { traceId: l.context.traceId, spanId: l.context.spanId, traceFlags: l.context.traceFlags },
      attributes: l.attributes,
    })),
    scope: { name: scope.name, version: scope.version, schemaUrl: scope.schemaUrl },
  };
}

/** A meter provider whose synchronous instruments post each record (observable ones are not forwarded). */
function forwardingMeterProvider(post: (message: Message) => void): MeterProvider {
  let nextId = 0;
  const declare = (kind: InstrumentKind, scope: ScopeData, name: string, options?: MetricOptions): number => {
    const id = nextId++;
    post(['i', id, kind, scope, name, options]);
    return id;
  };
  return {
    getMeter(name: string, version?: string, options?: { schemaUrl?: string }): Meter {
      const scope: ScopeData = { name, version, schemaUrl: options?.schemaUrl };
      const recorder = (kind: InstrumentKind) => (instrumentName: string, instrumentOptions?: MetricOptions) => {
        const id = declare(kind, scope, instrumentName, instrumentOptions);
        const record = (value: number, attributes?: Attributes): void => post(['r', id, value, attributes]);
        return { record, add: record } as any;
      };
      return Object.assign(createNoopMeter(), {
        createHistogram: recorder('histogram'),
        createCounter: recorder('counter'),
        createUpDownCounter: recorder('upDownCounter'),
        createGauge: recorder('gauge'),
      });
    },
  };
}

// ---- main-thread side --------------------------------------------------------------------------

/** Sets the ids of the next span the main thread starts (a worker's span re-created with its own ids). */
export interface SpanIdReplay {
  replay(traceId: string, spanId: string): void;
  clear(): void;
}

/** Where the main thread records what workers send (the API's globals unless given). */
export interface WorkerTelemetryTarget {
  tracerProvider(): TracerProvider;
  meterProvider(): MeterProvider;
}

const GLOBAL_PROVIDERS: WorkerTelemetryTarget = {
  tracerProvider: () => trace.getTracerProvider(),
  meterProvider: () => metrics.getMeterProvider(),
};

/**
 * Receives the telemetry of the app's worker threads on the main thread, into the process's global
 * tracer and meter providers (tokenpath's SDK, or the app's own), or into `target`'s (the app's,
 * registered through an API copy tokenpath's cannot read). `ids` (tokenpath's own SDK only)
 * lets re-created spans keep the worker's span ids; an app's own SDK assigns new span ids, within
 * the same trace and under the same parent. Returns `drain`, which records everything the workers
 * have posted so far (after one turn of the event loop, for handshakes still on their way): call it
 * before the final flush.
 */
export function receiveWorkerThreadTelemetry(ids?: SpanIdReplay, target: WorkerTelemetryTarget = GLOBAL_PROVIDERS): () => Promise<void> {
  const ports = new Set<MessagePort>();
  process.on('workerMessage', (value: unknown) => {
    const port = (value as Record<string, unknown> | null)?.[HANDSHAKE_KEY];
    if (!(port instanceof MessagePort)) return;
    const receiver = new WorkerReceiver(ids, target);
    ports.add(port);
    port.on('message', (messages: Message[]) => receiver.receiveAll(messages));
    port.once('close', () => ports.delete(port));
    port.unref();
    receivers.set(port, receiver);
  });
  const receivers = new WeakMap<MessagePort, WorkerReceiver>();
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      for (const port of ports) {
        const receiver = receivers.get(port)!;
        for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) receiver.receiveAll(m.message);
      }
    } catch (error) {
      diag.error('tokenpath: draining the telemetry of worker threads failed', error);
    }
  };
}

/** One worker's messages: its instruments by id, recorded into the main thread's own. */
class WorkerReceiver {
  private readonly instruments = new Map<number, { record?(v: number, a?: Attributes): void; add?(v: number, a?: Attributes): void }>();

  constructor(
    private readonly ids: SpanIdReplay | undefined,
    private readonly target: WorkerTelemetryTarget,
  ) {}

  receiveAll(messages: Message[]): void {
    for (const message of messages) this.receive(message);
  }

  receive(message: Message): void {
    try {
      if (message[0] === 'r') {
        const instrument = this.instruments.get(message[1]);
        if (instrument?.record) instrument.record(message[2], message[3]);
        else instrument?.add?.(message[2], message[3]);
      } else if (message[0] === 'i') {
        this.declare(message);
      } else if (message[0] === 's') {
        this.span(message[1]);
      }
    } catch (error) {
      diag.error('tokenpath: recording the telemetry of a worker thread failed', error);
    }
  }

  private declare([, id, kind, scope, name, options]: InstrumentMessage): void {
    // The SDK returns the storage of an identical instrument already created here (tokenpath's own),
    // so a worker's records join the main thread's series.
    const meter = this.target.meterProvider().getMeter(scope.name, scope.version, { schemaUrl: scope.schemaUrl });
    const create = {
      histogram: () => meter.createHistogram(name, options),
      counter: () => meter.createCounter(name, options),
      upDownCounter: () => meter.createUpDownCounter(name, options),
      gauge: () => meter.createGauge(name, options),
    }[kind];
    this.instruments.set(id, create());
  }

  private span(s: SpanData): void {
    const tracer = this.target.tracerProvider().getTracer(s.scope.name, s.scope.version, { schemaUrl: s.scope.schemaUrl });
    const parent = s.parent ? trace.setSpanContext(ROOT_CONTEXT, s.parent) : ROOT_CONTEXT;
    this.ids?.replay(s.traceId, s.spanId);
    let span;
    try {
      span = tracer.startSpan(s.name, { kind: s.kind, attributes: s.attributes, links: s.links, startTime: s.startTime }, parent);
    } finally {
      this.ids?.clear();
    }
    for (const e of s.events) span.addEvent(e.name, e.attributes, e.time);
    span.setStatus(s.status);
    span.end(s.endTime);
  }
}

/**
 * The main thread's id generator under tokenpath's own SDK: random ids as the SDK's own generator
 * makes them, except while a worker's span is re-created, which keeps the worker's ids.
 */
export class WorkerAwareIdGenerator implements SpanIdReplay {
  private traceId: string | undefined;
  private spanId: string | undefined;
  private readonly buffer = Buffer.allocUnsafe(16);

  replay(traceId: string, spanId: string): void {
    this.traceId = traceId;
    this.spanId = spanId;
  }

  clear(): void {
    this.traceId = this.spanId = undefined;
  }

  generateTraceId(): string {
    return this.traceId ?? this.random(16);
  }

  generateSpanId(): string {
    return this.spanId ?? this.random(8);
  }

  /** Non-zero random hex of `bytes` bytes (an all-zero id is invalid). */
  private random(bytes: number): string {
    const buffer = this.buffer;
    for (let i = 0; i < bytes / 4; i++) buffer.writeUInt32BE((Math.random() * 2 ** 32) >>> 0, i * 4);
    for (let i = 0; i < bytes; i++) if (buffer[i] > 0) return buffer.toString('hex', 0, bytes);
    buffer.writeUInt8(1, bytes - 1);
    return buffer.toString('hex', 0, bytes);
  }
}
