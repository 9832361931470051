import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { InstrumentationBase, type InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import type { SemconvSelection } from '@tokenpath/semconv';
import type { LlmInstrumentationConfig } from './types';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version';
import { createInstruments, type GenAiInstruments } from './core/metrics';
import type { OperationSettings } from './core/operation';
import { parseCaptureContentEnv } from './core/content';
import { costModelFrom, type CostModel } from './core/cost';
import { attributionFrom, type Attribution } from './core/attribution';
import { semconvFromEnv } from './core/semconv-opt-in';
import { streamUsagePolicyFrom, type StreamUsagePolicy } from './core/stream-usage-policy';
import { tracedCall, type CallAdapter, type SettingsSource } from './core/traced-call';
import { unwatchAsResponse } from './core/api-promise';
import { unwrapIfOutermost, wrapOnTop } from './core/method-wrap';
import { afterWrap } from './startup/peers';
import type { ProviderPatcher } from './providers/provider';
import { openaiModule } from './providers/openai';
import { anthropicModules } from './providers/anthropic-ai-sdk';
import { googleGenAiModules } from './providers/google-genai';
import { bedrockRuntimeModules } from './providers/aws-sdk-client-bedrock-runtime';
import { groqModule } from './providers/groq-sdk';
import { togetherModule } from './providers/together-ai';
import { ollamaModule } from './providers/ollama';
import { cohereModule } from './providers/cohere-ai';
import { mistralModule } from './providers/mistralai-mistralai';
import { diagnoseHost } from './startup/diagnose';
import { subscribeAiSdk, type AiSdkSubscription } from './frameworks/ai-sdk';
import { readableProvider } from './startup/api-copies';
import { useRegistryContext } from './core/context';

const DEFAULT_MAX_CONTENT_LENGTH = 16384;

const frameworkSubscriptions = new WeakMap<LlmInstrumentation, AiSdkSubscription>();

/**
 * OpenTelemetry instrumentation for LLM SDKs: GenAI spans and exact token metrics for every call.
 *
 * ```ts
 * new NodeSDK({ instrumentations: [new LlmInstrumentation()] }).start();
 * ```
 */
export class LlmInstrumentation extends InstrumentationBase<LlmInstrumentationConfig> implements SettingsSource {
  private _instruments: GenAiInstruments | undefined;
  private _settings: OperationSettings | undefined;
  /** Kept while the config stays: they hold price caches and attribution budgets, which a new provider must not reset. */
  private _cost: CostModel | undefined;
  private _attribution: Attribution | undefined;
  private _semconv: SemconvSelection | undefined;
  /** Kept while the config stays: it remembers the hosts that rejected `stream_options`. */
  private _streamUsage: StreamUsagePolicy | undefined;

  constructor(config: LlmInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    // A programmatic setup next to dd-trace or another API copy: say once what would fail silently,
    // and report to the app's providers, and run in its context, even when they sit where our API copy
    // cannot read them. (The register entry and a worker's start construct this too.)
    const problem = diagnoseHost('programmatic');
    if (problem?.kind === 'registry-unreadable') {
      useRegistryContext(problem.registry);
      this.setTracerProvider(trace.getTracerProvider());
      this.setMeterProvider(metrics.getMeterProvider());
    }
  }

  protected override init(): InstrumentationModuleDefinition[] {
    const patcher: ProviderPatcher = {
      wrap: (target, method, adapter) => this.wrapMethod(target, method, adapter),
      unwrap: (target, method) => unwrapIfOutermost(target, method),
    };
    return [
      openaiModule(patcher),
      ...anthropicModules(patcher),
      ...googleGenAiModules(patcher),
      ...bedrockRuntimeModules(patcher),
      groqModule(patcher),
      togetherModule(patcher),
      ollamaModule(patcher),
      cohereModule(patcher),
      mistralModule(patcher),
    ];
  }

  /**
   * Frameworks metered through their diagnostics channels (the AI SDK) are subscribed while enabled;
   * without a subscriber they publish nothing. (Kept outside the instance: the base constructor
   * enables before this class's fields exist.)
   */
  override enable(): void {
    super.enable();
    if (!frameworkSubscriptions.has(this)) frameworkSubscriptions.set(this, subscribeAiSdk(this));
  }

  override disable(): void {
    super.disable();
    unwatchAsResponse();
    frameworkSubscriptions.get(this)?.unsubscribe();
    frameworkSubscriptions.delete(this);
  }

  /** True while enabled; disabled means every patched method calls straight through. */
  get enabled(): boolean {
    return this._enabled;
  }

  /** Settings are built once and rebuilt only when a provider or the config changes. */
  settings(): OperationSettings {
    if (this._settings === undefined) {
      const config = this.getConfig();
      this._settings = {
        profile: this.semconv().span,
        tracer: this.tracer,
        instruments: this._instruments ?? this.buildInstruments(),
        captureContent:
          config.captureMessageContent ??
          parseCaptureContentEnv(process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT, (m) =>
            this._diag.warn(m),
          ),
        maxContentLength: config.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH,
        onUsage: config.onUsage,
        cost: (this._cost ??= costModelFrom(config.modelPrices, process.env, (m) => this._diag.error(`tokenpath: ${m}`))),
        attribution: (this._attribution ??= attributionFrom(
          {
            baggageKeys: config.attributionBaggageKeys,
            metricKeys: config.attributionMetricKeys,
            metricValueLimit: config.attributionMetricValueLimit,
          },
          process.env,
          (m) => this._diag.error(`tokenpath: ${m}`),
        )),
        streamUsage: (this._streamUsage ??= streamUsagePolicyFrom(
          { enabled: config.streamUsage, hosts: config.streamUsageHosts },
          process.env,
          (m) => this._diag.warn(`tokenpath: ${m}`),
        )),
      };
    }
    return this._settings;
  }

  protected override _updateMetricInstruments(): void {
    // Called by the base constructor before our fields exist, and on every setMeterProvider().
    this._instruments = this.buildInstruments();
    this._settings = undefined;
  }

  override setTracerProvider(tracerProvider: TracerProvider): void {
    super.setTracerProvider(readableProvider('trace', tracerProvider, trace.getTracerProvider()));
    this._settings = undefined;
  }

  override setMeterProvider(meterProvider: MeterProvider): void {
    super.setMeterProvider(readableProvider('metrics', meterProvider, metrics.getMeterProvider()));
  }

  override setConfig(config: LlmInstrumentationConfig = {}): void {
    super.setConfig(config);
    this._settings = undefined;
    this._cost = undefined;
    this._attribution = undefined;
    this._streamUsage = undefined;
  }

  private buildInstruments(): GenAiInstruments {
    return createInstruments(this.meter, this.semconv().metrics);
  }

  /**
   * The names to emit, from `OTEL_SEMCONV_STABILITY_OPT_IN`, read once (on first use: the base
   * constructor builds instruments before this class's fields are initialised).
   */
  private semconv(): SemconvSelection {
    return (this._semconv ??= semconvFromEnv(process.env.OTEL_SEMCONV_STABILITY_OPT_IN));
  }

  /** On top of any other instrumentation's wrapper, never unwrapping it (core/method-wrap.ts). */
  private wrapMethod(target: object, method: string, adapter: CallAdapter): void {
    const source: SettingsSource = this;
    const overShimmerWrapper = wrapOnTop(target, method, (original) =>
      function patched(this: unknown, ...args: unknown[]) {
        return tracedCall(source, adapter, original, this, args);
      },
    );
    afterWrap(target, method, overShimmerWrapper);
  }
}
