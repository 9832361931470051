/**
 * Replays the recorded Gemini API and Vertex AI responses of the shared wire corpus (`../shared/wire-corpus`, see its
 * README) through the REAL `@google/genai` SDK, patched by the real instrumentation, against the local stand-in
 * server, and checks that the ONE span (and the token-usage metric) states exactly what the corpus says is on the wire.
 *
 * Cases: every `gemini-generate/*` and `gemini-stream/*` case, and the `errors/*` cases of providers `gemini` and
 * `vertex-ai`. Provider `vertex-ai` cases go through a Vertex client (project and location), the others through a
 * Gemini API client.
 *
 * The corpus states raw wire values; the instrumentation reports the GenAI semantic conventions. The only
 * differences allowed are the documented mappings (src/providers/google-genai/usage.ts), each encoded once below:
 *   - output tokens = candidatesTokenCount + thoughtsTokenCount (thinking is billed as output); with neither on the
 *     wire, output stays unset; with only thoughts, output = thoughts.
 *   - integer finish reasons (Vertex `enum-encoding=int`) are reported as their FinishReason names (1 = STOP,
 *     2 = MAX_TOKENS), so one outcome has one value whatever encoding the client asked for.
 *   - a failed operation whose stream had already delivered a chunk reports `error` for every missing finish reason
 *     (src/core/operation.ts, semantic-conventions-genai PR #363).
 *   - HTTP errors: no response facts and no usage; status ERROR; `error.type` = the Google RPC status of the error
 *     envelope (the corpus `expected.error.type`), since the SDK throws one ApiError class for every status.
 * Anything else that differs is an adapter bug: such cases go into KNOWN_ADAPTER_BUGS and run as `it.fails`.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as tick } from 'node:timers/promises';
import { SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { createHarness, type Harness } from '../../packages/instrumentation-llm/test/support/harness';
import { startStandIn, type StandIn } from '../../packages/instrumentation-llm/test/support/stand-in';
import { vertexClient } from '../../packages/instrumentation-llm/test/providers/google-genai/support';

interface WireCase {
  id: string;
  provider: string;
  api: string;
  streaming: boolean;
  request: { path: string; body: Record<string, any> | null };
  response: { status?: number; sse_events?: unknown[] };
  expected: {
    response_model: string | null;
    response_id: string | null;
    finish_reasons: (string | number)[] | null;
    input_tokens: number | null;
    output_tokens: number | null;
    cache_read_input_tokens: number | null;
    cache_creation_input_tokens: number | null;
    reasoning_tokens: number | null;
    error?: { http_status: number | null; type: string | null; code: unknown; message: string | null };
  };
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const corpusDir = path.resolve(repoRoot, '..', 'shared', 'wire-corpus');
const corpusPresent = existsSync(corpusDir);

const FOLDERS = ['gemini-generate', 'gemini-stream', 'errors'];
const GOOGLE_PROVIDERS = new Set(['gemini', 'vertex-ai']);

/** Cases where the adapter extracts something other than what the wire says; each runs as `it.fails`. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

/** Vertex `enum-encoding=int` finish reasons (google.cloud.aiplatform.v1 Candidate.FinishReason). */
const FINISH_REASON_NAMES: Record<number, string> = { 1: 'STOP', 2: 'MAX_TOKENS' };

function loadCases(): WireCase[] {
  const out: WireCase[] = [];
  for (const folder of FOLDERS) {
    const dir = path.join(corpusDir, folder);
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const c = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as WireCase;
      if (GOOGLE_PROVIDERS.has(c.provider)) out.push(c);
    }
  }
  return out;
}

const cases = corpusPresent ? loadCases() : [];
if (!corpusPresent) {
  console.warn(`wire-corpus gemini replay skipped: no wire corpus at ${corpusDir} (expected ../shared/wire-corpus next to the repo)`);
}

/** The model of the recorded request path (`…/models/<model>:method`), else the response model. */
function modelOf(c: WireCase): string {
  const m = /models\/([^/:{}]+):/.exec(c.request.path)?.[1];
  return m ?? c.expected.response_model ?? 'gemini-2.0-flash';
}

function expectedAttributes(c: WireCase, failed: boolean, sawFirstChunk: boolean): Record<string, AttributeValue | undefined> {
  const e = c.expected;
  const u = (v: number | null): number | undefined => (v === null ? undefined : v);
  let reasons: string[] | undefined = e.finish_reasons?.map((r) => (typeof r === 'number' ? (FINISH_REASON_NAMES[r] ?? String(r)) : r));
  if (failed && reasons === undefined && sawFirstChunk) reasons = ['error'];
  return {
    'gen_ai.response.model': e.response_model ?? undefined,
    'gen_ai.response.id': e.response_id ?? undefined,
    'gen_ai.response.finish_reasons': reasons,
    'gen_ai.usage.input_tokens': u(e.input_tokens),
    'gen_ai.usage.output_tokens': e.output_tokens === null && e.reasoning_tokens === null ? undefined : (e.output_tokens ?? 0) + (e.reasoning_tokens ?? 0),
    'gen_ai.usage.cache_read.input_tokens': u(e.cache_read_input_tokens),
    'gen_ai.usage.cache_creation.input_tokens': u(e.cache_creation_input_tokens),
    'gen_ai.usage.reasoning.output_tokens': u(e.reasoning_tokens),
  };
}

