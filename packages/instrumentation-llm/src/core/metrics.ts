/**
 * The metric instruments of the active semconv profiles, built once per meter, and the one place a
 * finished call's duration and token counts are recorded. Which instruments exist (histograms keyed
 * by token type, or monotonic counters keyed by modality) is the profile's data; recording only
 * walks what was built, so a call pays for nothing its profile does not ask for.
 */
import type { Attributes, Counter, Histogram, Meter } from '@opentelemetry/api';
import { METRIC_TOKENPATH_CLIENT_COST, UNIT_COST } from '@tokenpath/semconv';
import { MetricAttributeSet } from './metric-attributes';
import type {
  CounterDescriptor,
  GenAiSemconvProfile,
  HistogramDescriptor,
  OperationFamilyMetrics,
  UsageFacts,
} from '@tokenpath/semconv';

type UsageFact = keyof UsageFacts;

/** The instruments of one family of operations under one profile. */
interface FamilyInstruments {
  /** Absent when another profile of the same call already records a metric of that name. */
  readonly duration: Histogram | undefined;
  readonly timeToFirstChunk: Histogram | undefined;
  /** `gen_ai.client.token.usage`: one histogram, a point per token type. */
  readonly tokenUsage:
    | { readonly histogram: Histogram; readonly typeKey: string; readonly input: string; readonly output: string }
    | undefined;
  /** Monotonic counters by usage fact, every point with one modality. */
  readonly counters:
    | { readonly entries: readonly (readonly [UsageFact, Counter])[]; readonly modalityKey: string; readonly modalityUnknown: string }
    | undefined;
  /** Per-call histograms by usage fact. */
  readonly tokenHistograms: readonly (readonly [UsageFact, Histogram])[];
}

/** One profile's instruments: those of each operation family, and the default for other operations. */
interface ProfileInstruments {
  readonly byOperation: ReadonlyMap<string, FamilyInstruments>;
  readonly other: FamilyInstruments;
}

/**
 * Where one call is recorded: a family per active profile (two when both the default and the
 * newest names are emitted), each metric name once.
 */
type Route = readonly FamilyInstruments[];

/** The instruments every operation records into; created once per meter, never per call. */
export interface GenAiInstruments {
  /** The route of each operation that has metrics of its own under some profile. */
  readonly byOperation: ReadonlyMap<string, Route>;
  /** The route of any other operation. */
  readonly other: Route;
  /** The money calls cost (core/cost.ts): one counter whatever the profiles, as no convention names it yet. */
  readonly cost: Counter;
  /** The metric attribute sets recorded into these instruments, interned (core/metric-attributes.ts). */
  readonly attributeSets: MetricAttributeSet;
}

// Instruments are created with the conventions' bucket advice:
// https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-metrics.md
function histogram(meter: Meter, d: HistogramDescriptor): Histogram {
  return named(
    meter.createHistogram(d.name, {
      unit: d.unit,
      description: d.description,
      advice: { explicitBucketBoundaries: [...d.buckets] },
    }),
    d.name,
  );
}

function counter(meter: Meter, d: CounterDescriptor): Counter {
  return named(meter.createCounter(d.name, { unit: d.unit, description: d.description }), d.name);
}

/** The metric name of each instrument built here (instruments do not expose it). */
const instrumentNames = new WeakMap<object, string>();
function named<T extends object>(instrument: T, name: string): T {
  instrumentNames.set(instrument, name);
  return instrument;
}

function entries<D, I>(
  meter: Meter,
  byFact: { readonly [K in UsageFact]?: D } | undefined,
  create: (meter: Meter, d: D) => I,
): (readonly [UsageFact, I])[] {
  if (byFact === undefined) return [];
  return (Object.keys(byFact) as UsageFact[]).map((fact) => [fact, create(meter, byFact[fact] as D)] as const);
}

function familyInstruments(meter: Meter, f: OperationFamilyMetrics): FamilyInstruments {
  const c = f.usageCounters;
  return {
    duration: histogram(meter, f.duration),
    timeToFirstChunk: f.timeToFirstChunk && histogram(meter, f.timeToFirstChunk),
    tokenUsage: undefined,
    counters: c && {
      entries: entries(meter, c.counters, counter),
      modalityKey: c.modality,
      modalityUnknown: c.modalityUnknown,
    },
    tokenHistograms: entries(meter, f.tokenHistograms, histogram),
  };
}

function profileInstruments(meter: Meter, profile: GenAiSemconvProfile): ProfileInstruments {
  const m = profile.metrics;
  const byOperation = new Map<string, FamilyInstruments>();
  for (const family of m.families ?? []) {
    const instruments = familyInstruments(meter, family);
    for (const operation of family.operations) byOperation.set(operation, instruments);
  }
  const tokenUsage =
    m.tokenUsage && m.tokenType && m.tokenTypeInput && m.tokenTypeOutput
      ? { histogram: histogram(meter, m.tokenUsage), typeKey: m.tokenType, input: m.tokenTypeInput, output: m.tokenTypeOutput }
      : undefined;
  return {
    byOperation,
    other: {
      duration: histogram(meter, m.operationDuration),
      timeToFirstChunk: histogram(meter, m.timeToFirstChunk),
      tokenUsage,
      counters: undefined,
      tokenHistograms: [],
    },
  };
}

