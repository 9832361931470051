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
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setImmediate as tick } from 'node:timers/promises';
import { SpanStatusCode, type AttributeValue } from '@opentelemetry/api';
import { createHarness, type Harness } from '../../packages/instrumentation-llm/test/support/harness';
import { startStandIn, type StandIn } from '../../packages/instrumentation-llm/test/support/stand-in';
import { ReplayTally, corpusDir, corpusPresent, expectTokenPointsOfSpan, folderOf, loadCases, type WireCase } from './support';

const FOLDERS = ['bedrock-converse', 'bedrock-converse-stream', 'bedrock-invoke', 'bedrock-invoke-stream', 'errors'];

/** Cases where the adapter extracts something other than what the wire says; each runs as `it.fails`. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

const cases = loadCases(FOLDERS, (c) => folderOf(c) !== 'errors' || c.provider === 'aws-bedrock');
if (!corpusPresent) {
  console.warn(`wire-corpus bedrock replay skipped: no wire corpus at ${corpusDir} (expected ../shared/wire-corpus next to the repo)`);
}

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

type Expected = Record<string, AttributeValue | undefined>;

function expectedAttributes(c: WireCase): Expected {
  const e = c.expected;
  const u = (v: number | null): number | undefined => (v === null ? undefined : v);
  const input = e.input_tokens === null ? undefined : e.input_tokens + (e.cache_read_input_tokens ?? 0) + (e.cache_creation_input_tokens ?? 0);
  return {
    'gen_ai.response.model': e.response_model ?? undefined,
    'gen_ai.response.id': e.response_id ?? undefined,
    'gen_ai.response.finish_reasons': (e.finish_reasons ?? undefined) as AttributeValue | undefined,
    'gen_ai.usage.input_tokens': input,
    'gen_ai.usage.output_tokens': u(e.output_tokens),
    'gen_ai.usage.cache_read.input_tokens': u(e.cache_read_input_tokens),
    'gen_ai.usage.cache_creation.input_tokens': u(e.cache_creation_input_tokens),
    'gen_ai.usage.reasoning.output_tokens': u(e.reasoning_tokens),
    'aws.bedrock.guardrail.id': c.request.body?.guardrailConfig?.guardrailIdentifier,
  };
}

// ---- the suite ---------------------------------------------------------------------------------------------------

describe.skipIf(!corpusPresent)('wire corpus replay through @aws-sdk/client-bedrock-runtime', () => {
  let h: Harness;
  let standIn: StandIn;
  let sdk: any;
  let client: any;
  const tally = new ReplayTally(cases);

  beforeAll(async () => {
    h = createHarness();
    standIn = await startStandIn();
    sdk = h.load('@aws-sdk/client-bedrock-runtime'); // after the harness: the require hook patches it
    client = new sdk.BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: standIn.url,
      credentials: { accessKeyId: 'AKIDREPLAY', secretAccessKey: 'replay' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await standIn?.close();
    await h?.shutdown();
    for (const [folder, n] of tally.perFolder) console.log(`wire-corpus bedrock replay: ${n.passed} passed of ${n.total} (${folder})`);
    console.log(`wire-corpus bedrock replay: ${tally.passed} passed of ${cases.length} cases`);
  });
  beforeEach(async () => {
    await h.reset();
  });

  it('selects cases from every requested folder', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const folder of FOLDERS) expect(tally.perFolder.get(folder)?.total ?? 0, folder).toBeGreaterThan(0);
  });

  for (const c of cases) {
    const bug = KNOWN_ADAPTER_BUGS[c.id];
    const test = bug ? it.fails : it;
    test(c.id, async () => {
      standIn.enqueue(c);
      let thrown: any;
      let events = 0;
      try {
        const output = await client.send(command(sdk, c));
        events = await consume(c, output);
      } catch (error) {
        thrown = error; // expected for error cases; checked below
      }
      await tick(); // let the instrumentation's own promise handlers run

      const failed = c.expected.error !== undefined;
      if (!failed) expect(thrown, `${c.id} must not throw`).toBeUndefined();
      if (c.streaming) expect(events, 'stream events consumed').toBe(c.response.sse_events!.length);

      const spans = await h.spans();
      expect(spans, 'exactly one span per call').toHaveLength(1);
      const span = spans[0];
      const attrs = span.attributes;
      expect(attrs['gen_ai.provider.name']).toBe('aws.bedrock');
      expect(attrs['gen_ai.request.model']).toBe(modelIdOf(c));

      // Error cases state no facts at all (every expected field is null), so they expect none on the span.
      const expected = expectedAttributes(c);
      const actual: Expected = {};
      for (const key of Object.keys(expected)) actual[key] = attrs[key];
      expect(actual).toEqual(expected);

      if (failed) {
        expect(thrown).toBeInstanceOf(sdk.BedrockRuntimeServiceException);
        expect(thrown.$metadata.httpStatusCode).toBe(c.expected.error!.http_status);
        expect(span.status.code).toBe(SpanStatusCode.ERROR);
        const code = c.expected.error!.type!.split(':')[0];
        expect(thrown.name).toBe(code);
        expect(attrs['error.type']).toBe(code);
      } else {
        expect(span.status.code).toBe(SpanStatusCode.UNSET);
        expect(attrs['error.type']).toBeUndefined();
      }

      expectTokenPointsOfSpan(await h.points('gen_ai.client.token.usage'), attrs);

      tally.pass(c);
    });
  }
});
