/**
 * Replays the recorded Ollama native-API responses of the shared wire corpus (`../shared/wire-corpus/ollama`, see its
 * README: `/api/chat` and `/api/generate`, complete and NDJSON-streamed) through the real `ollama` SDK, patched by the
 * real instrumentation, against the local stand-in, and checks that the ONE span (and the token-usage metric) states
 * exactly what the corpus says is on the wire: no response id (Ollama has none), `done_reason` as the finish reason,
 * `prompt_eval_count` / `eval_count`, and an input count left unset where Ollama left it out (KV-cache hit). The
 * folder's OpenAI-compatible `/v1` case goes through the `openai` SDK in openai-replay.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { StandIn } from '../../packages/instrumentation-llm/test/support/stand-in';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { caseTest, corpusPresent, expectReplayed, loadCases, settle, useReplayTally, wireAttributes, type WireCase } from './support';

const FOLDERS = ['ollama'];
const cases = loadCases('ollama', FOLDERS, (c) => c.api === 'api/chat' || c.api === 'api/generate');

/** No case is a known adapter bug today; one would run as `it.fails` with its reason. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

function requestBody(c: WireCase): Record<string, any> {
  const body = structuredClone(c.request.body ?? {});
  body.stream = c.streaming;
  return body;
}

describe.skipIf(!corpusPresent)('wire corpus replay through the ollama SDK', () => {
  const bed = useTestbed({ module: 'ollama', client: (sdk: any, standIn: StandIn) => new sdk.Ollama({ host: standIn.url }) });
  const tally = useReplayTally('ollama', cases);

  it('selects the native chat and generate cases', () => {
    tally.expectEveryFolder(FOLDERS);
    expect(new Set(cases.map((c) => c.api))).toEqual(new Set(['api/chat', 'api/generate']));
  });

  for (const c of cases) {
    caseTest(KNOWN_ADAPTER_BUGS, c)(c.id, async () => {
      bed.standIn.enqueue(c);
      let parts = 0;
      const thrown = await settle(async () => {
        const body = requestBody(c);
        const result = c.api === 'api/chat' ? await bed.client.chat(body) : await bed.client.generate(body);
        if (c.streaming) for await (const _ of result) parts++;
      });
      const span = await expectReplayed(bed.h, c, {
        thrown,
        failed: false,
        expected: { ...wireAttributes(c), 'gen_ai.provider.name': 'ollama' },
      });
      expect(span.attributes['gen_ai.response.id']).toBeUndefined();
      if (c.streaming) expect(parts).toBe(c.response.sse_events!.length);
      tally.pass(c);
    });
  }
});
