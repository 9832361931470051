/**
 * Replays the recorded Cohere v2 responses of the shared wire corpus (`../shared/wire-corpus/cohere`, see its README)
 * through the real `cohere-ai` v2 client (`CohereClientV2`), patched by the real instrumentation, against the local
 * stand-in, and checks that the ONE span (and the token-usage metric) states exactly what the corpus says is on the
 * wire, with one documented mapping (src/formats/cohere-v2/chat.ts): the metered counts are the BILLED ones
 * (`usage.billed_units`, the corpus's `extra.billed_*_tokens`), not the consumed `usage.tokens`, so `cached_tokens`
 * (a part of the consumed input) is not reported as cache_read. Cohere states no response model.
 * The folder's v1 case is skipped with a message: the v1 client is not instrumented.
 */
import { describe, it } from 'vitest';
import type { StandIn } from '../../packages/instrumentation-llm/test/support/stand-in';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { caseTest, corpusPresent, expectReplayed, expectStreamedAndNot, loadCases, replayChatCase, useReplayTally, wireAttributes, type WireCase } from './support';

const FOLDERS = ['cohere'];
const all = loadCases('cohere', FOLDERS);
const cases = all.filter((c) => c.api === 'v2/chat');
for (const c of all.filter((c) => c.api !== 'v2/chat')) {
  console.log(`wire-corpus cohere replay: ${c.id} skipped (${c.api}: the v1 client is not instrumented)`);
}

/** No case is a known adapter bug today; one would run as `it.fails` with its reason. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

/** The recorded request as the SDK takes it (camelCase is the SDK's; the recorded bodies use only shared keys). */
function requestOf(c: WireCase): Record<string, any> {
  const body = structuredClone(c.request.body ?? { model: 'command-r', messages: [{ role: 'user', content: 'Hello' }] });
  delete body.stream;
  return body;
}

describe.skipIf(!corpusPresent)('wire corpus replay through the cohere-ai v2 client', () => {
  const bed = useTestbed({
    module: 'cohere-ai',
    client: (sdk: any, standIn: StandIn) => new sdk.CohereClientV2({ token: 'co-test', environment: standIn.url, maxRetries: 0 }),
  });
  const tally = useReplayTally('cohere', cases);

  it('selects the v2 chat cases, streamed and not', () => {
    expectStreamedAndNot(tally, FOLDERS, cases);
  });

  for (const c of cases) {
    caseTest(KNOWN_ADAPTER_BUGS, c)(c.id, async () => {
      const thrown = await replayChatCase(bed.standIn, c, {
        complete: () => bed.client.chat(requestOf(c)),
        stream: () => bed.client.chatStream(requestOf(c)),
      });
      const billed = c.expected.extra as { billed_input_tokens: number; billed_output_tokens: number };
      await expectReplayed(bed.h, c, {
        thrown,
        failed: false,
        expected: {
          ...wireAttributes(c),
          'gen_ai.provider.name': 'cohere',
          'gen_ai.usage.input_tokens': billed.billed_input_tokens,
          'gen_ai.usage.output_tokens': billed.billed_output_tokens,
          'gen_ai.usage.cache_read.input_tokens': undefined,
        },
      });
      tally.pass(c);
    });
  }
});