/**
 * Builds the instruments of each profile, once per meter, and each operation's route through them.
 * A name two profiles share (`gen_ai.client.operation.duration`) is one instrument on the meter and
 * is recorded once per call.
 */
export function createInstruments(
  meter: Meter,
  profiles: GenAiSemconvProfile | readonly GenAiSemconvProfile[],
): GenAiInstruments {
  const list: readonly GenAiSemconvProfile[] = Array.isArray(profiles) ? profiles : [profiles as GenAiSemconvProfile];
  const built = list.map((p) => profileInstruments(meter, p));
  const operations = new Set(built.flatMap((b) => [...b.byOperation.keys()]));
  return {
    byOperation: new Map(
      [...operations].map((operation) => [operation, route(built.map((b) => b.byOperation.get(operation) ?? b.other))]),
    ),
    other: route(built.map((b) => b.other)),
    cost: meter.createCounter(METRIC_TOKENPATH_CLIENT_COST, {
      unit: UNIT_COST,
      description: 'Cost of GenAI calls in gen_ai.usage.cost.currency, computed in-process from token usage and a price table.',
    }),
    attributeSets: MetricAttributeSet.root(),
  };
}

/**
 * A call's families with every metric name kept once: under both profiles, an operation neither
 * gives metrics of its own would otherwise add its duration to `gen_ai.client.operation.duration` twice.
 */
function route(families: readonly FamilyInstruments[]): Route {
  const seen = new Set<string>();
  const once = <T extends object>(instrument: T | undefined): T | undefined => {
    if (instrument === undefined) return undefined;
    const name = instrumentNames.get(instrument) as string;
    if (seen.has(name)) return undefined;
    seen.add(name);
    return instrument;
  };
  return families.map((f) => {
    const entries = f.counters?.entries.filter(([, instrument]) => once(instrument) !== undefined) ?? [];
    return {
      duration: once(f.duration),
      timeToFirstChunk: once(f.timeToFirstChunk),
      tokenUsage: f.tokenUsage !== undefined && once(f.tokenUsage.histogram) !== undefined ? f.tokenUsage : undefined,
      counters: f.counters !== undefined && entries.length > 0 ? { ...f.counters, entries } : undefined,
      tokenHistograms: f.tokenHistograms.filter(([, instrument]) => once(instrument) !== undefined),
    };
  });
}

/**
 * Records one finished call under every active profile. `set` holds the call's low-cardinality
 * attributes (`gen_ai.response.model` included, `error.type` not); `withError` is set plus
 * `error.type` on a failure, undefined on success (the usual case, recorded with interned sets only).
 */
export function recordCall(
  instruments: GenAiInstruments,
  operation: string,
  set: MetricAttributeSet,
  withError: Attributes | undefined,
  usage: UsageFacts,
  durationSeconds: number,
  timeToFirstChunkSeconds: number | undefined,
): void {
  const pointAttributes = withError ?? set.attributes;
  for (const f of instruments.byOperation.get(operation) ?? instruments.other) {
    f.duration?.record(durationSeconds, pointAttributes);
    if (f.timeToFirstChunk !== undefined && timeToFirstChunkSeconds !== undefined) {
      f.timeToFirstChunk.record(timeToFirstChunkSeconds, pointAttributes);
    }
    const t = f.tokenUsage;
    if (t !== undefined) {
      if (usage.inputTokens !== undefined) t.histogram.record(usage.inputTokens, typed(set, withError, t.typeKey, t.input));
      if (usage.outputTokens !== undefined) t.histogram.record(usage.outputTokens, typed(set, withError, t.typeKey, t.output));
    }
    const c = f.counters;
    if (c !== undefined) {
      // Every call adds to every counter, failures included: a count the call did not state adds
      // 0, which changes no total (never an estimate), as the conventions ask.
      // https://github.com/open-telemetry/semantic-conventions-genai/blob/main/model/gen-ai/token-metrics.yaml
      const counted = set.with(c.modalityKey, c.modalityUnknown).attributes;
      for (const [fact, instrument] of c.entries) instrument.add(usage[fact] ?? 0, counted);
    }
    for (const [fact, instrument] of f.tokenHistograms) {
      const value = usage[fact];
      if (value !== undefined) instrument.record(value, pointAttributes);
    }
  }
}

/** A token-type point's attributes: interned on success, a copy with `error.type` on a failure. */
function typed(set: MetricAttributeSet, withError: Attributes | undefined, key: string, value: string): Attributes {
  return withError === undefined ? set.with(key, value).attributes : { ...withError, [key]: value };
}
