/**
 * Who and what a call is for: `withAttribution({ 'tenant.id': 'acme' }, fn)` puts attributes in
 * the OpenTelemetry context for everything `fn` does (awaits included, through the context
 * manager the SDK registers), and an allowlist of W3C baggage keys brings in what upstream
 * services propagated. Every call's span carries its attribution; its metric points carry only
 * the keys allowlisted for metrics, each within a budget of distinct values (attribution-budget.ts).
 */
import { type Attributes, type Context, createContextKey, propagation } from '@opentelemetry/api';
import { activeContext, withContext } from './context';
import { ValueBudget } from './attribution-budget';
import { instrumentationDiag } from './safe';

/** Attribution in scope: key → value, as given (never folded). */
export type AttributionValues = Readonly<Record<string, string>>;

const ATTRIBUTION_KEY = createContextKey('@tokenpath/instrumentation-llm attribution');

/**
 * What withAttribution puts in the context: its values, and how the policy that last read them
 * attributes them. One scope usually covers many calls of one policy, so that reading is kept with
 * the scope (a WeakMap keyed by scope cost an ephemeron entry and its GC per scope, i.e. per call
 * for an app that attributes each request).
 *
 * A class, as `ScopedCall` below, not an object literal: V8 tracks each literal's allocation site
 * and, when all of a site's objects survived a young-generation GC (the API's contexts keep them
 * from dead old closures early in a process), allocates that site's objects in the old generation
 * for good; every later call's scope and what it points to were then promoted (~130 KB per scavenge
 * on openai 7, `--trace-pretenuring-statistics`). Objects made by `new` have no allocation site.
 */
class AttributionScope {
  policy: Attribution | undefined = undefined;
  call: CallAttribution | undefined = undefined;
  constructor(readonly values: AttributionValues) {}
}

/**
 * Runs `fn` with `attributes` attributed to every LLM call it makes, awaited or not. Nested calls
 * merge: inner values win over outer ones. Values are strings (numbers and booleans are written as
 * strings); other values are left out. Returns what `fn` returns; never throws anything but what
 * `fn` throws.
 *
 * ```ts
 * await withAttribution({ 'tenant.id': tenant, 'app.feature': 'search' }, () => answer(question));
 * ```
 */
export function withAttribution<T>(attributes: Readonly<Record<string, string | number | boolean>>, fn: () => T): T {
  let scoped: Context;
  try {
    const active = activeContext();
    const outer = (active.getValue(ATTRIBUTION_KEY) as AttributionScope | undefined)?.values;
    const merged: Record<string, string> = outer === undefined ? {} : { ...outer };
    // for-in over own keys: no array per entry (this runs once per attributed request).
    for (const key in attributes) {
      if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
      const value = attributes[key];
      if (key !== '' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
        merged[key] = String(value);
      }
    }
    // Not frozen: nothing of tokenpath's writes to it, and spreading a frozen object costs more per call.
    const scope = new AttributionScope(merged);
    scoped = active.setValue(ATTRIBUTION_KEY, scope);
  } catch (error) {
    instrumentationDiag.error('tokenpath: withAttribution could not set the attribution; fn runs without it', error);
    return fn();
  }
  return withContext(scoped, fn);
}

export const ATTRIBUTION_BAGGAGE_KEYS_ENV = 'OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_BAGGAGE_KEYS';
export const ATTRIBUTION_METRIC_KEYS_ENV = 'OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_KEYS';
export const ATTRIBUTION_METRIC_VALUE_LIMIT_ENV = 'OTEL_INSTRUMENTATION_GENAI_ATTRIBUTION_METRIC_VALUE_LIMIT';
export const DEFAULT_ATTRIBUTION_METRIC_VALUE_LIMIT = 100;

export interface AttributionOptions {
  baggageKeys?: readonly string[];
  metricKeys?: readonly string[];
  metricValueLimit?: number;
}

