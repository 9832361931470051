/**
 * What the wire-corpus replay tests share: the case schema (`../shared/wire-corpus/README.md`), where the corpus
 * is, loading the cases of some folders, per-folder pass counts, running one case's SDK call, the attributes a case
 * states on the wire, and the checks every replay makes: exactly one span, with those attributes and the outcome,
 * and a token-usage metric that states exactly the span's usage.
 */
import { afterAll, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as tick } from 'node:timers/promises';
import { SpanStatusCode, type AttributeValue, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { Harness, HistogramPoint } from '../../packages/instrumentation-llm/test/support/harness';
import type { StandIn } from '../../packages/instrumentation-llm/test/support/stand-in';
import { onlySpan } from '../../packages/instrumentation-llm/test/support/helpers';

export interface WireCase {
  id: string;
  provider: string;
  api: string;
  streaming: boolean;
  request: { path?: string; body: Record<string, any> | null };
  response: { status?: number; stream_format?: string; sse_events?: unknown[]; sse_event_types?: string[] };
  expected: {
    response_model: string | null;
    response_id: string | null;
    finish_reasons: (string | number)[] | null;
    input_tokens: number | null;
    output_tokens: number | null;
    cache_read_input_tokens: number | null;
    cache_creation_input_tokens: number | null;
    reasoning_tokens: number | null;
    total_tokens?: number;
    extra?: Record<string, unknown>;
    error?: { http_status: number | null; type: string | null; code: unknown; message: string | null };
  };
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const corpusDir = path.resolve(repoRoot, '..', 'shared', 'wire-corpus');
export const corpusPresent = existsSync(corpusDir);

/**
 * The cases of `folders` that `keep` selects, in folder and file order; none when the corpus is absent (and then
 * a warning names the replay of `sdk` as skipped).
 */
export function loadCases(sdk: string, folders: readonly string[], keep: (c: WireCase) => boolean = () => true): WireCase[] {
  const out: WireCase[] = [];
  if (!corpusPresent) {
    console.warn(`wire-corpus ${sdk} replay skipped: no wire corpus at ${corpusDir} (expected ../shared/wire-corpus next to the repo)`);
    return out;
  }
  for (const folder of folders) {
    const dir = path.join(corpusDir, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as WireCase;
      if (keep(c)) out.push(c);
    }
  }
  return out;
}

/** Passed and total cases per corpus folder. */
export class ReplayTally {
  readonly perFolder = new Map<string, { passed: number; total: number }>();
  passed = 0;

  constructor(readonly cases: readonly WireCase[]) {
    for (const c of cases) {
      const entry = this.perFolder.get(folderOf(c)) ?? { passed: 0, total: 0 };
      entry.total++;
      this.perFolder.set(folderOf(c), entry);
    }
  }

  pass(c: WireCase): void {
    this.passed++;
    this.perFolder.get(folderOf(c))!.passed++;
  }

  /** The pass counts, per folder and in total. */
  report(sdk: string): string[] {
    return [
      ...[...this.perFolder].map(([folder, n]) => `wire-corpus ${sdk} replay: ${n.passed} passed of ${n.total} (${folder})`),
      `wire-corpus ${sdk} replay: ${this.passed} passed of ${this.cases.length} cases`,
    ];
  }

  /** Every folder asked for holds cases. */
  expectEveryFolder(folders: readonly string[]): void {
    expect(this.cases.length).toBeGreaterThan(0);
    for (const folder of folders) expect(this.perFolder.get(folder)?.total ?? 0, folder).toBeGreaterThan(0);
  }
}

export const folderOf = (c: WireCase): string => c.id.split('/')[0];

/** Every folder has cases, and the cases are streamed and not. */
export function expectStreamedAndNot(tally: ReplayTally, folders: readonly string[], cases: readonly WireCase[]): void {
  tally.expectEveryFolder(folders);
  expect(new Set(cases.map((c) => c.streaming))).toEqual(new Set([true, false]));
}

/** A tally of `cases` for the enclosing suite, printed once the suite is done. */
export function useReplayTally(sdk: string, cases: readonly WireCase[]): ReplayTally {
  const tally = new ReplayTally(cases);
  afterAll(() => {
    for (const line of tally.report(sdk)) console.log(line);
  });
  return tally;
}

/**
 * The token-usage metric states exactly the span's usage: one point per token type the span counts (with the
 * span's response model and error type), none for a type it does not.
 */
export function expectTokenPointsOfSpan(points: HistogramPoint[], attrs: Attributes): void {
  const ofType = (type: string): HistogramPoint[] => points.filter((p) => p.attributes['gen_ai.token.type'] === type);
  for (const [type, key] of [
    ['input', 'gen_ai.usage.input_tokens'],
    ['output', 'gen_ai.usage.output_tokens'],
  ] as const) {
    const spanValue = attrs[key];
    const typed = ofType(type);
    if (spanValue === undefined) {
      expect(typed, `${type} token points`).toEqual([]);
    } else {
      expect(typed.map((p) => [p.count, p.sum]), `${type} token points`).toEqual([[1, spanValue]]);
      expect(typed[0].attributes['gen_ai.response.model']).toBe(attrs['gen_ai.response.model']);
      expect(typed[0].attributes['error.type']).toBe(attrs['error.type']);
    }
  }
  expect(points.length).toBe(ofType('input').length + ofType('output').length);
}

// ---- one case ----------------------------------------------------------------------------------------------------

/** `it`, or `it.fails` for a case listed as a known adapter bug (reported, and a failure once the bug is fixed). */
export function caseTest(knownBugs: Record<string, string>, c: WireCase): (name: string, fn: () => Promise<void>) => void {
  return knownBugs[c.id] ? it.fails : it;
}

/**
 * Makes the SDK call of a case; returns what it threw (expected for error cases and failing streams), once the
 * instrumentation's own promise handlers have run.
 */
export async function settle(call: () => Promise<unknown>): Promise<any> {
  let thrown: unknown;
  try {
    await call();
  } catch (error) {
    thrown = error;
  }
  await tick();
  return thrown;
}

/**
 * Enqueues a chat case on the stand-in and makes its call as an app does: `sdk.complete()` for a plain case, `sdk.stream()`
 * read to its end for a streamed one, which must yield at least one item. Returns what the call threw (`settle`).
 */
export async function replayChatCase(
  standIn: StandIn,
  c: WireCase,
  sdk: { complete(): Promise<unknown>; stream(): Promise<AsyncIterable<unknown>> },
): Promise<any> {
  standIn.enqueue(c);
  let items = 0;
  const thrown = await settle(async () => {
    if (!c.streaming) return void (await sdk.complete());
    for await (const _ of await sdk.stream()) items++;
  });
  if (c.streaming) expect(items).toBeGreaterThan(0);
  return thrown;
}

export type Expected = Record<string, AttributeValue | undefined>;

/**
 * The attributes a case states on the wire, as recorded (null: absent); each replay applies its SDK's documented
 * mappings on top.
 */
export function wireAttributes(c: WireCase): Expected {
  const e = c.expected;
  return {
    'gen_ai.response.model': e.response_model ?? undefined,
    'gen_ai.response.id': e.response_id ?? undefined,
    'gen_ai.response.finish_reasons': (e.finish_reasons ?? undefined) as AttributeValue | undefined,
    'gen_ai.usage.input_tokens': present(e.input_tokens),
    'gen_ai.usage.output_tokens': present(e.output_tokens),
    'gen_ai.usage.cache_read.input_tokens': present(e.cache_read_input_tokens),
    'gen_ai.usage.cache_creation.input_tokens': present(e.cache_creation_input_tokens),
    'gen_ai.usage.reasoning.output_tokens': present(e.reasoning_tokens),
  };
}

/** A recorded count, or undefined where the wire had none. */
export const present = (v: number | null): number | undefined => (v === null ? undefined : v);

/** Input tokens as the conventions count them where the wire states them without cache reads and writes. */
export function inputWithCache(c: WireCase): number | undefined {
  const e = c.expected;
  return e.input_tokens === null ? undefined : e.input_tokens + (e.cache_read_input_tokens ?? 0) + (e.cache_creation_input_tokens ?? 0);
}

/**
 * The checks every replayed case makes once its call has settled: the call threw only if the case fails on the
 * wire; there is exactly one span; the attributes `expected` names are exactly `expected` (undefined: absent); the
 * span status is ERROR for a failed case (the error type is the replay's to check), otherwise UNSET without
 * error.type; and the token-usage metric states exactly the span's usage. Returns the span.
 */
export async function expectReplayed(h: Harness, c: WireCase, outcome: { thrown: unknown; failed: boolean; expected: Expected }): Promise<ReadableSpan> {
  const { thrown, failed, expected } = outcome;
  if (!failed) expect(thrown, `${c.id} must not throw`).toBeUndefined();
  const span = await onlySpan(h);
  const actual: Expected = {};
  for (const key of Object.keys(expected)) actual[key] = span.attributes[key];
  expect(actual).toEqual(expected);
  if (failed) {
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  } else {
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['error.type']).toBeUndefined();
  }
  expectTokenPointsOfSpan(await h.points('gen_ai.client.token.usage'), span.attributes);
  return span;
}

// ---- OpenAI chat-format mappings (every SDK of the format) -----------------------------------------------------

/**
 * The rule of `GenAiOperation.completeFinishReasons` (src/core/operation.ts): when no reasons were seen, a failed
 * operation that had received a first stream chunk gets an empty list; then every missing position is `error`, up
 * to max(choice count, reasons seen) for a failed operation, up to the reasons seen otherwise.
 */
export function completeFinishReasons(
  reasons: (string | number)[] | undefined,
  failed: boolean,
  sawFirstChunk: boolean,
  choices: number,
): (string | number)[] | undefined {
  if (reasons === undefined) {
    if (!failed || !sawFirstChunk) return undefined;
    reasons = [];
  }
  const out = [...reasons];
  const length = failed ? Math.max(choices, out.length) : out.length;
  for (let i = 0; i < length; i++) if (out[i] === undefined || out[i] === null) out[i] = 'error';
  return out;
}

/** Output tokens per the conventions: xAI leaves reasoning out of completion_tokens; its total says so. */
export function chatOutputTokens(c: WireCase): number | null {
  const e = c.expected;
  if (c.api === 'responses' || c.api === 'embeddings') return e.output_tokens;
  if (
    e.output_tokens !== null &&
    e.input_tokens !== null &&
    e.reasoning_tokens &&
    e.total_tokens === e.input_tokens + e.output_tokens + e.reasoning_tokens
  ) {
    return e.output_tokens + e.reasoning_tokens;
  }
  return e.output_tokens;
}

/**
 * HTTP status → the error class the Stainless SDKs (openai, @anthropic-ai/sdk) throw, and so the
 * adapter's `error.type`; each SDK adds its own statuses. Any other status is their plain `APIError`.
 */
export const STAINLESS_ERROR_CLASS: Readonly<Record<number, string>> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  429: 'RateLimitError',
};
