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
import { describe, expect, it } from 'vitest';
import { useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import { anthropicClient } from '../../packages/instrumentation-llm/test/providers/anthropic-ai-sdk/support';
import {
  STAINLESS_ERROR_CLASS,
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

const FOLDERS = ['anthropic-messages', 'anthropic-messages-stream', 'errors'];

/** Cases where the adapter extracts something other than what the wire says; each runs as `it.fails`. */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

const cases = loadCases('anthropic', FOLDERS, (c) => folderOf(c) !== 'errors' || c.provider === 'anthropic');

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

function expectedAttributes(c: WireCase): Expected {
  return { ...wireAttributes(c), 'gen_ai.usage.input_tokens': inputWithCache(c) };
}

/** HTTP status → the class the Anthropic SDK throws (and the adapter reports as `error.type`). */
const SDK_ERROR_CLASS: Record<number, string> = {
  ...STAINLESS_ERROR_CLASS,
  529: 'OverloadedError',
};

describe.skipIf(!corpusPresent)('wire corpus replay through @anthropic-ai/sdk', () => {
  const bed = useTestbed(anthropicClient);
  const tally = useReplayTally('anthropic', cases);

  it('selects cases from every requested folder', () => {
    tally.expectEveryFolder(FOLDERS);
  });

  for (const c of cases) {
    caseTest(KNOWN_ADAPTER_BUGS, c)(c.id, async () => {
      const body = requestBody(c);
      bed.standIn.enqueue(withEventNames(c));
      const messages = c.request.path?.includes('beta=true') ? bed.client.beta.messages : bed.client.messages;
      let events = 0;
      const thrown = await settle(async () => {
        const result = await messages.create(body);
        if (c.streaming) for await (const _event of result) events++;
      });

      const failed = c.expected.error !== undefined;
      const span = await expectReplayed(bed.h, c, { thrown, failed, expected: expectedAttributes(c) });
      if (c.streaming) expect(events, 'stream events consumed').toBeGreaterThan(0);
      if (failed) {
        expect(thrown).toBeInstanceOf(bed.sdk.APIError);
        expect(thrown.status).toBe(c.expected.error!.http_status);
        expect(thrown.error?.error?.type).toBe(c.expected.error!.type);
        expect(span.attributes['error.type']).toBe(SDK_ERROR_CLASS[c.expected.error!.http_status!] ?? 'APIError');
      }
      tally.pass(c);
    });
  }
});