/** What one call is attributed to: all of it for the span, the allowlisted and budgeted part for metrics. */
export interface CallAttribution {
  readonly values: AttributionValues;
  /** Undefined when no allowlisted key is in `values`. */
  readonly metricAttributes: Attributes | undefined;
}

/** The attribution policy of one instrumentation; it keeps the budgets, so it lives as long as its config. */
export class Attribution {
  private readonly baggageKeys: readonly string[];
  private readonly metricKeys: readonly string[];
  private readonly budget: ValueBudget;

  constructor(options: AttributionOptions) {
    this.baggageKeys = options.baggageKeys ?? [];
    this.metricKeys = options.metricKeys ?? [];
    this.budget = new ValueBudget(options.metricValueLimit ?? DEFAULT_ATTRIBUTION_METRIC_VALUE_LIMIT);
  }

  /** The attribution of a call started in `parent`: withAttribution's values over allowlisted baggage; undefined when none. */
  of(parent: Context): CallAttribution | undefined {
    const scope = parent.getValue(ATTRIBUTION_KEY) as AttributionScope | undefined;
    const scoped = scope?.values;
    let values = scoped;
    if (this.baggageKeys.length > 0) {
      const baggage = propagation.getBaggage(parent);
      if (baggage !== undefined) {
        for (const key of this.baggageKeys) {
          const entry = baggage.getEntry(key);
          if (entry === undefined || scoped?.[key] !== undefined) continue;
          if (values === scoped) values = { ...scoped };
          (values as Record<string, string>)[key] = entry.value;
        }
      }
    }
    if (values === undefined) return undefined;
    if (values !== scoped) return this.attribute(values);
    // The scope's metric attributes are worked out once per policy (scope is set when values are).
    if (scope!.policy === this) return scope!.call;
    const call = this.attribute(values);
    scope!.policy = this;
    scope!.call = call;
    return call;
  }

  private attribute(values: AttributionValues): CallAttribution {
    let metricAttributes: Attributes | undefined;
    for (const key of this.metricKeys) {
      const value = values[key];
      if (value === undefined) continue;
      metricAttributes ??= {};
      metricAttributes[key] = this.budget.admit(key, value);
    }
    return new ScopedCall(values, metricAttributes);
  }
}

/** A call's attribution; a class for the reason `AttributionScope` is one. */
class ScopedCall implements CallAttribution {
  constructor(
    readonly values: AttributionValues,
    readonly metricAttributes: Attributes | undefined,
  ) {}
}

/**
 * The policy from the options, else the environment. A malformed limit gets one message naming
 * the variable and what is allowed, and the default applies.
 */
export function attributionFrom(
  options: AttributionOptions,
  env: NodeJS.ProcessEnv,
  report: (message: string) => void,
): Attribution {
  const baggageKeys = options.baggageKeys ?? keyList(env[ATTRIBUTION_BAGGAGE_KEYS_ENV]);
  const metricKeys = options.metricKeys ?? keyList(env[ATTRIBUTION_METRIC_KEYS_ENV]);
  let limit = options.metricValueLimit;
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 1)) {
    report(`the attributionMetricValueLimit option is ${limit}; allowed: an integer >= 1. Using ${DEFAULT_ATTRIBUTION_METRIC_VALUE_LIMIT}.`);
    limit = undefined;
  }
  const raw = env[ATTRIBUTION_METRIC_VALUE_LIMIT_ENV]?.trim();
  if (limit === undefined && options.metricValueLimit === undefined && raw) {
    if (/^\d+$/.test(raw) && Number(raw) >= 1) limit = Number(raw);
    else {
      report(
        `${ATTRIBUTION_METRIC_VALUE_LIMIT_ENV} has the invalid value "${raw}"; allowed: an integer >= 1. ` +
          `Using ${DEFAULT_ATTRIBUTION_METRIC_VALUE_LIMIT}.`,
      );
    }
  }
  return new Attribution({ baggageKeys, metricKeys, metricValueLimit: limit });
}

function keyList(raw: string | undefined): string[] {
  return raw === undefined ? [] : raw.split(',').map((k) => k.trim()).filter((k) => k !== '');
}
