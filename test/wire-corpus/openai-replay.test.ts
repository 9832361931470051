/**
 * Replays the recorded OpenAI-format responses of the shared wire corpus (`../shared/wire-corpus`, see its README)
 * through the REAL `openai` SDK, patched by the real instrumentation, against the local stand-in server, and checks
 * that the ONE span (and the token-usage metric) states exactly what the corpus says is on the wire.
 *
 * The corpus states raw wire values; the instrumentation reports the GenAI semantic conventions. The only
 * differences allowed are the documented mappings, each encoded once below (`expectedAttributes`):
 *   - Responses API and embeddings: no finish reasons, not even on failure (embeddings: no id either).
 *   - A failed operation whose stream had already delivered a chunk reports `error` for every missing finish
 *     reason, padded to the requested choice count (`completeFinishReasons` in src/core/operation.ts,
 *     semantic-conventions-genai PR #363).
 *   - xAI-style usage (`total_tokens == prompt + completion + reasoning`, reasoning > 0): output tokens are
 *     completion + reasoning, as the conventions count reasoning inside the output (src/providers/openai/usage.ts).
 *   - DeepSeek `prompt_cache_hit_tokens` as cache-read fallback (the corpus `expected` already applies it).
 *   - HTTP errors: no response facts and no usage; status ERROR; `error.type` = the SDK's error class.
 * Anything else that differs is an adapter bug, not a mapping: such cases are listed in KNOWN_ADAPTER_BUGS and run
 * as `it.fails`, so they are reported (and flip to a failure once the adapter is fixed).
 */
import { describe, expect, it } from 'vitest';
import type { AttributeValue } from '@opentelemetry/api';
import { openaiClient, useTestbed } from '../../packages/instrumentation-llm/test/support/testbed';
import {
  STAINLESS_ERROR_CLASS,
  caseTest,
  chatOutputTokens,
  completeFinishReasons,
  corpusPresent,
  expectReplayed,
  folderOf,
  loadCases,
  present,
  settle,
  useReplayTally,
  wireAttributes,
  type Expected,
  type WireCase,
} from './support';

const FOLDERS = [
  'openai-chat',
  'openai-chat-stream',
  'openai-completions',
  'openai-embeddings',
  'openai-responses',
  'openai-responses-stream',
  'openai-compatible',
  'groq',
  'mistral',
  'ollama', // only its OpenAI-compatible /v1/chat/completions cases
  'errors', // only providers that speak the OpenAI wire format
];
const OPENAI_FORMAT_ERROR_PROVIDERS = new Set(['openai', 'azure-openai', 'groq']);

/**
 * Cases where the adapter extracts something other than what the wire says (and no documented mapping explains
 * it). Each runs as `it.fails` with the reason, so the suite stays green while the bug is open.
 */
const KNOWN_ADAPTER_BUGS: Record<string, string> = {};

function selected(c: WireCase): boolean {
  const folder = folderOf(c);
  if (folder === 'ollama') return c.api === 'chat.completions';
  if (folder === 'errors') return OPENAI_FORMAT_ERROR_PROVIDERS.has(c.provider);
  return FOLDERS.includes(folder);
}

const cases = loadCases('openai', FOLDERS, selected);

// ---- request from the case ---------------------------------------------------------------------------------------

/** The recorded request body, or a minimal valid one for the API when the source did not record it. */
function requestBody(c: WireCase): Record<string, any> {
  const model = c.expected.response_model ?? 'gpt-4o-mini';
  let body: Record<string, any>;
  if (c.request.body) body = structuredClone(c.request.body);
  else if (c.api === 'chat.completions') body = { model, messages: [{ role: 'user', content: 'Hello' }] };
  else if (c.api === 'completions') body = { model, prompt: 'Hello' };
  else if (c.api === 'embeddings') body = { model, input: 'Hello' };
  else if (c.api === 'responses') body = { model, input: 'Hello' };
  else throw new Error(`${c.id}: no OpenAI SDK method for api ${c.api}`);
  // The SDK decides between a JSON body and an SSE stream from `stream`: it must match the recording.
  if (c.streaming) body.stream = true;
  else delete body.stream;
  return body;
}

