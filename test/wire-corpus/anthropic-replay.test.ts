/**
 * Replays the recorded Anthropic Messages responses of the shared wire corpus (`../shared/wire-corpus`, see its
 * README: folders `anthropic-messages`, `anthropic-messages-stream` and the Anthropic cases of `errors`) through the
 * REAL `@anthropic-ai/sdk`, patched by the real instrumentation, against the local stand-in server, and checks that
 * the ONE span (and the token-usage metric) states exactly what the corpus says is on the wire.
 *
 * The corpus states raw wire values; the instrumentation reports the GenAI semantic conventions. The differences
 * allowed are the documented mappings, each encoded once below:
 *   - `gen_ai.usage.input_tokens` = input_tokens + cache_read_input_tokens + cache_creation_input_tokens (Anthropic's
 *     input count leaves the cached tokens out; the conventions count them in). The two cache attributes are the
 *     wire's counts; an unstated cache count adds nothing.
 *   - `gen_ai.usage.reasoning.output_tokens` = `usage.output_tokens_details.thinking_tokens` where a payload has it.
 *   - Streams: message_start usage, then every count the final message_delta states replaces it (the corpus rule).
 *   - HTTP errors: no response facts and no usage; status ERROR; `error.type` = the SDK's error class.
 * Wire framing: vercel/ai's `sse-data-lines` fixtures did not record the `event:` lines, which the Anthropic SDK
 * dispatches on (it skips events without a name); on the real wire each event's name is its payload's `type`, so
 * the replay restores them from there (`withEventNames`).
 * Cases whose request the source did not record are sent as a minimal request for the recorded model; recorded
 * `?beta=true` requests go through `beta.messages.create`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as tick } from 'node:timers/promises';
import { SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { createHarness, type Harness, type HistogramPoint } from '../../packages/instrumentation-llm/test/support/harness';
import { startStandIn, type StandIn } from '../../packages/instrumentation-llm/test/support/stand-in';

interface WireCase {
  id: string;
  provider: string;
  api: string;
  streaming: boolean;
  request: { path: string; body: Record<string, any> | null };
  response: { status?: number; stream_format?: string; sse_events?: unknown[]; sse_event_types?: string[] };
  expected: {
    response_model: string | null;
    response_id: string | null;
    finish_reasons: string[] | null;
    input_tokens: number | null;
    output_tokens: number | null;
    cache_read_input_tokens: number | null;
    cache_creation_input_tokens: number | null;
    reasoning_tokens: number | null;
    error?: { http_status: number | null; type: string | null };
  };
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const corpusDir = path.resolve(repoRoot, '..', 'shared', 'wire-corpus');
const corpusPresent = existsSync(corpusDir);
const FOLDERS = ['anthropic-messages', 'anthropic-messages-stream', 'errors'];

function loadCases(): WireCase[] {
  const out: WireCase[] = [];
  for (const folder of FOLDERS) {
    const dir = path.join(corpusDir, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as WireCase;
      if (folder !== 'errors' || c.provider === 'anthropic') out.push(c);
    }
  }
  return out;
}

const cases = corpusPresent ? loadCases() : [];
if (!corpusPresent) {
  console.warn(`wire-corpus anthropic replay skipped: no wire corpus at ${corpusDir} (expected ../shared/wire-corpus next to the repo)`);
}

/** The recorded request body (stream set as recorded), or a minimal valid one for the recorded model. */
function requestBody(c: WireCase): Record<string, any> {
  const body = c.request.body
    ? structuredClone(c.request.body)
    : { model: c.expected.response_model ?? 'claude-sonnet-5-5', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] };
  // The SDK decides between a JSON body and an event stream from `stream`: it must match the recording.
  if (c.streaming) body.stream = true;
  else delete body.stream;
  return body;
}

/** SSE payloads recorded without their `event:` lines get them back: an Anthropic event is named by its `type`. */
function withEventNames(c: WireCase): WireCase {
  const r = c.response;
  if (!Array.isArray(r.sse_events) || r.sse_event_types) return c;
  const types = r.sse_events.map((e) => JSON.parse(typeof e === 'string' ? e : JSON.stringify(e)).type as string);
  return { ...c, response: { ...r, stream_format: 'sse', sse_event_types: types } };
}

type Expected = Record<string, AttributeValue | undefined>;

