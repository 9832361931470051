/**
 * A call's request, response and usage facts written as span attributes under a profile's names.
 *
 * A profile lists its names as [fact, attribute] pairs. A loop over those pairs reads and writes
 * every fact through one load site and one store site, which then see every fact's name: they turn
 * megamorphic and go through V8's stub cache, which the process shares with the SDK's own generic
 * code. In the bench's CPU profiles those two loops were half of the operation's own time. Here each
 * fact has a read and a write of its own, so each site sees the one name of its fact (two when both
 * profiles are emitted); the names are looked up once per profile.
 */
import type { Attributes } from '@opentelemetry/api';
import type { GenAiSemconvProfile, RequestFacts, ResponseFacts, UsageFacts } from '@tokenpath/semconv';

/** Each fact's attribute names under one profile (none, one, or two under both profiles). */
type Names<F> = { readonly [K in keyof F]-?: readonly string[] };

export interface FactNames {
  readonly request: Names<RequestFacts>;
  readonly response: Names<ResponseFacts>;
  readonly usage: Names<UsageFacts>;
}

// Every fact, so that a fact added to the semconv types without a writer here fails to compile.
const REQUEST_FACTS = {
  model: 0, temperature: 0, topP: 0, topK: 0, maxTokens: 0, seed: 0, stopSequences: 0, frequencyPenalty: 0,
  presencePenalty: 0, choiceCount: 0, outputType: 0, encodingFormats: 0, stream: 0, conversationId: 0,
  serviceTier: 0, apiType: 0, guardrailId: 0,
} satisfies Record<keyof RequestFacts, 0>;
const RESPONSE_FACTS = {
  id: 0, model: 0, finishReasons: 0, serviceTier: 0, systemFingerprint: 0, embeddingDimensions: 0,
} satisfies Record<keyof ResponseFacts, 0>;
const USAGE_FACTS = {
  inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheCreationInputTokens: 0, reasoningOutputTokens: 0,
} satisfies Record<keyof UsageFacts, 0>;

function namesOf<F>(facts: Record<keyof F, 0>, pairs: readonly (readonly [keyof F, string])[]): Names<F> {
  const names = {} as { [K in keyof F]-?: string[] };
  for (const fact of Object.keys(facts) as (keyof F)[]) names[fact] = [];
  for (const [fact, key] of pairs) names[fact]?.push(key);
  return names;
}

const built = new WeakMap<GenAiSemconvProfile, FactNames>();
/** The profile asked for last: an instrumentation has one. */
let lastProfile: GenAiSemconvProfile | undefined;
let lastNames: FactNames | undefined;

/** The attribute names of each fact under `profile`, worked out once per profile. */
export function factNames(profile: GenAiSemconvProfile): FactNames {
  if (profile === lastProfile) return lastNames!;
  let names = built.get(profile);
  if (names === undefined) {
    names = {
      request: namesOf<RequestFacts>(REQUEST_FACTS, profile.request),
      response: namesOf<ResponseFacts>(RESPONSE_FACTS, profile.response),
      usage: namesOf<UsageFacts>(USAGE_FACTS, profile.usage),
    };
    built.set(profile, names);
  }
  lastProfile = profile;
  lastNames = names;
  return names;
}

// One line per fact, on purpose: each `for` has its own store site (see the top of this file).
export function writeRequestFacts(n: Names<RequestFacts>, r: RequestFacts, out: Attributes): void {
  if (r.model !== undefined) for (const k of n.model) out[k] = r.model;
  if (r.temperature !== undefined) for (const k of n.temperature) out[k] = r.temperature;
  if (r.topP !== undefined) for (const k of n.topP) out[k] = r.topP;
  if (r.topK !== undefined) for (const k of n.topK) out[k] = r.topK;
  if (r.maxTokens !== undefined) for (const k of n.maxTokens) out[k] = r.maxTokens;
  if (r.seed !== undefined) for (const k of n.seed) out[k] = r.seed;
  if (r.stopSequences !== undefined) for (const k of n.stopSequences) out[k] = r.stopSequences;
  if (r.frequencyPenalty !== undefined) for (const k of n.frequencyPenalty) out[k] = r.frequencyPenalty;
  if (r.presencePenalty !== undefined) for (const k of n.presencePenalty) out[k] = r.presencePenalty;
  if (r.choiceCount !== undefined) for (const k of n.choiceCount) out[k] = r.choiceCount;
  if (r.outputType !== undefined) for (const k of n.outputType) out[k] = r.outputType;
  if (r.encodingFormats !== undefined) for (const k of n.encodingFormats) out[k] = r.encodingFormats;
  if (r.stream !== undefined) for (const k of n.stream) out[k] = r.stream;
  if (r.conversationId !== undefined) for (const k of n.conversationId) out[k] = r.conversationId;
  if (r.serviceTier !== undefined) for (const k of n.serviceTier) out[k] = r.serviceTier;
  if (r.apiType !== undefined) for (const k of n.apiType) out[k] = r.apiType;
  if (r.guardrailId !== undefined) for (const k of n.guardrailId) out[k] = r.guardrailId;
}

export function writeResponseFacts(n: Names<ResponseFacts>, r: ResponseFacts, out: Attributes): void {
  if (r.id !== undefined) for (const k of n.id) out[k] = r.id;
  if (r.model !== undefined) for (const k of n.model) out[k] = r.model;
  if (r.finishReasons !== undefined) for (const k of n.finishReasons) out[k] = r.finishReasons;
  if (r.serviceTier !== undefined) for (const k of n.serviceTier) out[k] = r.serviceTier;
  if (r.systemFingerprint !== undefined) for (const k of n.systemFingerprint) out[k] = r.systemFingerprint;
  if (r.embeddingDimensions !== undefined) for (const k of n.embeddingDimensions) out[k] = r.embeddingDimensions;
}

/** Returns whether the usage states any count the profile names (the span then says the provider's usage is on it). */
export function writeUsageFacts(n: Names<UsageFacts>, u: UsageFacts, out: Attributes): boolean {
  let stated = false;
  if (u.inputTokens !== undefined && n.inputTokens.length > 0) {
    stated = true;
    for (const k of n.inputTokens) out[k] = u.inputTokens;
  }
  if (u.outputTokens !== undefined && n.outputTokens.length > 0) {
    stated = true;
    for (const k of n.outputTokens) out[k] = u.outputTokens;
  }
  if (u.cacheReadInputTokens !== undefined && n.cacheReadInputTokens.length > 0) {
    stated = true;
    for (const k of n.cacheReadInputTokens) out[k] = u.cacheReadInputTokens;
  }
  if (u.cacheCreationInputTokens !== undefined && n.cacheCreationInputTokens.length > 0) {
    stated = true;
    for (const k of n.cacheCreationInputTokens) out[k] = u.cacheCreationInputTokens;
  }
  if (u.reasoningOutputTokens !== undefined && n.reasoningOutputTokens.length > 0) {
    stated = true;
    for (const k of n.reasoningOutputTokens) out[k] = u.reasoningOutputTokens;
  }
  return stated;
}