function callSdk(client: any, c: WireCase, body: Record<string, any>): Promise<any> {
  switch (c.api) {
    case 'chat.completions':
      return client.chat.completions.create(body);
    case 'completions':
      return client.completions.create(body);
    case 'embeddings':
      return client.embeddings.create(body);
    case 'responses':
      return client.responses.create(body);
    default:
      throw new Error(`${c.id}: no OpenAI SDK method for api ${c.api}`);
  }
}

// ---- expected span attributes ------------------------------------------------------------------------------------

/** Whether the operation is expected to end as an error: an HTTP error, or a failure reported inside a 200 stream. */
function failsOnWire(c: WireCase): boolean {
  return c.expected.error !== undefined || c.expected.extra?.stream_error_code !== undefined || c.expected.extra?.status === 'failed';
}

/** `choiceCount` as the adapter reads it (request `n`, only when not 1). */
function choiceCount(body: Record<string, any>): number {
  return Number.isInteger(body.n) && body.n >= 0 && body.n !== 1 ? body.n : 1;
}

function expectedAttributes(c: WireCase, failed: boolean, sawFirstChunk: boolean, choices: number): Expected {
  const e = c.expected;
  const hasFinishReasons = c.api === 'chat.completions' || c.api === 'completions';
  const reasons = hasFinishReasons && e.finish_reasons !== null ? e.finish_reasons : undefined;
  return {
    ...wireAttributes(c),
    'gen_ai.response.id': c.api === 'embeddings' ? undefined : (e.response_id ?? undefined),
    'gen_ai.response.finish_reasons': (hasFinishReasons
      ? completeFinishReasons(reasons, failed, sawFirstChunk, choices)
      : undefined) as AttributeValue | undefined,
    'gen_ai.usage.output_tokens': present(chatOutputTokens(c)),
  };
}

/** HTTP status → the class the openai SDK throws (and the adapter reports as `error.type`). */
const SDK_ERROR_CLASS: Record<number, string> = {
  ...STAINLESS_ERROR_CLASS,
  409: 'ConflictError',
  422: 'UnprocessableEntityError',
};

// ---- the suite ---------------------------------------------------------------------------------------------------

describe.skipIf(!corpusPresent)('wire corpus replay through the openai SDK', () => {
  const bed = useTestbed(openaiClient);
  const tally = useReplayTally('openai', cases);

  it('selects cases from every requested folder', () => {
    tally.expectEveryFolder(FOLDERS);
  });

  for (const c of cases) {
    caseTest(KNOWN_ADAPTER_BUGS, c)(c.id, async () => {
      const body = requestBody(c);
      bed.standIn.enqueue(c);
      let chunks = 0;
      const thrown = await settle(async () => {
        const result = await callSdk(bed.client, c, body);
        if (c.streaming) {
          for await (const _chunk of result) chunks++;
        }
      });

      const failed = failsOnWire(c);
      const expected = expectedAttributes(c, failed, chunks > 0, choiceCount(body));
      const span = await expectReplayed(bed.h, c, { thrown, failed, expected });
      if (c.expected.error) {
        expect(thrown).toBeInstanceOf(bed.sdk.APIError);
        expect(thrown.status).toBe(c.expected.error.http_status ?? c.response.status);
      }
      if (c.streaming) expect(chunks, 'stream chunks consumed').toBeGreaterThan(0);
      if (failed) {
        const errorType = span.attributes['error.type'];
        expect(typeof errorType === 'string' && errorType !== '', 'error.type set').toBe(true);
        if (thrown !== undefined) {
          // The adapter reports the SDK error class (low cardinality).
          expect(errorType).toBe((thrown as object).constructor.name);
        }
        if (c.expected.error?.http_status) {
          expect(errorType).toBe(SDK_ERROR_CLASS[c.expected.error.http_status] ?? 'APIError');
        }
      }
      tally.pass(c);
    });
  }
});
