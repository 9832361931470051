/**
 * One GenAI operation: the span, the response facts gathered while it runs, and the metrics it
 * records when it ends. Everything about spans and metrics lives here once; providers only fill
 * in `response` and `usage`.
 */
import {
  type Attributes,
  type Context,
  type Span,
  type Tracer,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
  ATTR_TOKENPATH_COST_PRICE_TABLE,
  ATTR_TOKENPATH_USAGE_SOURCE,
  GEN_AI_USAGE_COST_SOURCE_VALUE_LOCAL,
  TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT,
  TOKENPATH_USAGE_SOURCE_VALUE_NONE,
  TOKENPATH_USAGE_SOURCE_VALUE_PROVIDER,
  type GenAiSemconvProfile,
  type RequestFacts,
  type ResponseFacts,
  type UsageFacts,
} from '@tokenpath/semconv';
import { recordCall, type GenAiInstruments } from './metrics';
import type { MetricAttributeSet } from './metric-attributes';
import { buildUsageRecord, deliverUsageRecord, type UsageHook } from './usage-record';
import { boundedJson } from './content';
import { factNames, writeRequestFacts, writeResponseFacts, writeUsageFacts } from './fact-attributes';
import type { CallCost, CostModel } from './cost';
import type { Attribution, CallAttribution } from './attribution';
import type { StreamUsagePolicy } from './stream-usage-policy';
import { redactCredentials, secretPattern, type SecretReader } from './redact';
import { instrumentationDiag } from './safe';
import { activeContext } from './context';
import { listOpen, unlistOpen, type Listable } from './open-operations';

/**
 * The names and values `finish` writes on every call, read once: a named import of
 * `@tokenpath/semconv` compiles to a read through its CommonJS `export *` getter, one closure that
 * every name shares, so each read per call was a megamorphic lookup and each key a generic store.
 */
const COST_AMOUNT = ATTR_GEN_AI_USAGE_COST_AMOUNT;
const COST_CURRENCY = ATTR_GEN_AI_USAGE_COST_CURRENCY;
const COST_SOURCE = ATTR_GEN_AI_USAGE_COST_SOURCE;
const COST_SOURCE_LOCAL = GEN_AI_USAGE_COST_SOURCE_VALUE_LOCAL;
const COST_PRICE_TABLE = ATTR_TOKENPATH_COST_PRICE_TABLE;
const USAGE_SOURCE = ATTR_TOKENPATH_USAGE_SOURCE;
const USAGE_SOURCE_PROVIDER = TOKENPATH_USAGE_SOURCE_VALUE_PROVIDER;
const USAGE_SOURCE_NONE = TOKENPATH_USAGE_SOURCE_VALUE_NONE;
/** Fixed for the life of the process (`performance.timeOrigin` is a getter). */
const TIME_ORIGIN = performance.timeOrigin;

/** What an adapter knows before the call is made. */
export interface OperationStart {
  /** `gen_ai.operation.name` value. */
  operation: string;
  /** `gen_ai.provider.name` value. */
  provider: string;
  serverAddress?: string;
  serverPort?: number;
  request: RequestFacts;
  /** False for APIs that have no finish reason at all (OpenAI Responses, embeddings). */
  hasFinishReasons?: boolean;
  /**
   * False when another span of the same call carries its usage (an SDK's own span the user chose
   * to keep): the usage then stays off this span, so that one call has one span with usage. The
   * token metrics record it either way. Default true.
   */
  spanUsage?: boolean;
  /**
   * The client whose credentials must never reach telemetry, and where it keeps them (redact.ts):
   * read only when a string goes to telemetry (an error message, captured content).
   */
  secretHolder?: object;
  readSecrets?: SecretReader;
}

export type ContentKind = 'inputMessages' | 'outputMessages' | 'systemInstructions' | 'toolDefinitions';

