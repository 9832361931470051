/**
 * Replays the recorded Mistral responses of the shared wire corpus (`../shared/wire-corpus/mistral`, see its README)
 * through the real `@mistralai/mistralai` SDK (1.x, CommonJS, from test/.sdk: it is not a devDependency), patched by
 * the real instrumentation, against the local stand-in, and checks that the ONE span (and the token-usage metric)
 * states exactly what the corpus says is on the wire. One documented mapping (src/formats/mistral-chat): the SDK's
 * schemas default a missing count to 0, so a count the wire left out reads as 0.
 */
import { beforeAll, describe, it } from 'vitest';
import { createRequire } from 'node:module';
import path from 'node:path';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { caseTest, corpusPresent, expectReplayed, expectStreamedAndNot, loadCases, replayChatCase, useReplayTally, wireAttributes, type WireCase } from './support';
// @ts-expect-error -- plain ESM script (no declaration file)
import { installSdkVersions, sdkDir } from '../support/sdk-versions.mjs';

const NAME = '@mistralai/mistralai';
const VERSION = '1.15.1';
const FOLDERS = ['mistral'];
const cases = loadCases('mistral', FOLDERS);

/** No case is a known adapter bug today; one would run as `it.fails` with its reason. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

/** The recorded request as the SDK takes it (camelCase; the recorded bodies only use `model` and `messages` beyond nulls). */
function requestOf(c: WireCase): Record<string, any> {
  const body = c.request.body ?? {};
  return { model: body.model ?? c.expected.response_model ?? 'mistral-small-latest', messages: body.messages ?? [{ role: 'user', content: 'Hello' }] };
}

describe.skipIf(!corpusPresent)('wire corpus replay through @mistralai/mistralai', () => {
  const bed = useTestbed();
  const tally = useReplayTally('mistral', cases);
  let client: any;

  beforeAll(async () => {
    await installSdkVersions([`${NAME}@${VERSION}`], { log: (m: string) => console.log(m) });
    const sdk = createRequire(path.join(sdkDir(NAME, VERSION), 'package.json'))(NAME);
    client = new sdk.Mistral({ apiKey: 'mistral-test', serverURL: `${bed.standIn.url}/mistral` });
  }, 5 * 60_000);

  it('selects the chat cases, streamed and not', () => {
    expectStreamedAndNot(tally, FOLDERS, cases);
  });

  for (const c of cases) {
    caseTest(KNOWN_ADAPTER_BUGS, c)(c.id, async () => {
      const thrown = await replayChatCase(bed.standIn, c, {
        complete: () => client.chat.complete(requestOf(c)),
        stream: () => client.chat.stream(requestOf(c)),
      });
      await expectReplayed(bed.h, c, { thrown, failed: false, expected: { ...wireAttributes(c), 'gen_ai.provider.name': 'mistral_ai' } });
      tally.pass(c);
    });
  }
});