describe.skipIf(!corpusPresent)('wire corpus replay through the @google/genai SDK', () => {
  let h: Harness;
  let standIn: StandIn;
  let sdk: any;
  let gemini: any;
  let vertex: any;
  const folderOf = (c: WireCase): string => c.id.split('/')[0];
  const perFolder = new Map(FOLDERS.map((f) => [f, { passed: 0, total: cases.filter((c) => folderOf(c) === f).length }]));

  beforeAll(async () => {
    h = createHarness();
    standIn = await startStandIn();
    sdk = h.load('@google/genai'); // after the harness: the require hook patches it
    gemini = new sdk.GoogleGenAI({ apiKey: 'AIzaSyWIRECORPUSreplayKey0123456789', httpOptions: { baseUrl: standIn.url } });
    vertex = vertexClient(sdk, standIn);
  });
  afterAll(async () => {
    await standIn?.close();
    await h?.shutdown();
    for (const [folder, n] of perFolder) console.log(`wire-corpus gemini replay: ${n.passed} passed of ${n.total} (${folder})`);
    const passed = [...perFolder.values()].reduce((s, n) => s + n.passed, 0);
    console.log(`wire-corpus gemini replay: ${passed} passed of ${cases.length} cases`);
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('selects cases from every folder, Gemini API and Vertex AI alike', () => {
    for (const folder of FOLDERS) expect(perFolder.get(folder)?.total ?? 0, folder).toBeGreaterThan(0);
    expect(new Set(cases.map((c) => c.provider))).toEqual(GOOGLE_PROVIDERS);
  });

  for (const c of cases) {
    const bug = KNOWN_ADAPTER_BUGS[c.id];
    const test = bug ? it.fails : it;
    test(c.id, async () => {
      const client = c.provider === 'vertex-ai' ? vertex : gemini;
      const params = { model: modelOf(c), contents: c.request.body?.contents ?? 'Hello' };
      standIn.enqueue(c);
      let thrown: unknown;
      let chunks = 0;
      try {
        if (c.streaming) {
          for await (const _chunk of await client.models.generateContentStream(params)) chunks++;
        } else {
          await client.models.generateContent(params);
        }
      } catch (error) {
        thrown = error; // expected for error cases; checked below
      }
      await tick(); // let the instrumentation's own promise handlers run

      const failed = c.expected.error !== undefined;
      if (!failed) expect(thrown, `${c.id} must not throw`).toBeUndefined();
      if (c.streaming) expect(chunks, 'stream chunks consumed').toBe(c.response.sse_events!.length);

      const spans = await h.spans();
      expect(spans, 'exactly one span per call').toHaveLength(1);
      const span = spans[0];
      const attrs = span.attributes;
      expect(attrs['gen_ai.provider.name']).toBe(c.provider === 'vertex-ai' ? 'gcp.vertex_ai' : 'gcp.gemini');

      const expected = expectedAttributes(c, failed, chunks > 0);
      const actual: Record<string, AttributeValue | undefined> = {};
      for (const key of Object.keys(expected)) actual[key] = attrs[key];
      expect(actual).toEqual(expected);

      if (failed) {
        expect(thrown).toBeInstanceOf(sdk.ApiError);
        expect((thrown as any).status).toBe(c.expected.error!.http_status);
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        expect(attrs['error.type']).toBe(c.expected.error!.type);
      } else {
        expect(span.status.code).toBe(SpanStatusCode.UNSET);
        expect(attrs['error.type']).toBeUndefined();
      }

      // The token-usage metric states exactly the span's usage: one point per known token type, none otherwise.
      const points = (await h.points('gen_ai.client.token.usage')).map((p) => [p.attributes['gen_ai.token.type'], p.count, p.sum, p.attributes['gen_ai.response.model']]);
      const spanTokens = (['input', 'output'] as const).flatMap((type) => {
        const tokens = attrs[`gen_ai.usage.${type}_tokens`];
        return tokens === undefined ? [] : [[type, 1, tokens, attrs['gen_ai.response.model']]];
      });
      expect(points.sort(), 'token points').toEqual(spanTokens);

      perFolder.get(folderOf(c))!.passed++;
    });
  }
});
