/**
 * Replays the recorded Groq and Together AI responses of the shared wire corpus (`../shared/wire-corpus`, see its
 * README) through the vendors' own SDKs, `groq-sdk` and `together-ai`, patched by the real instrumentation, against
 * the local stand-in, and checks that the ONE span (and the token-usage metric) states exactly what the corpus says
 * is on the wire. (The same recordings also go through the `openai` SDK in openai-replay.test.ts, as an app on an
 * OpenAI-compatible base URL would send them.)
 *
 * Mappings allowed, each encoded once (support.ts): a failed stream that delivered a chunk reports `error` for each
 * missing finish reason (`completeFinishReasons`); HTTP errors carry no response facts or usage and `error.type` is
 * the SDK's error class. Usage in Groq's `x_groq.usage` counts as the stream's usage.
 */
import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '@opentelemetry/api';
import type { StandIn } from '../../packages/instrumentation-llm/test/support/stand-in';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import {
  STAINLESS_ERROR_CLASS,
  caseTest,
  chatOutputTokens,
  completeFinishReasons,
  corpusPresent,
  expectReplayed,
  loadCases,
  present,
  settle,
  useReplayTally,
  wireAttributes,
  type Expected,
  type WireCase,
} from './support';

interface Sdk {
  module: string;
  provider: string;
  client(sdk: any, standIn: StandIn): any;
  folders: string[];
  /** The corpus `provider` values this SDK talks to. */
  corpusProviders: string[];
}

const SDKS: Sdk[] = [
  {
    module: 'groq-sdk',
    provider: 'groq',
    client: (sdk, standIn) => new sdk.Groq({ apiKey: 'gsk_test', baseURL: standIn.url, maxRetries: 0 }),
    folders: ['groq', 'errors'],
    corpusProviders: ['groq'],
  },
  {
    module: 'together-ai',
    provider: 'together_ai',
    client: (sdk, standIn) => new sdk.Together({ apiKey: 'tgp_test', baseURL: `${standIn.url}/together/v1`, maxRetries: 0 }),
    folders: ['openai-compatible'],
    corpusProviders: ['together'],
  },
];

/** No case is a known adapter bug today; one would run as `it.fails` with its reason. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

function requestBody(c: WireCase): Record<string, any> {
  const body = c.request.body ? structuredClone(c.request.body) : { model: c.expected.response_model ?? 'model', messages: [{ role: 'user', content: 'Hello' }] };
  if (c.streaming) body.stream = true;
  else delete body.stream;
  return body;
}

const failsOnWire = (c: WireCase): boolean => c.expected.error !== undefined || c.expected.extra?.stream_error_code !== undefined;

for (const sdk of SDKS) {
  const cases = loadCases(sdk.module, sdk.folders, (c) => c.api === 'chat.completions' && sdk.corpusProviders.includes(c.provider));

  describe.skipIf(!corpusPresent)(`wire corpus replay through ${sdk.module}`, () => {
    const bed = useTestbed({ module: sdk.module, client: sdk.client });
    const tally = useReplayTally(sdk.module, cases);

    it('selects cases of the vendor', () => {
      expect(cases.length).toBeGreaterThan(1);
    });

    for (const c of cases) {
      caseTest(KNOWN_ADAPTER_BUGS, c)(c.id, async () => {
        const body = requestBody(c);
        bed.standIn.enqueue(c);
        let chunks = 0;
        const thrown = await settle(async () => {
          const result = await bed.client.chat.completions.create(body);
          if (c.streaming) for await (const _ of result) chunks++;
        });
        const failed = failsOnWire(c);
        const e = c.expected;
        const expected: Expected = {
          ...wireAttributes(c),
          'gen_ai.provider.name': sdk.provider,
          'gen_ai.response.finish_reasons': completeFinishReasons(e.finish_reasons ?? undefined, failed, chunks > 0, 1) as AttributeValue | undefined,
          'gen_ai.usage.output_tokens': present(chatOutputTokens(c)),
        };
        const span = await expectReplayed(bed.h, c, { thrown, failed, expected });
        if (failed) {
          expect(thrown).toBeInstanceOf(bed.sdk.APIError);
          const status = e.error?.http_status;
          expect(span.attributes['error.type']).toBe(status ? (STAINLESS_ERROR_CLASS[status] ?? 'APIError') : 'APIError');
        }
        if (c.streaming) expect(chunks).toBeGreaterThan(0);
        tally.pass(c);
      });
    }
  });
}
