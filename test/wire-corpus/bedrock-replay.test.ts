/**
 * Replays the recorded AWS Bedrock responses of the shared wire corpus (`../shared/wire-corpus`, see its README)
 * through the REAL `@aws-sdk/client-bedrock-runtime` (default HTTP/2 handler), patched by the real instrumentation,
 * against the local stand-in server, and checks that the ONE span (and the token-usage metric) states exactly what
 * the corpus says is on the wire. Eventstream cases are re-framed by the stand-in with the payload bytes untouched
 * (`aws-eventstream`, padding included) or as the SDK decoded them (`aws-eventstream-decoded`).
 *
 * The corpus states raw wire values; the instrumentation reports the GenAI semantic conventions. The only
 * differences allowed are the documented mappings, each encoded once below (`expectedAttributes`):
 *   - Bedrock (Converse, ConverseStream, the token-count headers, the invocation metrics) and Anthropic on Bedrock
 *     state input tokens WITHOUT cache reads and writes: `gen_ai.usage.input_tokens` = input + cache_read +
 *     cache_creation (corpus README, "Token semantics"); the cache attributes are the wire's values.
 *   - HTTP errors: no response facts and no usage; status ERROR; `error.type` = the AWS error code the SDK names
 *     the exception by (the part of `x-amzn-errortype` before the colon), also when it has no class for it.
 *   - A guardrail in the request is reported as `aws.bedrock.guardrail.id`.
 * Anything else that differs is an adapter bug, not a mapping: such cases are listed in KNOWN_ADAPTER_BUGS and run
 * as `it.fails`, so they are reported (and flip to a failure once the adapter is fixed).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { bedrockClient } from '../../packages/instrumentation-llm/test/providers/aws-sdk-client-bedrock-runtime/bedrock-testbed';
import {
  caseTest,
  corpusPresent,
  expectReplayed,
  folderOf,
  inputWithCache,
  loadCases,
  settle,
  useReplayTally,
  wireAttributes,
  type Expected,
  type WireCase,
} from './support';

const FOLDERS = ['bedrock-converse', 'bedrock-converse-stream', 'bedrock-invoke', 'bedrock-invoke-stream', 'errors'];

/** Cases where the adapter extracts something other than what the wire says; each runs as `it.fails`. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

const cases = loadCases('bedrock', FOLDERS, (c) => folderOf(c) !== 'errors' || c.provider === 'aws-bedrock');

// ---- the command from the case -----------------------------------------------------------------------------------

/** Model id of the recorded path; fixtures that recorded no request have a `{modelId}` placeholder. */
function modelIdOf(c: WireCase): string {
  const m = /^\/model\/([^/]+)\//.exec(c.request.path ?? '');
  const id = m ? decodeURIComponent(m[1]) : '{modelId}';
  return id === '{modelId}' ? 'us.anthropic.claude-sonnet-4-20250514-v1:0' : id;
}

/** Recorded JSON carries blobs (`bytes`) as base64 strings; the SDK takes them as bytes. */
function withBlobs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withBlobs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'bytes' && typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : withBlobs(v)]),
    );
  }
  return value;
}

function command(sdk: any, c: WireCase): unknown {
  const modelId = modelIdOf(c);
  const body = c.request.body;
  switch (c.api) {
    case 'Converse':
    case 'ConverseStream': {
      const input = body ? (withBlobs(body) as Record<string, unknown>) : { messages: [{ role: 'user', content: [{ text: 'Hello' }] }] };
      return new sdk[c.api === 'Converse' ? 'ConverseCommand' : 'ConverseStreamCommand']({ modelId, ...input });
    }
    case 'InvokeModel':
    case 'InvokeModelWithResponseStream':
      return new sdk[`${c.api}Command`]({ modelId, body: JSON.stringify(body ?? {}), contentType: 'application/json' });
    default:
      throw new Error(`${c.id}: no Bedrock command for api ${c.api}`);
  }
}

/** Reads the output's event stream to its end (ConverseStream: `stream`; InvokeModelWithResponseStream: `body`). */
async function consume(c: WireCase, output: any): Promise<number> {
  let n = 0;
  if (c.api === 'ConverseStream') for await (const _ of output.stream) n++;
  if (c.api === 'InvokeModelWithResponseStream') for await (const _ of output.body) n++;
  return n;
}

// ---- expected span attributes ------------------------------------------------------------------------------------

function expectedAttributes(c: WireCase): Expected {
  return {
    ...wireAttributes(c),
    'gen_ai.usage.input_tokens': inputWithCache(c),
    'aws.bedrock.guardrail.id': c.request.body?.guardrailConfig?.guardrailIdentifier,
  };
}

// ---- the suite ---------------------------------------------------------------------------------------------------

describe.skipIf(!corpusPresent)('wire corpus replay through @aws-sdk/client-bedrock-runtime', () => {
  const bed = useTestbed(bedrockClient);
  const tally = useReplayTally('bedrock', cases);
  afterAll(() => bed.client?.destroy());

  it('selects cases from every requested folder', () => {
    tally.expectEveryFolder(FOLDERS);
  });

  for (const c of cases) {
    caseTest(KNOWN_ADAPTER_BUGS, c)(c.id, async () => {
      bed.standIn.enqueue(c);
      let events = 0;
      const thrown = await settle(async () => {
        const output = await bed.client.send(command(bed.sdk, c));
        events = await consume(c, output);
      });

      const failed = c.expected.error !== undefined;
      // Error cases state no facts at all (every expected field is null), so they expect none on the span.
      const span = await expectReplayed(bed.h, c, { thrown, failed, expected: expectedAttributes(c) });
      if (c.streaming) expect(events, 'stream events consumed').toBe(c.response.sse_events!.length);
      expect(span.attributes['gen_ai.provider.name']).toBe('aws.bedrock');
      expect(span.attributes['gen_ai.request.model']).toBe(modelIdOf(c));
      if (failed) {
        expect(thrown).toBeInstanceOf(bed.sdk.BedrockRuntimeServiceException);
        expect(thrown.$metadata.httpStatusCode).toBe(c.expected.error!.http_status);
        const code = c.expected.error!.type!.split(':')[0];
        expect(thrown.name).toBe(code);
        expect(span.attributes['error.type']).toBe(code);
      }
      tally.pass(c);
    });
  }
});