/** Shared, per-instrumentation state every operation reads; nothing here changes per call. */
export interface OperationSettings {
  readonly profile: GenAiSemconvProfile;
  readonly tracer: Tracer;
  readonly instruments: GenAiInstruments;
  readonly captureContent: boolean;
  readonly maxContentLength: number;
  /** The app's per-call usage hook; without one, no usage record is built. */
  readonly onUsage?: UsageHook;
  /** Prices calls (core/cost.ts); without it, no call carries a cost. */
  readonly cost?: CostModel;
  /** Who and what calls are for (core/attribution.ts); without it, no call carries attribution. */
  readonly attribution?: Attribution;
  /** Which hosts a stream's usage is asked of (core/stream-usage-policy.ts); without it, none. */
  readonly streamUsage?: StreamUsagePolicy;
}

export class GenAiOperation implements Listable {
  readonly span: Span;
  readonly context: Context;
  /** Response facts; adapters assign fields as they learn them (a stream learns them chunk by chunk). */
  readonly response: ResponseFacts = {};
  /** Token usage, normalised; the last value an adapter writes wins (never a sum). */
  readonly usage: UsageFacts = {};
  /** Set when the provider reports a failure inside a successful HTTP response (e.g. `response.failed`). */
  errorType: string | undefined;
  /** Free slot for an adapter's per-call accumulation (e.g. streamed text when content capture is on). */
  scratch: unknown;
  /**
   * Set by an adapter's `invoke` that asked for more than the caller did: how the stream's chunks are
   * handed to the caller (core/stream.ts `reshape`). Undefined for almost every call.
   */
  reshapeChunk: ((chunk: unknown) => unknown) | undefined = undefined;

  /** What every operation of the instrumentation shares (read by an adapter's `invoke`). */
  readonly settings: OperationSettings;
  private readonly start: OperationStart;
  /** What every metric point of the call carries (interned, core/metric-attributes.ts). */
  private metricSet: MetricAttributeSet;
  private readonly choiceCount: number;
  private readonly hasFinishReasons: boolean;
  private readonly spanUsage: boolean;
  private readonly secretHolder: object | undefined;
  private readonly readSecrets: SecretReader | undefined;
  private readonly attribution: CallAttribution | undefined;
  private readonly startTime = performance.now();
  private firstChunkTime = -1;
  private ended = false;
  /** In the list of open operations (open-operations.ts). */
  prevOpen: Listable | undefined = undefined;
  nextOpen: Listable | undefined = undefined;
  listed = false;

  constructor(settings: OperationSettings, start: OperationStart, parent: Context = activeContext()) {
    this.settings = settings;
    this.start = start;
    const p = settings.profile;
    const model = start.request.model;
    const address = start.serverAddress;
    const port = address === undefined ? undefined : start.serverPort;
    // Attribution: all of it on the span, the allowlisted and budgeted keys on metric points; the
    // conventions' attributes are written last so that an app's key can never replace one.
    const attribution = settings.attribution?.of(parent);
    this.attribution = attribution;
    // Low-cardinality attributes only: these are what every metric point carries. The attribution
    // comes last, so that the chain before it (the same for most calls) is answered by each set's
    // last-found child, and it never replaces one of the conventions' attributes.
    let set = settings.instruments.attributeSets.with(p.operationName, start.operation).with(p.providerName, start.provider);
    if (model !== undefined) set = set.with(p.requestModel, model);
    if (address !== undefined) set = set.with(p.serverAddress, address);
    if (port !== undefined) set = set.with(p.serverPort, port);
    const metricAttribution = attribution?.metricAttributes;
    if (metricAttribution !== undefined) {
      for (const key in metricAttribution) if (set.attributes[key] === undefined) set = set.with(key, metricAttribution[key]!);
    }
    this.metricSet = set;
    this.choiceCount = start.request.choiceCount ?? 1;
    this.hasFinishReasons = start.hasFinishReasons ?? true;
    this.spanUsage = start.spanUsage ?? true;
    this.secretHolder = start.secretHolder;
    this.readSecrets = start.readSecrets;

    // All request attributes at creation, so samplers see the sampling-relevant ones.
    const attributes: Attributes = attribution === undefined ? {} : { ...attribution.values };
    attributes[p.operationName] = start.operation;
    attributes[p.providerName] = start.provider;
    if (model !== undefined) attributes[p.requestModel] = model;
    if (address !== undefined) attributes[p.serverAddress] = address;
    if (port !== undefined) attributes[p.serverPort] = port;
    writeRequestFacts(factNames(p).request, start.request, attributes);
    const name = model ? `${start.operation} ${model}` : start.operation;
    this.span = settings.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    this.context = trace.setSpan(parent, this.span);
    listOpen(this);
  }