function expectedAttributes(c: WireCase): Expected {
  const e = c.expected;
  const u = (v: number | null): number | undefined => (v === null ? undefined : v);
  return {
    'gen_ai.response.model': e.response_model ?? undefined,
    'gen_ai.response.id': e.response_id ?? undefined,
    'gen_ai.response.finish_reasons': e.finish_reasons ?? undefined,
    'gen_ai.usage.input_tokens':
      e.input_tokens === null ? undefined : e.input_tokens + (e.cache_read_input_tokens ?? 0) + (e.cache_creation_input_tokens ?? 0),
    'gen_ai.usage.output_tokens': u(e.output_tokens),
    'gen_ai.usage.cache_read.input_tokens': u(e.cache_read_input_tokens),
    'gen_ai.usage.cache_creation.input_tokens': u(e.cache_creation_input_tokens),
    'gen_ai.usage.reasoning.output_tokens': u(e.reasoning_tokens),
  };
}

/** HTTP status → the class the Anthropic SDK throws (and the adapter reports as `error.type`). */
const SDK_ERROR_CLASS: Record<number, string> = {
  400: 'BadRequestError',
  401: 'AuthenticationError',
  403: 'PermissionDeniedError',
  404: 'NotFoundError',
  429: 'RateLimitError',
  529: 'OverloadedError',
};

describe.skipIf(!corpusPresent)('wire corpus replay through @anthropic-ai/sdk', () => {
  let h: Harness;
  let standIn: StandIn;
  let sdk: any;
  let client: any;
  let passed = 0;
  const perFolder = new Map<string, { passed: number; total: number }>();
  for (const c of cases) {
    const folder = c.id.split('/')[0];
    const entry = perFolder.get(folder) ?? { passed: 0, total: 0 };
    entry.total++;
    perFolder.set(folder, entry);
  }

  beforeAll(async () => {
    h = createHarness();
    standIn = await startStandIn();
    sdk = h.load('@anthropic-ai/sdk'); // after the harness: the require hook patches it
    client = new sdk.Anthropic({ apiKey: 'sk-ant-wire-corpus-replay', baseURL: standIn.url, maxRetries: 0 });
  });
  afterAll(async () => {
    await standIn?.close();
    await h?.shutdown();
    for (const [folder, n] of perFolder) console.log(`wire-corpus anthropic replay: ${n.passed} passed of ${n.total} (${folder})`);
    console.log(`wire-corpus anthropic replay: ${passed} passed of ${cases.length}`);
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('selects cases from every requested folder', () => {
    for (const folder of FOLDERS) expect(perFolder.get(folder)?.total ?? 0, folder).toBeGreaterThan(0);
  });

  for (const c of cases) {
    it(c.id, async () => {
      const body = requestBody(c);
      standIn.enqueue(withEventNames(c));
      const messages = c.request.path.includes('beta=true') ? client.beta.messages : client.messages;
      let thrown: unknown;
      let events = 0;
      try {
        const result = await messages.create(body);
        if (c.streaming) for await (const _event of result) events++;
      } catch (error) {
        thrown = error; // expected for the error cases; checked below
      }
      await tick(); // let the instrumentation's own promise handlers run

      const failed = c.expected.error !== undefined;
      if (!failed) expect(thrown, `${c.id} must not throw`).toBeUndefined();
      if (c.streaming) expect(events, 'stream events consumed').toBeGreaterThan(0);

      const spans = await h.spans();
      expect(spans, 'exactly one span per call').toHaveLength(1);
      const attrs = spans[0].attributes;
      const expected = expectedAttributes(c);
      const actual: Expected = {};
      for (const key of Object.keys(expected)) actual[key] = attrs[key];
      expect(actual).toEqual(expected);

      if (failed) {
        expect(thrown).toBeInstanceOf(sdk.APIError);
        expect((thrown as any).status).toBe(c.expected.error!.http_status);
        expect((thrown as any).error?.error?.type).toBe(c.expected.error!.type);
        expect(spans[0].status.code).toBe(SpanStatusCode.ERROR);
        expect(attrs['error.type']).toBe(SDK_ERROR_CLASS[c.expected.error!.http_status!] ?? 'APIError');
      } else {
        expect(spans[0].status.code).toBe(SpanStatusCode.UNSET);
        expect(attrs['error.type']).toBeUndefined();
      }

      // The token-usage metric states exactly the span's usage: one point per known token type, none otherwise.
      const points = await h.points('gen_ai.client.token.usage');
      const ofType = (type: string): HistogramPoint[] => points.filter((p) => p.attributes['gen_ai.token.type'] === type);
      for (const [type, key] of [
        ['input', 'gen_ai.usage.input_tokens'],
        ['output', 'gen_ai.usage.output_tokens'],
      ] as const) {
        const spanValue = attrs[key];
        const typed = ofType(type);
        if (spanValue === undefined) expect(typed, `${type} token points`).toEqual([]);
        else expect(typed.map((p) => [p.count, p.sum]), `${type} token points`).toEqual([[1, spanValue]]);
      }
      expect(points.length).toBe(ofType('input').length + ofType('output').length);

      passed++;
      perFolder.get(c.id.split('/')[0])!.passed++;
    });
  }
});
