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
import { describe, expect, it } from 'vitest';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { geminiClient, vertexClient } from '../../packages/instrumentation-llm/test/providers/google-genai/support';
import {
  caseTest,
  corpusPresent,
  expectReplayed,
  loadCases,
  settle,
  useReplayTally,
  wireAttributes,
  type Expected,
  type WireCase,
} from './support';

const FOLDERS = ['gemini-generate', 'gemini-stream', 'errors'];
const GOOGLE_PROVIDERS = new Set(['gemini', 'vertex-ai']);

/** Cases where the adapter extracts something other than what the wire says; each runs as `it.fails`. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

/** Vertex `enum-encoding=int` finish reasons (google.cloud.aiplatform.v1 Candidate.FinishReason). */
const FINISH_REASON_NAMES: Record<number, string> = { 1: 'STOP', 2: 'MAX_TOKENS' };

const cases = loadCases('gemini', FOLDERS, (c) => GOOGLE_PROVIDERS.has(c.provider));

/** The model of the recorded request path (`…/models/<model>:method`), else the response model. */
function modelOf(c: WireCase): string {
  const m = /models\/([^/:{}]+):/.exec(c.request.path ?? '')?.[1];
  return m ?? c.expected.response_model ?? 'gemini-2.0-flash';
}

function expectedAttributes(c: WireCase, failed: boolean, sawFirstChunk: boolean): Expected {
  const e = c.expected;
  let reasons: string[] | undefined = e.finish_reasons?.map((r) => (typeof r === 'number' ? (FINISH_REASON_NAMES[r] ?? String(r)) : r));
  if (failed && reasons === undefined && sawFirstChunk) reasons = ['error'];
  return {
    ...wireAttributes(c),
    'gen_ai.response.finish_reasons': reasons,
    'gen_ai.usage.output_tokens': e.output_tokens === null && e.reasoning_tokens === null ? undefined : (e.output_tokens ?? 0) + (e.reasoning_tokens ?? 0),
  };
}

describe.skipIf(!corpusPresent)('wire corpus replay through the @google/genai SDK', () => {
  const bed = useTestbed({
    module: geminiClient.module,
    client: (sdk, standIn) => ({ gemini: geminiClient.client(sdk, standIn), vertex: vertexClient(sdk, standIn) }),
  });
  const tally = useReplayTally('gemini', cases);

  it('selects cases from every folder, Gemini API and Vertex AI alike', () => {
    tally.expectEveryFolder(FOLDERS);
    expect(new Set(cases.map((c) => c.provider))).toEqual(GOOGLE_PROVIDERS);
  });

  for (const c of cases) {
    caseTest(KNOWN_ADAPTER_BUGS, c)(c.id, async () => {
      const client = c.provider === 'vertex-ai' ? bed.client.vertex : bed.client.gemini;
      const params = { model: modelOf(c), contents: c.request.body?.contents ?? 'Hello' };
      bed.standIn.enqueue(c);
      let chunks = 0;
      const thrown = await settle(async () => {
        if (c.streaming) {
          for await (const _chunk of await client.models.generateContentStream(params)) chunks++;
        } else {
          await client.models.generateContent(params);
        }
      });

      const failed = c.expected.error !== undefined;
      const span = await expectReplayed(bed.h, c, { thrown, failed, expected: expectedAttributes(c, failed, chunks > 0) });
      if (c.streaming) expect(chunks, 'stream chunks consumed').toBe(c.response.sse_events!.length);
      expect(span.attributes['gen_ai.provider.name']).toBe(c.provider === 'vertex-ai' ? 'gcp.vertex_ai' : 'gcp.gemini');
      if (failed) {
        expect(thrown).toBeInstanceOf(bed.sdk.ApiError);
        expect(thrown.status).toBe(c.expected.error!.http_status);
        expect(span.attributes['error.type']).toBe(c.expected.error!.type);
      }
      tally.pass(c);
    });
  }
});