  /** Ends the operation as left unfinished by the process (the final flush; open-operations.ts). */
  endUnfinished(): void {
    this.fail(new Error('the process ended before the call finished'), TOKENPATH_ERROR_TYPE_VALUE_PROCESS_EXIT);
  }

  /**
   * The server, for SDKs that resolve their endpoint only while the call runs (the AWS SDK): set
   * on the span and on the metric points, if the operation has not ended and knows no server yet.
   */
  setServer(address: string | undefined, port: number | undefined): void {
    const p = this.settings.profile;
    if (this.ended || address === undefined || this.metricSet.attributes[p.serverAddress] !== undefined) return;
    this.metricSet = this.metricSet.with(p.serverAddress, address);
    this.span.setAttribute(p.serverAddress, address);
    if (port !== undefined) {
      this.metricSet = this.metricSet.with(p.serverPort, port);
      this.span.setAttribute(p.serverPort, port);
    }
  }

  get captureContent(): boolean {
    return this.settings.captureContent;
  }

  /** Records opt-in content; a no-op unless the user opted in. */
  setContent(kind: ContentKind, messages: readonly unknown[] | undefined): void {
    if (!this.settings.captureContent || messages === undefined || !this.span.isRecording()) return;
    this.span.setAttribute(this.settings.profile.content[kind], boundedJson(messages, this.settings.maxContentLength, this.secrets()));
  }

  /** Called for every stream chunk; only the first one costs a clock read. */
  chunk(): void {
    if (this.firstChunkTime < 0) this.firstChunkTime = performance.now();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Ends the operation successfully (or with `errorType` if the provider reported one); idempotent. */
  end(): void {
    this.finish(this.errorType, undefined);
  }

  /** Ends the operation with an error; idempotent, and a no-op after `end()`. */
  fail(error: unknown, errorType = errorTypeOf(error, this.settings.profile.errorTypeOther)): void {
    this.finish(errorType, error);
  }

  private finish(errorType: string | undefined, error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    unlistOpen(this);
    const p = this.settings.profile;
    const { instruments } = this.settings;
    const durationSeconds = (performance.now() - this.startTime) / 1000;

    let set = this.metricSet;
    if (this.response.model !== undefined) set = set.with(p.responseModel, this.response.model);
    const withError = errorType === undefined ? undefined : { ...set.attributes, [p.errorType]: errorType };
    const ttfc = this.firstChunkTime < 0 ? undefined : (this.firstChunkTime - this.startTime) / 1000;
    recordCall(instruments, this.start.operation, set, withError, this.usage, durationSeconds, ttfc);
    // Priced at the call's start (prices that change by time of day); a model without a price gets none.
    const cost = this.settings.cost?.costOf(
      this.start.provider,
      this.response.model,
      this.start.request.model,
      this.usage,
      TIME_ORIGIN + this.startTime,
    );
    if (cost !== undefined) {
      instruments.cost.add(cost.amount, set.with(COST_CURRENCY, cost.currency).with(COST_SOURCE, COST_SOURCE_LOCAL).attributes);
    }

    const span = this.span;
    if (span.isRecording()) {
      this.completeFinishReasons(errorType !== undefined);
      const out: Attributes = {};
      const names = factNames(p);
      writeResponseFacts(names.response, this.response, out);
      if (this.spanUsage) {
        const stated = writeUsageFacts(names.usage, this.usage, out);
        // Says whether the counts are the provider's or missing (an aborted stream, a host that
        // never reports usage): a missing count stays missing, never an estimate.
        out[USAGE_SOURCE] = stated ? USAGE_SOURCE_PROVIDER : USAGE_SOURCE_NONE;
      }
      if (ttfc !== undefined) out[p.timeToFirstChunk] = ttfc;
      if (cost !== undefined) {
        out[COST_AMOUNT] = cost.amount;
        out[COST_CURRENCY] = cost.currency;
        out[COST_SOURCE] = COST_SOURCE_LOCAL;
        out[COST_PRICE_TABLE] = cost.priceTable;
      }
      if (errorType !== undefined) {
        out[p.errorType] = errorType;
        span.setStatus({ code: SpanStatusCode.ERROR, message: errorMessage(error, errorType, this.secrets()) });
      }
      span.setAttributes(out);
    }
    span.end();
    if (this.settings.onUsage !== undefined) this.deliverUsage(this.settings.onUsage, durationSeconds, errorType, cost);
  }

  /** One usage record for the app's hook; built only when there is a hook. */
  private deliverUsage(hook: UsageHook, durationSeconds: number, errorType: string | undefined, cost: CallCost | undefined): void {
    const p = this.settings.profile;
    const server = this.metricSet.attributes;
    const record = buildUsageRecord({
      provider: this.start.provider,
      operation: this.start.operation,
      requestModel: this.start.request.model,
      responseModel: this.response.model,
      serverAddress: server[p.serverAddress] as string | undefined,
      serverPort: server[p.serverPort] as number | undefined,
      stream: this.start.request.stream === true,
      usage: this.usage,
      durationSeconds,
      errorType,
      spanContext: this.span.spanContext(),
      cost: cost && { amount: cost.amount, currency: cost.currency },
      // The real values (metric points may carry _OTHER), as a copy the hook may keep or change.
      attribution: this.attribution && { ...this.attribution.values },
    });
    deliverUsageRecord(hook, record);
  }

  /** The client's configured credentials as one pattern (redact.ts); undefined if it has none or reading fails. */
  private secrets(): RegExp | undefined {
    try {
      return secretPattern(this.secretHolder, this.readSecrets);
    } catch (e) {
      instrumentationDiag.debug('tokenpath: could not read the client credentials to scrub', e);
      return undefined;
    }
  }

  /**
   * A finish reason that was expected but never came (a failure or abort after inference started,
   * or a choice that ended without one) is reported as `error` at its position.
   * https://github.com/open-telemetry/semantic-conventions-genai/pull/363
   */
  private completeFinishReasons(failed: boolean): void {
    let reasons = this.response.finishReasons;
    if (reasons === undefined) {
      if (!failed || this.firstChunkTime < 0 || !this.hasFinishReasons) return;
      reasons = this.response.finishReasons = [];
    }
    const length = failed ? Math.max(this.choiceCount, reasons.length) : reasons.length;
    for (let i = 0; i < length; i++) if (reasons[i] === undefined) reasons[i] = 'error';
  }
}

/**
 * `error.type`: the error's class name (the SDKs' classes are low-cardinality: RateLimitError,
 * APIConnectionError, ...), else a string `code`, else the conventions' `_OTHER`. A DOMException
 * (what fetch rejects with) is named by its `name` (AbortError, TimeoutError): its class says nothing.
 */
export function errorTypeOf(error: unknown, fallback: string): string {
  if (error && typeof error === 'object') {
    const name = (error as { constructor?: { name?: unknown } }).constructor?.name;
    if (name === 'DOMException') {
      const domName = (error as { name?: unknown }).name;
      if (typeof domName === 'string' && domName !== '') return domName;
    }
    if (typeof name === 'string' && name !== '' && name !== 'Object') return name;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
  }
  return fallback;
}

function errorMessage(error: unknown, errorType: string, secrets: RegExp | undefined): string {
  try {
    const message = error instanceof Error ? error.message : undefined;
    return redactCredentials(message || errorType, secrets);
  } catch (e) {
    instrumentationDiag.debug('tokenpath: could not read the error message', e);
    return errorType;
  }
}
